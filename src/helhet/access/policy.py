"""THE access policy: may this user see or change this person's records, and on what basis.

Everything that reads or writes person data asks here. Deny by default:
- A staff user sees a person only with a care relationship: membership of a unit where the person
  has an open episode (on the person's case team, where the unit is case-team only). An episode
  opened by another organisation gives a relationship only while the person's active consent at
  that unit covers coordination.
- Within the user's own organisation a relationship is enough to read the person's records.
- A record owned by another organisation is read only while an active consent covers disclosure
  from its owner to the user's organisation for its category; such reads are disclosures.
- For `HELHET_CLOSED_READABLE_MONTHS` after a closure, the closed episode gives its
  organisation's staff at its unit (its case team, where case-team only) a read-only
  relationship: basis "closed episode", reading as their own organisation would and other
  organisations' records only under a consent, as ever; no write but reopening.
- Emergency access (reasoned, time-limited, reviewed) stands in for a relationship.
- A block (spärr) the person asked for hides the records one organisation keeps at one unit from
  everyone without a relationship at that unit: it overrides relationship, consent and
  emergency access. The reader is told that blocked information exists, not what.
- Without any of these the person does not exist for the user: `Http404`, the same answer as for a
  person who does not exist. Administrators have no memberships, so no clinical access.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Now
from django.http import Http404
from django.utils import timezone

from helhet.alerts.models import Alert
from helhet.care.models import CaseTeamMember, ClosureReason, Episode, add_months
from helhet.core import raw
from helhet.core.models import Membership, Municipality, Unit, User
from helhet.governance.models import Dispute
from helhet.people.models import Person

from . import contact_details, refusals
from .models import Basis, Block, Consent, ConsentDisclosure, EmergencyAccess, RecordCategory


@dataclass(frozen=True)
class Grant:
    """Why one record may be read: own organisation, a consent, or emergency access."""

    basis: str
    consent: Consent | None = None


OWN = Grant(Basis.OWN_ORGANISATION)
EMERGENCY = Grant(Basis.EMERGENCY)
CLOSED = Grant(Basis.CLOSED_EPISODE)
# The bases USER reads their own organisation's records on (`PersonAccess.own_grant`).
OWN_BASES = frozenset({Basis.OWN_ORGANISATION, Basis.CLOSED_EPISODE})

# Relatives are recorded by an organisation, not at a unit: a block (of one unit's records)
# does not cover them.
UNITLESS_CATEGORIES = frozenset({RecordCategory.RELATIVES})
# The categories whose reads of earlier records are flagged: the clinical record, not the
# enrolment (every page names the person's episodes) nor relatives (kept at no unit).
EARLIER_RECORD_CATEGORIES = frozenset(RecordCategory.values) - {
    RecordCategory.ENROLMENT,
    RecordCategory.RELATIVES,
}


def record_unit(record) -> int | None:
    """The unit RECORD is kept at: its own, else its plan's or SIP's (None for relatives)."""
    if (unit_id := getattr(record, "unit_id", None)) is not None:
        return unit_id
    for holder in ("plan", "sip"):
        if getattr(record, f"{holder}_id", None) is not None:
            return getattr(record, holder).unit_id
    return None


def record_written(record) -> datetime.date | None:
    """The day RECORD was written (recorded or created), when it carries one."""
    for name in ("recorded_at", "created_at", "registered_at"):
        if (at := getattr(record, name, None)) is not None:
            return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return None


# "In force" is written once: each bound as (field, lookup, whether a missing date is no bound),
# read by `active_consent_q` in the database and by `consent_is_active` in Python.
IN_FORCE = (
    ("valid_from", "lte", False),  # begun: valid_from <= the date
    ("valid_until", "gte", True),  # not expired: valid_until >= the date, or none
    ("withdrawn_on", "gt", True),  # not withdrawn: withdrawn_on > the date, or none
)
_COMPARE = {"lte": operator.le, "gte": operator.ge, "gt": operator.gt}


def active_consent_q(on: datetime.date, prefix: str = "") -> Q:
    """Consents in force on the date ON: begun, not expired, not withdrawn (`IN_FORCE`)."""
    q = Q()
    for name, lookup, open_ended in IN_FORCE:
        bound = Q(**{f"{prefix}{name}__{lookup}": on})
        q &= bound | Q(**{f"{prefix}{name}__isnull": True}) if open_ended else bound
    return q


def in_force_during_q(start: datetime.date, end: datetime.date | None) -> Q:
    """Consents in force on some day from START to END (None: no end), from `IN_FORCE`: each
    bound that begins a consent (`lte`) compared with END, each that ends one with START; and
    never withdrawn on or before the day it began (such a consent was in force on no day)."""
    q = Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=F("valid_from"))
    for name, lookup, open_ended in IN_FORCE:
        on = end if lookup == "lte" else start
        if on is None:  # no end: a consent beginning any time after START overlaps
            continue
        bound = Q(**{f"{name}__{lookup}": on})
        q &= bound | Q(**{f"{name}__isnull": True}) if open_ended else bound
    return q


def consent_is_active(consent: Consent, on: datetime.date) -> bool:
    """`active_consent_q` of one consent, in Python (`IN_FORCE`)."""
    for name, lookup, open_ended in IN_FORCE:
        value = getattr(consent, name)
        if value is None and open_ended:
            continue
        if value is None or not _COMPARE[lookup](value, on):
            return False
    return True


def is_clinical(user) -> bool:
    """Staff of an organisation; administrators without one have no clinical access."""
    return bool(user.is_authenticated and user.organisation_id)


def closed_readable_since(on: datetime.date) -> datetime.date | None:
    """The earliest closing date of an episode that still gives read-only access ON:
    `HELHET_CLOSED_READABLE_MONTHS` calendar months before ON (None: closed episodes give
    none). Both twins compare `closed_on` with this one date."""
    months = settings.HELHET_CLOSED_READABLE_MONTHS
    return add_months(on, -months) if months > 0 else None


# --- Querysets: the only way lists of persons are built ------------------------------------


def relationship_episodes(
    user: User, *, on: datetime.date | None = None, units: dict[int, str] | None = None
) -> QuerySet[Episode]:
    """Open episodes through which USER has a care relationship with their persons.

    UNITS: USER's units and their access modes (`member_units`), when the request has loaded
    them: the SQL then names them instead of reading the memberships and units again for each
    person it asks about (a name search asks about hundreds).
    """
    if not is_clinical(user) or units == {}:
        return Episode.objects.none()
    on = on or timezone.localdate()
    coordination = Consent.objects.filter(
        active_consent_q(on), person=OuterRef("person"), unit=OuterRef("unit"), coordination=True
    )
    own_or_consent = Q(organisation_id=user.organisation_id) | Exists(coordination)
    return _at_member_units(user, units).filter(own_or_consent, closed_on__isnull=True)


def closed_episodes(
    user: User, *, on: datetime.date | None = None, units: dict[int, str] | None = None
) -> QuerySet[Episode]:
    """Closed episodes through which USER reads their persons read-only (basis closed
    episode): USER's organisation's, at USER's units (on the case team, where the unit is
    case-team only), closed since `closed_readable_since(ON)`. The twin of
    `PersonAccess.closed_units`; UNITS as for `relationship_episodes`."""
    since = closed_readable_since(on or timezone.localdate())
    organisation_id = user.organisation_id if is_clinical(user) else None
    if organisation_id is None or units == {} or since is None:
        return Episode.objects.none()
    return _at_member_units(user, units).filter(
        organisation_id=organisation_id, closed_on__gte=since
    )


def _at_member_units(user: User, units: dict[int, str] | None) -> QuerySet[Episode]:
    """Episodes at USER's units, on USER's case team where the unit is case-team only (the
    twin of `PersonAccess.at_member_unit`)."""
    on_team = Exists(CaseTeamMember.objects.filter(episode=OuterRef("pk"), user=user))
    if units is None:
        return Episode.objects.filter(
            Q(unit__access_mode=Unit.AccessMode.TEAM) | on_team,
            unit__in=Membership.objects.filter(user=user).values("unit"),
        )
    team, case_team = units_by_access_mode(units)
    return Episode.objects.filter(Q(unit_id__in=team) | Q(unit_id__in=case_team) & on_team)


def member_units(memberships) -> dict[int, str]:
    """The units of MEMBERSHIPS (the request's) and their access modes, for `units=`."""
    return {m.unit_id: m.unit.access_mode for m in memberships}


def units_by_access_mode(units: dict[int, str]) -> tuple[list[int], list[int]]:
    """The ids of UNITS (`member_units`) that are team-wide, and those that are case-team only."""
    team = sorted(u for u, mode in units.items() if mode == Unit.AccessMode.TEAM)
    return team, sorted(u for u in units if u not in team)


def sql_key(user: User, *, on: datetime.date, units: dict[int, str] | None) -> tuple:
    """What the querysets of this module are built from for USER ON a day with UNITS (as
    `relationship_episodes` takes them): the key under which a list keeps their compiled SQL
    (`raw.compiled_once`). Emergency access is judged in such SQL by the database's clock
    (`visible_persons(at=Now())`); episodes, case teams and consents are read by the SQL."""
    return (
        user.pk,
        user.organisation_id,
        is_clinical(user),
        on,
        None if units is None else tuple(sorted(units.items())),
        settings.HELHET_CLOSED_READABLE_MONTHS,
    )


def visible_persons(
    user: User,
    *,
    unit: Unit | None = None,
    on: datetime.date | None = None,
    at: datetime.datetime | Now | None = None,
    units: dict[int, str] | None = None,
    closed: bool = True,
) -> QuerySet[Person]:
    """Persons USER may see: by relationship, a closed episode (read-only; not unless CLOSED)
    or emergency access; at UNIT, when given, those with a relationship there (the lists of
    open work).

    ON (today) and AT (now, or the database's clock: `Now()`) are the date and time the access
    is judged at; UNITS as for `relationship_episodes`.
    """
    if not is_clinical(user):  # no relationship, and no emergency access either
        return Person.objects.none()
    episodes = relationship_episodes(user, on=on, units=units)
    if unit is not None:
        episodes = episodes.filter(unit=unit)
    related = Exists(episodes.filter(person=OuterRef("pk")))
    if unit is not None:
        return Person.objects.filter(related)
    read_only = closed_episodes(user, on=on, units=units) if closed else Episode.objects.none()
    through_closed = Exists(read_only.filter(person=OuterRef("pk")))
    emergency = Exists(
        EmergencyAccess.objects.filter(
            user_id=user.pk, person=OuterRef("pk"), expires_at__gt=at or timezone.now()
        )
    )
    return Person.objects.filter(related | through_closed | emergency)


def listing_consents(
    user, *, unit_id: int | None, on: datetime.date, units: dict[int, str] | None = None
) -> QuerySet[Consent]:
    """The coordination consents a person in a list is seen by, the first the one the log
    names: in force ON, at a unit where the person's open episode, owned by another
    organisation, gives USER a relationship; the one at UNIT_ID (the active unit) first, then
    the newest, as `PersonAccess.coordination_consent` picks it. UNITS as for
    `relationship_episodes`."""
    through = (
        relationship_episodes(user, on=on, units=units)
        .filter(person=OuterRef("person"), unit=OuterRef("unit"))
        .exclude(organisation_id=user.organisation_id)
    )
    return (
        Consent.objects.filter(active_consent_q(on), Exists(through), coordination=True)
        .annotate(elsewhere=Case(When(unit_id=unit_id, then=Value(0)), default=Value(1)))
        .order_by("elsewhere", "-valid_from", "-id")
    )


# --- One person: the object every person view works from ----------------------------------


@dataclass
class PersonAccess:
    """What USER may see of PERSON, loaded once per request, with the basis of each read."""

    user: User
    person: Person
    episodes: list[Episode]
    consents: list[Consent]
    emergency: EmergencyAccess | None
    member_roles: dict[int, str]
    today: datetime.date
    disclosures: dict[int, Consent] = field(default_factory=dict)
    # What each of the person's consents discloses: consent id -> [(from organisation id,
    # to organisation id, category)], as loaded by `person_access` (tuples, not objects).
    consent_disclosures: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)
    # The person's blocks in force: (organisation id, unit id) whose records there are blocked.
    blocks: list[tuple[int, int]] = field(default_factory=list)
    # What the person has of what few persons have (`PRESENT`), asked with the person: the
    # pages read those rows only when there are any.
    present: frozenset[str] = frozenset()
    # The request's active unit (None outside a request): whose episode "began" for the
    # earlier-records flag.
    unit_id: int | None = None
    # Set by `readable` when USER read their organisation's records kept at another unit,
    # written before USER's relationship began: the log row is flagged for review.
    earlier_records: bool = False
    # A whole page that shows the person header (not an htmx fragment, not a view marked
    # `without_page_reads`): its `PAGE_READS` are read before its log row.
    full_page: bool = False
    # What `PAGE_READS` read for the page, by name (the person header: "header").
    page: dict = field(default_factory=dict)

    # The relationship --------------------------------------------------------------------

    @cached_property
    def active_consents(self) -> list[Consent]:
        return [c for c in self.consents if consent_is_active(c, self.today)]

    def coordination_consent(self, unit_id: int) -> Consent | None:
        for consent in self.active_consents:
            if consent.unit_id == unit_id and consent.coordination:
                return consent
        return None

    def at_member_unit(self, episode: Episode) -> bool:
        """Is EPISODE at one of USER's units, with USER on its case team where the unit is
        case-team only?"""
        if episode.unit_id not in self.member_roles:
            return False
        # `user_on_team`: annotated by `person_access` (whether USER is on the case team)
        return episode.unit.access_mode != Unit.AccessMode.CASE_TEAM or episode.user_on_team

    def relationship_grant(self, episode: Episode) -> Grant | None:
        """The grant an open episode gives USER, or None when it gives no relationship."""
        if not episode.is_open or not self.at_member_unit(episode):
            return None
        if episode.organisation_id == self.user.organisation_id:
            return OWN
        consent = self.coordination_consent(episode.unit_id)
        return Grant(Basis.CONSENT, consent) if consent else None

    def disclosures_of(self, consent: Consent) -> list[tuple[int, int, str]]:
        """(from organisation id, to organisation id, category) of each of CONSENT's
        disclosures, in the order recorded."""
        return self.consent_disclosures.get(consent.pk, [])

    def _disclosed(self, consent: Consent) -> list[tuple[int, str]]:
        """(from organisation id, category) of what CONSENT discloses to USER's organisation."""
        mine = self.user.organisation_id
        return [(f, c) for f, to, c in self.disclosures_of(consent) if to == mine]

    @cached_property
    def relationship_units(self) -> dict[int, Grant]:
        grants: dict[int, Grant] = {}
        for episode in self.episodes:
            grant = self.relationship_grant(episode)
            known = grants.get(episode.unit_id)
            if grant and (known is None or known.basis != Basis.OWN_ORGANISATION):
                grants[episode.unit_id] = grant
        return grants

    @cached_property
    def closed_relationships(self) -> list[Episode]:
        """The closed episodes that give USER read-only access (`closed_episodes`): USER's
        organisation's, at USER's unit (on its case team where case-team only), closed since
        `closed_readable_since`. An open relationship anywhere wins as the basis."""
        since = closed_readable_since(self.today)
        if since is None:
            return []
        return [
            e
            for e in self.episodes
            if e.closed_on is not None
            and e.closed_on >= since
            and e.organisation_id == self.user.organisation_id
            and self.at_member_unit(e)
        ]

    @cached_property
    def closed_units(self) -> dict[int, Grant]:
        """The units of `closed_relationships`, each with the closed-episode grant."""
        return {e.unit_id: CLOSED for e in self.closed_relationships}

    @property
    def last_closed_on(self) -> datetime.date | None:
        """The newest closing among `closed_relationships` (what the search shows)."""
        return max((e.closed_on for e in self.closed_relationships if e.closed_on), default=None)

    @property
    def own_grant(self) -> Grant:
        """The basis USER reads their own organisation's records on: own organisation, or
        closed episode when only a closed episode gives access."""
        return CLOSED if self.closed_units and not self.relationship_units else OWN

    def may_reopen_at(self, unit_id: int) -> bool:
        """May USER reopen the person's closed episode at UNIT_ID: the one write the
        closed-episode basis allows."""
        return unit_id in self.closed_units

    @property
    def person_grant(self) -> Grant | None:
        """The basis for seeing the person at all, as the lists at the active unit name it:
        own organisation wins over consent, the consent at the active unit over another."""
        return self.list_grant(self.unit_id)

    def list_grant(self, unit_id: int | None) -> Grant | None:
        """The basis USER sees the person on at the active unit UNIT_ID: own organisation when
        one of its episodes gives a relationship; else the coordination consent of the
        relationship at UNIT_ID, else the newest of the relationships' consents; else a closed
        episode; else emergency access. Its SQL twin: `access.listing.with_list_basis`."""
        grants = self.relationship_units
        if any(g.basis == Basis.OWN_ORGANISATION for g in grants.values()):
            return OWN
        if unit_id in grants:
            return grants[unit_id]
        if grants:  # every one of them a consent's, here
            return max(grants.values(), key=_newest_consent)
        if self.closed_units:
            return CLOSED
        return EMERGENCY if self.emergency else None

    @property
    def is_emergency(self) -> bool:
        if self.relationship_units or self.closed_units:
            return False
        return self.emergency is not None

    @property
    def organisation_id(self) -> int:
        """USER's organisation: `person_access` lets in clinical staff only, who have one."""
        assert self.user.organisation_id is not None
        return self.user.organisation_id

    # Blocks ----------------------------------------------------------------------------

    @cached_property
    def hidden_blocks(self) -> dict[int, list[int]]:
        """The blocks that hide records from USER: organisation id -> the units whose records
        of it are blocked, for each block at a unit where USER has no relationship, open or
        closed (under emergency access, every block)."""
        hidden: dict[int, list[int]] = {}
        for organisation_id, unit_id in sorted(set(self.blocks)):
            if unit_id not in self.relationship_units and unit_id not in self.closed_units:
                hidden.setdefault(organisation_id, []).append(unit_id)
        return hidden

    @property
    def has_blocked_records(self) -> bool:
        """Whether a block hides something from USER: the pages say so, without what."""
        return bool(self.hidden_blocks)

    def is_blocked(self, *, owner_id: int, unit_id: int | None) -> bool:
        """Is a record owned by OWNER_ID kept at UNIT_ID blocked from USER?"""
        return unit_id is not None and unit_id in self.hidden_blocks.get(owner_id, ())

    def blocked_q(self, category: str, *, owner_field: str, unit_field: str) -> Q | None:
        """The records of CATEGORY a block hides from USER (None when none can be)."""
        if category in UNITLESS_CATEGORIES or not self.hidden_blocks:
            return None
        hidden = Q()
        for organisation_id, units in self.hidden_blocks.items():
            hidden |= Q(**{owner_field: organisation_id, f"{unit_field}__in": units})
        return hidden

    def unblocked_sql(
        self, category: str, *, owner_column: str, unit_column: str
    ) -> tuple[str, list]:
        """The SQL twin of `blocked_q` for the raw reads: a condition that keeps out the rows
        a block hides, and its parameters; ("", []) when nothing is hidden."""
        if category in UNITLESS_CATEGORIES or not self.hidden_blocks:
            return "", []
        parts, params = [], []
        for organisation_id, units in self.hidden_blocks.items():
            parts.append(f"({owner_column} = %s AND {unit_column} IN ({raw.marks(units)}))")
            params += [organisation_id, *units]
        return f"NOT ({' OR '.join(parts)})", params

    # Records ---------------------------------------------------------------------------

    def grant_for(
        self, *, owner_id: int, category: str, unit_id: int | None = None
    ) -> Grant | None:
        """May USER read a record of CATEGORY owned by OWNER_ID, kept at UNIT_ID?

        A block comes first: it overrides relationship, consent and emergency access.
        """
        if category not in UNITLESS_CATEGORIES and self.is_blocked(
            owner_id=owner_id, unit_id=unit_id
        ):
            return None
        if self.is_emergency:
            return EMERGENCY
        if owner_id == self.user.organisation_id:
            return self.own_grant
        if category == RecordCategory.ENROLMENT and unit_id is not None:
            grant = self.relationship_units.get(unit_id)
            if grant is not None:
                return grant if grant.basis == Basis.CONSENT else self._coordination(unit_id)
        for consent in self.active_consents:
            if (owner_id, category) in self._disclosed(consent):
                return Grant(Basis.CONSENT, consent)
        return None

    def _coordination(self, unit_id: int) -> Grant | None:
        consent = self.coordination_consent(unit_id)
        return Grant(Basis.CONSENT, consent) if consent else None

    def readable(
        self, records, *, category: str, owner=lambda r: r.organisation_id, unit=record_unit
    ) -> list:
        """The RECORDS USER may read; disclosures and reads of earlier records are remembered
        for the access log. UNIT gives the unit a record is kept at (`record_unit`)."""
        # The unit is asked only where it decides (a plan version's is its plan's: a query
        # when the plan is not loaded).
        by_unit = category == RecordCategory.ENROLMENT or (
            category not in UNITLESS_CATEGORIES and bool(self.hidden_blocks)
        )
        visible = []
        for record in records:
            unit_id = unit(record) if by_unit else None
            grant = self.grant_for(owner_id=owner(record), category=category, unit_id=unit_id)
            if grant is None:
                continue
            self._note_read(grant, record, category=category, unit=unit)
            visible.append(record)
        return visible

    def _note_read(self, grant: Grant, record, *, category: str, unit) -> None:
        """Remember for the access log what reading RECORD of CATEGORY (kept at UNIT(record))
        on GRANT was: a disclosure (a consent's grant), or a read of an earlier record (USER's
        organisation's, on the own-organisation or the closed-episode basis). The one rule
        for `readable` and `readable_sip`."""
        if grant.consent is not None:
            self.disclosures[grant.consent.pk] = grant.consent
        elif grant.basis in OWN_BASES and category in EARLIER_RECORD_CATEGORIES:
            self._note_earlier_record(record, unit)

    @cached_property
    def relationship_began(self) -> datetime.date | None:
        """When USER's relationship began: the opening of the episode that gives it at the
        active unit (open, or closed and still read on the closed-episode basis), else of the
        earliest one that gives it (None without one)."""
        opened: dict[int, datetime.date] = {}
        giving = [e for e in self.episodes if self.relationship_grant(e) is not None]
        for episode in [*giving, *self.closed_relationships]:
            known = opened.get(episode.unit_id)
            opened[episode.unit_id] = min(known or episode.opened_on, episode.opened_on)
        if self.unit_id in opened:
            return opened[self.unit_id]
        return min(opened.values(), default=None)

    def _note_earlier_record(self, record, unit) -> None:
        """Remember a read of USER's organisation's RECORD (kept at UNIT(record)) when it is
        kept at a unit where USER has no relationship, open or closed, and was written before
        USER's relationship began (`relationship_began`)."""
        if self.earlier_records:
            return
        began, written = self.relationship_began, record_written(record)
        if began is None or written is None or written >= began:
            return
        unit_id = unit(record)
        if unit_id is not None and unit_id not in {**self.relationship_units, **self.closed_units}:
            self.earlier_records = True

    def shows_as_note(self, record, text: str) -> bool:
        """THE rule for a text of a readable RECORD that is a record note (category NOTES): a
        contact's note, a correction's reason. Shown when there is one and USER may read the
        notes of RECORD's owner (a disclosure in the log row, as any read); under a consent
        that does not disclose notes the record shows, the text does not."""
        return bool(text) and bool(self.readable([record], category=RecordCategory.NOTES))

    def readable_owner_ids(self, category: str) -> set[int] | None:
        """Organisations whose records of CATEGORY USER may read; None means all (emergency)."""
        if self.is_emergency:
            return None
        mine = self.user.organisation_id
        owners = set() if mine is None else {mine}
        for consent in self.active_consents:
            owners.update(o for o, c in self._disclosed(consent) if c == category)
        return owners

    def readable_q(
        self, category: str, *, owner_field: str = "organisation", unit_field: str = "unit"
    ) -> Q:
        """The queryset twin of `readable` for records of CATEGORY (not enrolment): OWNER_FIELD
        names the record's owner, UNIT_FIELD the unit it is kept at (a plan version's is
        "plan__unit", a SIP's version's or meeting's "sip__unit").

        Filter in the database with it, then pass the rows shown through `readable` so that the
        disclosures among them are remembered for the access-log row.
        """
        owners = self.readable_owner_ids(category)
        readable = Q() if owners is None else Q(**{f"{owner_field}__in": sorted(owners)})
        hidden = self.blocked_q(category, owner_field=owner_field, unit_field=unit_field)
        return readable if hidden is None else readable & ~hidden

    def visible_episodes(self) -> list[Episode]:
        return self.readable(
            self.episodes, category=RecordCategory.ENROLMENT, unit=lambda e: e.unit_id
        )

    def visible_consents(self) -> list[Consent]:
        """Consents recorded by USER's organisation or at a unit where USER has a relationship;
        a blocked unit's consents are hidden as its other records are."""
        consents = [
            c
            for c in self.consents
            if not self.is_blocked(owner_id=c.organisation_id, unit_id=c.unit_id)
        ]
        if self.is_emergency:
            return consents
        units = self.relationship_units
        return [
            c
            for c in consents
            if c.organisation_id == self.user.organisation_id or c.unit_id in units
        ]

    @property
    def may_see_contact_details(self) -> bool:
        """Protected identity hides address and contact details from all but allowed roles
        (the rule: `contact_details.may_see_contact_details`)."""
        return contact_details.person_details_shown(self)

    def role_at(self, unit_id: int) -> str | None:
        return self.member_roles.get(unit_id)

    def may_act_at(self, unit_id: int) -> bool:
        """May USER write at UNIT_ID for this person: an open relationship there is required
        (a closed episode's is read-only)."""
        return unit_id in self.relationship_units

    # The log row for this request ----------------------------------------------------------

    @property
    def log_basis(self) -> Grant:
        """The basis recorded for this request: emergency, else a disclosure, else own."""
        grant = self.person_grant or EMERGENCY
        if grant.basis == Basis.EMERGENCY:
            return grant
        if self.disclosures:
            return Grant(Basis.CONSENT, next(iter(self.disclosures.values())))
        return grant


