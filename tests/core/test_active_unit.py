"""The active unit: the user's choice this session, else the unit where the user works most."""

import datetime

import pytest
from django.urls import reverse

from helhet.core.middleware import ACTIVE_UNIT_SESSION_KEY
from helhet.core.models import Unit

from .. import factories as f


@pytest.fixture
def act(county):
    """An ACT team (case-team access) whose name sorts before the clinic's, with the nurse on it."""
    unit = f.UnitFactory(
        name="ACT-teamet",
        unit_type=Unit.Type.ACT,
        access_mode=Unit.AccessMode.CASE_TEAM,
        organisations=[county.region, county.municipality],
    )
    f.MembershipFactory(user=county.nurse, unit=unit)
    return unit


def active_unit(client):
    """The active unit of a request (the start page only redirects: no page content needed)."""
    return client.get(reverse("core:home")).wsgi_request.unit


def active_unit_after_login(client, user):
    client.force_login(user)
    return active_unit(client)


def put_on_case_teams(user, unit, count):
    for _ in range(count):
        episode = f.EpisodeFactory(unit=unit, opened_by=user, opened_on=datetime.date(2026, 1, 2))
        f.CaseTeamMemberFactory(episode=episode, user=user)


def test_the_unit_with_most_open_case_teams_is_active_after_login(client, county, act):
    # The nurse is case manager of the patient's episode at the clinic, of none at the ACT team.
    f.CaseTeamMemberFactory(episode=county.episode, user=county.nurse)
    assert active_unit_after_login(client, county.nurse) == county.clinic
    assert client.session[ACTIVE_UNIT_SESSION_KEY] == county.clinic.pk


def test_more_case_teams_at_the_act_team_make_it_the_default(client, county, act):
    f.CaseTeamMemberFactory(episode=county.episode, user=county.nurse)
    put_on_case_teams(county.nurse, act, 2)
    assert active_unit_after_login(client, county.nurse) == act


def test_closed_episodes_do_not_count(client, county, act):
    put_on_case_teams(county.nurse, act, 2)
    reason = f.ClosureReasonFactory(code="goals_reached", name="Goals reached")
    act.episodes.update(closed_on=datetime.date(2026, 2, 1), closure_reason=reason)
    assert active_unit_after_login(client, county.nurse) == county.clinic


def test_on_no_case_team_a_whole_unit_comes_before_a_case_team_only_one(client, county, act):
    """Alphabetically the ACT team is first, but there a user on no case team sees no one."""
    assert active_unit_after_login(client, county.nurse) == county.clinic


def test_the_users_choice_is_kept_for_the_session(client, county, act):
    f.CaseTeamMemberFactory(episode=county.episode, user=county.nurse)
    client.force_login(county.nurse)
    client.post(reverse("core:switch_unit"), {"unit": act.pk})
    assert active_unit(client) == act


def test_a_unit_the_user_is_not_a_member_of_cannot_be_chosen(client, county, act):
    client.force_login(county.outsider)
    client.post(reverse("core:switch_unit"), {"unit": county.clinic.pk})
    assert active_unit(client) == county.other_unit


def test_a_user_without_units_has_no_active_unit_and_no_session_entry(client, county):
    client.force_login(county.admin)
    assert active_unit(client) is None
    assert ACTIVE_UNIT_SESSION_KEY not in client.session
