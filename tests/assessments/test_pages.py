"""The assessment pages: entering an instrument, the history with its chart, the overview block."""

import datetime
import re

import pytest
from django.urls import reverse

from helhet.access.models import Basis
from helhet.assessments.models import Assessment
from helhet.people.models import Person

from .. import factories as f
from ..people.utils import log_in, log_rows, only_refused
from .utils import audit_without_raise


def new_url(person, instrument="audit"):
    return reverse("assessments:new", args=[person.pk, instrument])


def history_url(person):
    return reverse("assessments:history", args=[person.pk])


def latest_url(person):
    return reverse("assessments:latest", args=[person.pk])


def post_data(answers, **extra):
    data = {"assessed_on": "2026-03-02", "occasion": "follow_up"}
    data.update({f"item_{n}": "" if s is None else str(s) for n, s in answers.items()})
    data.update(extra)
    return data


@pytest.fixture
def nurse(client, county):
    Person.objects.filter(pk=county.patient.pk).update(legal_sex="female")
    return log_in(client, county.nurse, county.clinic)


# --- Entering an instrument ----------------------------------------------------------------


def test_the_entry_form_has_a_labelled_radio_group_per_item(nurse, county):
    response = nurse.get(new_url(county.patient))
    assert response.status_code == 200
    text = response.text
    assert text.count("<fieldset") == 10 + 1  # the items and the occasion
    assert "<legend>1. How often do you drink alcohol?" in text
    assert len(re.findall(r'type="radio" name="item_9"', text)) == 3  # 0, 2 or 4
    assert 'name="incomplete"' in text
    [row] = log_rows(county.patient)
    assert (row.action, row.what) == ("read", "assessment form: AUDIT")


def test_the_entry_form_notes_the_source_of_its_texts_in_the_readers_language(nurse, county):
    nurse.cookies["django_language"] = "sv"
    swedish = nurse.get(new_url(county.patient)).text
    nurse.cookies["django_language"] = "en"
    english = nurse.get(new_url(county.patient)).text

    assert "Källa till frågetexterna: Helhets platshållartext: korta" in swedish
    assert "Helhet placeholder wording" not in swedish
    assert "Source of the item texts: Helhet placeholder wording: short" in english


def test_the_first_result_of_an_instrument_defaults_to_intake_the_next_to_follow_up(nurse, county):
    assert re.search(r'value="intake"[^>]*checked', nurse.get(new_url(county.patient)).text)
    f.AssessmentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    assert re.search(r'value="follow_up"[^>]*checked', nurse.get(new_url(county.patient)).text)


def test_the_nurse_saves_a_complete_audit_and_is_told_the_total_zone_and_cut_off(nurse, county):
    response = nurse.post(new_url(county.patient), post_data(audit_without_raise(7)), follow=True)
    assert response.redirect_chain == [(history_url(county.patient), 302)]
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.zone, assessment.occasion) == (7, "I", "follow_up")
    assert (
        "AUDIT is saved: total 7, Zone I: low risk; at or above the cut-off AUDIT ≥ 6, women."
        in response.text
    )
    create, read = log_rows(county.patient)
    assert (create.action, read.action) == ("create", "read")


def test_blank_items_with_save_re_render_with_a_message_and_nothing_saved(nurse, county):
    answers = audit_without_raise(7) | {4: None, 9: None}
    response = nurse.post(new_url(county.patient), post_data(answers))
    assert response.status_code == 200
    assert "Items 4, 9 are not answered" in response.text
    assert 'value="2" checked' in response.text or "checked" in response.text  # kept answers
    assert not Assessment.objects.exists()
    [row] = log_rows(county.patient)
    assert row.action == "read"


def test_blank_items_with_save_as_incomplete_are_saved_without_a_total(nurse, county):
    answers = audit_without_raise(7) | {4: None, 9: None}
    response = nurse.post(new_url(county.patient), post_data(answers, incomplete="1"), follow=True)
    assert "saved as incomplete (items 4, 9 unanswered): no total" in response.text
    assessment = Assessment.objects.get()
    assert (assessment.complete, assessment.total) == (False, None)


@pytest.mark.parametrize("tampered", ["3", "7", "-1", "abc", "2.0"])
def test_a_tampered_answer_gives_a_clear_error_and_nothing_is_saved(nurse, county, tampered):
    answers = post_data(audit_without_raise(7), item_9=tampered)
    response = nurse.post(new_url(county.patient), answers)
    assert response.status_code == 200
    assert "is not one of the answers to this item" in response.text
    assert 'href="#id_item_9_0"' in response.text  # the summary leads to the item
    assert not Assessment.objects.exists()


