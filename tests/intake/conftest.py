"""Helpers for the referral tests: an empty flood counter for each test, the actor."""

import pytest
from django.core.cache import cache

from helhet.access.log import Actor


@pytest.fixture(autouse=True)
def empty_flood_counters(db):
    """The flood counters live in the database cache; its table is not a model's, so a
    transactional test's flush would leave it as it was: start each test from zero."""
    cache.clear()


def actor(user, unit):
    return Actor(user, unit, "test-request")
