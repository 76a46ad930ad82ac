"""Treatment plans and the SIP (samordnad individuell plan), kept as immutable versions.

Each save makes a new version; earlier versions stay readable. Every version is owned by the
organisation of the staff member who wrote it and is of record category PLANS: a reader from
the other organisation reads a treatment plan only under a consent that discloses plans, and
the SIP by the SIP rule (`access.policy.sip_grant`: one joint plan under the coordination
consent).

- A treatment plan belongs to one organisation at one unit (the region's behandlingsplan, the
  municipality's genomförandeplan): the person's goals in their own words, the interventions,
  who does what, the review date.
- The SIP (SoL 2 kap. 7 §, HSL 16 kap. 4 §) is the joint plan of the unit's organisations, made
  with the person's consent: the interventions needed and which authority (and named staff) is
  responsible for each, measures by others, which authority has overall responsibility, the
  participants and the person's agreement. SIP meetings are recorded with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.contacts.models import Intervention
from helhet.core import limits
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person, Relative

# --- Treatment plan -----------------------------------------------------------------------


class TreatmentPlan(models.Model):
    """One organisation's treatment plan for the person at a unit; its content is in versions."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="treatment_plans")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("treatment plan")
        verbose_name_plural = _("treatment plans")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "organisation"], name="plan_one_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"treatment plan {self.pk}"


class PlanVersion(models.Model):
    """One saved state of a treatment plan; never changed once written."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    goals = models.TextField(
        _("the person's goals, in their own words"), max_length=limits.GOAL_LENGTH
    )
    review_on = models.DateField(_("review date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("treatment plan version")
        verbose_name_plural = _("treatment plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"plan {self.plan_id} v{self.number}"


class PlanItem(models.Model):
    """One intervention in a treatment plan: what, and who does it."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="items")
    intervention = models.ForeignKey(
        Intervention,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("intervention"),
    )
    description = models.CharField(_("what, in words"), max_length=300, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who does it"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intervention__isnull=False) | ~Q(description=""),
                name="plan_item_says_what",
            )
        ]

    def __str__(self) -> str:
        return f"plan item {self.pk}"


# --- SIP ----------------------------------------------------------------------------------


class Sip(models.Model):
    """The person's SIP at a unit: the joint plan of the unit's organisations."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="sips")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SIP")
        verbose_name_plural = _("SIPs")
        constraints = [
            models.UniqueConstraint(fields=["person", "unit"], name="sip_one_per_person_and_unit")
        ]

    def __str__(self) -> str:
        return f"SIP {self.pk}"


class SipVersion(models.Model):
    """One saved state of a SIP, with the four legal elements; never changed once written."""

    class AgreedHow(models.TextChoices):
        WRITTEN = "written", _("In writing (signed)")
        ORAL = "oral", _("Orally, at the meeting")

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    goal = models.TextField(
        _("the person's goal, in their own words"), max_length=limits.GOAL_LENGTH, blank=True
    )
    overall_responsible = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("authority with overall responsibility"),
    )
    person_took_part = models.BooleanField(_("the person took part"), default=True)
    relatives = models.ManyToManyField(
        Relative, blank=True, related_name="+", verbose_name=_("relatives taking part")
    )
    other_participants = models.TextField(
        _("other participants (agencies, names)"), max_length=limits.TEXT_LENGTH, blank=True
    )
    agreed_on = models.DateField(_("the person agreed on"), null=True, blank=True)
    agreed_how = models.CharField(
        _("how the person agreed"), max_length=10, choices=AgreedHow.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("SIP version")
        verbose_name_plural = _("SIP versions")
        constraints = [
            models.UniqueConstraint(fields=["sip", "number"], name="sip_version_number_unique"),
            models.CheckConstraint(
                condition=Q(agreed_on__isnull=True, agreed_how="")
                | (Q(agreed_on__isnull=False) & ~Q(agreed_how="")),
                name="sip_version_agreement_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"SIP {self.sip_id} v{self.number}"


class SipIntervention(models.Model):
    """An intervention the person needs, and the authority (and staff) responsible for it."""

    version = models.ForeignKey(SipVersion, on_delete=models.PROTECT, related_name="interventions")
    intervention = models.ForeignKey(
        Intervention,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("intervention"),
    )
    description = models.CharField(_("what, in words"), max_length=300, blank=True)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible authority"),
    )
    responsible_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("named staff"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intervention__isnull=False) | ~Q(description=""),
                name="sip_intervention_says_what",
            )
        ]

    def __str__(self) -> str:
        return f"SIP intervention {self.pk}"


class SipMeasure(models.Model):
    """A measure by someone outside the unit's organisations (Försäkringskassan, …)."""

    class Agency(models.TextChoices):
        FORSAKRINGSKASSAN = "forsakringskassan", _("Försäkringskassan")
        ARBETSFORMEDLINGEN = "arbetsformedlingen", _("Arbetsförmedlingen")
        HOUSING = "housing", _("Housing")
        PRIMARY_CARE = "primary_care", _("Primary care")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other")

    version = models.ForeignKey(SipVersion, on_delete=models.PROTECT, related_name="measures")
    agency = models.CharField(_("agency"), max_length=30, choices=Agency.choices)
    agency_name = models.CharField(_("agency's name or contact"), max_length=200, blank=True)
    measure = models.CharField(_("measure"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"SIP measure {self.pk}"


class SipMeeting(models.Model):
    """A SIP meeting: who called it, who was invited, the minutes and the next follow-up."""

    sip = models.ForeignKey(Sip, on_delete=models.PROTECT, related_name="meetings")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("called by"),
    )
    invitees = models.TextField(_("invited (one per line)"), max_length=limits.TEXT_LENGTH)
    held_on = models.DateField(_("date of the meeting"))
    minutes = models.TextField(_("minutes"), max_length=limits.NOTE_LENGTH)
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("SIP meeting")
        verbose_name_plural = _("SIP meetings")

    def __str__(self) -> str:
        return f"SIP meeting {self.pk}"

    @property
    def invitee_lines(self) -> list[str]:
        return [line.strip() for line in self.invitees.splitlines() if line.strip()]
