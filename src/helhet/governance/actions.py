"""Writes on an agreement: propose a version, approve it for a party, the checklist, staffing,
costs and the cost key, each by a party's manager or coordinator (`access.acting_party`); and
deviations between the authorities: reported by any member of staff at a unit under an
agreement, answered by the addressed party, closed or reopened by the reporter
(`deviations.py` has who may). Keyword-only and atomic, else ValidationError, and nothing is
saved. Only a deviation about a person names one: its report is logged (`record_access`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.core import limits
from helhet.core.models import Organisation, User
from helhet.core.versions import check_based_on

from . import access, deviations
from .models import (
    Agreement,
    AgreementVersion,
    Approval,
    ChecklistItem,
    Cost,
    CostKey,
    Deviation,
    EscalationStep,
    Goal,
    KeyApproval,
    KeyShare,
    Position,
)

State = AgreementVersion.State


def _agreement_for_acting(user: User, agreement_id: int) -> tuple[Agreement, Organisation]:
    """The agreement, locked, and the party USER acts for; ValidationError otherwise."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .filter(pk__in=access.readable_agreements(user).values("pk"), pk=agreement_id)
        .first()
    )
    party = access.acting_party(user, agreement) if agreement is not None else None
    if agreement is None or party is None:
        raise ValidationError(
            _("Only a manager or coordinator of a party to the agreement may do this.")
        )
    return agreement, party


def _ids(organisations) -> set[int]:
    return {o if isinstance(o, int) else o.pk for o in organisations}


@transaction.atomic
def version_propose(
    *,
    user: User,
    agreement_id: int,
    based_on: int | None,
    parties,
    mission: str,
    target_group: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    renews_yearly: bool = False,
    decided_by: str = "",
    decided_on: datetime.date | None = None,
    signatories: str = "",
    goals: list[str] = (),  # type: ignore[assignment]
    steps: list[tuple[str, int, bool]] = (),  # type: ignore[assignment]
    deviation_answer_days: int = 14,
    consultation_answer_days: int = 5,
    change: str = "",
) -> AgreementVersion:
    """A new version of the agreement, proposed by USER's party, based on version BASED_ON (the
    latest shown; None: the latest, for the demo). A proposal waiting for approval is replaced
    by it. It takes effect when every party has approved it (`version_approve`)."""
    agreement, party = _agreement_for_acting(user, agreement_id)
    versions = agreement.versions.exclude(state__in=[State.REPLACED])
    latest = versions.order_by("-number").first()
    check_based_on(based_on, latest.number if latest else 0)
    party_ids = _ids(parties)
    if len(party_ids) < 2:
        raise ValidationError({"parties": _("An agreement has at least two parties.")})
    if party.pk not in party_ids and latest is None:
        raise ValidationError({"parties": _("Your organisation must be one of the parties.")})
    if not mission.strip() or not target_group.strip():
        raise ValidationError(_("Write the mission and the target group."))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The agreement cannot end before it starts.")})
    if decided_on is not None and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision cannot lie in the future.")})
    goals = [goal.strip() for goal in goals if goal.strip()]
    if any(len(goal) > limits.TEXT_LENGTH for goal in goals):
        raise ValidationError({"goals": _("A goal may be at most 2,000 characters long.")})
    for body, days, _by_group in steps:
        if not body.strip() or not 1 <= days <= limits.MAX_DAYS:
            raise ValidationError(
                {"steps": _("Each step of the ladder needs who decides and 1 to 365 days.")}
            )
    if sum(1 for *_rest, by_group in steps if by_group) > 1:
        raise ValidationError({"steps": _("The steering group decides at one step at most.")})
    versions.filter(state=State.PROPOSED).update(state=State.REPLACED)
    number = (agreement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        proposed_by=user,
        change=change.strip(),
        decided_by=decided_by.strip(),
        decided_on=decided_on,
        starts_on=starts_on,
        ends_on=ends_on,
        renews_yearly=renews_yearly,
        signatories=signatories.strip(),
        mission=mission.strip(),
        target_group=target_group.strip(),
        deviation_answer_days=deviation_answer_days,
        consultation_answer_days=consultation_answer_days,
    )
    version.parties.set(Organisation.objects.filter(pk__in=party_ids))
    Goal.objects.bulk_create(
        Goal(version=version, position=i, text=text) for i, text in enumerate(goals)
    )
    EscalationStep.objects.bulk_create(
        EscalationStep(
            version=version, position=i, body=body.strip(), days=days, by_steering_group=by_group
        )
        for i, (body, days, by_group) in enumerate(steps)
    )
    from .target_actions import carry_over  # (it builds on this module's helpers)

    carry_over(latest, version)
    return version


