"""The person header: on every person page, who the page is about (name, number, age,
protected identity marked without details, the open episode at the user's units with its case
managers and the coordination consent there, the warnings) -- and to nobody else."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.care.models import CaseTeamMember

from .. import factories as f
from .utils import log_in

pytestmark = pytest.mark.django_db

ADDRESS = "Hemliga gatan 7"

# Full pages about the patient that the nurse opens (forms included): each has the header.
PERSON_PAGES = (
    "people:overview",
    "people:history",
    "people:relative_add",
    "care:episode_open",
    "access:consent_new",
    "access:blocks",
    "assessments:history",
    "contacts:list",
    "contacts:new",
    "contacts:medication",
    "contacts:drug_test_new",
    "contacts:dispensing_new",
    "intake:person_referrals",
    "plans:sip",
    "plans:plans",
    "plans:plan_edit",
    "timeline:page",
    "alerts:new",
)


def header(response) -> str:
    """The header's HTML on the page ("" when the page has none)."""
    text = response.content.decode()
    start = text.find('<section class="person-header"')
    return "" if start < 0 else text[start : text.index("</section>", start)]


@pytest.mark.parametrize("name", PERSON_PAGES)
def test_every_person_page_has_the_header(client, county, name):
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse(name, args=[county.patient.pk]))
    assert response.status_code == 200
    shown = header(response)
    assert "Tolvan Tolvansson" in shown and county.patient.formatted_identity_number in shown


def test_episode_pages_have_the_header(client, county):
    log_in(client, county.nurse, county.clinic)
    for name in ("care:episode_close", "care:case_team_add"):
        url = reverse(name, args=[county.patient.pk, county.episode.pk])
        assert "Tolvansson" in header(client.get(url))


def test_pages_about_no_one_person_have_no_header(client, county):
    log_in(client, county.nurse, county.clinic)
    for name in ("care:caseload", "people:search", "reminders:mine", "core:home"):
        assert header(client.get(reverse(name))) == ""


def test_the_sip_printout_for_the_person_has_no_header(client, county, consent_for_coordination):
    log_in(client, county.nurse, county.clinic)
    assert header(client.get(reverse("plans:sip_print", args=[county.patient.pk]))) == ""


def test_the_header_names_age_episode_case_manager_and_consent_in_force(
    client, county, consent_for_coordination
):
    f.CaseTeamMemberFactory(
        episode=county.episode, user=county.social_worker, role=CaseTeamMember.Role.CASE_MANAGER
    )
    f.CaseTeamMemberFactory(episode=county.episode, user=county.coordinator)  # a member only
    log_in(client, county.nurse, county.clinic)
    shown = header(client.get(reverse("contacts:list", args=[county.patient.pk])))
    today = timezone.localdate()
    age = today.year - 1980 - (today < datetime.date(today.year, 5, 17))
    assert f"{age} years" in shown
    assert "Enrolled at Socialmedicinska mottagningen since" in shown
    assert "Testby kommun" in shown  # the case manager's organisation
    assert "in force" in shown and "expires" not in shown


def test_the_header_says_when_the_coordination_consent_expires_soon(client, county):
    f.ConsentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        coordination=True,
        valid_until=timezone.localdate() + datetime.timedelta(days=10),
    )
    log_in(client, county.nurse, county.clinic)
    shown = header(client.get(reverse("people:overview", args=[county.patient.pk])))
    assert "expires" in shown and "in force" not in shown


def test_the_header_says_there_is_no_coordination_consent(client, county):
    log_in(client, county.nurse, county.clinic)
    shown = header(client.get(reverse("people:overview", args=[county.patient.pk])))
    assert "Coordination consent" in shown and "none" in shown and "in force" not in shown


def protect(person):
    person.protected_identity, person.address = True, ADDRESS
    person.save(update_fields=["protected_identity", "address"])


def test_protected_identity_is_marked_and_its_details_are_not_in_the_header(client, county):
    protect(county.patient)
    log_in(client, county.nurse, county.clinic)
    shown = header(client.get(reverse("contacts:list", args=[county.patient.pk])))
    assert "Protected identity" in shown and ADDRESS not in shown


def test_the_coordinator_who_may_see_the_details_finds_them_on_the_overview_not_the_header(
    client, county
):
    protect(county.patient)
    log_in(client, county.coordinator, county.clinic)
    response = client.get(reverse("people:overview", args=[county.patient.pk]))
    assert ADDRESS in response.text and ADDRESS not in header(response)


def test_emergency_access_sees_the_header_but_not_the_hidden_details(client, county):
    protect(county.patient)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    log_in(client, county.outsider, county.other_unit)
    response = client.get(reverse("contacts:list", args=[county.patient.pk]))
    shown = header(response)
    assert "Tolvansson" in shown and "Emergency access" in shown and "Protected identity" in shown
    assert ADDRESS not in response.text
    assert "Add a warning" not in shown  # read-only


def test_the_other_organisation_without_consent_still_gets_not_found(client, county):
    log_in(client, county.social_worker, county.clinic)
    assert client.get(reverse("contacts:list", args=[county.patient.pk])).status_code == 404


def test_the_other_organisations_staff_see_the_header_under_the_coordination_consent(
    client, county, consent_for_coordination
):
    log_in(client, county.social_worker, county.clinic)
    shown = header(client.get(reverse("contacts:list", args=[county.patient.pk])))
    assert "Enrolled at Socialmedicinska mottagningen" in shown and "in force" in shown


def header_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_header_asks_the_same_number_of_times_for_a_long_history(client, county):
    """Warnings, case managers, episodes and consents ten times over: the same queries."""
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:medication", args=[county.patient.pk])

    def grow(times):
        for _ in range(times):
            f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
            f.CaseTeamMemberFactory(
                episode=county.episode,
                user=f.UserFactory(organisation=county.region),
                role=CaseTeamMember.Role.CASE_MANAGER,
            )
            f.ConsentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
            f.EpisodeFactory(
                person=county.patient,
                unit=county.other_unit,
                opened_by=county.nurse,
                opened_on=datetime.date(2024, 1, 1),
                closed_on=datetime.date(2025, 1, 1),
                closure_reason=f.ClosureReasonFactory(),
            )

    grow(1)
    short = header_queries(client, url)
    grow(9)
    assert header_queries(client, url) == short


def test_the_warnings_are_read_for_a_person_with_a_warning_in_force(client, county):
    """Asked with the person (`PersonAccess.present`): a warning in force is read and shown."""
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:medication", args=[county.patient.pk])
    without = header_queries(client, url)
    f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    assert header_queries(client, url) == without + 1
    assert "Hund i lägenheten" in client.get(url).text


def test_no_warning_is_read_for_a_person_whose_warnings_have_ended(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:medication", args=[county.patient.pk])
    without = header_queries(client, url)
    f.AlertFactory(
        person=county.patient,
        unit=county.clinic,
        added_by=county.nurse,
        ended_on=datetime.date(2026, 1, 1),
        ended_by=county.nurse,
    )
    assert header_queries(client, url) == without
    assert "Hund i lägenheten" not in client.get(url).text
