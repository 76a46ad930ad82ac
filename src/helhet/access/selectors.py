"""Reads for the access pages: who may act, the consents to withdraw, the log extract.

Every helper that returns something about one person starts from a `PersonAccess`, so it cannot
show more than the policy allows; the ones that answer "no" raise Http404, the same answer as
for something that does not exist. The log review's reads are in `review`.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from helhet.core.models import REVIEWER_ROLES, Organisation, Unit, User
from helhet.people.models import Person, Relative

from . import policy
from .consent_scope import PLAIN_CATEGORIES, Direction, consent_directions
from .models import (
    AccessLogEntry,
    AccessLogListedPerson,
    Consent,
    ConsentRelative,
    RecordCategory,
)

# --- One person -----------------------------------------------------------------------------


def access_for_acting(request, person_id: int) -> policy.PersonAccess:
    """The person's access when the user may write at the active unit; else Http404.

    Emergency access is read-only, so it never lets anyone in here.
    """
    access = policy.person_access(request, person_id)
    if request.unit is None or not access.may_act_at(request.unit.pk):
        raise Http404
    return access


def consent_for_withdrawal(access: policy.PersonAccess, consent_id: int) -> Consent:
    """A consent the user can see, recorded at a unit where they may act; else Http404."""
    for consent in access.visible_consents():
        if consent.pk == consent_id and access.may_act_at(consent.unit_id):
            return consent
    raise Http404


@dataclass(frozen=True)
class ConsentChoices:
    """What a consent at a unit may cover: the directions that apply, the readable relatives."""

    directions: list[Direction]
    relatives: list[Relative]


def consent_choices(access: policy.PersonAccess, unit: Unit) -> ConsentChoices:
    """The choices for a new consent; relatives are filtered through the policy (and logged)."""
    relatives = access.readable(access.person.relatives.all(), category=RecordCategory.RELATIVES)
    return ConsentChoices(consent_directions(access, unit), relatives)


@dataclass(frozen=True)
class PrintedDirection:
    """One direction of a printed consent, with what it discloses in plain words."""

    source: str
    target: str
    categories: list[str]


@dataclass(frozen=True)
class ConsentPrintout:
    """A recorded consent as the form the person signs (samtyckesblankett)."""

    consent: Consent
    organisations: list[str]
    directions: list[PrintedDirection]
    relatives: list[tuple[Relative, str]]  # (relative, what they may be told)
    guardian_lines: range  # a signature line for each guardian who gave it (none otherwise)


# How many guardians sign a consent, by who gave it (a mature minor signs alone).
GUARDIAN_SIGNATURES: dict[str, int] = {Consent.GivenBy.GUARDIAN: 1, Consent.GivenBy.GUARDIANS: 2}


def consent_printout(access: policy.PersonAccess, consent_id: int) -> ConsentPrintout:
    """The consent CONSENT_ID as a printout, when the user may see it (emergency access
    included: the printout is a read); else Http404. No contact details are on it, whoever
    reads, so that a protected identity is kept off the paper."""
    consent = next((c for c in access.visible_consents() if c.pk == consent_id), None)
    if consent is None:
        raise Http404
    order = {category: n for n, category in enumerate(RecordCategory.values)}
    disclosed = sorted(access.disclosures_of(consent), key=lambda d: (d[0], d[1], order[d[2]]))
    names = Organisation.objects.in_bulk({o for d in disclosed for o in d[:2]})
    directions: dict[tuple[int, int], list[str]] = {}
    for source, target, category in disclosed:
        directions.setdefault((source, target), []).append(str(PLAIN_CATEGORIES[category]))
    told = ConsentRelative.objects.filter(consent=consent).select_related("relative")
    readable = {
        r.pk for r in access.readable([t.relative for t in told], category=RecordCategory.RELATIVES)
    }
    return ConsentPrintout(
        consent=consent,
        organisations=[o.name for o in consent.unit.organisations.order_by("name")],
        directions=[
            PrintedDirection(names[s].name, names[t].name, categories)
            for (s, t), categories in directions.items()
        ],
        relatives=[(t.relative, t.may_be_told) for t in told if t.relative_id in readable],
        guardian_lines=range(GUARDIAN_SIGNATURES.get(consent.given_by, 0)),
    )


# --- Emergency access -----------------------------------------------------------------------


def person_by_identity_number(value: str) -> Person | None:
    """The registered person with the normalised identity number VALUE, if any.

    Only emergency access may ask this without a relationship: existence is revealed on
    purpose there, and every attempt is logged.
    """
    return Person.objects.filter(identity_number=value).first()


def has_relationship(user: User, person: Person) -> bool:
    """Does USER have a care relationship with PERSON (so needs no emergency access)?"""
    return policy.relationship_episodes(user).filter(person=person).exists()


# --- The log extract -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractScope:
    """What a person's log extract covers: the units, and the period from FROM_DATE on."""

    access: policy.PersonAccess
    units: list[Unit]
    from_date: datetime.date