# What every whole person page shows besides what its view reads (the person header,
# registered by `people`): `log.record_access` runs them before it writes a read's row, so
# that the row has what they read (a disclosure among them), and the page shows what they
# left in `PersonAccess.page`.
PAGE_READS: list[Callable[[PersonAccess], None]] = []

# Set on a request by `without_page_reads`.
_WITHOUT_PAGE_READS = "helhet_without_page_reads"


def without_page_reads(view):
    """VIEW is a person page that shows none of what `PAGE_READS` read (no person header: a
    printout for the person, whose template empties the block `person_header`, a PDF, an
    overview block, a page without `access` in its context): its log row names only what the
    view reads. `tests/test_access_matrix.py` asks every person page whether it reads the
    header exactly when it shows it."""

    @functools.wraps(view)
    def marked(request, *args, **kwargs):
        setattr(request, _WITHOUT_PAGE_READS, True)
        return view(request, *args, **kwargs)

    return marked


def _newest_consent(grant: Grant) -> tuple[datetime.date, int]:
    assert grant.consent is not None
    return grant.consent.valid_from, grant.consent.pk


def person_access(request, person_id: int) -> PersonAccess:
    """The person with PERSON_ID as REQUEST's user may see them; else Http404.

    A clinical user's refusal (no such person, or not theirs to see) is logged, the same row
    either way but for the person it names (`refusals.refuse`); the answer is the same 404.
    """
    user = request.user
    if not is_clinical(user):
        raise Http404
    person, present = _person(person_id)
    if person is None:
        raise refusals.refuse(request, person_id=person_id)
    units: dict[int, Unit] = {}  # shared by the episodes and consents at each unit
    access = PersonAccess(
        user=user,
        person=person,
        episodes=_episodes(person, user, units),
        consents=_consents(person, units),
        emergency=None,
        member_roles=contact_details.roles_of(request),
        today=timezone.localdate(),
        consent_disclosures=_disclosures(person),
        blocks=_blocks(person) if "blocks" in present else [],
        present=present,
        unit_id=getattr(getattr(request, "unit", None), "pk", None),
        full_page=not getattr(request, "htmx", False)
        and not getattr(request, _WITHOUT_PAGE_READS, False),
    )
    if access.person_grant is None:
        access.emergency = active_emergency_access(user, person)
        if access.emergency is None:
            raise refusals.refuse(request, person=person)
    refusals.granted(request, person)
    return access


