"""The demo county has a year of survey answers (some under five), comments in every state and
a user council meeting with a proposal answered."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from helhet.core.models import Membership, Unit
from helhet.followup.periods import last_full_year
from helhet.surveys import results
from helhet.surveys.models import CommentState, CouncilMeeting, Proposal, Response


@pytest.fixture
def demo(db):
    call_command("demo", stdout=io.StringIO(), persons=30)


def test_the_demo_county_has_survey_answers_comments_and_a_user_council(demo, client):
    period = last_full_year()
    for unit in Unit.objects.all():
        [persons, relatives] = results.unit_results(unit, period)
        assert persons.responses.value and persons.responses.value >= 5, unit
    act = Unit.objects.get(unit_type=Unit.Type.ACT)
    [_persons, relatives] = results.unit_results(act, period)
    assert relatives.responses.hidden and relatives.questions[0].answered.hidden
    states = set(Response.objects.values_list("comment_state", flat=True))
    assert {CommentState.WAITING, CommentState.CLEARED, CommentState.REJECTED} <= states
    meeting = CouncilMeeting.objects.get()
    assert Proposal.objects.filter(meeting=meeting, answered_on__isnull=False).exists()
    manager = Membership.objects.filter(unit__in=meeting.units.all(), role="manager").first()
    client.force_login(manager.user)
    page = client.get(reverse("surveys:results", args=[manager.unit_id]))
    assert page.status_code == 200
    assert page.context["results"][0].questions[0].mean.value is not None
