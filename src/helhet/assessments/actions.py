"""Recording an assessment: score the answers for the person's legal sex and age, keep it all.

Bad input (an answer the instrument does not allow, a date in the future, unanswered items
without the choice to save the form as incomplete) raises ValidationError keyed by form field
and leaves nothing saved.
"""

import datetime
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.people.identity import age_on

from . import catalogue
from .instruments import Instrument, Text
from .models import Assessment
from .scoring import InvalidAnswer, Result, score


def item_field(number: int) -> str:
    """The form field of item NUMBER, which errors about that item are keyed by."""
    return f"item_{number}"


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    access: PersonAccess,
    instrument: str,
    assessed_on: datetime.date,
    occasion: str,
    answers: Mapping[int, int | None],
    allow_incomplete: bool = False,
) -> Assessment:
    """Record INSTRUMENT as answered by the person on ASSESSED_ON, at the actor's active unit.

    ANSWERS maps item numbers to the score of the chosen option (None: unanswered). The sex and
    age come from the person (age on ASSESSED_ON), never from the form. A form with unanswered
    items is saved only when ALLOW_INCOMPLETE says the user chose to, and then without a total.
    """
    assessment = _scored_assessment(
        actor,
        access,
        instrument=instrument,
        assessed_on=assessed_on,
        occasion=occasion,
        answers=answers,
        allow_incomplete=allow_incomplete,
    )
    assessment.save()
    name = catalogue.instrument(assessment.instrument).name
    record_access(actor, access, action="create", what=what("assessment recorded", name))
    return assessment


@transaction.atomic
def assessment_correct(
    *,
    actor: Actor,
    access: PersonAccess,
    assessment_id: int,
    reason: str,
    assessed_on: datetime.date,
    occasion: str,
    answers: Mapping[int, int | None],
    allow_incomplete: bool = False,
) -> Assessment:
    """Correct an assessment: record a new one of the same instrument that `corrects` it.

    Only the organisation that recorded the earlier assessment corrects it, at a unit where the
    actor may act, and with a REASON. The earlier one is then superseded (it stays in the
    history, no longer counted); an assessment is corrected once, a correction may be corrected
    in turn. The earlier row is locked, so that two corrections cannot both pass.
    """
    earlier = (
        Assessment.objects.select_for_update()
        .filter(pk=assessment_id, person=access.person, organisation_id=actor.organisation_id)
        .first()
    )
    if earlier is None:
        raise ValidationError(
            _("Only the organisation that recorded an assessment may correct it.")
        )
    correction = Assessment.objects.filter(corrects=earlier).select_related("recorded_by").first()
    if correction is not None:  # meanwhile, or earlier: say by whom
        raise ValidationError(
            _("This assessment has been corrected already: on %(date)s by %(user)s.")
            % {
                "date": timezone.localdate(correction.recorded_at).isoformat(),
                "user": correction.recorded_by,
            }
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    assessment = _scored_assessment(
        actor,
        access,
        instrument=earlier.instrument,
        assessed_on=assessed_on,
        occasion=occasion,
        answers=answers,
        allow_incomplete=allow_incomplete,
    )
    assessment.corrects, assessment.correction_reason = earlier, reason
    assessment.save()
    detail = f"{catalogue.instrument(earlier.instrument).name}, {earlier.assessed_on:%Y-%m-%d}"
    record_access(actor, access, action="create", what=what("assessment corrected", detail))
    return assessment


def _scored_assessment(actor: Actor, access: PersonAccess, *, instrument: str, **entered):
    """The assessment (unsaved) of INSTRUMENT as ENTERED, scored for the person; refused with
    ValidationError when the actor may not act at the active unit or the input is bad."""
    unit = actor.unit
    if unit is None or not access.may_act_at(unit.pk):
        raise ValidationError(
            _(
                "You may record assessments only at a unit where you have a care "
                "relationship with the person."
            )
        )
    chosen = _instrument(instrument)
    person = access.person
    _check_date(entered["assessed_on"], person.birth_date)
    if entered["occasion"] not in Assessment.Occasion.values:
        raise ValidationError({"occasion": _("Choose the occasion.")})
    age = age_on(person.birth_date, entered["assessed_on"])
    result = _scored(chosen, entered["answers"], sex=person.legal_sex, age=age)
    if not result.complete and not entered["allow_incomplete"]:
        raise _unanswered(result.missing)
    return Assessment(
        person=person,
        unit=unit,
        episode=_open_episode(access, unit.pk),
        organisation_id=actor.organisation_id,
        instrument=chosen.code,
        instrument_version=chosen.version,
        assessed_on=entered["assessed_on"],
        occasion=entered["occasion"],
        sex=person.legal_sex,
        age=age,
        recorded_by=actor.user,
        **result_fields(chosen, result),
    )


def _instrument(code: str) -> Instrument:
    try:
        return catalogue.instrument(code)
    except LookupError:
        raise ValidationError(_("There is no instrument %(code)s.") % {"code": code}) from None


def _check_date(assessed_on: datetime.date, birth_date: datetime.date) -> None:
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("The date of the assessment lies in the future.")})
    if assessed_on < birth_date:
        raise ValidationError(
            {"assessed_on": _("The date of the assessment is before the person was born.")}
        )