# What the policy decides on, and no more: every episode with whether USER is on its case
# team (not the teams themselves), every consent without its relatives, and every disclosure
# as a tuple. Pages that show case teams or consented relatives load them for the rows they
# show: for a long history, building them all was hundreds of objects on every request.
# Every person page starts with these four reads, so they are plain SELECTs written once
# (`helhet.core.raw`): through the ORM, building the queries and their rows cost ten times the
# database's time. Each unit, closure reason and recording user is one instance however many
# rows name it. The ORM's twins of these reads are in the tests, which compare the two.

_PERSON, _MUNICIPALITY = raw.Columns(Person, "p"), raw.Columns(Municipality, "m")
_EPISODE, _UNIT, _REASON = (
    raw.Columns(Episode, "e"),
    raw.Columns(Unit, "u"),
    raw.Columns(ClosureReason, "r"),
)
_CONSENT, _RECORDER = raw.Columns(Consent, "c"), raw.Columns(User, "usr")
_TEAM = raw.Columns(CaseTeamMember, "t")
_DISCLOSURE = raw.Columns(ConsentDisclosure, "d")


# What few persons have, by name: (model, the condition on its rows besides the person's, its
# parameters). The person read asks whether each exists, so that the rows are read only then:
# the blocks in force (by the policy), the warnings in force (by the person header) and the
# running disputes about the person (by the overview).
PRESENT = {
    "blocks": (Block, "{lifted_on} IS NULL", []),
    "alerts": (Alert, "{ended_on} IS NULL", []),
    "disputes": (Dispute, "{status} = %s", [Dispute.Status.RUNNING]),
}


