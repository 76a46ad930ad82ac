"""Both parties record a decision at the same step at once: one is saved, the other is refused
(the dispute has moved on), so the dispute climbs one step, not two; a confirmation of a
settlement and a move up at once end in one decision. On PostgreSQL, with real connections."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from helhet.governance import dispute_actions
from helhet.governance.models import Dispute, DisputeDecision

from ..concurrency import at_once, seed_rows_put_back  # noqa: F401 (a fixture)
from .test_disputes import raise_

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("seed_rows_put_back"),
]


def _not_settled(user, dispute):
    return lambda: dispute_actions.dispute_decide(
        user=user,
        dispute_id=dispute.pk,
        step=1,
        settled=False,
        decision="Ingen enighet",
        reasons="Olika bedömningar",
    )


def test_two_decisions_at_the_same_step_at_once_move_the_dispute_up_once(gov):
    dispute = raise_(gov)
    outcomes = at_once(_not_settled(gov.manager, dispute), _not_settled(gov.coordinator, dispute))
    assert sorted(type(o).__name__ for o in outcomes) == ["Dispute", "ValidationError"]
    assert any(isinstance(o, ValidationError) for o in outcomes)
    dispute.refresh_from_db()
    assert dispute.step == 2 and dispute.status == Dispute.Status.RUNNING
    assert DisputeDecision.objects.filter(dispute=dispute).count() == 1


def test_a_confirmation_and_a_move_up_at_once_end_in_one_decision(gov):
    dispute = raise_(gov)
    dispute_actions.dispute_decide(
        user=gov.coordinator,
        dispute_id=dispute.pk,
        step=1,
        settled=True,
        decision="Kommunen ansvarar",
        reasons="Avtalet",
    )  # proposed by the region: the municipality confirms while the region moves it up

    def confirm():
        return dispute_actions.dispute_settlement_answer(
            user=gov.manager, dispute_id=dispute.pk, proposal=1, confirm=True
        )

    outcomes = at_once(confirm, _not_settled(gov.coordinator, dispute))
    assert sorted(type(o).__name__ for o in outcomes) == ["Dispute", "ValidationError"]
    dispute.refresh_from_db()
    [decision] = DisputeDecision.objects.filter(dispute=dispute)
    if decision.settled:  # the confirmation came first
        assert (dispute.status, dispute.step) == (Dispute.Status.SETTLED, 1)
    else:
        assert (dispute.status, dispute.step) == (Dispute.Status.RUNNING, 2)
    assert dispute.proposed_party is None
