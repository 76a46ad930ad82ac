"""Helpers for the referral tests: an empty flood counter for each test, the actor."""

import pytest
from django.core.cache import cache

from helhet.access.log import Actor


@pytest.fixture(autouse=True)
def empty_flood_counters():
    """The flood counters live in the cache, which outlives a test's database transaction."""
    cache.clear()
    yield
    cache.clear()


def actor(user, unit):
    return Actor(user, unit, "test-request")