@functools.cache
def _person_sql() -> str:
    p, m = _PERSON, _MUNICIPALITY
    present = []
    for name, (model, condition, _params) in PRESENT.items():
        rows = raw.Columns(model, f"has_{name}")
        columns = {attname: rows.column(attname) for attname in rows.attnames}
        present.append(
            f"EXISTS (SELECT 1 FROM {rows.table} WHERE {rows.column('person_id')}"
            f" = {p.column('id')} AND {condition.format(**columns)})"
        )
    return (
        f"SELECT {p.sql}, {m.sql}, {', '.join(present)} FROM {p.table}"
        f" LEFT JOIN {m.table} ON {m.column('id')} = {p.column('municipality_id')}"
        f" WHERE {p.column('id')} = %s"
    )


def _person(person_id: int) -> tuple[Person | None, frozenset[str]]:
    """The person with PERSON_ID (None when there is none), and what of `PRESENT` they have."""
    if not 0 < person_id < 2**63:  # no such id in any database (SQLite overflows on it)
        return None, frozenset()
    params = [param for _model, _condition, params in PRESENT.values() for param in params]
    found = raw.rows(_person_sql(), [*params, person_id])
    if not found:
        return None, frozenset()
    row = found[0]
    person = _PERSON.build(row)
    raw.set_related(person, "municipality", _MUNICIPALITY.build(row, _PERSON.width))
    flags = row[_PERSON.width + _MUNICIPALITY.width :]
    return person, frozenset(name for name, flag in zip(PRESENT, flags, strict=True) if flag)


