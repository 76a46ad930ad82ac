"""The surveys' test world: the test county's clinic, with answers made directly."""

import datetime

import pytest

from helhet.core.models import User
from helhet.followup.models import SteeringGroup
from helhet.surveys import actions, questionnaires
from helhet.surveys.models import Channel
from tests import factories as f


@pytest.fixture
def steering(county):
    """A member of the clinic's steering group (no membership): reads results, edits nothing."""
    group = SteeringGroup.objects.create(name="Styrgrupp Socialmedicin")
    group.units.add(county.clinic)
    county.steering = f.UserFactory(
        username="steering", organisation=county.region, profession=User.Profession.MANAGER
    )
    group.members.add(county.steering)
    return county


def answer(unit, day, values, *, code="persons", comment="", channel=Channel.PAPER):
    """One response at UNIT on DAY: VALUES by question number."""
    return actions.response_submit(
        unit=unit,
        questionnaire=questionnaires.get(code),
        channel=channel,
        day=day,
        answers=values,
        comment=comment,
    )


DAY = datetime.date(2025, 5, 14)