def _scored(chosen: Instrument, answers: Mapping[int, int | None], *, sex: str, age: int) -> Result:
    try:
        return score(chosen, answers, sex=sex, age=age, variants=catalogue.variants(chosen.code))
    except InvalidAnswer as error:
        if error.item is None or error.item not in {item.number for item in chosen.items}:
            message = _("%(instrument)s has no item %(item)s.")
            raise ValidationError(
                message % {"instrument": chosen.name, "item": error.item}
            ) from None
        item = chosen.item(error.item)
        message = _("%(value)s is not one of the answers to item %(item)s (allowed: %(allowed)s).")
        allowed = ", ".join(str(s) for s in sorted(item.scores))
        raise ValidationError(
            {
                item_field(item.number): message
                % {"value": answers[item.number], "item": item.number, "allowed": allowed}
            }
        ) from None


def _unanswered(missing: tuple[int, ...]) -> ValidationError:
    """The refusal of a form with unanswered items: a summary, and each item marked."""
    message = ngettext(
        "Item %(items)s is not answered. Answer it, or choose “Save as incomplete” to save "
        "the form without a total.",
        "Items %(items)s are not answered. Answer them, or choose “Save as incomplete” to "
        "save the form without a total.",
        len(missing),
    ) % {"items": ", ".join(str(number) for number in missing)}
    errors: dict[str, list] = {NON_FIELD_ERRORS: [message]}
    errors.update({item_field(number): [_("Not answered.")] for number in missing})
    return ValidationError(errors)


def _open_episode(access: PersonAccess, unit_id: int):
    """The person's open episode at the unit (the policy has loaded the episodes already)."""
    return next((e for e in access.episodes if e.is_open and e.unit_id == unit_id), None)


def _text(text: Text | None) -> dict[str, str]:
    return {"sv": text.sv, "en": text.en} if text else {}


def result_fields(chosen: Instrument, result: Result) -> dict:
    """The model fields that keep what the scoring found, as it was found."""
    main = result.cutoff
    return {
        "answers": {str(item.number): result.answers.get(item.number) for item in chosen.items},
        "complete": result.complete,
        "total": result.total,
        "subscores": dict(result.subscores),
        "zone": result.zone.code if result.zone else "",
        "zone_label": _text(result.zone.label if result.zone else None),
        "zone_raised": bool(result.zone and result.zone_raised),
        "cutoff_code": main.code if main else "",
        "cutoff_value": main.value if main else None,
        "cutoff_description": _text(main.description if main else None),
        "at_or_above": main.at_or_above if main else None,
        "cutoffs": [
            {
                "code": c.code,
                "label": _text(c.cutoff.label),
                "value": c.value,
                "description": _text(c.description),
                "variant": c.variant,
                "score": c.score,
                "at_or_above": c.at_or_above,
            }
            for c in result.cutoffs
        ],
    }