@functools.cache
def _episodes_sql() -> str:
    e, u, r, t = _EPISODE, _UNIT, _REASON, _TEAM
    return (
        f"SELECT {e.sql}, {u.sql}, {r.sql},"
        f" EXISTS (SELECT 1 FROM {t.table} WHERE {t.column('episode_id')} = {e.column('id')}"
        f" AND {t.column('user_id')} = %s)"
        f" FROM {e.table} JOIN {u.table} ON {u.column('id')} = {e.column('unit_id')}"
        f" LEFT JOIN {r.table} ON {r.column('id')} = {e.column('closure_reason_id')}"
        f" WHERE {e.column('person_id')} = %s"
        f" ORDER BY {e.column('opened_on')} DESC, {e.column('id')} DESC"
    )


def _episodes(person: Person, user: User, units: dict[int, Unit]) -> list[Episode]:
    e, u, r = _EPISODE, _UNIT, _REASON
    rows = raw.rows(_episodes_sql(), [user.pk, person.pk])
    reasons: dict[int, ClosureReason] = {}
    episodes = []
    for row in rows:
        episode = e.instance(row)
        raw.set_related(episode, "person", person)
        raw.set_related(episode, "unit", u.build(row, e.width, units))
        raw.set_related(episode, "closure_reason", r.build(row, e.width + u.width, reasons))
        episode.user_on_team = bool(row[-1])
        episodes.append(episode)
    # Each reactivation points at its earlier episode among these, so that
    # `Episode.is_reactivation` (which compares the dates) needs no query of its own.
    loaded = {episode.pk: episode for episode in episodes}
    for episode in episodes:
        if episode.reactivation_of_id in loaded:
            episode.reactivation_of = loaded[episode.reactivation_of_id]
    return episodes


