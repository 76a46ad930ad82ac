"""Opening, closing and reactivating episodes."""

import datetime

import pytest
from django.urls import reverse

from helhet.care.models import ClosureReason, Episode

from .. import factories as f
from ..people.utils import log_in, log_rows


@pytest.fixture
def reason(db):
    return ClosureReason.objects.get(code="goals_reached")


def close_url(episode):
    return reverse("care:episode_close", args=[episode.person_id, episode.pk])


def test_nurse_closes_the_episode_and_the_change_is_logged(client, county, reason):
    response = log_in(client, county.nurse).post(
        close_url(county.episode), {"closed_on": "2026-11-01", "reason": reason.pk}
    )
    assert response.status_code == 302
    county.episode.refresh_from_db()
    assert (county.episode.closed_on, county.episode.closure_reason, county.episode.closed_by) == (
        datetime.date(2026, 11, 1),
        reason,
        county.nurse,
    )
    assert [r.action for r in log_rows(county.patient)] == ["update"]


def test_closing_before_the_opening_date_is_refused_and_nothing_is_saved(client, county, reason):
    response = log_in(client, county.nurse).post(
        close_url(county.episode), {"closed_on": "2026-01-01", "reason": reason.pk}
    )
    assert "The closing date is before the opening date" in response.text
    county.episode.refresh_from_db()
    assert county.episode.is_open
    assert [r.action for r in log_rows(county.patient)] == ["read"]


def test_closing_in_the_future_is_refused(client, county, reason):
    response = log_in(client, county.nurse).post(
        close_url(county.episode), {"closed_on": "2099-01-01", "reason": reason.pk}
    )
    assert "The closing date lies in the future" in response.text


def test_closing_an_episode_that_is_already_closed_is_refused(client, county, reason):
    old = f.EpisodeFactory(
        person=county.patient,
        unit=county.clinic,
        opened_by=county.nurse,
        opened_on=datetime.date(2024, 1, 1),
        closed_on=datetime.date(2024, 6, 1),
        closure_reason=reason,
    )
    response = log_in(client, county.nurse).post(
        close_url(old), {"closed_on": "2026-11-01", "reason": reason.pk}
    )
    assert "This episode is already closed" in response.text
    old.refresh_from_db()
    assert old.closed_on == datetime.date(2024, 6, 1)


def test_a_retired_closure_reason_cannot_be_chosen(client, county):
    retired = ClosureReason.objects.create(code="old", name="Old", active=False)
    response = log_in(client, county.nurse).post(
        close_url(county.episode), {"closed_on": "2026-11-01", "reason": retired.pk}
    )
    assert "Select a valid choice" in response.text


@pytest.mark.parametrize("who", ["social_worker", "outsider"])
def test_users_without_a_relationship_cannot_close_the_episode(client, county, reason, who):
    response = log_in(client, getattr(county, who)).post(
        close_url(county.episode), {"closed_on": "2026-11-01", "reason": reason.pk}
    )
    assert response.status_code == 404
    county.episode.refresh_from_db()
    assert county.episode.is_open


def test_emergency_access_cannot_close_an_episode(client, county, reason):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    log_in(client, county.outsider)
    assert client.get(close_url(county.episode)).status_code == 404


def test_closing_the_last_episode_returns_to_the_person_read_only(client, county, reason):
    response = log_in(client, county.nurse).post(
        close_url(county.episode), {"closed_on": "2026-11-01", "reason": reason.pk}
    )
    assert response.url == reverse("people:overview", args=[county.patient.pk])


def test_closing_the_last_episode_returns_to_the_caseload_without_a_closed_window(
    client, county, reason, settings
):
    settings.HELHET_CLOSED_READABLE_MONTHS = 0
    response = log_in(client, county.nurse).post(
        close_url(county.episode), {"closed_on": "2026-11-01", "reason": reason.pk}
    )
    assert response.url == reverse("care:caseload")


# --- Opening ------------------------------------------------------------------------------


def open_url(person):
    return reverse("care:episode_open", args=[person.pk])


@pytest.fixture
def nurse_at_both_units(county):
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    county.other_unit.age_max = None
    county.other_unit.save()
    return county.nurse


def test_nurse_opens_an_episode_at_her_other_unit(client, county, nurse_at_both_units):
    log_in(client, county.nurse, unit=county.other_unit)
    response = client.post(open_url(county.patient), {"opened_on": "2026-11-01"})
    assert response.status_code == 302
    assert Episode.objects.filter(
        person=county.patient, unit=county.other_unit, closed_on__isnull=True
    ).exists()
    assert [r.action for r in log_rows(county.patient)] == ["create"]