def log_extract_scope(request, person_id: int) -> ExtractScope:
    """The extract's scope when the user may produce it; else Http404.

    Only a manager or coordinator of the active unit, where the person has a care relationship
    the policy grants, may: the extract covers the units where they have such a relationship in
    such a role. Emergency access gives no relationship, so it never lets anyone in here; nor
    does a relationship as ordinary staff (the same 404 as for a person who does not exist).
    """
    access = policy.person_access(request, person_id)
    if not may_produce_log_extract(access, request.unit):
        raise Http404
    unit_ids = extract_unit_ids(access)
    units = [m.unit for m in request.memberships if m.unit_id in unit_ids]
    registered = timezone.localtime(access.person.registered_at).date()
    return ExtractScope(access, units, registered)


def extract_unit_ids(access: policy.PersonAccess) -> set[int]:
    """The units where the user is manager or coordinator and has a care relationship."""
    return {u for u in access.relationship_units if access.role_at(u) in REVIEWER_ROLES}


def may_produce_log_extract(access: policy.PersonAccess, unit: Unit | None) -> bool:
    """May the user produce the person's log extract from UNIT (the active unit)?

    For pages that offer the link (the overview): the same answer `log_extract_scope` gives.
    """
    return unit is not None and unit.pk in extract_unit_ids(access)


def log_extract_entries(scope: ExtractScope) -> list[AccessLogEntry]:
    """The rows about the person that the extract lists, oldest first.

    Rows logged at the units the scope covers, and every emergency access from any unit (the
    person has a right to know of those, and they reveal no care relationship). Rows of other
    units are left out: they would tell the requester where else the person is cared for.
    A list that showed the person (`AccessLogEntry.listed`) is a row with the person's own
    basis and flags from the list as sealed (an emergency access when they were shown by one).
    """
    units, person_id = [unit.pk for unit in scope.units], scope.access.person.pk
    listed_here = AccessLogListedPerson.objects.filter(person_id=person_id)
    rows = (
        AccessLogEntry.objects.filter(
            Q(person_id=person_id) & (Q(unit__in=units) | Q(emergency=True))
            | Q(pk__in=listed_here.values("entry_id"), unit__in=units)
            | Q(pk__in=listed_here.filter(emergency=True).values("entry_id"))
        )
        .select_related("unit", "organisation")
        .order_by("at", "id")
    )
    about = [entry.as_about(person_id) for entry in rows]
    return [e for e in about if e is not None and (e.unit_id in units or e.emergency)]


def accessing_units(entries: list[AccessLogEntry]) -> list[tuple[str, str]]:
    """The (unit, organisation) names of ENTRIES, sorted, once each."""
    return sorted(
        {
            (e.unit.name if e.unit else "", e.organisation.name if e.organisation else "")
            for e in entries
        }
    )
