"""Writes on disputes between the authorities: raised by a party's manager or coordinator at a
unit under an agreement in force, against another party of it; decided at each step of the
ladder by a manager or coordinator of either party (`disputes.py` has who may). Keyword-only
and atomic, else ValidationError, and nothing is saved. Only a dispute about a person names
one: its raising is logged (`record_access`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.core.models import User

from . import disputes
from .deviations import addressable
from .models import Dispute, DisputeDecision


@transaction.atomic
def dispute_raise(
    *,
    actor: Actor,
    access: PersonAccess | None = None,
    against,
    kind: str,
    question: str,
    meanwhile_party=None,
    meanwhile: str = "",
) -> Dispute:
    """A dispute raised by ACTOR's user at ACTOR's unit against another party of the unit's
    agreement in force (AGAINST): at the first step of its ladder, with that step's deadline.
    About ACCESS's person when given: the raiser must act for them at the unit, and who acts
    meanwhile (MEANWHILE_PARTY, a party of the two, and what it does) is required; the raising
    is logged."""
    user, unit = actor.user, actor.unit
    if unit is None or user.organisation_id is None or not disputes.may_raise(user, unit):
        raise ValidationError(
            _("Only a manager or coordinator of a party to the agreement may raise a dispute.")
        )
    version = disputes.version_in_force(unit)
    assert version is not None  # may_raise asked
    if access is not None and not access.may_act_at(unit.pk):
        raise ValidationError(_("You may raise a dispute only about a person you work with here."))
    party = addressable(user, version).filter(pk=getattr(against, "pk", against)).first()
    if party is None:
        raise ValidationError({"against": _("Choose another party to the agreement.")})
    if kind not in Dispute.Kind.values:
        raise ValidationError({"kind": _("Choose what the dispute is about.")})
    question, meanwhile = question.strip(), meanwhile.strip()
    if not question:
        raise ValidationError({"question": _("Write what the dispute is about.")})
    acting = _meanwhile(meanwhile_party, meanwhile, {user.organisation_id, party.pk}, access)
    first = disputes.steps(version)[0]
    dispute = Dispute.objects.create(
        agreement=version.agreement,
        ladder=version,
        unit=unit,
        raised_by=user,
        raising_party_id=user.organisation_id,
        against=party,
        kind=kind,
        question=question,
        person=access.person if access is not None else None,
        meanwhile_party_id=acting,
        meanwhile=meanwhile if acting else "",
        decide_by=disputes.decide_by(first, timezone.localdate()),
    )
    if access is not None:
        record_access(actor, access, action="write", what="dispute raised")
    return dispute


def _meanwhile(party, text: str, parties: set, access: PersonAccess | None) -> int | None:
    """The id of the party that acts meanwhile (one of the two PARTIES), None when none is
    named; required, with what it does, for a dispute about a person."""
    party_id = getattr(party, "pk", party)
    if party_id is None and not text:
        if access is not None:
            raise ValidationError(
                {"meanwhile_party": _("Say which party acts for the person meanwhile.")}
            )
        return None
    if party_id not in parties:
        raise ValidationError({"meanwhile_party": _("Choose one of the two parties.")})
    if not text:
        raise ValidationError({"meanwhile": _("Write what the party does meanwhile.")})
    return party_id


@transaction.atomic
def dispute_decide(
    *, user: User, dispute_id: int, step: int, settled: bool, decision: str, reasons: str
) -> Dispute:
    """The decision at STEP, the dispute's current step (else it has moved on meanwhile and
    nothing is saved), with its reasons: SETTLED closes the dispute with it; otherwise it moves
    up to the next step with that step's deadline. The last step can only settle."""
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .filter(pk=dispute_id, pk__in=disputes.visible(user).values("pk"))
        .select_related("agreement", "ladder")
        .first()
    )
    if dispute is None:
        raise ValidationError(_("There is no such dispute."))
    party = disputes.party_of(user, dispute)
    if party is None:
        raise ValidationError(
            _("Only a manager or coordinator of a party to the dispute may record a decision.")
        )
    if dispute.status != Dispute.Status.RUNNING or step != dispute.step:
        raise ValidationError(
            _("The dispute has moved on since you opened it: read the decision recorded.")
        )
    decision, reasons = decision.strip(), reasons.strip()
    if not decision:
        raise ValidationError({"decision": _("Write the decision.")})
    if not reasons:
        raise ValidationError({"reasons": _("Write the reasons for the decision.")})
    ladder = disputes.steps(dispute.ladder)
    last = dispute.step >= len(ladder)
    if last and not settled:
        raise ValidationError(
            {"settled": _("The last step of the ladder decides: the dispute is settled there.")}
        )
    today = timezone.localdate()
    DisputeDecision.objects.create(
        dispute=dispute,
        step=dispute.step,
        body=ladder[dispute.step - 1].body,
        settled=settled,
        decision=decision,
        reasons=reasons,
        decided_by=user,
        decided_party=party,
    )
    if settled:
        dispute.status, dispute.settled_on = Dispute.Status.SETTLED, today
    else:
        dispute.step += 1
        dispute.decide_by = disputes.decide_by(ladder[dispute.step - 1], today)
    dispute.save(update_fields=["status", "settled_on", "step", "decide_by"])
    return dispute
