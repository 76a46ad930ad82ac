"""The demo county's ACT team has its conferences: one held with decisions, the next with
persons to discuss; at the case-team-only unit each sees only their case teams' persons."""

import pytest
from django.urls import reverse

from helhet.access import policy
from helhet.conference.models import Conference, ConferenceItem
from helhet.core.models import Unit, User

from ..demo.test_demo import run_demo
from ..people.utils import log_in

pytestmark = pytest.mark.django_db


def test_the_act_team_has_a_conference_held_and_the_next_one_planned(client):
    run_demo(persons=30)
    act = Unit.objects.get(unit_type=Unit.Type.ACT)
    assert Conference.objects.filter(unit=act).count() == 3
    decided = ConferenceItem.objects.filter(unit=act, decided_by__isnull=False)
    assert decided.exists() and all(i.decision_organisation_id for i in decided)
    eva = User.objects.get(username="eva.samordnare")
    mine = set(policy.visible_persons(eva, unit=act).values_list("pk", flat=True))
    board = log_in(client, eva, act).get(reverse("conference:board"))
    coming = Conference.objects.filter(unit=act).order_by("starts_at")[1]
    for item in coming.items.select_related("person"):
        shown = f"{item.person.family_name}, {item.person.given_name}" in board.text
        assert shown == (item.person_id in mine)
