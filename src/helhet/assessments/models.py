"""Assessments: one filled-in instrument (AUDIT, DUDIT) for a person, as it was scored that day.

The result keeps the answers and everything the scoring found (total, sub-scores, zone, the
cut-offs with the threshold and description that applied to the person's legal sex and age), so
a later change to an instrument file does not rewrite what staff saw when they recorded it.

An assessment is never edited: a correction is a new assessment that `corrects` the earlier one
(with a reason). The earlier one is then superseded: it stays readable in the history, marked
as corrected, but no longer counts in the chart or as the latest result.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from helhet.care.models import Episode
from helhet.core import limits
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person


class Assessment(models.Model):
    """One instrument filled in for PERSON at UNIT, owned by the recorder's organisation."""

    class Occasion(models.TextChoices):
        INTAKE = "intake", _("Intake")
        FOLLOW_UP = "follow_up", _("Follow-up")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(_("instrument"), max_length=20)
    instrument_version = models.CharField(_("instrument version"), max_length=20)
    assessed_on = models.DateField(_("date of assessment"))
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    # item number (as text: JSON keys) -> the score of the chosen option, or null: unanswered
    answers = models.JSONField(_("answers"), default=dict)
    complete = models.BooleanField(_("complete"))
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    subscores = models.JSONField(_("sub-scores"), default=dict)
    zone = models.CharField(_("zone"), max_length=20, blank=True)
    zone_label = models.JSONField(_("zone label"), default=dict)  # {"sv": ..., "en": ...}
    zone_raised = models.BooleanField(_("zone raised by single items"), default=False)
    # The instrument's main cut-off as it applied (the first in its file) ...
    cutoff_code = models.CharField(_("cut-off"), max_length=40, blank=True)
    cutoff_value = models.PositiveSmallIntegerField(_("cut-off value"), null=True, blank=True)
    cutoff_description = models.JSONField(_("cut-off description"), default=dict)
    at_or_above = models.BooleanField(_("at or above the cut-off"), null=True, blank=True)
    # ... and every cut-off: [{code, value, description {sv, en}, variant, score, at_or_above}]
    cutoffs = models.JSONField(_("cut-offs"), default=list)
    sex = models.CharField(_("legal sex used"), max_length=10, choices=Person.Sex.choices)
    age = models.PositiveSmallIntegerField(_("age used"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    correction_reason = models.TextField(
        _("reason for the correction"), max_length=limits.TEXT_LENGTH, blank=True
    )

    # Not columns: whether the reader may read the correction's reason, a record note
    # (`core.corrections.mark_reasons`).
    reason_shown: bool
    reason_withheld: bool

    class Meta:
        ordering = ["assessed_on", "recorded_at", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(complete=True, total__isnull=False)
                | Q(complete=False, total__isnull=True, zone=""),
                name="assessment_total_only_when_complete",
            ),
            models.CheckConstraint(
                condition=Q(occasion__in=["intake", "follow_up", "other"]),
                name="assessment_occasion_known",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, correction_reason="")
                | (Q(corrects__isnull=False) & ~Q(correction_reason="")),
                name="assessment_correction_with_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["person", "instrument", "assessed_on"], name="assessment_person_history"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.upper()} {self.assessed_on}: {self.total}"

    @property
    def zone_text(self) -> str:
        return in_language(self.zone_label) or self.zone

    @property
    def cutoff_text(self) -> str:
        return in_language(self.cutoff_description)

    @property
    def superseded(self) -> bool:
        """Corrected by a later assessment (select_related("correction") saves the query)."""
        try:
            return self.correction is not None
        except Assessment.correction.RelatedObjectDoesNotExist:
            return False

    @property
    def unanswered(self) -> list[int]:
        return sorted(int(number) for number, score in self.answers.items() if score is None)


def in_language(text: dict) -> str:
    """The Swedish or English of a stored {"sv", "en"} text, as the page is shown."""
    if not text:
        return ""
    language = "sv" if (get_language() or "sv").startswith("sv") else "en"
    return text.get(language) or text.get("sv") or text.get("en") or ""