def test_a_date_in_the_future_is_refused_on_the_page(nurse, county):
    response = nurse.post(
        new_url(county.patient), post_data(audit_without_raise(3), assessed_on="2999-01-01")
    )
    assert "The date of the assessment lies in the future." in response.text
    assert not Assessment.objects.exists()


def test_an_unknown_instrument_is_not_found(nurse, county):
    assert nurse.get(new_url(county.patient, "phq9")).status_code == 404
    assert only_refused(log_rows(county.patient))


def test_social_worker_without_consent_cannot_record_an_assessment(client, county):
    log_in(client, county.social_worker, county.clinic)
    response = client.post(new_url(county.patient), post_data(audit_without_raise(7)))
    assert response.status_code == 404
    assert not Assessment.objects.exists() and only_refused(log_rows(county.patient))


def test_social_worker_with_coordination_consent_records_one_owned_by_the_municipality(
    client, county, consent_for_coordination
):
    log_in(client, county.social_worker, county.clinic)
    response = client.post(new_url(county.patient), post_data(audit_without_raise(7)))
    assert response.status_code == 302
    assert Assessment.objects.get().organisation == county.municipality


def test_emergency_access_cannot_record_an_assessment(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    response = client.post(new_url(county.patient), post_data(audit_without_raise(7)))
    assert response.status_code == 404
    assert not Assessment.objects.exists()


# --- The history ---------------------------------------------------------------------------


def assessments(county, count, *, recorded_by=None, **fields):
    recorded_by = recorded_by or county.nurse
    start = datetime.date(2024, 1, 1)
    return [
        f.AssessmentFactory(
            person=county.patient,
            unit=county.clinic,
            recorded_by=recorded_by,
            assessed_on=start + datetime.timedelta(days=7 * n),
            total=n % 30,
            **fields,
        )
        for n in range(count)
    ]


def test_the_history_shows_a_chart_beside_a_table_of_the_results(nurse, county):
    assessments(county, 3)
    f.AssessmentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        assessed_on=datetime.date(2024, 2, 1),
        complete=False,
        total=None,
        zone="",
        answers={"1": 1, "2": None},
    )
    response = nurse.get(history_url(county.patient))
    text = response.text
    assert response.status_code == 200
    assert 'role="img"' in text and 'aria-labelledby="chart-audit-title chart-audit-desc"' in text
    assert "AUDIT totals over time" in text
    assert "3 complete results from 2024-01-01 to 2024-01-15" in text
    assert text.count('class="point"') == 3  # the incomplete result has no point
    assert "<caption>AUDIT results, oldest first</caption>" in text
    assert text.count('<th scope="row">2024-') == 4
    assert "items 2 unanswered" in text and "Incomplete" in text
    assert "AUDIT ≥ 6, women" in text and "Zone II: hazardous use" in text
    [row] = log_rows(county.patient)
    assert (row.action, row.what, row.basis) == ("read", "assessments", Basis.OWN_ORGANISATION)


def test_the_history_shows_the_cut_off_stored_with_the_result_not_todays_file(nurse, county):
    assessments(county, 1, cutoff_description={"sv": "AUDIT ≥ 5", "en": "AUDIT ≥ 5 (old file)"})
    assert "AUDIT ≥ 5 (old file)" in nurse.get(history_url(county.patient)).text


def test_the_history_draws_the_chart_coordinates_with_decimal_points_in_swedish(nurse, county):
    assessments(county, 3)
    nurse.cookies["django_language"] = "sv"
    text = nurse.get(history_url(county.patient), HTTP_ACCEPT_LANGUAGE="sv").text
    assert '<html lang="sv">' in text
    points = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', text)
    assert len(points) == 3 and all("," not in x + y for x, y in points)


def test_the_nurse_does_not_see_the_municipalitys_results_without_a_disclosure(client, county):
    theirs = assessments(county, 1, recorded_by=county.social_worker)[0]
    log_in(client, county.nurse, county.clinic)
    text = client.get(history_url(county.patient)).text
    assert f"{theirs.recorded_by}" not in text and "No results you may see." in text
    [row] = log_rows(county.patient)
    assert row.basis == Basis.OWN_ORGANISATION


def test_the_nurse_reads_the_municipalitys_results_disclosed_under_consent(client, county):
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=False
    )
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.municipality,
        to_organisation=county.region,
        category="assessments",
    )
    theirs = assessments(county, 1, recorded_by=county.social_worker)[0]
    log_in(client, county.nurse, county.clinic)
    text = client.get(history_url(county.patient)).text
    assert f"{theirs.recorded_by}" in text and county.municipality.name in text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent.pk)


