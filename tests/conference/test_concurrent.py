"""Two writes on one item at once: the item and the conference are locked, so the second is
refused with a message and nothing is written twice."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from helhet.conference import actions
from helhet.conference.models import ConferenceItem

from ..concurrency import at_once, in_turn, seed_rows_put_back  # noqa: F401 (a fixture)
from ..plans.conftest import access_of
from .conftest import actor, conference, item


def postpone_twice(county):
    held = conference(county.clinic, county.nurse)
    conference(county.clinic, county.nurse, days=3)
    found = item(held, county.patient, county.nurse)

    def postpone(user):
        acting = {
            "actor": actor(user, county.clinic),
            "access": access_of(user, county.patient, county.clinic),
        }
        return lambda: actions.conference_item_postpone(**acting, item_id=found.pk)

    return [postpone(county.nurse), postpone(county.coordinator)], 2  # the item, and one moved


def add_twice(county):
    held = conference(county.clinic, county.nurse, days=1)

    def add(user):
        acting = {
            "actor": actor(user, county.clinic),
            "access": access_of(user, county.patient, county.clinic),
        }
        return lambda: actions.conference_item_add(**acting, conference=held, reason="Akut.")

    return [add(county.nurse), add(county.coordinator)], 1


def _one_written(outcomes, items: int) -> None:
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1, outcomes
    assert len([o for o in outcomes if isinstance(o, ConferenceItem)]) == 1, outcomes
    assert ConferenceItem.objects.count() == items


WRITES = [postpone_twice, add_twice]


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__)
def test_the_same_write_twice_in_turn_is_written_once(county, write):
    calls, items = write(county)
    _one_written(in_turn(*calls), items)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("seed_rows_put_back")
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__)
def test_the_same_write_twice_at_once_is_written_once(county, write):
    calls, items = write(county)
    _one_written(at_once(*calls), items)
