"""Two parties at once: both approvals count and the version is in force; two proposals from
the same version, one is saved and the other is stale. On PostgreSQL, with real connections."""

import pytest
from django.db import connection

from helhet.core.versions import StaleEdit
from helhet.governance import actions
from helhet.governance.models import AgreementVersion

from ..concurrency import at_once, seed_rows_put_back  # noqa: F401 (a fixture)
from .conftest import propose

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("seed_rows_put_back"),
]


def test_both_parties_approving_at_once_put_the_version_in_force(gov):
    v2 = propose(gov.agreement, gov.manager, based_on=1)
    outcomes = at_once(
        lambda: actions.version_approve(user=gov.manager, version_id=v2.pk),
        lambda: actions.version_approve(user=gov.coordinator, version_id=v2.pk),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    v2.refresh_from_db()
    assert v2.state == AgreementVersion.State.IN_FORCE and v2.approvals.count() == 2


def test_two_proposals_from_the_same_version_at_once_save_one(gov):
    outcomes = at_once(
        lambda: propose(gov.agreement, gov.manager, based_on=1),
        lambda: propose(gov.agreement, gov.coordinator, based_on=1),
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["AgreementVersion", "StaleEdit"]
    assert any(isinstance(o, StaleEdit) for o in outcomes)
    assert gov.agreement.versions.count() == 2
