"""Correcting an assessment: a new result that corrects the earlier one, by the recording
organisation only, with a reason; the earlier result stays readable but no longer counts."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.assessments import actions, selectors
from helhet.assessments.models import Assessment
from helhet.people.models import Person

from .. import factories as f
from ..contacts.test_record_contact import access_of
from ..people.utils import log_in, log_rows
from .utils import audit_without_raise

ANSWERS = {"1": 2, "2": 1, "3": 1, "4": 1, "5": 1, "6": 0, "7": 1, "8": 1, "9": 2, "10": 0}


def correct_url(assessment):
    return reverse("assessments:correct", args=[assessment.person_id, assessment.pk])


def history_url(person):
    return reverse("assessments:history", args=[person.pk])


def post_data(answers, **extra):
    data = {"assessed_on": "2026-02-01", "occasion": "follow_up", "reason": "Fel svar på fråga 3."}
    data.update({f"item_{n}": "" if s is None else str(s) for n, s in answers.items()})
    return data | extra


@pytest.fixture
def earlier(county):
    Person.objects.filter(pk=county.patient.pk).update(legal_sex="female")
    return f.AssessmentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, answers=ANSWERS
    )


@pytest.fixture
def nurse(client, county):
    return log_in(client, county.nurse, county.clinic)


# --- The page -----------------------------------------------------------------------------


def test_the_correction_form_is_filled_in_with_the_earlier_answers(nurse, county, earlier):
    text = nurse.get(correct_url(earlier)).text
    for number, score in ANSWERS.items():
        assert re.search(rf'name="item_{number}" value="{score}"[^>]*checked', text)
    assert 'name="reason"' in text
    [row] = log_rows(county.patient)
    assert (row.action, row.what) == ("read", "assessment correction form: AUDIT")


def test_the_nurse_corrects_a_result_and_the_earlier_one_is_marked_not_counted(
    nurse, county, earlier
):
    response = nurse.post(correct_url(earlier), post_data(audit_without_raise(7)), follow=True)
    assert response.redirect_chain == [(history_url(county.patient), 302)]
    correction = Assessment.objects.get(corrects=earlier)
    assert (correction.total, correction.correction_reason) == (7, "Fel svar på fråga 3.")
    assert correction.organisation == county.region
    earlier.refresh_from_db()
    assert earlier.superseded
    today = timezone.localdate(correction.recorded_at).isoformat()
    assert f"Corrected on {today} by {county.nurse}" in response.text
    assert "Corrects the result of 2026-02-01" in response.text
    create, read = log_rows(county.patient)
    assert (create.action, create.what) == ("create", "assessment corrected: AUDIT, 2026-02-01")


def test_only_results_in_force_count_in_the_chart_and_as_the_latest(county, earlier):
    correction = record_correction(county, earlier, assessed_on=datetime.date(2026, 1, 20))
    access = access_of(county.nurse, county.patient, county.clinic)
    [audit, _dudit] = selectors.assessment_history(access)
    assert audit.assessments == [correction, earlier]  # both in the table, oldest first
    assert [p.total for p in audit.chart.points] == [7]
    [latest_audit, _] = selectors.latest_assessments(access)
    assert latest_audit.assessment == correction  # though the earlier one has a later date


def test_a_corrected_result_cannot_be_corrected_again_but_its_correction_can(
    nurse, county, earlier
):
    correction = record_correction(county, earlier)
    assert nurse.get(correct_url(earlier)).status_code == 404
    assert nurse.get(correct_url(correction)).status_code == 200


def test_the_history_offers_a_correction_of_own_results_only(nurse, county, earlier):
    theirs = f.AssessmentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.social_worker
    )
    f.ConsentDisclosureFactory(
        consent=f.ConsentFactory(
            person=county.patient, unit=county.clinic, recorded_by=county.nurse
        ),
        from_organisation=county.municipality,
        to_organisation=county.region,
        category="assessments",
    )
    text = nurse.get(history_url(county.patient)).text
    assert correct_url(earlier) in text and correct_url(theirs) not in text


# --- Who may not --------------------------------------------------------------------------


def test_another_organisation_cannot_correct_even_when_it_reads_the_result(
    client, county, earlier, consent_for_coordination
):
    f.ConsentDisclosureFactory(
        consent=consent_for_coordination,
        from_organisation=county.region,
        to_organisation=county.municipality,
        category="assessments",
    )
    log_in(client, county.social_worker, county.clinic)
    assert client.get(history_url(county.patient)).status_code == 200  # reads it
    before = len(log_rows(county.patient))
    assert client.get(correct_url(earlier)).status_code == 404
    assert client.post(correct_url(earlier), post_data(ANSWERS)).status_code == 404
    assert not Assessment.objects.filter(corrects=earlier).exists()
    # the GET's and the POST's refused rows, nothing else
    assert [r.action for r in log_rows(county.patient)[before:]] == ["refused", "refused"]


def test_the_municipality_corrects_its_own_result(client, county, consent_for_coordination):
    theirs = f.AssessmentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.social_worker
    )
    log_in(client, county.social_worker, county.clinic)
    response = client.post(correct_url(theirs), post_data(audit_without_raise(7)))
    assert response.status_code == 302
    assert Assessment.objects.get(corrects=theirs).organisation == county.municipality


def test_emergency_access_cannot_correct(client, county, earlier):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(correct_url(earlier)).status_code == 404
    assert client.post(correct_url(earlier), post_data(ANSWERS)).status_code == 404
    assert not Assessment.objects.filter(corrects=earlier).exists()


def test_the_action_refuses_another_organisations_result(county, earlier, consent_for_coordination):
    with pytest.raises(ValidationError):
        record_correction(county, earlier, user=county.social_worker)
    assert not Assessment.objects.filter(corrects=earlier).exists()


# --- Bad input ----------------------------------------------------------------------------


def test_a_correction_without_a_reason_is_refused_and_nothing_is_saved(nurse, county, earlier):
    response = nurse.post(correct_url(earlier), post_data(ANSWERS, reason="  "))
    assert response.status_code == 200
    assert "Give the reason for the correction." in response.text
    assert not Assessment.objects.filter(corrects=earlier).exists()
    assert [r.action for r in log_rows(county.patient)] == ["read"]


def test_the_action_refuses_a_blank_reason(county, earlier):
    with pytest.raises(ValidationError) as error:
        record_correction(county, earlier, reason=" \n ")
    assert error.value.message_dict["reason"] == ["Give the reason for the correction."]
    assert Assessment.objects.count() == 1


def test_an_answer_out_of_range_is_refused_on_the_page(nurse, county, earlier):
    response = nurse.post(correct_url(earlier), post_data(ANSWERS | {"1": 7}))
    assert response.status_code == 200
    assert "7 is not one of the answers to this item" in response.text
    assert Assessment.objects.count() == 1


def test_the_action_refuses_an_answer_out_of_range(county, earlier):
    with pytest.raises(ValidationError) as error:
        record_correction(county, earlier, answers=audit_without_raise(7) | {1: 7})
    assert "item_1" in error.value.message_dict
    assert Assessment.objects.count() == 1


def record_correction(county, earlier, *, user=None, **changes):
    user = user or county.nurse
    values = {
        "actor": Actor(user, county.clinic, "req-1"),
        "access": access_of(user, county.patient, county.clinic),
        "assessment_id": earlier.pk,
        "reason": "Fel svar på fråga 3.",
        "assessed_on": earlier.assessed_on,
        "occasion": "follow_up",
        "answers": audit_without_raise(7),
    }
    return actions.assessment_correct(**(values | changes))


# --- The reason is a record note: shown to the other organisation only with notes -----------

WITHHELD = "The reason is not shared with your organisation."


def disclose_to_the_municipality(consent, county, *categories):
    for category in categories:
        f.ConsentDisclosureFactory(
            consent=consent,
            from_organisation=county.region,
            to_organisation=county.municipality,
            category=category,
        )


def reason_pages(client, county) -> list[str]:
    """The history and the timeline, as the social worker reads them at the clinic."""
    log_in(client, county.social_worker, county.clinic)
    timeline = reverse("timeline:page", args=[county.patient.pk])
    pages = [client.get(history_url(county.patient)), client.get(timeline)]
    assert [p.status_code for p in pages] == [200, 200]
    return [p.content.decode() for p in pages]


def test_the_other_organisation_without_notes_disclosed_sees_the_correction_not_its_reason(
    client, county, earlier, consent_for_coordination
):
    record_correction(county, earlier)
    disclose_to_the_municipality(consent_for_coordination, county, "assessments")
    for page in reason_pages(client, county):
        assert "Fel svar på fråga 3." not in page and WITHHELD in page


def test_the_other_organisation_with_notes_disclosed_reads_the_reason(
    client, county, earlier, consent_for_coordination
):
    record_correction(county, earlier)
    disclose_to_the_municipality(consent_for_coordination, county, "assessments", "notes")
    for page in reason_pages(client, county):
        assert "Fel svar på fråga 3." in page and WITHHELD not in page
