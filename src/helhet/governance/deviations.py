"""Deviations between the authorities (issue 17, item 4): who may see and act on one, the
agreement and deadline a deviation falls under, the person's identity through the access
layer, and the figures per party and category.

Who may see a deviation (deny by default, "not found" otherwise):
- the member of staff who reported it;
- the addressed party's managers and coordinators at one of the agreement's units (the
  governance access rule, `access.manages`), who answer it;
- the members of a steering group that has its unit (read only; past the deadline it is
  escalated to them: it shows on the steering group's page).

The addressed function is a text (a role or title, e.g. "Enhetschef psykiatriska
öppenvården"), not a user: the other party's staff are not the reporter's to know, and the
function outlives whoever holds it; the party's managers and coordinators answer for it.

A deviation's person is named only on its own page and only to whom `policy.identity_grant`
allows (the reporting party; another party under a consent disclosing the enrolment), each
such read logged with one row; elsewhere "a person (identity held by <reporting party>)".
Lists of deviations never name a person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from helhet.access import log, policy
from helhet.core.models import Membership, Organisation, Unit, User
from helhet.followup.access import FOLLOW_UP_ROLES
from helhet.people.models import Person

from . import access
from .models import AgreementVersion, Deviation

Status = Deviation.Status


def version_in_force(unit: Unit | None) -> AgreementVersion | None:
    """The version in force of UNIT's agreement (the first by name when it has several)."""
    if unit is None:
        return None
    return (
        AgreementVersion.objects.filter(
            agreement__units=unit, state=AgreementVersion.State.IN_FORCE
        )
        .select_related("agreement")
        .order_by("agreement__name", "agreement__pk")
        .first()
    )


def answer_by(version: AgreementVersion, day: datetime.date) -> datetime.date:
    """The deadline of a deviation reported (or reopened) on DAY under VERSION."""
    return day + datetime.timedelta(days=version.deviation_answer_days)


def addressable(user: User, version: AgreementVersion | None) -> QuerySet[Organisation]:
    """The parties USER may address a deviation to: the other parties of the version in force."""
    if version is None:
        return Organisation.objects.none()
    parties = version.parties.order_by("name")
    if user.organisation_id is None:
        return parties
    return parties.exclude(pk=user.organisation_id)


def may_report(user: User, unit: Unit | None) -> bool:
    """A member of staff (an organisation's, with a membership at UNIT) under an agreement."""
    return (
        unit is not None
        and policy.is_clinical(user)
        and Membership.objects.filter(user=user, unit=unit).exists()
    )


def visible(user: User) -> QuerySet[Deviation]:
    """The deviations USER may see (the module's rule), newest first."""
    if not (user.is_authenticated and user.is_active):
        return Deviation.objects.none()
    steering = Q(unit__steering_groups__members=user)
    ids = Deviation.objects.filter(
        Q(reported_by=user) | addressed_to_manager(user) | steering
    ).values("pk")
    return Deviation.objects.filter(pk__in=ids).select_related(
        "unit", "reporting_party", "addressed_to"
    )


def addressed_to_manager(user: User) -> Q:
    """Rows (with an `agreement` and an `addressed_to` party) addressed to USER's organisation
    where USER is a manager or coordinator at one of the agreement's units."""
    if user.organisation_id is None:
        return Q(pk__in=[])
    manages = Membership.objects.filter(
        user=user, unit__agreements=OuterRef("agreement"), role__in=FOLLOW_UP_ROLES
    )
    return Q(addressed_to_id=user.organisation_id) & Q(Exists(manages))


def deviation_or_404(user: User, deviation_id: int) -> Deviation:
    found = visible(user).filter(pk=deviation_id).select_related("agreement", "person").first()
    if found is None:
        raise Http404
    return found


def may_answer(user: User, deviation: Deviation) -> bool:
    """The addressed party's manager or coordinator at one of the agreement's units."""
    return (
        user.organisation_id is not None
        and deviation.addressed_to_id == user.organisation_id
        and access.manages(user, deviation.agreement)
    )


def may_close(user: User, deviation: Deviation) -> bool:
    """The reporter closes an answered deviation, or reopens it when the answer falls short."""
    return deviation.reported_by_id == user.pk


def identity(actor: log.Actor, deviation: Deviation) -> Person | None:
    """The deviation's person as ACTOR may be told who they are (`named`). None: no person,
    or the identity is held by the reporting party."""
    return named(
        actor,
        person=deviation.person,
        owner_id=deviation.reporting_party_id,
        unit_id=deviation.unit_id,
        what="deviation",
    )


def named(
    actor: log.Actor, *, person: Person | None, owner_id: int, unit_id: int, what: str
) -> Person | None:
    """PERSON, in a record OWNER_ID keeps at UNIT_ID and addresses to another party, as ACTOR
    may be told who they are (`policy.identity_grant`): the read is logged with one row (WHAT)
    on the grant's basis. None: no person, or the identity is held by the owner."""
    if person is None:
        return None
    grant = policy.identity_grant(
        actor.user, person=person, owner_id=owner_id, unit_id=unit_id, on=timezone.localdate()
    )
    if grant is None:
        return None
    entry = log.entry_for(
        actor, person=person, action="read", what=what, basis=grant.basis, consent=grant.consent
    )
    log.append([entry])
    return person


@dataclass
class Figure:
    """A party's deviations of one category: reported, answered on time, open, overdue."""

    party: str
    category: str
    reported: int
    on_time: int
    open: int
    overdue: int


def figures(deviations: QuerySet[Deviation], today: datetime.date) -> list[Figure]:
    """Per addressed party and category: one aggregate query."""
    open_ = Q(status=Status.REPORTED)
    rows = (
        deviations.order_by()
        .values("addressed_to__name", "category")
        .annotate(
            reported=Count("pk"),
            on_time=Count("pk", filter=Q(answered_on__lte=F("answer_by"))),
            open=Count("pk", filter=open_),
            past_due=Count("pk", filter=open_ & Q(answer_by__lt=today)),
        )
        .order_by("addressed_to__name", "category")
    )
    labels = dict(Deviation.Category.choices)
    return [
        Figure(
            r["addressed_to__name"],
            str(labels.get(r["category"], r["category"])),
            r["reported"],
            r["on_time"],
            r["open"],
            r["past_due"],
        )
        for r in rows
    ]


def reported_in(units, start: datetime.datetime, end: datetime.datetime) -> QuerySet[Deviation]:
    """The deviations reported at UNITS in [START, END) (a follow-up period's `bounds()`): the
    follow-up's figures per party and category are `figures` of these."""
    return Deviation.objects.filter(unit__in=units, reported_at__gte=start, reported_at__lt=end)
