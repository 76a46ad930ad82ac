"""Helpers for the access page tests: log in with an active unit; a minor at Mini-Maria."""

import pytest
from django.utils import timezone

from helhet.core.middleware import ACTIVE_UNIT_SESSION_KEY

from .. import factories as f


def log_in(client, user, unit=None):
    """Log USER in; make UNIT the active one when given (else the first of their units)."""
    client.force_login(user)
    if unit is not None:
        session = client.session
        session[ACTIVE_UNIT_SESSION_KEY] = unit.pk
        session.save()
    return client


@pytest.fixture
def minor(county):
    """A 15-year-old enrolled at Mini-Maria by the outsider (a region nurse working there)."""
    today = timezone.localdate()
    person = f.PersonFactory(
        birth_date=today.replace(year=today.year - 15, day=1), registered_by=county.outsider
    )
    f.EpisodeFactory(
        person=person,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=today.replace(day=1),
    )
    return person


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    """Each test its own checkpoint directory: a checkpoint that another test's (committed)
    rows wrote names rows this test's database does not hold."""
    settings.HELHET_LOG_CHECKPOINT_DIR = str(tmp_path / "log-checkpoints")
