"""Warnings the case team needs on every page about the person (a risk to staff on home
visits, LARO): a kind from a fixed list, a short text, kept at a unit by an organisation.

Read as records of the category the warning reveals (`CATEGORY_OF_KIND`): the safety warnings
(risk on home visits, threats, interpreter) as enrolment records, the shared layer of the unit
that the other organisation's staff with a relationship there read under the coordination
consent; LARO as medication, suicide risk, medical and other warnings as record notes, which
cross between the authorities only when the consent discloses that category. A block of the
unit hides them all.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helhet.access.models import RecordCategory
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person

# A warning is a line in the person header: short.
ALERT_TEXT_LENGTH = 300


class Alert(models.Model):
    class Kind(models.TextChoices):
        HOME_VISIT_RISK = "home_visit_risk", _("Risk to staff on home visits")
        THREATS = "threats", _("Threats or violence")
        LARO = "laro", _("LARO (opioid substitution treatment)")
        SUICIDE_RISK = "suicide_risk", _("Suicide risk")
        MEDICAL = "medical", _("Medical warning (e.g. allergy, epilepsy)")
        INTERPRETER = "interpreter", _("Interpreter needed")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="alerts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of warning"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("what the team needs to know"), max_length=ALERT_TEXT_LENGTH)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [models.Index(fields=["person", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_by__isnull=False),
                name="alert_ended_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"

    @property
    def category(self) -> str:
        """The record category the warning reveals (`CATEGORY_OF_KIND`)."""
        return CATEGORY_OF_KIND[self.kind]

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    # Not a column: set by the selector for the page (may the user end it here).
    may_end: bool


# What each kind of warning reveals, and so the consent it crosses between the authorities
# under. Safety warnings belong to the shared layer the team needs on home visits; LARO is
# medication; suicide risk and medical warnings are clinical observations like a record note
# (not assessments: those are the AUDIT/DUDIT scores); "other" may hold anything, so the
# strictest.
CATEGORY_OF_KIND: dict[str, str] = {
    Alert.Kind.HOME_VISIT_RISK: RecordCategory.ENROLMENT,
    Alert.Kind.THREATS: RecordCategory.ENROLMENT,
    Alert.Kind.INTERPRETER: RecordCategory.ENROLMENT,
    Alert.Kind.LARO: RecordCategory.MEDICATION,
    Alert.Kind.SUICIDE_RISK: RecordCategory.NOTES,
    Alert.Kind.MEDICAL: RecordCategory.NOTES,
    Alert.Kind.OTHER: RecordCategory.NOTES,
}
