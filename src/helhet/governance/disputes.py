"""Disputes between the authorities (issue 17, item 5): who may raise, read and decide one, the
ladder it climbs, the person's identity through the access layer, and the note on the person's
overview of who acts meanwhile.

Who may see a dispute (deny by default, "not found" otherwise):
- the managers and coordinators of its two parties (the raising one and the one it is raised
  against) at one of the agreement's units (`access.manages`);
- the members of a steering group that has its unit (a step past its deadline is marked
  overdue on the steering group's page).

Who records the decision at the current step (`say`):
- at a step of the parties (every step but the steering group's and the last): either party's
  manager or coordinator records "not settled", which moves it up (escalation is unilateral);
  "settled" is a proposal that takes effect only when the other party's manager or coordinator
  confirms it (`may_answer_settlement`);
- at the steering group's step (`EscalationStep.by_steering_group`): the members of a steering
  group that has the unit, alone; the parties read;
- at the last step (the county's body): either party's manager or coordinator or a steering-group
  member records the body's decision, which settles.
Other staff do not: a dispute is between the parties' management, and the member of staff who
works with the person learns from the person's overview who acts meanwhile (`running_notes`).

A dispute's person is named only on its own page and only to whom `policy.identity_grant`
allows (the raising party; the other party under a consent disclosing the enrolment; never a
steering-group member), each read logged with one row; elsewhere "a person (identity held by
<raising party>)".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from helhet.access import log
from helhet.access.policy import PersonAccess
from helhet.core.models import Membership, Organisation, Unit, User
from helhet.followup.access import FOLLOW_UP_ROLES
from helhet.followup.models import SteeringGroup
from helhet.people.models import Person

from . import access
from .deviations import named, version_in_force
from .models import AgreementVersion, Dispute, DisputeDecision, EscalationStep

Status = Dispute.Status


def decide_by(step: EscalationStep, day: datetime.date) -> datetime.date:
    """The deadline of STEP reached on DAY."""
    return day + datetime.timedelta(days=step.days)


def may_raise(user: User, unit: Unit | None) -> bool:
    """A manager or coordinator at UNIT of an organisation that is a party of the unit's
    agreement in force, whose ladder has a step."""
    version = version_in_force(unit)
    return (
        unit is not None
        and version is not None
        and user.organisation_id is not None
        and Membership.objects.filter(user=user, unit=unit, role__in=FOLLOW_UP_ROLES).exists()
        and version.parties.filter(pk=user.organisation_id).exists()
        and version.steps.exists()
    )


def visible(user: User) -> QuerySet[Dispute]:
    """The disputes USER may see (the module's rule), newest first."""
    if not (user.is_authenticated and user.is_active):
        return Dispute.objects.none()
    manages = Membership.objects.filter(
        user=user, unit__agreements=OuterRef("agreement"), role__in=FOLLOW_UP_ROLES
    )
    party = Q(raising_party_id=user.organisation_id) | Q(against_id=user.organisation_id)
    parties = party & Q(Exists(manages)) if user.organisation_id is not None else Q(pk__in=[])
    steering = Q(unit__steering_groups__members=user)
    ids = Dispute.objects.filter(parties | steering).values("pk")
    return Dispute.objects.filter(pk__in=ids).select_related(
        "agreement", "unit", "raising_party", "against"
    )


def dispute_or_404(user: User, dispute_id: int) -> Dispute:
    found = (
        visible(user)
        .filter(pk=dispute_id)
        .select_related("person", "meanwhile_party", "proposed_by", "proposed_party")
        .first()
    )
    if found is None:
        raise Http404
    return found


def party_of(user: User, dispute: Dispute) -> Organisation | None:
    """The party of DISPUTE that USER decides for: their organisation when it is one of the two
    and they are its manager or coordinator at one of the agreement's units."""
    if user.organisation_id not in (dispute.raising_party_id, dispute.against_id):
        return None
    if not access.manages(user, dispute.agreement):
        return None
    return user.organisation


@dataclass(frozen=True)
class Say:
    """What a user may record at a running dispute's current step."""

    party: Organisation | None  # recorded for this party; None: as a steering-group member
    settles: bool  # "settled" closes the dispute at once (else it is proposed to the other party)
    escalates: bool  # "not settled" moves it up (not at the last step)


def say(user: User, dispute: Dispute, ladder: list[EscalationStep] | None = None) -> Say | None:
    """What USER may record at DISPUTE's current step (the module's rule); None: nothing."""
    if dispute.status != Status.RUNNING:
        return None
    ladder = steps(dispute.ladder) if ladder is None else ladder
    step, last = ladder[dispute.step - 1], dispute.step >= len(ladder)
    if step.by_steering_group:
        return Say(None, True, not last) if steering_member(user, dispute) else None
    party = party_of(user, dispute)
    if last:  # the county's body decides: recorded by a party or the steering group
        member = party is None and steering_member(user, dispute)
        return Say(party, True, False) if party is not None or member else None
    return Say(party, False, True) if party is not None else None


def steering_member(user: User, dispute: Dispute) -> bool:
    """Whether USER is a member of a steering group that has DISPUTE's unit."""
    return SteeringGroup.objects.filter(units=dispute.unit_id, members=user.pk).exists()


def may_answer_settlement(user: User, dispute: Dispute) -> bool:
    """The other party's manager or coordinator confirms or rejects a proposed settlement."""
    if dispute.status != Status.RUNNING or dispute.proposed_party_id is None:
        return False
    party = party_of(user, dispute)
    return party is not None and party.pk != dispute.proposed_party_id


def identity(actor: log.Actor, dispute: Dispute) -> Person | None:
    """The dispute's person as ACTOR may be told who they are: held by the raising party."""
    return named(
        actor,
        person=dispute.person,
        owner_id=dispute.raising_party_id,
        unit_id=dispute.unit_id,
        what="dispute",
    )


def running_for(user: User, group, agreements) -> QuerySet[Dispute]:
    """The running disputes at GROUP's units under AGREEMENTS that USER may see (`visible`:
    the list shows none whose page refuses them), the earliest deadline first (for the steering
    group's page: its step and deadline, overdue marked)."""
    return (
        Dispute.objects.running()
        .filter(agreement__in=agreements, unit__steering_groups=group)
        .filter(pk__in=visible(user).values("pk"))
        .select_related("agreement", "unit", "raising_party", "against")
        .order_by("decide_by", "pk")
    )


# --- The ladder ------------------------------------------------------------------------------


@dataclass
class Rung:
    """One step of a dispute's ladder as its page draws it."""

    position: int
    body: str
    days: int
    state: str  # "done", "current" or "to come"
    decision: DisputeDecision | None = None
    decide_by: datetime.date | None = None  # the current step's


def steps(version: AgreementVersion) -> list[EscalationStep]:
    return list(version.steps.order_by("position"))


def ladder(dispute: Dispute) -> list[Rung]:
    """DISPUTE's steps: done (with the decision), the current one (with its deadline; none
    when settled) and those to come. Two queries."""
    decisions = {
        d.step: d
        for d in dispute.decisions.select_related(
            "decided_by", "decided_party", "confirmed_by", "confirmed_party", "meanwhile_party"
        )
    }
    rungs = []
    for number, step in enumerate(steps(dispute.ladder), start=1):
        running = dispute.status == Status.RUNNING and number == dispute.step
        state = "done" if number in decisions else "current" if running else "to come"
        rung = Rung(number, step.body, step.days, state, decisions.get(number))
        if running:
            rung.decide_by = dispute.decide_by
        rungs.append(rung)
    return rungs


# --- The note on the person's overview --------------------------------------------------------


@dataclass
class Note:
    """A running dispute about the person: its kind, who acts meanwhile and what they do; a
    link only for those who may read the dispute."""

    dispute_id: int
    kind: str
    party: str
    meanwhile: str
    readable: bool


@dataclass
class OnOverview:
    """What the person's overview shows of disputes: the running ones about the person, and
    whether the user may raise one about them at the active unit."""

    notes: list[Note]
    may_raise: bool


def on_overview(access: PersonAccess, unit_id: int | None) -> OnOverview:
    """Read with the overview (`people.selectors.OVERVIEW_READS`), before its log row. The
    right to raise is asked of the database only for a manager or coordinator who may act for
    the person at the active unit."""
    unit = None
    if unit_id is not None and _may_act_as_manager(access, unit_id):
        unit = Unit.objects.filter(pk=unit_id).first()
    return OnOverview(running_notes(access), may_raise(access.user, unit))


def _may_act_as_manager(access: PersonAccess, unit_id: int) -> bool:
    return access.may_act_at(unit_id) and access.role_at(unit_id) in FOLLOW_UP_ROLES


def running_notes(access: PersonAccess) -> list[Note]:
    """The running disputes about ACCESS's person at the units where the user may read the
    person (a relationship, or a closed episode's read-only one), unless the raising party's
    records there are blocked. One plain query (every overview asks it, and most persons have
    no dispute: the rule of who may open one is asked only of those found, a second query);
    none when the user reads the person at no unit (emergency access) or the person has no
    running dispute (`access.present`, asked with the person)."""
    units = set(access.relationship_units) | set(access.closed_units)
    if not units or "disputes" not in access.present:
        return []
    rows = [
        d
        for d in Dispute.objects.running()
        .filter(person=access.person, unit_id__in=units, meanwhile_party__isnull=False)
        .select_related("meanwhile_party")
        .order_by("raised_at", "pk")
        if not access.is_blocked(owner_id=d.raising_party_id, unit_id=d.unit_id)
    ]
    if not rows:
        return []
    readable = set(
        visible(access.user).filter(pk__in=[d.pk for d in rows]).values_list("pk", flat=True)
    )
    return [
        Note(d.pk, d.get_kind_display(), d.meanwhile_party.name, d.meanwhile, d.pk in readable)
        for d in rows
    ]