@functools.cache
def _consents_sql() -> str:
    c, u, usr = _CONSENT, _UNIT, _RECORDER
    return (
        f"SELECT {c.sql}, {u.sql}, {usr.sql} FROM {c.table}"
        f" JOIN {u.table} ON {u.column('id')} = {c.column('unit_id')}"
        f" JOIN {usr.table} ON {usr.column('id')} = {c.column('recorded_by_id')}"
        f" WHERE {c.column('person_id')} = %s"
        f" ORDER BY {c.column('valid_from')} DESC, {c.column('id')} DESC"
    )


def _consents(person: Person, units: dict[int, Unit]) -> list[Consent]:
    c, u, usr = _CONSENT, _UNIT, _RECORDER
    rows = raw.rows(_consents_sql(), [person.pk])
    recorders: dict[int, User] = {}
    consents = []
    for row in rows:
        consent = c.instance(row)
        raw.set_related(consent, "person", person)
        raw.set_related(consent, "unit", u.build(row, c.width, units))
        raw.set_related(consent, "recorded_by", usr.build(row, c.width + u.width, recorders))
        consents.append(consent)
    return consents


@functools.cache
def _disclosures_sql() -> str:
    d, c = _DISCLOSURE, _CONSENT
    return (
        f"SELECT {d.column('consent_id')}, {d.column('from_organisation_id')},"
        f" {d.column('to_organisation_id')}, {d.column('category')}"
        f" FROM {d.table} JOIN {c.table} ON {c.column('id')} = {d.column('consent_id')}"
        f" WHERE {c.column('person_id')} = %s"
        f" ORDER BY {d.column('consent_id')}, {d.column('id')}"
    )


