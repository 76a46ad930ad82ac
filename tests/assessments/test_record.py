"""Recording an assessment (the action): what is kept, whose sex and age apply, what is refused."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from helhet.access import policy
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, Basis
from helhet.assessments.actions import assessment_record
from helhet.assessments.models import Assessment
from helhet.people.models import Person

from .utils import audit_without_raise, dudit_with_total, form

ON = datetime.date(2026, 3, 2)


def access_for(user, person):
    """The policy's view of PERSON for USER, as a request would give it."""
    request = SimpleNamespace(user=user, memberships=list(user.memberships.all()))
    return policy.person_access(request, person.pk)


def record(county, answers, *, user=None, instrument="audit", on=ON, **kwargs):
    user = user or county.nurse
    return assessment_record(
        actor=Actor(user, county.clinic, "test"),
        access=access_for(user, county.patient),
        instrument=instrument,
        assessed_on=on,
        occasion=kwargs.pop("occasion", "intake"),
        answers=answers,
        **kwargs,
    )


def make(county, *, sex, birth_date=datetime.date(1980, 5, 17)):
    Person.objects.filter(pk=county.patient.pk).update(legal_sex=sex, birth_date=birth_date)


def test_a_complete_audit_keeps_answers_total_zone_and_the_cut_off_that_applied(county):
    make(county, sex="female")
    answers = audit_without_raise(7)

    assessment = record(county, answers)

    assessment.refresh_from_db()
    assert assessment.answers == {str(n): s for n, s in answers.items()}
    assert (assessment.complete, assessment.total, assessment.zone) == (True, 7, "I")
    assert (assessment.cutoff_code, assessment.cutoff_value, assessment.at_or_above) == (
        "hazardous_use",
        6,
        True,
    )
    assert assessment.cutoff_description["en"] == "AUDIT ≥ 6, women"
    assert assessment.subscores == {"audit_c": answers[1] + answers[2] + answers[3]}
    assert [c["code"] for c in assessment.cutoffs] == ["hazardous_use", "audit_c_positive"]
    assert (assessment.sex, assessment.age) == ("female", 45)
    assert (assessment.organisation, assessment.unit, assessment.episode) == (
        county.region,
        county.clinic,
        county.episode,
    )
    assert (assessment.recorded_by, assessment.instrument_version) == (county.nurse, "1")


def test_the_same_answers_are_below_the_cut_off_for_a_man(county):
    make(county, sex="male")
    assessment = record(county, audit_without_raise(7))
    assert (assessment.cutoff_value, assessment.at_or_above) == (8, False)
    assert assessment.cutoff_description["en"] == "AUDIT ≥ 8, men"


def test_dudit_uses_the_young_adult_cut_off_for_the_persons_age_on_the_day(county):
    make(county, sex="female", birth_date=datetime.date(2005, 6, 1))
    assessment = record(county, dudit_with_total(3), instrument="dudit")
    assert (assessment.age, assessment.cutoff_value, assessment.at_or_above) == (20, 3, True)
    assert assessment.zone == "problems_likely"


def test_recording_writes_one_create_row_in_the_access_log(county):
    before = AccessLogEntry.objects.count()
    record(county, audit_without_raise(3))
    [row] = AccessLogEntry.objects.all()[before:]
    assert (row.action, row.what, row.basis) == (
        "create",
        "assessment recorded: AUDIT",
        Basis.OWN_ORGANISATION,
    )


def test_a_form_with_unanswered_items_is_refused_unless_saved_as_incomplete(county):
    answers = form(1, 1, 1, None, 0, 0, 0, 0, None, 0)
    with pytest.raises(ValidationError) as refused:
        record(county, answers)
    assert "Items 4, 9 are not answered" in refused.value.messages[0]
    assert not Assessment.objects.exists() and not AccessLogEntry.objects.exists()


def test_an_incomplete_form_is_saved_as_incomplete_without_total_or_zone(county):
    assessment = record(county, form(1, 1, 1, None, 0), allow_incomplete=True)
    assessment.refresh_from_db()
    assert (assessment.complete, assessment.total, assessment.zone) == (False, None, "")
    assert assessment.at_or_above is None
    assert assessment.unanswered == [4, 6, 7, 8, 9, 10]
    # AUDIT-C is read as soon as its own items are answered.
    assert assessment.subscores == {"audit_c": 3}


@pytest.mark.parametrize(
    "answers, field",
    [
        (form(0, 0, 0, 0, 0, 0, 0, 0, 3, 0), "item_9"),  # items 9 and 10 score 0, 2 or 4
        (form(5), "item_1"),
        (form(-1), "item_1"),
    ],
)
def test_an_answer_out_of_range_is_refused_on_its_item_and_nothing_is_saved(county, answers, field):
    with pytest.raises(ValidationError) as refused:
        record(county, answers, allow_incomplete=True)
    assert field in refused.value.message_dict
    assert "is not one of the answers" in refused.value.message_dict[field][0]
    assert not Assessment.objects.exists() and not AccessLogEntry.objects.exists()


def test_an_item_the_instrument_does_not_have_is_refused(county):
    with pytest.raises(ValidationError, match="AUDIT has no item 11"):
        record(county, {11: 0}, allow_incomplete=True)
    assert not Assessment.objects.exists()


def test_a_date_in_the_future_is_refused(county):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        record(county, audit_without_raise(3), on=tomorrow)
    assert "assessed_on" in refused.value.message_dict
    assert not Assessment.objects.exists()


def test_an_unknown_instrument_is_refused(county):
    with pytest.raises(ValidationError, match="no instrument"):
        record(county, {}, instrument="phq9")


def test_an_actor_without_a_relationship_at_the_unit_cannot_record(county):
    """The outsider under emergency access reads, but may not write (emergency is read-only)."""
    from .. import factories as f

    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    with pytest.raises(ValidationError, match="care relationship"):
        assessment_record(
            actor=Actor(county.outsider, county.other_unit, "test"),
            access=access_for(county.outsider, county.patient),
            instrument="audit",
            assessed_on=ON,
            occasion="intake",
            answers=audit_without_raise(3),
        )
    assert not Assessment.objects.exists()
