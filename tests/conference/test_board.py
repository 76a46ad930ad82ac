"""The team conference's board: who sees which items, what of them, and what the log says."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet.access.models import Basis
from helhet.care.models import CaseTeamMember
from helhet.core.models import Unit

from .. import factories as f
from ..log_rows import named
from ..people.utils import log_in, log_rows
from ..test_access_matrix import steering_member
from .conftest import conference, item, notes_disclosed

BOARD = reverse("conference:board")
pytestmark = pytest.mark.django_db


def page(today):
    return reverse("conference:conference", args=[today.pk])


def test_a_member_of_the_unit_sees_the_next_conference_and_its_items(client, county, today):
    response = log_in(client, county.nurse).get(BOARD)
    assert response.status_code == 200
    assert "Tolvansson, Tolvan" in response.text
    assert "Återfall, behöver ny plan." in response.text
    [row] = log_rows(what="conference board")
    assert named([row]) == [county.patient.pk]
    [about] = log_rows(county.patient)
    assert (about.basis, about.consent_id) == (Basis.OWN_ORGANISATION, None)


def test_the_listing_row_names_exactly_the_persons_shown(client, county, today):
    other = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
    item(today, other.person, county.nurse, position=1)
    not_shown = f.EpisodeFactory(unit=county.clinic, opened_by=county.social_worker)
    item(today, not_shown.person, county.social_worker, position=2)  # no consent: not the nurse's
    response = log_in(client, county.nurse).get(page(today))
    assert not_shown.person.given_name not in response.text
    assert "1 more item is about a person you may not see" in response.text
    [row] = log_rows(what="conference")
    assert sorted(named([row])) == sorted([county.patient.pk, other.person_id])


def test_a_member_of_another_unit_sees_nothing_of_the_clinics_conference(client, county, today):
    log_in(client, county.outsider)
    assert client.get(page(today)).status_code == 404
    assert client.get(reverse("conference:minutes", args=[today.pk])).status_code == 404
    response = client.get(BOARD)
    assert "Tolvansson" not in response.text and "No conference is planned" in response.text
    assert log_rows(county.patient) == []


def test_a_steering_group_member_has_no_board(client, county, today):
    log_in(client, steering_member(county))
    assert client.get(BOARD).status_code == 403
    assert client.get(page(today)).status_code == 403
    assert log_rows(county.patient) == []


@pytest.fixture
def case_team_only(county):
    county.clinic.access_mode = Unit.AccessMode.CASE_TEAM
    county.clinic.save()
    f.CaseTeamMemberFactory(
        episode=county.episode, user=county.nurse, role=CaseTeamMember.Role.CASE_MANAGER
    )


def test_at_a_case_team_only_unit_the_case_team_sees_the_item(
    client, county, case_team_only, today
):
    response = log_in(client, county.nurse).get(page(today))
    assert "Tolvansson, Tolvan" in response.text and "more item" not in response.text
    assert named(log_rows(what="conference")) == [county.patient.pk]


def test_at_a_case_team_only_unit_others_see_only_a_count(client, county, case_team_only, today):
    response = log_in(client, county.coordinator).get(page(today))
    assert response.status_code == 200
    assert "Tolvansson" not in response.text and "Återfall" not in response.text
    assert "1 more item is about a person you may not see" in response.text
    assert log_rows(county.patient) == []


def test_the_other_organisations_reason_is_hidden_without_a_consent_to_disclose_notes(
    client, county, today, consent_for_coordination
):
    response = log_in(client, county.social_worker).get(page(today))
    assert "Tolvansson, Tolvan" in response.text
    assert "Återfall" not in response.text
    assert "The note is not shared with your organisation." in response.text
    [about] = log_rows(county.patient)
    assert (about.basis, about.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_other_organisations_reason_shows_under_a_consent_disclosing_notes(
    client, county, today
):
    consent = notes_disclosed(county, to=county.municipality)
    response = log_in(client, county.social_worker).get(page(today))
    assert "Återfall, behöver ny plan." in response.text
    [about] = log_rows(county.patient)
    assert (about.basis, about.consent_id) == (Basis.CONSENT, consent.pk)


def test_the_board_asks_the_database_as_often_for_ten_times_the_items(client, county, today):
    log_in(client, county.nurse)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(today)).status_code == 200
        return len(captured)

    item(today, f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse).person, county.nurse)
    few = queries()
    for position in range(10):
        episode = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
        item(today, episode.person, county.nurse, position=position + 2)
        item(
            conference(county.clinic, county.nurse, days=-position - 1),
            episode.person,
            county.nurse,
        )
    assert queries() == few


def test_past_conferences_list_their_minutes(client, county):
    held = conference(county.clinic, county.nurse, days=-7, title="Förra veckan")
    item(
        held,
        county.patient,
        county.nurse,
        decision="Ny plan.",
        status="discussed",
        decision_organisation=county.region,
        decided_by=county.nurse,
        decided_at=held.starts_at,
    )
    log_in(client, county.nurse)
    response = client.get(reverse("conference:past"))
    assert "Förra veckan" in response.text and "Tolvansson" not in response.text
    minutes = client.get(reverse("conference:minutes", args=[held.pk]))
    assert "Ny plan." in minutes.text and "Tolvansson, Tolvan" in minutes.text
    assert named(log_rows(what="conference minutes")) == [county.patient.pk]
