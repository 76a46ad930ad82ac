"""A name search at a case-team-only unit (an ACT team): only the person's case team finds the
person; and the policy's relationship read with the user's units named in the SQL
(`units=`, as the search asks it) is the relationship read from the memberships."""

import pytest
from django.urls import reverse

from helhet.access import policy
from helhet.core.models import Membership, Unit, User

from .. import factories as f
from ..log_rows import named
from .utils import log_in, log_rows


@pytest.fixture
def act(county):
    """An ACT team (case-team access) with the nurse and a colleague of hers as members, and a
    person there with the nurse on the case team."""
    unit = f.UnitFactory(
        name="ACT-teamet",
        unit_type=Unit.Type.ACT,
        access_mode=Unit.AccessMode.CASE_TEAM,
        organisations=[county.region, county.municipality],
    )
    colleague = f.UserFactory(
        username="colleague", organisation=county.region, profession=User.Profession.NURSE
    )
    for user in (county.nurse, colleague):
        f.MembershipFactory(user=user, unit=unit)
    person = f.PersonFactory(given_name="Akt", family_name="Aktsson", registered_by=county.nurse)
    episode = f.EpisodeFactory(person=person, unit=unit, opened_by=county.nurse)
    f.CaseTeamMemberFactory(episode=episode, user=county.nurse)
    county.act, county.colleague, county.act_person = unit, colleague, person
    return unit


def search(client, q):
    return client.get(reverse("people:search"), {"q": q})


def test_the_case_team_finds_the_person_at_a_case_team_only_unit(client, county, act):
    text = search(log_in(client, county.nurse, unit=act), "Aktsson").text
    assert "Aktsson, Akt<" in text
    assert named(log_rows(what="search")) == [county.act_person.pk]


def test_a_member_off_the_case_team_does_not_find_the_person(client, county, act):
    text = search(log_in(client, county.colleague, unit=act), "Aktsson").text
    assert "Aktsson, Akt" not in text and "No person you have access to matches" in text
    assert log_rows() == []


def _episode_ids(user, **kwargs) -> set[int]:
    return set(policy.relationship_episodes(user, **kwargs).values_list("pk", flat=True))


def test_the_users_units_named_in_the_sql_give_the_relationships_the_memberships_give(
    county, act, consent_for_coordination
):
    # The social worker's relationship at the clinic is by the consent; the outsider has none.
    f.EpisodeFactory(unit=county.other_unit, opened_by=county.outsider)
    for user in (county.nurse, county.colleague, county.social_worker, county.outsider):
        memberships = Membership.objects.filter(user=user).select_related("unit")
        units = policy.member_units(memberships)
        assert units and _episode_ids(user, units=units) == _episode_ids(user)
    assert _episode_ids(county.colleague) == set()  # a member at ACT, on no case team
    assert _episode_ids(county.nurse) == {
        county.episode.pk,
        *act.episodes.values_list("pk", flat=True),
    }


def test_no_units_give_no_relationship(county):
    assert _episode_ids(county.nurse) and _episode_ids(county.nurse, units={}) == set()


def test_a_user_of_no_unit_finds_only_whom_they_have_emergency_access_to(client, county):
    loner = f.UserFactory(username="loner", organisation=county.region)
    assert search(log_in(client, loner), "Tolvansson").text.count("Tolvansson, Tolvan<") == 0
    f.EmergencyAccessFactory(user=loner, person=county.patient)
    assert search(client, "Tolvansson").text.count("Tolvansson, Tolvan<") == 1
