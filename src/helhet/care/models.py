"""Episodes of enrolment at a unit and the person's case team."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Organisation, Unit
from helhet.people.models import Person


class ClosureReason(models.Model):
    """The catalogue of reasons an episode is closed for."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("closure reason")
        verbose_name_plural = _("closure reasons")

    def __str__(self) -> str:
        return self.name


class Episode(models.Model):
    """One period of enrolment (inskrivning) of a person at a unit.

    The episode belongs to the organisation of the staff member who opened it.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="episodes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="episodes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    closure_reason = models.ForeignKey(
        ClosureReason,
        verbose_name=_("reason for closing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reactivation_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reactivated_by",
        verbose_name=_("reactivation of"),
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("episode")
        verbose_name_plural = _("episodes")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit"],
                condition=Q(closed_on__isnull=True),
                name="episode_one_open_per_person_and_unit",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="episode_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, closure_reason__isnull=True)
                | Q(closed_on__isnull=False, closure_reason__isnull=False),
                name="episode_closed_with_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "person"],
                condition=Q(closed_on__isnull=True),
                name="episode_open_by_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit} ({self.opened_on})"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class CaseTeamMember(models.Model):
    """A named staff member on the person's team at one unit; case managers coordinate."""

    class Role(models.TextChoices):
        CASE_MANAGER = "case_manager", _("Case manager")
        MEMBER = "member", _("Team member")

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="case_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "user__last_name"]
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")
        constraints = [
            models.UniqueConstraint(fields=["episode", "user"], name="case_team_unique_member")
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.user_id}"