def test_social_worker_under_coordination_consent_does_not_see_the_regions_results(
    client, county, consent_for_coordination
):
    """The coordination consent discloses enrolment and relatives, not assessments."""
    assessments(county, 1)
    log_in(client, county.social_worker, county.clinic)
    text = client.get(history_url(county.patient)).text
    assert text.count("No results you may see.") == 2 and 'role="img"' not in text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_social_worker_sees_the_regions_results_once_the_consent_discloses_them(
    client, county, consent_for_coordination
):
    f.ConsentDisclosureFactory(
        consent=consent_for_coordination,
        from_organisation=county.region,
        to_organisation=county.municipality,
        category="assessments",
    )
    assessments(county, 1)
    log_in(client, county.social_worker, county.clinic)
    text = client.get(history_url(county.patient)).text
    assert 'role="img"' in text and text.count("No results you may see.") == 1


def test_emergency_access_reads_the_history_without_entry_links(client, county):
    assessments(county, 1)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    text = client.get(history_url(county.patient)).text
    assert "emergency access" in text and new_url(county.patient) not in text
    [row] = log_rows(county.patient)
    assert row.basis == Basis.EMERGENCY


@pytest.mark.parametrize("count", [1, 50])
def test_the_history_costs_the_same_queries_however_many_results(
    nurse, county, count, django_assert_max_num_queries
):
    assessments(county, count)
    assessments(county, count, instrument="dudit", zone="no_sign", cutoff_code="x")
    # session, user, memberships, the policy's reads, ONE for the results, the log's three, the
    # header's organisation, the session's update, and 2 savepoint pairs (log, session); the
    # person header's warnings and case managers (2)
    with django_assert_max_num_queries(19):
        response = nurse.get(history_url(county.patient))
    assert response.text.count('class="point"') == 2 * count


# --- The overview block --------------------------------------------------------------------


def test_the_overview_links_to_the_pages_and_asks_for_the_latest_results_on_request(nurse, county):
    text = nurse.get(reverse("people:overview", args=[county.patient.pk])).text
    [slot] = re.findall(r'<section[^>]*class="assessments-block".*?</section>', text, re.S)
    assert f'hx-get="{latest_url(county.patient)}"' in slot and "hx-trigger" not in slot
    assert history_url(county.patient) in text and new_url(county.patient, "dudit") in text
    [row] = log_rows(county.patient)
    assert row.what == "overview"  # the results are read (and logged) only when asked for


def test_the_overview_offers_no_entry_links_under_emergency_access(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    text = client.get(reverse("people:overview", args=[county.patient.pk])).text
    assert history_url(county.patient) in text and new_url(county.patient) not in text


def test_the_latest_results_are_the_newest_per_instrument(nurse, county):
    assessments(county, 3)  # totals 0, 1, 2; the newest is 2
    text = nurse.get(latest_url(county.patient)).text
    assert re.search(r"<th scope=\"row\">AUDIT</th>\s*<td>2024-01-15</td>\s*<td>2</td>", text)
    assert "No result you may see" in text  # DUDIT
    [row] = log_rows(county.patient)
    assert (row.what, row.basis) == ("latest assessments", Basis.OWN_ORGANISATION)


def test_the_latest_results_leave_out_the_municipalitys_without_a_disclosure(client, county):
    assessments(county, 1)  # 2024-01-01, by the nurse
    f.AssessmentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.social_worker,
        assessed_on=datetime.date(2025, 1, 1),
        total=33,
    )
    log_in(client, county.nurse, county.clinic)
    text = client.get(latest_url(county.patient)).text
    assert "<td>2024-01-01</td>" in text and "33" not in text


@pytest.mark.parametrize("count", [1, 40])
def test_the_latest_results_cost_the_same_queries_however_many(
    nurse, county, count, django_assert_max_num_queries
):
    assessments(county, count)
    # as the history, less the header's organisation (the person header's two included)
    with django_assert_max_num_queries(18):
        assert nurse.get(latest_url(county.patient)).status_code == 200


# --- A unit's licensed texts ---------------------------------------------------------------


def test_the_entry_form_shows_the_texts_file_configured_for_the_instrument(
    nurse, county, tmp_path, settings
):
    from .test_unit_texts import official_texts, write

    settings.HELHET_INSTRUMENT_TEXTS = {"audit": str(write(tmp_path, official_texts()))}
    nurse.cookies["django_language"] = "sv"
    text = nurse.get(new_url(county.patient)).text
    assert "1. Officiell fråga 1" in text and "Svar 9.2" in text
    assert "AUDIT, officiell svensk version (testtext)" in text
    # The scoring is the bundled one: the same answers give the same total.
    nurse.post(new_url(county.patient), post_data(audit_without_raise(7)))
    assert Assessment.objects.get().total == 7