def _disclosures(person: Person) -> dict[int, list[tuple[int, int, str]]]:
    rows = raw.rows(_disclosures_sql(), [person.pk])
    disclosures: dict[int, list[tuple[int, int, str]]] = {}
    for consent_id, *disclosure in rows:
        disclosures.setdefault(consent_id, []).append(tuple(disclosure))
    return disclosures


_BLOCK = raw.Columns(Block, "b")


@functools.cache
def _blocks_sql() -> str:
    b = _BLOCK
    return (
        f"SELECT {b.column('organisation_id')}, {b.column('unit_id')} FROM {b.table}"
        f" WHERE {b.column('person_id')} = %s AND {b.column('lifted_on')} IS NULL"
    )


def _blocks(person: Person) -> list[tuple[int, int]]:
    """The person's blocks in force: (organisation id, unit id)."""
    return [
        (organisation_id, unit_id)
        for organisation_id, unit_id in raw.rows(_blocks_sql(), [person.pk])
    ]


def case_team_members() -> QuerySet[CaseTeamMember]:
    """Case-team members as pages name them: the user and their organisation."""
    return CaseTeamMember.objects.select_related("user__organisation").only(
        "episode",
        "role",
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__organisation__name",
    )


def with_case_teams(episodes: list[Episode]) -> list[Episode]:
    """EPISODES with their case teams loaded (one query), for the pages that show them."""
    prefetch_related_objects(episodes, Prefetch("case_team", queryset=case_team_members()))
    return episodes