def approving_parties(version: AgreementVersion) -> list[Organisation]:
    """The parties that must approve VERSION: its own and those of the version in force."""
    in_force = version.agreement.versions.filter(state=State.IN_FORCE).first()
    ids = set(version.parties.values_list("pk", flat=True))
    if in_force is not None:
        ids |= set(in_force.parties.values_list("pk", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


@transaction.atomic
def version_approve(*, user: User, version_id: int) -> AgreementVersion:
    """USER's party approves the proposed version; the last party's approval puts it in force
    (the one in force before is superseded)."""
    version = (
        AgreementVersion.objects.select_for_update(of=("self",))
        .filter(pk=version_id, agreement__in=access.readable_agreements(user).values("pk"))
        .first()
    )
    if version is None:
        raise ValidationError(_("There is no such proposal."))
    needed = approving_parties(version)
    party = next((o for o in needed if o.pk == user.organisation_id), None)
    if party is None or not access.manages(user, version.agreement):
        raise ValidationError(
            _("Only a manager or coordinator of a party to the agreement may do this.")
        )
    if version.state != State.PROPOSED:
        raise ValidationError(_("This version is not waiting for approval."))
    if version.approvals.filter(organisation=party).exists():
        raise ValidationError(_("Your organisation has already approved this version."))
    Approval.objects.create(version=version, organisation=party, approved_by=user)
    approved = set(version.approvals.values_list("organisation_id", flat=True))
    if {o.pk for o in needed} <= approved:
        version.agreement.versions.filter(state=State.IN_FORCE).update(state=State.SUPERSEDED)
        version.state = State.IN_FORCE
        version.in_force_at = timezone.now()
        version.save(update_fields=["state", "in_force_at"])
    return version


@transaction.atomic
def checklist_item_update(
    *,
    user: User,
    item_id: int,
    based_on: int | None,
    status: str,
    responsible: str = "",
    due_on: datetime.date | None = None,
    notes: str = "",
) -> ChecklistItem:
    """An item's status, who is responsible, by when, and notes."""
    item = ChecklistItem.objects.select_for_update(of=("self",)).filter(pk=item_id).first()
    if item is None:
        raise ValidationError(_("There is no such checklist item."))
    _agreement_for_acting(user, item.agreement_id)
    check_based_on(based_on, item.version)
    if status not in ChecklistItem.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    item.status, item.responsible, item.due_on = status, responsible.strip(), due_on
    item.notes = notes.strip()
    item.version += 1
    item.updated_by, item.updated_at = user, timezone.now()
    item.save()
    return item


def _party_of(agreement: Agreement, organisation, field: str) -> Organisation:
    found = access.parties(agreement).filter(pk=_ids([organisation]).pop()).first()
    if found is None:
        raise ValidationError({field: _("Choose a party to the agreement.")})
    return found


@transaction.atomic
def position_save(
    *,
    user: User,
    agreement_id: int,
    position_id: int | None = None,
    profession: str,
    percent: int,
    employer,
    payer,
    title: str = "",
    vacant: bool = False,
    based_on: int | None = None,
) -> Position:
    """A new or changed position, employed by USER's party (each party keeps its own staff). A
    change is based on the position's version BASED_ON (`core/versions.py`)."""
    agreement, party = _agreement_for_acting(user, agreement_id)
    if position_id is None:
        position = Position(agreement=agreement)
    else:
        position = _own_position(agreement, party, position_id)
        check_based_on(based_on, position.version)
        position.version += 1
    employer = _party_of(agreement, employer, "employer")
    if employer != party:
        raise ValidationError({"employer": _("You add and change your own party's positions.")})
    if profession not in User.Profession.values:
        raise ValidationError({"profession": _("Choose a profession.")})
    if not 1 <= percent <= 100:
        raise ValidationError({"percent": _("A share of full time is 1 to 100 %.")})
    position.profession, position.percent, position.title = profession, percent, title.strip()
    position.employer, position.payer = employer, _party_of(agreement, payer, "payer")
    position.vacant = vacant
    position.save()
    return position


def _own_position(agreement: Agreement, party: Organisation, position_id: int) -> Position:
    position = (
        Position.objects.select_for_update(of=("self",))
        .filter(pk=position_id, agreement=agreement, employer=party)
        .first()
    )
    if position is None:
        raise ValidationError(_("You add and change your own party's positions."))
    return position


@transaction.atomic
def position_delete(*, user: User, position_id: int) -> None:
    position = Position.objects.filter(pk=position_id).first()
    if position is None:
        raise ValidationError(_("There is no such position."))
    agreement, party = _agreement_for_acting(user, position.agreement_id)
    _own_position(agreement, party, position_id).delete()


@transaction.atomic
def cost_save(
    *,
    user: User,
    agreement_id: int,
    cost_id: int | None = None,
    year: int,
    kind: str,
    amount: int,
    party=None,
    description: str = "",
    based_on: int | None = None,
) -> Cost:
    """A cost of a year: USER's party's own (PARTY: their organisation) or shared (PARTY None).
    A party records only its own costs; any party records shared ones, and changes only the
    costs it recorded (`_cost`). A change is based on the cost's version BASED_ON
    (`core/versions.py`)."""
    agreement, acting = _agreement_for_acting(user, agreement_id)
    if cost_id is None:
        cost = Cost(agreement=agreement, recorded_by=acting)
    else:
        cost = _cost(agreement, acting, cost_id)
        check_based_on(based_on, cost.version)
        cost.version += 1
    bearer = _party_of(agreement, party, "party") if party is not None else None
    if bearer is not None and bearer != acting:
        raise ValidationError({"party": _("You record your own party's costs and shared ones.")})
    if kind not in Cost.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of cost.")})
    if not 0 <= amount <= limits.MAX_AMOUNT:
        raise ValidationError({"amount": _("Enter an amount in kronor.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year from 2000 to 2100.")})
    cost.year, cost.kind, cost.amount, cost.party = year, kind, amount, bearer
    cost.description = description.strip()
    cost.save()
    return cost


def may_change_cost(cost: Cost, party: Organisation | None) -> bool:
    """Whether PARTY may change or remove COST: its own cost it recorded, or a shared cost it
    recorded (never another party's, nor one recorded before the recorder was kept)."""
    return (
        party is not None and cost.recorded_by_id == party.pk and cost.party_id in (None, party.pk)
    )


def _cost(agreement: Agreement, acting: Organisation, cost_id: int) -> Cost:
    cost = (
        Cost.objects.select_for_update(of=("self",)).filter(pk=cost_id, agreement=agreement).first()
    )
    if cost is None or not may_change_cost(cost, acting):
        raise ValidationError(_("A cost is changed or removed only by the party that recorded it."))
    return cost


@transaction.atomic
def cost_delete(*, user: User, cost_id: int) -> None:
    cost = Cost.objects.filter(pk=cost_id).first()
    if cost is None:
        raise ValidationError(_("There is no such cost."))
    agreement, acting = _agreement_for_acting(user, cost.agreement_id)
    _cost(agreement, acting, cost_id).delete()


@transaction.atomic
def key_save(
    *, user: User, agreement_id: int, year: int, method: str, shares: dict[int, Decimal]
) -> CostKey:
    """The key for the shared costs of YEAR: METHOD and the parties' fixed SHARES (percent, by
    organisation id). Under a fixed key the shares add up to 100; under the population or use
    key, the shares of the parties that are not municipalities leave the rest to the
    municipalities (`costs.divide`).

    The key is proposed by USER's party, which approves it so; it is in force when every party
    to the agreement has approved it (`key_approve`), as a version of the agreement is, and until
    then the statement divides by the key in force. A proposal waiting for the year is replaced
    by this one. Only a party to the agreement proposes (`_agreement_for_acting`); who and when
    is kept and shown on the statement."""
    agreement, party = _agreement_for_acting(user, agreement_id)
    if method not in CostKey.Method.values:
        raise ValidationError({"method": _("Choose a key.")})
    parties = {o.pk: o for o in access.parties(agreement)}
    if set(shares) - set(parties):
        raise ValidationError(_("Choose a party to the agreement."))
    if any(not Decimal(0) <= share <= Decimal(100) for share in shares.values()):
        raise ValidationError(_("A share is 0 to 100 %."))
    fixed = {
        pk: share
        for pk, share in shares.items()
        if method == CostKey.Method.FIXED or parties[pk].kind != Organisation.Kind.MUNICIPALITY
    }
    total = sum(fixed.values(), Decimal(0))
    if method == CostKey.Method.FIXED and total != 100:
        raise ValidationError(_("Fixed shares add up to 100 %."))
    if total > 100:
        raise ValidationError(_("The shares add up to more than 100 %."))
    keys = CostKey.objects.filter(agreement=agreement, year=year)
    keys.filter(state=State.PROPOSED).update(state=State.REPLACED)
    key = CostKey.objects.create(
        agreement=agreement,
        year=year,
        method=method,
        set_by=user,
        set_by_party=party,
        set_at=timezone.now(),
    )
    KeyShare.objects.bulk_create(
        KeyShare(key=key, organisation=parties[pk], percent=share) for pk, share in fixed.items()
    )
    return _approve_key(key, party, user)


@transaction.atomic
def key_approve(*, user: User, key_id: int) -> CostKey:
    """USER's party approves the proposed cost key KEY_ID; the last party's approval puts it in
    force for its year (the key in force before is superseded)."""
    key = CostKey.objects.filter(pk=key_id).first()
    if key is None:
        raise ValidationError(_("There is no such proposal."))
    agreement, party = _agreement_for_acting(user, key.agreement_id)
    key = CostKey.objects.select_for_update(of=("self",)).get(pk=key_id)
    if key.state != State.PROPOSED:
        raise ValidationError(_("This key is not waiting for approval."))
    if key.approvals.filter(organisation=party).exists():
        raise ValidationError(_("Your organisation has already approved this key."))
    return _approve_key(key, party, user)


def _approve_key(key: CostKey, party: Organisation, user: User) -> CostKey:
    KeyApproval.objects.create(key=key, organisation=party, approved_by=user)
    approved = set(key.approvals.values_list("organisation_id", flat=True))
    if set(access.parties(key.agreement).values_list("pk", flat=True)) <= approved:
        CostKey.objects.filter(
            agreement=key.agreement_id, year=key.year, state=State.IN_FORCE
        ).update(state=State.SUPERSEDED)
        key.state = State.IN_FORCE
        key.save(update_fields=["state"])
    return key


@transaction.atomic
def deviation_report(
    *,
    actor: Actor,
    access: PersonAccess | None = None,
    addressed_to,
    function: str,
    category: str,
    happened_on: datetime.date,
    description: str,
) -> Deviation:
    """A deviation reported by ACTOR's user at ACTOR's unit to another party of the unit's
    agreement in force (ADDRESSED_TO, its FUNCTION), to be answered within the agreement's
    days. About ACCESS's person when given: the reporter must act for them at the unit; the
    report is logged."""
    user, unit = actor.user, actor.unit
    if unit is None or user.organisation_id is None or not deviations.may_report(user, unit):
        raise ValidationError(_("Only staff at a unit may report a deviation."))
    version = deviations.version_in_force(unit)
    if version is None:
        raise ValidationError(_("The unit has no agreement in force to report a deviation under."))
    if access is not None and not access.may_act_at(unit.pk):
        raise ValidationError(
            _("You may report a deviation only about a person you work with here.")
        )
    party = deviations.addressable(user, version).filter(pk=_ids([addressed_to]).pop()).first()
    if party is None:
        raise ValidationError({"addressed_to": _("Choose another party to the agreement.")})
    if category not in Deviation.Category.values:
        raise ValidationError({"category": _("Choose a category.")})
    today = timezone.localdate()
    if happened_on > today:
        raise ValidationError(
            {"happened_on": _("The deviation cannot have happened in the future.")}
        )
    function, description = function.strip(), description.strip()
    if not function:
        raise ValidationError({"function": _("Name the function the deviation is addressed to.")})
    if not description:
        raise ValidationError({"description": _("Write what happened.")})
    deviation = Deviation.objects.create(
        agreement=version.agreement,
        unit=unit,
        reported_by=user,
        reporting_party_id=user.organisation_id,
        addressed_to=party,
        function=function,
        category=category,
        happened_on=happened_on,
        description=description,
        person=access.person if access is not None else None,
        answer_by=deviations.answer_by(version, today),
    )
    if access is not None:
        record_access(actor, access, action="write", what="deviation reported")
    return deviation


def _deviation(user: User, deviation_id: int) -> Deviation:
    return locked(deviations.visible(user), deviation_id, _("There is no such deviation."))


def locked(visible: QuerySet, pk: int, missing: str):
    """Row PK of VISIBLE (what the user may see), locked for update with its agreement; else
    ValidationError(MISSING)."""
    found = (
        visible.model.objects.select_for_update(of=("self",))
        .filter(pk=pk, pk__in=visible.values("pk"))
        .select_related("agreement")
        .first()
    )
    if found is None:
        raise ValidationError(missing)
    return found


@transaction.atomic
def deviation_answer(
    *, user: User, deviation_id: int, answer: str, measures: str = ""
) -> Deviation:
    """The addressed party's answer and the measures taken; the deviation is answered."""
    deviation = _deviation(user, deviation_id)
    if not deviations.may_answer(user, deviation):
        raise ValidationError(
            _("Only a manager or coordinator of the addressed party may answer the deviation.")
        )
    if deviation.status != Deviation.Status.REPORTED:
        raise ValidationError(_("The deviation is not waiting for an answer."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    deviation.answer, deviation.measures = answer.strip(), measures.strip()
    deviation.answered_by, deviation.answered_on = user, timezone.localdate()
    deviation.status = Deviation.Status.ANSWERED
    deviation.save()
    return deviation


@transaction.atomic
def deviation_close(*, user: User, deviation_id: int, reopen: bool = False) -> Deviation:
    """The reporter closes the answered deviation, or REOPEN: it waits for a new answer, with a
    new deadline from the agreement in force (the earlier answer is kept until then)."""
    deviation = _deviation(user, deviation_id)
    if not deviations.may_close(user, deviation):
        raise ValidationError(_("Only the reporter may close or reopen the deviation."))
    today = timezone.localdate()
    if reopen:
        if deviation.status == Deviation.Status.REPORTED:
            raise ValidationError(_("The deviation is already waiting for an answer."))
        version = deviation.agreement.versions.filter(state=State.IN_FORCE).first()
        if version is None:
            raise ValidationError(_("The agreement has no version in force."))
        deviation.status = Deviation.Status.REPORTED
        deviation.answer_by = deviations.answer_by(version, today)
        deviation.answered_on, deviation.closed_on = None, None
        deviation.reopened += 1
    else:
        if deviation.status != Deviation.Status.ANSWERED:
            raise ValidationError(_("Only an answered deviation can be closed."))
        deviation.status, deviation.closed_on = Deviation.Status.CLOSED, today
    deviation.save()
    return deviation
