"""Outcomes: where the person stands at intake and at each follow-up at a unit.

One outcome records the person's problem areas, diagnoses (ICD-10 codes, or the reason none is
set), housing, occupation or income, and psychiatric inpatient and emergency care in the last
period (its length in months). It is owned by the recorder's organisation and read as an
assessment is (record category assessments). It is never edited: a correction is a new outcome
that `corrects` it, by the same organisation at its unit, with a reason (`core.corrections`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from helhet.care.models import Episode
from helhet.core import limits
from helhet.core.corrections import Correctable, correction_constraints
from helhet.core.models import Organisation, Unit
from helhet.people.models import Person

MAX_DIAGNOSES = 10
MAX_PERIOD_MONTHS = 24
DEFAULT_PERIOD_MONTHS = 6
MAX_EPISODES = 50  # inpatient episodes in the period
MAX_DAYS = MAX_PERIOD_MONTHS * 31  # inpatient days in the period
MAX_VISITS = 200  # emergency visits in the period


class ProblemArea(models.TextChoices):
    """The target group's areas (seed 000 "Målgrupp"), one column each on the outcome."""

    ALCOHOL = "alcohol", _("Alcohol")
    NARCOTICS = "narcotics", _("Narcotics")
    MEDICINES = "medicines", _("Medicines")
    DOPING = "doping", _("Doping")
    GAMBLING = "gambling", _("Gambling")


class Outcome(Correctable):
    """The person's situation at UNIT on a date, at intake or at a follow-up."""

    class Occasion(models.TextChoices):
        INTAKE = "intake", _("Intake")
        FOLLOW_UP = "follow_up", _("Follow-up")

    class NoDiagnosis(models.TextChoices):
        NOT_ASSESSED = "not_assessed", _("Not assessed")
        NO_DIAGNOSIS = "no_diagnosis", _("No diagnosis")
        ONGOING = "ongoing", _("Assessment ongoing")
        OUTSIDE_REMIT = "outside_remit", _("Outside the unit's remit")
        OTHER = "other", _("Other reason")

    class Housing(models.TextChoices):
        OWN = "own", _("Own housing")
        RENTED = "rented", _("Rented with a contract")
        SUPPORTED = "supported", _("Supported or category housing")
        INSTITUTION = "institution", _("Institution")
        HOMELESS = "homeless", _("Homeless or in acute housing")
        OTHER = "other", _("Other housing")

    class Occupation(models.TextChoices):
        WORK = "work", _("Work")
        STUDIES = "studies", _("Studies")
        COMPENSATION = "compensation", _("Sickness or activity compensation")
        ASSISTANCE = "assistance", _("Economic assistance")
        UNEMPLOYED = "unemployed", _("Unemployment")
        PENSION = "pension", _("Pension")
        OTHER = "other", _("Other occupation or income")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="outcomes")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField(_("date"))
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    # the problem areas: one column each, so that the follow-up counts them on any database
    alcohol = models.BooleanField(_("alcohol"), default=False)
    narcotics = models.BooleanField(_("narcotics"), default=False)
    medicines = models.BooleanField(_("medicines"), default=False)
    doping = models.BooleanField(_("doping"), default=False)
    gambling = models.BooleanField(_("gambling"), default=False)
    # ICD-10 codes as entered and checked ("F10.2"), or the reason none is set
    diagnoses = models.JSONField(_("diagnoses (ICD-10)"), default=list, blank=True)
    no_diagnosis_reason = models.CharField(
        _("reason no diagnosis is set"), max_length=20, choices=NoDiagnosis.choices, blank=True
    )
    no_diagnosis_text = models.CharField(
        _("the other reason"), max_length=limits.NAME_LENGTH, blank=True
    )
    housing = models.CharField(_("housing"), max_length=20, choices=Housing.choices)
    occupation = models.CharField(
        _("occupation or income"), max_length=20, choices=Occupation.choices
    )
    period_months = models.PositiveSmallIntegerField(
        _("the last period, in months"),
        default=DEFAULT_PERIOD_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PERIOD_MONTHS)],
    )
    inpatient_episodes = models.PositiveSmallIntegerField(
        _("psychiatric inpatient care episodes"),
        validators=[MaxValueValidator(MAX_EPISODES)],
    )
    inpatient_days = models.PositiveSmallIntegerField(
        _("psychiatric inpatient care days"), validators=[MaxValueValidator(MAX_DAYS)]
    )
    emergency_visits = models.PositiveSmallIntegerField(
        _("psychiatric emergency visits"), validators=[MaxValueValidator(MAX_VISITS)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessed_on", "recorded_at", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            *correction_constraints("outcome"),
            models.CheckConstraint(
                condition=Q(occasion__in=["intake", "follow_up"]), name="outcome_occasion_known"
            ),
            models.CheckConstraint(
                condition=Q(period_months__gte=1, period_months__lte=MAX_PERIOD_MONTHS)
                & Q(inpatient_episodes__lte=MAX_EPISODES, inpatient_days__lte=MAX_DAYS)
                & Q(emergency_visits__lte=MAX_VISITS)
                & Q(inpatient_days__gte=F("inpatient_episodes")),
                name="outcome_numbers_bounded",
            ),
            models.CheckConstraint(
                condition=Q(no_diagnosis_reason="other") | Q(no_diagnosis_text=""),
                name="outcome_other_reason_text_only_for_other",
            ),
            models.CheckConstraint(  # diagnoses, or the reason none is set: one of the two
                condition=(Q(no_diagnosis_reason="") & ~Q(diagnoses=[]))
                | (~Q(no_diagnosis_reason="") & Q(diagnoses=[])),
                name="outcome_diagnoses_or_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "assessed_on"], name="outcome_person_history"),
            models.Index(fields=["unit", "assessed_on"], name="outcome_unit_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.assessed_on}"

    @property
    def problem_areas(self) -> list[str]:
        return [area for area in ProblemArea.values if getattr(self, area)]

    @property
    def problem_area_labels(self) -> list[str]:
        return [str(ProblemArea(area).label) for area in self.problem_areas]

    @property
    def no_diagnosis_shown(self) -> str:
        """The reason none is set, as shown: the other reason's own text."""
        if self.no_diagnosis_reason == self.NoDiagnosis.OTHER:
            return f"{self.get_no_diagnosis_reason_display()}: {self.no_diagnosis_text}"
        return self.get_no_diagnosis_reason_display()
