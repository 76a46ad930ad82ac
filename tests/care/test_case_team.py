"""The case team of an episode: named staff of the unit as case managers or team members."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhet.access.log import Actor
from helhet.care import actions
from helhet.care.models import CaseTeamMember, Episode
from helhet.core.models import Unit

from .. import factories as f
from ..people.utils import log_in, log_rows
from ..plans.conftest import access_of


def url(episode):
    return reverse("care:case_team_add", args=[episode.person_id, episode.pk])


def test_nurse_makes_the_social_worker_a_case_manager(client, county):
    response = log_in(client, county.nurse).post(
        url(county.episode), {"user": county.social_worker.pk, "role": "case_manager"}
    )
    assert response.status_code == 302
    member = CaseTeamMember.objects.get(episode=county.episode, user=county.social_worker)
    assert (member.role, member.added_by) == ("case_manager", county.nurse)
    assert [r.action for r in log_rows(county.patient)] == ["update"]


def test_adding_a_member_again_changes_their_role(client, county):
    log_in(client, county.nurse)
    client.post(url(county.episode), {"user": county.nurse.pk, "role": "member"})
    client.post(url(county.episode), {"user": county.nurse.pk, "role": "case_manager"})
    assert CaseTeamMember.objects.get(episode=county.episode).role == "case_manager"


def test_staff_of_another_unit_cannot_be_chosen(client, county):
    response = log_in(client, county.nurse).post(
        url(county.episode), {"user": county.outsider.pk, "role": "member"}
    )
    assert "Select a valid choice" in response.text
    assert not county.episode.case_team.exists()


def test_a_member_is_removed_with_the_remove_button(client, county):
    member = f.CaseTeamMemberFactory(episode=county.episode, user=county.social_worker)
    response = log_in(client, county.nurse).post(url(county.episode), {"remove": member.pk})
    assert response.status_code == 302
    assert not county.episode.case_team.exists()
    assert "The case team is updated" in client.get(response.url).text


def test_act_teams_are_reminded_of_one_case_manager_from_each_organisation(client, county):
    county.clinic.unit_type = Unit.Type.ACT
    county.clinic.save()
    response = log_in(client, county.nurse).get(url(county.episode))
    assert "one case manager from each organisation" in response.text


def test_social_worker_without_consent_cannot_edit_the_case_team(client, county):
    response = log_in(client, county.social_worker).post(
        url(county.episode), {"user": county.social_worker.pk, "role": "member"}
    )
    assert response.status_code == 404
    assert not county.episode.case_team.exists()


def test_an_episode_closed_since_the_page_read_it_gets_no_new_member(county):
    """The action reads the episode again, locked: the copy the page read still says open."""
    read_by_the_page = Episode.objects.get(pk=county.episode.pk)
    access = access_of(county.nurse, county.patient, county.clinic)
    actor = Actor(county.nurse, county.clinic, "req-team")
    actions.episode_close(
        actor=Actor(county.coordinator, county.clinic, "req-close"),
        access=access_of(county.coordinator, county.patient, county.clinic),
        episode_id=county.episode.pk,
        closed_on=datetime.date(2026, 2, 1),
        reason=f.ClosureReasonFactory(),
    )
    with pytest.raises(ValidationError, match="This episode is closed"):
        actions.case_team_add(
            actor=actor, access=access, episode=read_by_the_page, user=county.nurse, role="member"
        )
    assert not CaseTeamMember.objects.filter(episode=county.episode).exists()


def test_an_open_episode_read_by_the_page_gets_its_member(county):
    """The twin: nothing saved meanwhile, the member is added."""
    read_by_the_page = Episode.objects.get(pk=county.episode.pk)
    actions.case_team_add(
        actor=Actor(county.nurse, county.clinic, "req-team"),
        access=access_of(county.nurse, county.patient, county.clinic),
        episode=read_by_the_page,
        user=county.nurse,
        role="member",
    )
    assert CaseTeamMember.objects.filter(episode=county.episode, user=county.nurse).exists()
