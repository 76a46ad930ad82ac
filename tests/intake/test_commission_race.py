"""Two tabs adding a referral's commission at the same moment (PostgreSQL: concurrent
transactions; SQLite takes one writer at a time): the referral's row is locked, so one adds it
and the other is answered with the form's message — never the one-to-one's IntegrityError."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from helhet.access.log import Actor
from helhet.intake import actions
from helhet.intake.models import Commission, Referral
from tests import factories as f
from tests.concurrency import at_once, seed_rows_put_back  # noqa: F401 — a fixture

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_tabs_at_once_add_one_commission(county, seed_rows_put_back):  # noqa: F811
    referral = f.ReferralFactory(
        unit=county.clinic,
        registered_by=county.social_worker,
        source=Referral.Source.SOCIAL_SERVICES,
        referrer="Sara Socialsekreterare",
    )

    def add(user, task):
        return lambda: actions.commission_add(
            actor=Actor(user, county.clinic),
            referral=referral,
            access=None,
            task=task,
            questions="Behövs en SIP?",
            starts_on=datetime.date(2026, 12, 1),
            ends_on=datetime.date(2027, 3, 1),
            contact="Sara Socialsekreterare",
        )

    outcomes = at_once(add(county.nurse, "Första fliken"), add(county.coordinator, "Andra"))
    added = [o for o in outcomes if isinstance(o, Commission)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(added), len(refused)) == (1, 1), outcomes
    assert "already has its commission" in refused[0].messages[0]
    assert Commission.objects.get(referral=referral).pk == added[0].pk
