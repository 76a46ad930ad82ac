"""Reminders: what is due at a unit, computed from the records by a background task.

A reminder points at the record that causes it (`source_id`, a row of the table its kind
names) and carries that record's owner organisation, so that the task list shows it only to
those who may read the record. The refresh task (`tasks.refresh_reminders`) adds reminders for
new causes and resolves those whose cause has gone; a resolved reminder is kept as history.
"""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.core.models import Organisation, Unit
from helhet.people.models import Person

if TYPE_CHECKING:
    from helhet.intake.models import Referral


class Reminder(models.Model):
    """Something due for a person (or, for a referral, a deviation or a dispute, the unit) at a
    unit."""

    class Kind(models.TextChoices):
        # source: the SIP meeting that set the follow-up date
        SIP_FOLLOW_UP_DUE = "sip_follow_up_due", _("SIP follow-up due")
        # source: the treatment plan's latest version
        PLAN_REVIEW_DUE = "plan_review_due", _("Treatment plan review due")
        # source: the consent
        CONSENT_EXPIRING = "consent_expiring", _("Consent expiring")
        # source: the referral (no person yet)
        REFERRAL_WAITING = "referral_waiting", _("Referral waiting too long")
        # source: the open episode
        NO_RECENT_CONTACT = "no_recent_contact", _("No recent contact")
        # source: the deviation between the authorities (no person: the addressed party's
        # managers and coordinators answer it; organisation: the addressed party)
        DEVIATION_ANSWER_DUE = "deviation_answer_due", _("Deviation to answer")
        # source: the dispute between the authorities (no person: both parties' managers and
        # coordinators decide at its step; organisation: the raising party)
        DISPUTE_STEP_DUE = "dispute_step_due", _("Dispute step to decide")
        # source: the step of a steering group's year (no person: the managers and
        # coordinators of each of the group's units are reminded; organisation: the unit's
        # first organisation)
        CYCLE_STEP_DUE = "cycle_step_due", _("Step of the steering group's year due")
        # source: the consultation between the authorities (no person: the addressed contact
        # person answers it, or the party's managers and coordinators; organisation: the party)
        CONSULTATION_ANSWER_DUE = "consultation_answer_due", _("Consultation to answer")

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    due_on = models.DateField(_("due"))
    source_id = models.PositiveBigIntegerField()
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The owner of the record the reminder is about.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    # Not columns: set for the task list (`selectors.task_list`).
    days_overdue: int
    act_url: str
    overview_url: str
    referral: "Referral | None"

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # Per unit: a steering group's step is reminded at each of the group's units.
            models.UniqueConstraint(
                fields=["unit", "kind", "source_id"],
                condition=Q(resolved_at__isnull=True),
                name="reminder_one_open_per_source",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False)
                | Q(
                    kind__in=[
                        "referral_waiting",
                        "deviation_answer_due",
                        "dispute_step_due",
                        "cycle_step_due",
                        "consultation_answer_due",
                    ]
                ),
                name="reminder_names_person_unless_referral",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit", "kind", "due_on"],
                condition=Q(resolved_at__isnull=True),
                name="reminder_open_by_unit",
            ),
            # The start page reads a unit's open reminders of every kind in due order.
            models.Index(
                fields=["unit", "due_on", "id"],
                condition=Q(resolved_at__isnull=True),
                name="reminder_open_by_unit_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} due {self.due_on}"


class UnitRefresh(models.Model):
    """When a unit's reminders were last computed, and last asked for."""

    unit = models.OneToOneField(Unit, primary_key=True, on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reminders of unit {self.unit_id} refreshed {self.refreshed_at}"