def test_a_person_too_old_for_the_unit_is_refused(client, county):
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    log_in(client, county.nurse, unit=county.other_unit)
    response = client.post(open_url(county.patient), {"opened_on": "2026-11-01"})
    assert "accepts persons aged 21 or younger; this person is 46" in response.text
    assert not county.patient.episodes.filter(unit=county.other_unit).exists()


def test_a_second_open_episode_at_the_same_unit_is_refused(client, county):
    response = log_in(client, county.nurse).post(
        open_url(county.patient), {"opened_on": "2026-11-01"}
    )
    assert "already has an open episode at Socialmedicinska mottagningen" in response.text
    assert county.patient.episodes.filter(unit=county.clinic).count() == 1


def test_opening_where_an_open_episode_is_hidden_does_not_name_it(client, county):
    """The social worker sees the patient through her organisation's episode at Mini-Maria;
    the region's open episode at the clinic is not hers (no consent): the refusal is the one
    message, not "already has an open episode"."""
    f.MembershipFactory(user=county.social_worker, unit=county.other_unit)
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.social_worker)
    response = log_in(client, county.social_worker, county.clinic).post(
        open_url(county.patient), {"opened_on": "2026-11-01"}
    )
    assert "could not be registered at Socialmedicinska mottagningen" in response.text
    assert "open episode" not in response.text
    assert county.patient.episodes.filter(unit=county.clinic).count() == 1


def test_a_member_of_the_active_unit_who_sees_the_person_elsewhere_may_open_an_episode(
    client, county
):
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.outsider)
    f.MembershipFactory(user=county.outsider, unit=county.clinic)
    log_in(client, county.outsider, unit=county.clinic)
    assert client.get(open_url(county.patient)).status_code == 200


def test_a_user_who_does_not_see_the_person_may_not_open_an_episode(client, county):
    response = log_in(client, county.social_worker).post(
        open_url(county.patient), {"opened_on": "2026-11-01"}
    )
    assert response.status_code == 404


# --- Reactivation -------------------------------------------------------------------------


def reactivate_url(episode):
    return reverse("care:episode_reactivate", args=[episode.person_id, episode.pk])


@pytest.fixture
def closed_elsewhere(county, nurse_at_both_units, reason):
    return f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.nurse,
        opened_on=datetime.date(2025, 1, 1),
        closed_on=datetime.date(2025, 6, 1),
        closure_reason=reason,
    )


def test_reactivating_opens_a_new_episode_linked_to_the_closed_one(
    client, county, closed_elsewhere
):
    response = log_in(client, county.nurse).post(
        reactivate_url(closed_elsewhere), {"opened_on": "2026-11-01"}
    )
    assert response.status_code == 302
    new = Episode.objects.get(person=county.patient, unit=county.other_unit, closed_on=None)
    assert new.reactivation_of == closed_elsewhere
    assert reactivate_url(closed_elsewhere) not in client.get(response.url).text


def test_an_episode_is_reactivated_only_once(client, county, closed_elsewhere, reason):
    log_in(client, county.nurse).post(reactivate_url(closed_elsewhere), {"opened_on": "2026-10-01"})
    Episode.objects.filter(reactivation_of=closed_elsewhere).update(
        closed_on=datetime.date(2026, 10, 2), closure_reason=reason
    )
    assert client.get(reactivate_url(closed_elsewhere)).status_code == 404


def test_reactivation_cannot_begin_before_the_closed_episode_ended(
    client, county, closed_elsewhere
):
    response = log_in(client, county.nurse).post(
        reactivate_url(closed_elsewhere), {"opened_on": "2025-05-01"}
    )
    assert "cannot begin before the closed one ended" in response.text
    assert not Episode.objects.filter(reactivation_of=closed_elsewhere).exists()


def test_opening_again_after_a_closure_links_the_reactivation(client, county, closed_elsewhere):
    log_in(client, county.nurse, unit=county.other_unit)
    client.post(open_url(county.patient), {"opened_on": "2026-11-01"})
    assert Episode.objects.get(reactivation_of=closed_elsewhere).closed_on is None


def test_a_user_who_is_not_a_member_of_the_unit_cannot_reactivate(
    client, county, closed_elsewhere, consent_for_coordination
):
    response = log_in(client, county.social_worker).get(reactivate_url(closed_elsewhere))
    assert response.status_code == 404
