"""Organisations (huvudmän), the units they run together, staff users and their memberships."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import limits


class Municipality(models.Model):
    """A Swedish municipality, by its four-digit code (kommunkod); where persons are resident."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An authority (huvudman): the controller of the records its staff write."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation_number = models.CharField(
        _("organisation number"), max_length=11, unique=True, help_text=_("NNNNNN-NNNN")
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("For a municipality: which one."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """An integrated unit run jointly by two or more organisations."""

    class Type(models.TextChoices):
        SOCIAL_MEDICINE = "social_medicine", _("Social-medicine clinic")
        MINI_MARIA = "mini_maria", _("Mini-Maria")
        ACT = "act", _("ACT team")
        SPOT = "spot", _("SPOT team")
        OTHER = "other", _("Other")

    class AccessMode(models.TextChoices):
        TEAM = "team", _("Everyone at the unit")
        CASE_TEAM = "case_team", _("Only the person's case team")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), unique=True)
    unit_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("run by"), related_name="units"
    )
    age_min = models.PositiveSmallIntegerField(
        _("youngest age"), null=True, blank=True, validators=[MaxValueValidator(limits.MAX_AGE)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("oldest age"), null=True, blank=True, validators=[MaxValueValidator(limits.MAX_AGE)]
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities of residence"),
        blank=True,
        help_text=_("Leave empty to accept residents of any municipality."),
    )
    target_group = models.TextField(_("target group"), max_length=limits.TEXT_LENGTH, blank=True)
    serves_relatives = models.BooleanField(
        _("serves relatives"),
        default=False,
        help_text=_(
            "Relatives may be enrolled as clients of their own (for example parents' advice "
            "sessions); the unit's age limits do not apply to them."
        ),
    )
    access_mode = models.CharField(
        _("access"), max_length=20, choices=AccessMode.choices, default=AccessMode.TEAM
    )
    referral_wait_limit_days = models.PositiveSmallIntegerField(
        _("longest wait for a referral decision (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A referral undecided for longer than this shows on the staff's task lists."),
    )
    no_contact_weeks = models.PositiveSmallIntegerField(
        _("longest time without contact (weeks)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_(
            "An enrolled person with no attended contact for this long shows on the staff's "
            "task lists."
        ),
    )
    calendar_feed_shows_names = models.BooleanField(
        _("calendar feeds show names"),
        default=False,
        help_text=_(
            "When ticked, the staff's calendar feeds name the persons booked at this unit; "
            "otherwise an event says only what kind of booking it is."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=models.F("age_max")),
                name="unit_age_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member (or an administrator, who has no organisation and no clinical access)."""

    class Profession(models.TextChoices):
        SOCIAL_WORKER = "social_worker", _("Social worker")
        COUNSELLOR = "counsellor", _("Counsellor")
        NURSE = "nurse", _("Nurse")
        PHYSICIAN = "physician", _("Physician")
        PSYCHOLOGIST = "psychologist", _("Psychologist")
        TREATMENT_ASSISTANT = "treatment_assistant", _("Treatment assistant")
        CASE_MANAGER = "case_manager", _("Case manager")
        COORDINATOR = "coordinator", _("Coordinator")
        MANAGER = "manager", _("Manager")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    profession = models.CharField(
        _("profession"), max_length=30, choices=Profession.choices, blank=True
    )
    # Login through an identity provider (core/oidc.py) may match its claim against this.
    hsa_id = models.CharField(
        _("HSA-id"),
        max_length=31,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The employee's HSA-id, e.g. SE2321000016-1234 (for login with SITHS eID)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A staff user's place at a unit, with a role there."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        COORDINATOR = "coordinator", _("Coordinator")
        MANAGER = "manager", _("Manager")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_unique_user_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"


# The roles that review a unit's access log and produce log extracts (access.selectors; the
# main menu's "Access log" link).
REVIEWER_ROLES = (Membership.Role.MANAGER, Membership.Role.COORDINATOR)


class Submission(models.Model):
    """One create form's submission: its one-time key, who sent it and where its result is
    (core/submissions.py); kept for a day."""

    key = models.CharField(max_length=64, unique=True)
    # None for the public self-referral page.
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    result_url = models.CharField(max_length=2000, blank=True)

    def __str__(self) -> str:
        return self.key
