"""Recording and correcting outcomes: the form's rules (in Swedish), who may record and read and
who may not, correction by the recording organisation only, and the log rows written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import Basis
from helhet.outcomes import actions
from helhet.outcomes.icd10 import normalised, parse_codes
from helhet.outcomes.models import Outcome

from .. import factories as f
from ..access.test_closed_episodes import case_team_episode
from ..contacts.test_record_contact import access_of
from ..people.utils import log_in, log_rows


def new_url(person):
    return reverse("outcomes:new", args=[person.pk])


def list_url(person):
    return reverse("outcomes:list", args=[person.pk])


def correct_url(outcome):
    return reverse("outcomes:correct", args=[outcome.person_id, outcome.pk])


def form_data(**changes):
    data = {
        "assessed_on": "2026-02-01",
        "occasion": "intake",
        "problem_areas": ["alcohol", "gambling"],
        "diagnoses": "F10.2, f322",
        "no_diagnosis_reason": "",
        "no_diagnosis_text": "",
        "housing": "homeless",
        "occupation": "assistance",
        "period_months": "6",
        "inpatient_episodes": "1",
        "inpatient_days": "5",
        "emergency_visits": "2",
    }
    return data | changes


@pytest.fixture
def nurse(client, county):
    return log_in(client, county.nurse, county.clinic)


def disclose_assessments(consent, county):
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.region,
        to_organisation=county.municipality,
        category="assessments",
    )


# --- Recording ----------------------------------------------------------------------------


def test_the_nurse_records_an_outcome_at_intake_and_it_is_the_one_in_force(nurse, county):
    response = nurse.post(new_url(county.patient), form_data(), follow=True)
    assert response.redirect_chain == [(list_url(county.patient), 302)]
    outcome = Outcome.objects.get()
    assert outcome.diagnoses == ["F10.2", "F32.2"]
    assert outcome.problem_areas == ["alcohol", "gambling"]
    assert (outcome.organisation, outcome.unit, outcome.episode) == (
        county.region,
        county.clinic,
        county.episode,
    )
    assert (outcome.housing, outcome.inpatient_days, outcome.period_months) == ("homeless", 5, 6)
    assert "In force now" in response.text and "F10.2, F32.2" in response.text
    create, read = sorted(log_rows(county.patient), key=lambda row: row.action)
    assert (create.what, create.basis) == (
        "outcome recorded: Socialmedicinska mottagningen",
        "own_organisation",
    )
    assert read.what == "outcomes"


def test_the_form_proposes_intake_first_then_follow_up(nurse, county):
    assert nurse.get(new_url(county.patient)).context["form"].initial["occasion"] == "intake"
    f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    form = nurse.get(new_url(county.patient)).context["form"]
    assert form.initial["occasion"] == "follow_up"


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "swedish"),
    [
        ({"diagnoses": "F10.2 X1"}, "X1 är ingen kod enligt ICD-10"),
        ({"diagnoses": "F1"}, "F1 är ingen kod enligt ICD-10"),
        ({"diagnoses": " ".join(f"F{n}.1" for n in range(10, 21))}, "Ange högst 10 diagnoser."),
        ({"diagnoses": ""}, "Ange diagnoserna (ICD-10), eller välj skälet"),
        ({"no_diagnosis_reason": "ongoing"}, "inte båda"),
        ({"diagnoses": "", "no_diagnosis_reason": "other"}, "Beskriv det andra skälet."),
        ({"period_months": "1", "inpatient_days": "40"}, "Ange ett tal från 0 till 31."),
        ({"inpatient_episodes": "3", "inpatient_days": "2"}, "Varje vårdtillfälle"),
        ({"emergency_visits": "201"}, "är mindre än eller lika med 200."),
        ({"period_months": "0"}, "är större än eller lika med 1."),
        ({"emergency_visits": "-1"}, "är större än eller lika med 0."),
        ({"assessed_on": TOMORROW}, "Datumet ligger i framtiden."),
        ({"housing": "castle"}, "Välj ett giltigt alternativ"),
    ],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_saved(nurse, county, changes, swedish):
    nurse.cookies["django_language"] = "sv"
    response = nurse.post(new_url(county.patient), form_data(**changes), HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert swedish in response.text
    assert not Outcome.objects.exists()
    [row] = log_rows(county.patient)
    assert (row.action, row.what) == ("read", "outcome form")


def test_a_reason_instead_of_diagnoses_is_kept_with_its_text(nurse, county):
    data = form_data(diagnoses="", no_diagnosis_reason="other", no_diagnosis_text="Remiss ut")
    nurse.post(new_url(county.patient), data)
    outcome = Outcome.objects.get()
    assert (outcome.diagnoses, outcome.no_diagnosis_reason) == ([], "other")
    assert outcome.no_diagnosis_shown == "Other reason: Remiss ut"


def test_icd10_codes_are_normalised_and_checked():
    assert normalised(" f102 ") == "F10.2"
    assert parse_codes("F10.2, F10.2; F32.1A") == ["F10.2", "F32.1A"]
    for wrong in ("10.2", "F10.", "F10.234", "FF10"):
        with pytest.raises(ValidationError):
            parse_codes(wrong)


# --- Who may, and who may not -------------------------------------------------------------


def test_the_social_worker_without_a_consent_finds_no_person(client, county):
    f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    log_in(client, county.social_worker, county.clinic)
    assert client.get(list_url(county.patient)).status_code == 404
    assert client.post(new_url(county.patient), form_data()).status_code == 404
    assert Outcome.objects.count() == 1


def test_under_a_coordination_consent_the_social_worker_records_but_reads_no_region_outcome(
    client, county, consent_for_coordination
):
    f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    log_in(client, county.social_worker, county.clinic)
    text = client.get(list_url(county.patient)).text
    assert "No outcome you may see." in text and "F10.2" not in text
    assert client.post(new_url(county.patient), form_data(diagnoses="F19.2")).status_code == 302
    assert Outcome.objects.filter(organisation=county.municipality).count() == 1


def test_under_a_consent_disclosing_assessments_the_region_outcome_is_read_as_a_disclosure(
    client, county, consent_for_coordination
):
    disclose_assessments(consent_for_coordination, county)
    f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    log_in(client, county.social_worker, county.clinic)
    text = client.get(list_url(county.patient)).text
    assert "F10.2" in text and "Correct the outcome" not in text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_staff_of_another_unit_find_no_person(client, county):
    f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(list_url(county.patient)).status_code == 404
    assert client.get(new_url(county.patient)).status_code == 404
    assert [row.action for row in log_rows(county.patient)] == ["refused", "refused"]


@pytest.fixture
def act_team(county):
    """A case-team-only unit where the patient's open episode has the nurse on its case team,
    and a colleague of hers who is a member there but not on the case team."""
    return case_team_episode(county, datetime.date(2026, 1, 20)).unit


def test_at_a_case_team_unit_the_case_team_records(client, county, act_team):
    log_in(client, county.nurse, act_team)
    assert client.post(new_url(county.patient), form_data()).status_code == 302
    assert Outcome.objects.get().unit == act_team


def test_at_a_case_team_unit_a_member_not_on_the_case_team_may_not_record(client, county, act_team):
    county.episode.delete()  # the clinic's episode would let the colleague's region in
    log_in(client, county.colleague, act_team)
    assert client.get(new_url(county.patient)).status_code == 404
    assert client.post(new_url(county.patient), form_data()).status_code == 404
    assert not Outcome.objects.exists()


# --- Corrections --------------------------------------------------------------------------


def test_the_recording_organisation_corrects_and_the_earlier_stays_marked(nurse, county):
    earlier = f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    data = form_data(diagnoses="F10.2 F60.3", reason="Fel diagnos.")
    response = nurse.post(correct_url(earlier), data, follow=True)
    assert response.redirect_chain == [(list_url(county.patient), 302)]
    correction = Outcome.objects.get(corrects=earlier)
    assert (correction.diagnoses, correction.original_id) == (["F10.2", "F60.3"], earlier.pk)
    assert correction.correction_reason == "Fel diagnos."
    assert list(Outcome.objects.in_force()) == [correction]
    assert "Corrects the outcome of 2026-02-01" in response.text
    create = [row for row in log_rows(county.patient) if row.action == "create"]
    assert [row.what for row in create] == [
        "outcome corrected: Socialmedicinska mottagningen, 2026-02-01"
    ]


def test_a_correction_without_a_reason_is_refused_in_swedish(nurse, county):
    earlier = f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    nurse.cookies["django_language"] = "sv"
    response = nurse.post(correct_url(earlier), form_data(), HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200 and "Ange skälet till rättelsen." in response.text
    assert not Outcome.objects.filter(corrects=earlier).exists()


def test_another_organisation_may_not_correct_even_when_it_reads_the_outcome(
    client, county, consent_for_coordination
):
    disclose_assessments(consent_for_coordination, county)
    earlier = f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    log_in(client, county.social_worker, county.clinic)
    assert client.get(correct_url(earlier)).status_code == 404
    access = access_of(county.social_worker, county.patient, county.clinic)
    actor = Actor(user=county.social_worker, unit=county.clinic)
    entered = {**form_data(), "diagnoses": ["F10.2"], "problem_areas": ["alcohol"]}
    entered.update(
        assessed_on=datetime.date(2026, 2, 1),
        period_months=6,
        inpatient_episodes=0,
        inpatient_days=0,
        emergency_visits=0,
    )
    with pytest.raises(ValidationError, match="Only the organisation that recorded"):
        actions.outcome_correct(
            actor=actor, access=access, outcome_id=earlier.pk, reason="Fel.", **entered
        )
    assert not Outcome.objects.filter(corrects=earlier).exists()


def test_an_outcome_is_corrected_once(nurse, county):
    earlier = f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    nurse.post(correct_url(earlier), form_data(reason="Fel datum."))
    assert nurse.get(correct_url(earlier)).status_code == 404  # no longer in force


def test_the_database_holds_diagnoses_or_a_reason_too(county):
    at = {"person": county.patient, "unit": county.clinic, "recorded_by": county.nurse}
    with pytest.raises(IntegrityError), transaction.atomic():
        f.OutcomeFactory(**at, diagnoses=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        f.OutcomeFactory(**at, no_diagnosis_reason="ongoing")
    f.OutcomeFactory(**at, diagnoses=[], no_diagnosis_reason="ongoing")
    assert Outcome.objects.count() == 1


def test_the_page_reads_in_swedish(nurse, county):
    f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    nurse.cookies["django_language"] = "sv"
    text = nurse.get(list_url(county.patient)).text
    for words in (
        "Utfall för Tolvan Tolvansson",
        "<dt>Problemområden</dt><dd>Alkohol</dd>",
        "<dt>Diagnoser (ICD-10)</dt><dd>F10.2</dd>",
        "<dt>Boende</dt><dd>Hyresrätt med eget kontrakt</dd>",
        "<dt>Sysselsättning eller försörjning</dt><dd>Ekonomiskt bistånd</dd>",
        "<dt>Psykiatrisk slutenvård</dt><dd>Vårdtillfällen 1, vårddagar 7, de senaste 6 månaderna",
        "<dt>Psykiatrisk akutvård</dt><dd>Besök 2, de senaste 6 månaderna",
    ):
        assert words in text


def test_the_overviews_line_shows_the_newest_outcome_in_force_the_reader_may_see(
    client, county, consent_for_coordination
):
    first = f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    f.OutcomeFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        occasion="follow_up",
        assessed_on=datetime.date(2026, 5, 1),
        housing="homeless",
    )
    f.OutcomeFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        diagnoses=["F12.2"],
        **{"corrects": first, "original": first, "correction_reason": "Fel."},
    )
    url = reverse("outcomes:latest", args=[county.patient.pk])
    text = log_in(client, county.nurse, county.clinic).get(url).text
    assert "2026-05-01" in text and "Homeless or in acute housing" in text
    assert [row.what for row in log_rows(county.patient)] == ["latest outcome"]
    text = log_in(client, county.social_worker, county.clinic).get(url).text
    assert "No outcome you may see." in text and "2026-05-01" not in text
