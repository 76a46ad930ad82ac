"""Recording and correcting outcomes. Bad input raises ValidationError keyed by form field and
leaves nothing saved; each write logs one access-log row in its transaction."""

import datetime
from typing import TypedDict, Unpack, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.contacts.actions import acting_unit
from helhet.core.corrections import as_correction_of, correction_reason, lock_for_correcting

from .icd10 import check_codes
from .models import (
    MAX_DAYS,
    MAX_EPISODES,
    MAX_PERIOD_MONTHS,
    MAX_VISITS,
    Outcome,
    ProblemArea,
)


class OutcomeEntry(TypedDict):
    """What staff enter for an outcome (the form's fields)."""

    assessed_on: datetime.date
    occasion: str
    problem_areas: list[str]
    diagnoses: list[str]
    no_diagnosis_reason: str
    no_diagnosis_text: str
    housing: str
    occupation: str
    period_months: int
    inpatient_episodes: int
    inpatient_days: int
    emergency_visits: int


@transaction.atomic
def outcome_record(
    *, actor: Actor, access: PersonAccess, **entered: Unpack[OutcomeEntry]
) -> Outcome:
    """Record the person's outcome as ENTERED at the actor's active unit, owned by the actor's
    organisation, in the person's open episode there (when there is one)."""
    unit = acting_unit(actor, access)
    outcome = Outcome(
        person=access.person,
        unit=unit,
        episode=next((e for e in access.episodes if e.is_open and e.unit_id == unit.pk), None),
        organisation_id=actor.organisation_id,
        recorded_by=actor.user,
    )
    _save(outcome, access, entered)
    record_access(actor, access, action="create", what=what("outcome recorded", unit))
    return outcome


@transaction.atomic
def outcome_correct(
    *,
    actor: Actor,
    access: PersonAccess,
    outcome_id: int,
    reason: str,
    **entered: Unpack[OutcomeEntry],
) -> Outcome:
    """Correct an outcome: a new one as ENTERED that `corrects` it, with REASON. Only the
    organisation that recorded it corrects it, at its unit; the earlier row is locked, so that
    of two corrections at once one is saved and the other told."""
    unit = acting_unit(actor, access)
    mine = Outcome.objects.filter(
        person=access.person, organisation_id=actor.organisation_id, unit=unit
    )
    earlier = cast(
        Outcome,
        lock_for_correcting(
            mine,
            outcome_id,
            refused=_(
                "Only the organisation that recorded an outcome may correct it, at its unit."
            ),
            corrected=_("This outcome has been corrected already: on %(date)s by %(user)s."),
        ),
    )
    outcome = Outcome(
        person=access.person,
        unit=unit,
        episode_id=earlier.episode_id,
        organisation_id=actor.organisation_id,
        recorded_by=actor.user,
    )
    as_correction_of(outcome, earlier, correction_reason(reason))
    _save(outcome, access, entered)
    detail = f"{unit}, {earlier.assessed_on:%Y-%m-%d}"
    record_access(actor, access, action="create", what=what("outcome corrected", detail))
    return outcome


def _save(outcome: Outcome, access: PersonAccess, entered: OutcomeEntry) -> None:
    """Check ENTERED, then save OUTCOME (unsaved; person, unit and owner set) with it."""
    _check_date(entered["assessed_on"], access.person.birth_date)
    _check_choices(entered)
    diagnoses = check_codes(list(entered["diagnoses"]))
    reason, text = entered["no_diagnosis_reason"], entered["no_diagnosis_text"].strip()
    _check_diagnosis_or_reason(diagnoses, reason, text)
    _check_care(entered)
    for area in ProblemArea.values:
        setattr(outcome, area, area in entered["problem_areas"])
    outcome.assessed_on, outcome.occasion = entered["assessed_on"], entered["occasion"]
    outcome.diagnoses, outcome.no_diagnosis_reason = diagnoses, reason
    outcome.no_diagnosis_text = text if reason == Outcome.NoDiagnosis.OTHER else ""
    outcome.housing, outcome.occupation = entered["housing"], entered["occupation"]
    for name in ("period_months", "inpatient_episodes", "inpatient_days", "emergency_visits"):
        setattr(outcome, name, entered[name])
    outcome.save()


def _check_date(day: datetime.date, birth_date: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date lies in the future.")})
    if day < birth_date:
        raise ValidationError({"assessed_on": _("The date is before the person was born.")})


def _check_choices(entered: OutcomeEntry) -> None:
    allowed = {
        "occasion": (Outcome.Occasion.values, _("Choose the occasion.")),
        "housing": (Outcome.Housing.values, _("Choose the housing.")),
        "occupation": (Outcome.Occupation.values, _("Choose the occupation or income.")),
    }
    for field, (values, message) in allowed.items():
        if entered[field] not in values:  # type: ignore[literal-required]
            raise ValidationError({field: message})
    if not set(entered["problem_areas"]) <= set(ProblemArea.values):
        raise ValidationError({"problem_areas": _("Choose problem areas from the list.")})
    reason = entered["no_diagnosis_reason"]
    if reason and reason not in Outcome.NoDiagnosis.values:
        raise ValidationError({"no_diagnosis_reason": _("Choose a reason from the list.")})


def _check_diagnosis_or_reason(diagnoses: list[str], reason: str, text: str) -> None:
    """Diagnoses, or the reason none is set: one of the two, not both."""
    if diagnoses and reason:
        raise ValidationError(
            {"no_diagnosis_reason": _("Enter diagnoses or the reason none is set, not both.")}
        )
    if not diagnoses and not reason:
        raise ValidationError(
            {"diagnoses": _("Enter the diagnoses (ICD-10), or choose the reason none is set.")}
        )
    if reason == Outcome.NoDiagnosis.OTHER and not text:
        raise ValidationError({"no_diagnosis_text": _("Describe the other reason.")})


def _check_care(entered: OutcomeEntry) -> None:
    """The numbers of psychiatric care within their bounds, and possible in the period."""
    months = entered["period_months"]
    if not 1 <= months <= MAX_PERIOD_MONTHS:
        raise ValidationError(
            {"period_months": _("The period is 1 to %(max)s months.") % {"max": MAX_PERIOD_MONTHS}}
        )
    bounds = {
        "inpatient_episodes": MAX_EPISODES,
        "inpatient_days": min(MAX_DAYS, months * 31),
        "emergency_visits": MAX_VISITS,
    }
    for field, most in bounds.items():
        if not 0 <= entered[field] <= most:  # type: ignore[literal-required]
            raise ValidationError({field: _("Enter a number from 0 to %(max)s.") % {"max": most}})
    if entered["inpatient_days"] < entered["inpatient_episodes"]:
        raise ValidationError(
            {
                "inpatient_days": _(
                    "Each inpatient care episode lasts a day at least: enter as many days as "
                    "episodes, or more."
                )
            }
        )