def active_emergency_access(user: User, person: Person) -> EmergencyAccess | None:
    return (
        EmergencyAccess.objects.filter(
            user_id=user.pk, person=person, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


# --- The SIP: one joint plan; the record rule for lists -----------------------------------
# The SIP (samordnad individuell plan, SoL 2 kap. 7 §, HSL 16 kap. 4 §) is ONE plan of the
# organisations that run a unit, made only under the person's coordination consent there.
# While that consent is in force, whoever has a relationship at the unit (a party to the plan)
# reads and revises every version and meeting, whoever saved it: the other organisation's is a
# disclosure under the coordination consent. A reader without a relationship there reads a SIP
# record as any plan record (own organisation, or a consent disclosing plans), and still only
# while the consent at its unit is in force. Without it nobody reads the SIP, except by
# emergency access (read-only). `sip_grant` is the rule; `sip_q` its twin for one person's
# rows, `SipUnits` for the timeline's SQL, `sip_readable_q` for lists (the task list), beside
# `records_readable_q`, `grant_for`'s twin for lists. A test generates cases and compares them.


def sip_grant(access: PersonAccess, *, owner_id: int, unit_id: int) -> Grant | None:
    """May USER read a SIP record (version or meeting) owned by OWNER_ID of the SIP at
    UNIT_ID, and on what basis: the rule above. A block comes first, as for every record."""
    if access.is_blocked(owner_id=owner_id, unit_id=unit_id):
        return None
    if access.is_emergency:
        return EMERGENCY
    consent = access.coordination_consent(unit_id)
    if consent is None:
        return None
    if owner_id == access.user.organisation_id:
        return access.own_grant
    if unit_id in access.relationship_units:
        return Grant(Basis.CONSENT, consent)
    return access.grant_for(owner_id=owner_id, category=RecordCategory.PLANS)


def readable_sip(access: PersonAccess, records, *, unit=lambda r: r.sip.unit_id) -> list:
    """The SIP RECORDS (versions, meetings; UNIT gives the SIP's unit id) USER may read, as
    `readable` for other records: disclosures and reads of earlier records are remembered for
    the access log."""
    visible = []
    for record in records:
        grant = sip_grant(access, owner_id=record.organisation_id, unit_id=unit(record))
        if grant is None:
            continue
        access._note_read(grant, record, category=RecordCategory.PLANS, unit=unit)
        visible.append(record)
    return visible


@dataclass(frozen=True)
class SipUnits:
    """Where USER may read the person's SIP records: every record of the SIPs at JOINT, and
    those owned by OWNERS of the SIPs at BY_OWNER (ids, sorted)."""

    joint: list[int]
    by_owner: list[int]
    owners: list[int]


def sip_units(access: PersonAccess) -> SipUnits | None:
    """The SIP rule as ids for a query; None means every SIP record (emergency access)."""
    if access.is_emergency:
        return None
    coordinated = sorted({c.unit_id for c in access.active_consents if c.coordination})
    joint = [u for u in coordinated if u in access.relationship_units]
    return SipUnits(
        joint=joint,
        by_owner=[u for u in coordinated if u not in joint],
        owners=sorted(access.readable_owner_ids(RecordCategory.PLANS) or ()),
    )


def sip_q(access: PersonAccess, *, unit: str = "sip__unit", owner: str = "organisation") -> Q:
    """`sip_grant`'s twin in the database for one person's SIP records (UNIT and OWNER: the
    fields of the SIP's unit and the record's owner). Pass the rows shown through
    `readable_sip`, so that their disclosures are logged."""
    blocked = access.blocked_q(RecordCategory.PLANS, owner_field=f"{owner}_id", unit_field=unit)
    unblocked = Q() if blocked is None else ~blocked
    units = sip_units(access)
    if units is None:
        return unblocked
    return unblocked & (
        Q(**{f"{unit}_id__in": units.joint})
        | Q(**{f"{unit}_id__in": units.by_owner, f"{owner}_id__in": units.owners})
    )


def coordination_consents(on: datetime.date, *, person=None, unit=None) -> QuerySet[Consent]:
    """Coordination consents in force ON, of PERSON at UNIT (values or OuterRefs), the one
    `PersonAccess.coordination_consent` picks first."""
    return Consent.objects.filter(
        active_consent_q(on), person=person, unit=unit, coordination=True
    ).order_by("-valid_from", "-id")


def disclosing(
    user, category: str, on: datetime.date, *, person, owner
) -> QuerySet[ConsentDisclosure]:
    """Disclosures in force ON of PERSON's records of CATEGORY from OWNER to USER's
    organisation (values or OuterRefs), the one `PersonAccess.grant_for` names first."""
    return ConsentDisclosure.objects.filter(
        active_consent_q(on, prefix="consent__"),
        consent__person=person,
        from_organisation=owner,
        to_organisation_id=user.organisation_id,
        category=category,
    ).order_by("-consent__valid_from", "-consent__id")


def records_readable_q(
    user, category: str, *, on: datetime.date, person: str = "person", owner: str = "organisation"
) -> Q:
    """`PersonAccess.grant_for`'s twin for lists of records of CATEGORY (not enrolment) whose
    reader has a relationship with their persons: USER's organisation's, or disclosed to it by
    a consent of the person in force ON. PERSON and OWNER name the rows' fields."""
    disclosed = disclosing(user, category, on, person=OuterRef(person), owner=OuterRef(owner))
    return Q(**{f"{owner}_id": user.organisation_id}) | Q(Exists(disclosed))


def _party_at(user, on: datetime.date, person: str, unit: str) -> Exists:
    """USER has a relationship with the row's PERSON at its UNIT (fields of the rows)."""
    episodes = relationship_episodes(user, on=on)
    return Exists(episodes.filter(person=OuterRef(person), unit=OuterRef(unit)))


def sip_readable_q(
    user,
    *,
    on: datetime.date,
    person: str = "person",
    unit: str = "unit",
    owner: str = "organisation",
) -> Q:
    """`sip_grant`'s twin for lists of SIP records of several persons (PERSON, UNIT: the
    fields of the SIP's person and unit; OWNER: the record's owner), judged ON; without
    emergency access (lists are of persons with a relationship)."""
    coordination = coordination_consents(on, person=OuterRef(person), unit=OuterRef(unit))
    return Exists(coordination) & (
        _party_at(user, on, person, unit)
        | records_readable_q(user, RecordCategory.PLANS, on=on, person=person, owner=owner)
    )


def sip_basis_consent(
    user,
    *,
    on: datetime.date,
    person: str = "person",
    unit: str = "unit",
    owner: str = "organisation",
):
    """The id of the consent `sip_grant` names for each SIP record of a list filtered by
    `sip_readable_q` (the same fields); NULL when it is USER's organisation's."""
    coordination = coordination_consents(on, person=OuterRef(person), unit=OuterRef(unit))
    disclosed = disclosing(
        user, RecordCategory.PLANS, on, person=OuterRef(person), owner=OuterRef(owner)
    )
    return Case(
        When(Q(**{f"{owner}_id": user.organisation_id}), then=None),
        When(_party_at(user, on, person, unit), then=Subquery(coordination.values("pk")[:1])),
        default=Subquery(disclosed.values("consent_id")[:1]),
        output_field=BigIntegerField(),
    )


def records_basis_consent(
    user, category: str, *, on: datetime.date, person: str = "person", owner: str = "organisation"
):
    """The id of the consent `grant_for` names for each record of a list filtered by
    `records_readable_q` (the same arguments); NULL when it is USER's organisation's."""
    disclosed = disclosing(user, category, on, person=OuterRef(person), owner=OuterRef(owner))
    return Case(
        When(Q(**{f"{owner}_id": user.organisation_id}), then=None),
        default=Subquery(disclosed.values("consent_id")[:1]),
        output_field=BigIntegerField(),
    )


def identity_grant(
    user, *, person: Person, owner_id: int, unit_id: int, on: datetime.date
) -> Grant | None:
    """May USER be told who PERSON is in a record OWNER_ID keeps at UNIT_ID that is addressed
    to USER's organisation outside a care relationship (a deviation, a dispute or a
    consultation between the authorities, `governance.deviations.named`)? Only to staff of
    UNIT_ID, where the record is kept: of the owner, yes (own organisation); of another
    organisation, only where a consent of the person in force ON discloses the person's
    enrolment (who they are, where they are enrolled) from the owner to it, and no block of the
    owner's records at the unit stands. Never to anyone else: the owner's staff at other units
    (inner secrecy), a steering-group member (of whichever organisation, even one who is staff
    elsewhere), an administrator."""
    if not is_clinical(user) or not Membership.objects.filter(user=user, unit_id=unit_id).exists():
        return None
    if user.organisation_id == owner_id:
        return OWN
    blocked = Block.objects.filter(
        person=person, organisation_id=owner_id, unit_id=unit_id, lifted_on__isnull=True
    )
    if blocked.exists():
        return None
    found = (
        disclosing(user, RecordCategory.ENROLMENT, on, person=person, owner=owner_id)
        .select_related("consent")
        .first()
    )
    return Grant(Basis.CONSENT, found.consent) if found else None
