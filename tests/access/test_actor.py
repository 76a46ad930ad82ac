"""The Actor names who writes: the organisation that owns what they write, and their unit."""

import pytest
from django.core.exceptions import PermissionDenied

from helhet.access.log import Actor


def test_staff_actor_writes_for_their_own_organisation(county):
    actor = Actor(county.nurse, county.clinic)
    assert actor.organisation_id == county.nurse.organisation_id
    assert actor.active_unit == county.clinic


def test_administrator_without_organisation_owns_nothing_they_could_write(county):
    with pytest.raises(PermissionDenied):
        Actor(county.admin, county.clinic).organisation_id  # noqa: B018


def test_actor_at_no_unit_has_no_unit_to_write_at(county):
    with pytest.raises(PermissionDenied):
        Actor(county.nurse, None).active_unit  # noqa: B018
