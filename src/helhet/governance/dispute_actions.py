"""Writes on disputes between the authorities: raised by a party's manager or coordinator at a
unit under an agreement in force, against another party of it; decided at each step of the
ladder by whom `disputes.say` names (a settlement of the parties proposed by one and confirmed
by the other). Keyword-only and atomic, else ValidationError, and nothing is saved. Only a
dispute about a person names one: its raising is logged (`record_access`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    parties = {user.organisation_id, party.pk}
    acting = _meanwhile(meanwhile_party, meanwhile, parties, required=access is not None)
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


def _meanwhile(party, text: str, parties: set, *, required: bool) -> int | None:
    """The id of the party that acts meanwhile (one of the two PARTIES), None when none is
    named; REQUIRED, with what it does, for a dispute about a person."""
    party_id = getattr(party, "pk", party)
    if party_id is None and not text:
        if required:
            raise ValidationError(
                {"meanwhile_party": _("Say which party acts for the person meanwhile.")}
            )
        return None
    if party_id not in parties:
        raise ValidationError({"meanwhile_party": _("Choose one of the two parties.")})
    if not text:
        raise ValidationError({"meanwhile": _("Write what the party does meanwhile.")})
    return party_id


def _locked(user: User, dispute_id: int) -> Dispute:
    """DISPUTE_ID locked for a decision, if USER may see it (`disputes.visible`)."""
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .filter(pk=dispute_id, pk__in=disputes.visible(user).values("pk"))
        .select_related("agreement", "ladder")
        .first()
    )
    if dispute is None:
        raise ValidationError(_("There is no such dispute."))
    return dispute


MOVED_ON = gettext_lazy("The dispute has moved on since you opened it: read the decision recorded.")


@transaction.atomic
def dispute_decide(
    *,
    user: User,
    dispute_id: int,
    step: int,
    settled: bool,
    decision: str,
    reasons: str,
    meanwhile_party=None,
    meanwhile: str | None = None,
) -> Dispute:
    """The decision at STEP, the dispute's current step (else it has moved on meanwhile and
    nothing is saved), with its reasons, recorded by whom `disputes.say` names. SETTLED closes
    the dispute with it, except at a step of the parties, where it is proposed to the other
    party (`dispute_settlement_answer`); otherwise it moves up to the next step with that
    step's deadline (a proposal waiting is dropped), and with MEANWHILE (a text: a form's) who
    acts meanwhile may change. The last step can only settle."""
    dispute = _locked(user, dispute_id)
    ladder = disputes.steps(dispute.ladder)
    say = disputes.say(user, dispute, ladder)
    if say is None and dispute.status == Dispute.Status.RUNNING and step == dispute.step:
        raise ValidationError(
            _("Only those who decide at this step of the ladder may record its decision.")
        )
    if say is None or step != dispute.step:
        raise ValidationError(MOVED_ON)
    decision, reasons = decision.strip(), reasons.strip()
    if not decision:
        raise ValidationError({"decision": _("Write the decision.")})
    if not reasons:
        raise ValidationError({"reasons": _("Write the reasons for the decision.")})
    if not settled and not say.escalates:
        raise ValidationError(
            {"settled": _("The last step of the ladder decides: the dispute is settled there.")}
        )
    if settled and not say.settles:
        return _propose(dispute, user, say, decision, reasons)
    record = DisputeDecision(
        dispute=dispute,
        step=dispute.step,
        body=ladder[dispute.step - 1].body,
        settled=settled,
        decision=decision,
        reasons=reasons,
        decided_by=user,
        decided_party=say.party,
    )
    if not settled and meanwhile is not None:
        _change_meanwhile(dispute, record, meanwhile_party, meanwhile)
    record.save()
    return _after(dispute, ladder, settled=settled)


def _propose(dispute: Dispute, user: User, say, decision: str, reasons: str) -> Dispute:
    """A settlement proposed by SAY's party, waiting for the other party's confirmation."""
    if dispute.proposed_party_id is not None:
        raise ValidationError(
            {"settled": _("A settlement is proposed already: it is confirmed or rejected first.")}
        )
    dispute.proposal_number += 1
    dispute.proposed_by, dispute.proposed_party = user, say.party
    dispute.proposed_at = timezone.now()
    dispute.proposed_decision, dispute.proposed_reasons = decision, reasons
    dispute.save()
    return dispute


def _change_meanwhile(dispute: Dispute, record: DisputeDecision, party, text: str) -> None:
    """Who acts meanwhile from RECORD's decision on, when it changes (kept on the decision too);
    it stays named for a dispute about a person."""
    parties = {dispute.raising_party_id, dispute.against_id}
    text = text.strip()
    party_id = _meanwhile(party, text, parties, required=dispute.person_id is not None)
    new = (party_id, text if party_id else "")
    if new == (dispute.meanwhile_party_id, dispute.meanwhile):
        return
    dispute.meanwhile_party_id, dispute.meanwhile = new
    record.meanwhile_party_id, record.meanwhile = new


def _after(dispute: Dispute, ladder, *, settled: bool) -> Dispute:
    """DISPUTE after its current step's decision: settled, or up a step with its deadline; a
    proposed settlement no longer waits."""
    today = timezone.localdate()
    if settled:
        dispute.status, dispute.settled_on = Dispute.Status.SETTLED, today
    else:
        dispute.step += 1
        dispute.decide_by = disputes.decide_by(ladder[dispute.step - 1], today)
    _drop_proposal(dispute)
    dispute.save()
    return dispute


def _drop_proposal(dispute: Dispute) -> None:
    dispute.proposed_by = dispute.proposed_party = dispute.proposed_at = None
    dispute.proposed_decision = dispute.proposed_reasons = ""


@transaction.atomic
def dispute_settlement_answer(
    *, user: User, dispute_id: int, proposal: int, confirm: bool
) -> Dispute:
    """The other party's answer to the settlement proposed (number PROPOSAL, the one the page
    showed): CONFIRM settles the dispute with the proposed decision, recorded with both
    parties' names; otherwise the proposal is withdrawn and the step stays."""
    dispute = _locked(user, dispute_id)
    if dispute.proposed_party_id is None or proposal != dispute.proposal_number:
        raise ValidationError(MOVED_ON)
    if not disputes.may_answer_settlement(user, dispute):
        raise ValidationError(
            _("Only the other party's manager or coordinator confirms or rejects a settlement.")
        )
    if not confirm:
        _drop_proposal(dispute)
        dispute.save()
        return dispute
    proposer = dispute.proposed_by
    assert proposer is not None  # a proposal names its proposer (the database's constraint)
    DisputeDecision.objects.create(
        dispute=dispute,
        step=dispute.step,
        body=disputes.steps(dispute.ladder)[dispute.step - 1].body,
        settled=True,
        decision=dispute.proposed_decision,
        reasons=dispute.proposed_reasons,
        decided_by=proposer,
        decided_party=dispute.proposed_party,
        confirmed_by=user,
        confirmed_party=disputes.party_of(user, dispute),
    )
    return _after(dispute, [], settled=True)
