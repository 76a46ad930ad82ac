"""THE access policy: may this user see or change this person's records, and on what basis.

Everything that reads or writes person data asks here. Deny by default:
- A staff user sees a person only with a care relationship: membership of a unit where the person
  has an open episode (on the person's case team, where the unit is case-team only). An episode
  opened by another organisation gives a relationship only while the person's active consent at
  that unit covers coordination.
- Within the user's own organisation a relationship is enough to read the person's records.
- A record owned by another organisation is read only while an active consent covers disclosure
  from its owner to the user's organisation for its category; such reads are disclosures.
- Emergency access (reasoned, time-limited, reviewed) stands in for a relationship.
- Without any of these the person does not exist for the user: `Http404`, the same answer as for a
  person who does not exist. Administrators have no memberships, so no clinical access.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone

from helhet.care.models import CaseTeamMember, ClosureReason, Episode
from helhet.core import raw
from helhet.core.models import Membership, Municipality, Unit, User
from helhet.people.models import Person

from . import refusals
from .models import Basis, Consent, ConsentDisclosure, EmergencyAccess, RecordCategory

PROTECTED_IDENTITY_ROLES = getattr(
    settings, "HELHET_PROTECTED_IDENTITY_ROLES", [Membership.Role.COORDINATOR]
)


@dataclass(frozen=True)
class Grant:
    """Why one record may be read: own organisation, a consent, or emergency access."""

    basis: str
    consent: Consent | None = None


OWN = Grant(Basis.OWN_ORGANISATION)
EMERGENCY = Grant(Basis.EMERGENCY)


def active_consent_q(on: datetime.date, prefix: str = "") -> Q:
    """Consents in force on the date ON: begun, not expired, not withdrawn."""
    p = prefix
    return (
        Q(**{f"{p}valid_from__lte": on})
        & (Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gte": on}))
        & (Q(**{f"{p}withdrawn_on__isnull": True}) | Q(**{f"{p}withdrawn_on__gt": on}))
    )


def consent_is_active(consent: Consent, on: datetime.date) -> bool:
    return (
        consent.valid_from <= on
        and (consent.valid_until is None or consent.valid_until >= on)
        and (consent.withdrawn_on is None or consent.withdrawn_on > on)
    )


def is_clinical(user) -> bool:
    """Staff of an organisation; administrators without one have no clinical access."""
    return bool(user.is_authenticated and user.organisation_id)


# --- Querysets: the only way lists of persons are built ------------------------------------


def relationship_episodes(
    user, *, on: datetime.date | None = None, units: dict[int, str] | None = None
) -> QuerySet[Episode]:
    """Open episodes through which USER has a care relationship with their persons.

    UNITS: USER's units and their access modes (`member_units`), when the request has loaded
    them: the SQL then names them instead of reading the memberships and units again for each
    person it asks about (a name search asks about hundreds).
    """
    if not is_clinical(user) or units == {}:
        return Episode.objects.none()
    on = on or timezone.localdate()
    on_team = Exists(CaseTeamMember.objects.filter(episode=OuterRef("pk"), user=user))
    coordination = Consent.objects.filter(
        active_consent_q(on), person=OuterRef("person"), unit=OuterRef("unit"), coordination=True
    )
    own_or_consent = Q(organisation_id=user.organisation_id) | Exists(coordination)
    if units is None:
        return Episode.objects.filter(
            Q(unit__access_mode=Unit.AccessMode.TEAM) | on_team,
            own_or_consent,
            closed_on__isnull=True,
            unit__in=Membership.objects.filter(user=user).values("unit"),
        )
    team, case_team = units_by_access_mode(units)
    return Episode.objects.filter(
        Q(unit_id__in=team) | Q(unit_id__in=case_team) & on_team,
        own_or_consent,
        closed_on__isnull=True,
    )


def member_units(memberships) -> dict[int, str]:
    """The units of MEMBERSHIPS (the request's) and their access modes, for `units=`."""
    return {m.unit_id: m.unit.access_mode for m in memberships}


def units_by_access_mode(units: dict[int, str]) -> tuple[list[int], list[int]]:
    """The ids of UNITS (`member_units`) that are team-wide, and those that are case-team only."""
    team = sorted(u for u, mode in units.items() if mode == Unit.AccessMode.TEAM)
    return team, sorted(u for u in units if u not in team)


def visible_persons(
    user,
    *,
    unit: Unit | None = None,
    on: datetime.date | None = None,
    at: datetime.datetime | None = None,
    units: dict[int, str] | None = None,
) -> QuerySet[Person]:
    """Persons USER may see (at UNIT only, when given): by relationship or emergency access.

    ON (today) and AT (now) are the date and time the access is judged at; UNITS as for
    `relationship_episodes`.
    """
    episodes = relationship_episodes(user, on=on, units=units)
    if unit is not None:
        episodes = episodes.filter(unit=unit)
    related = Exists(episodes.filter(person=OuterRef("pk")))
    if unit is not None:
        return Person.objects.filter(related)
    emergency = Exists(
        EmergencyAccess.objects.filter(
            user_id=user.pk, person=OuterRef("pk"), expires_at__gt=at or timezone.now()
        )
    )
    return Person.objects.filter(related | emergency)


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

    user: object
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

    # The relationship --------------------------------------------------------------------

    @cached_property
    def active_consents(self) -> list[Consent]:
        return [c for c in self.consents if consent_is_active(c, self.today)]

    def coordination_consent(self, unit_id: int) -> Consent | None:
        for consent in self.active_consents:
            if consent.unit_id == unit_id and consent.coordination:
                return consent
        return None

    def relationship_grant(self, episode: Episode) -> Grant | None:
        """The grant an open episode gives USER, or None when it gives no relationship."""
        if not episode.is_open or episode.unit_id not in self.member_roles:
            return None
        # `user_on_team`: annotated by `person_access` (whether USER is on the case team)
        if episode.unit.access_mode == Unit.AccessMode.CASE_TEAM and not episode.user_on_team:
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

    @property
    def person_grant(self) -> Grant | None:
        """The basis for seeing the person at all; own organisation wins over consent."""
        grants = list(self.relationship_units.values())
        for grant in grants:
            if grant.basis == Basis.OWN_ORGANISATION:
                return grant
        if grants:
            return grants[0]
        return EMERGENCY if self.emergency else None

    @property
    def is_emergency(self) -> bool:
        return not self.relationship_units and self.emergency is not None

    # Records ---------------------------------------------------------------------------

    def grant_for(
        self, *, owner_id: int, category: str, unit_id: int | None = None
    ) -> Grant | None:
        """May USER read a record of CATEGORY owned by OWNER_ID (kept at UNIT_ID)?"""
        if self.is_emergency:
            return EMERGENCY
        if owner_id == self.user.organisation_id:
            return OWN
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
        self, records, *, category: str, owner=lambda r: r.organisation_id, unit=lambda r: None
    ) -> list:
        """The RECORDS USER may read; disclosures are remembered for the access log."""
        visible = []
        for record in records:
            grant = self.grant_for(owner_id=owner(record), category=category, unit_id=unit(record))
            if grant is None:
                continue
            if grant.consent is not None:
                self.disclosures[grant.consent.pk] = grant.consent
            visible.append(record)
        return visible

    def readable_owner_ids(self, category: str) -> set[int] | None:
        """Organisations whose records of CATEGORY USER may read; None means all (emergency)."""
        if self.is_emergency:
            return None
        owners = {self.user.organisation_id}
        for consent in self.active_consents:
            owners.update(o for o, c in self._disclosed(consent) if c == category)
        return owners

    def readable_q(self, category: str, *, owner_field: str = "organisation") -> Q:
        """The queryset twin of `readable` for records of CATEGORY (not enrolment).

        Filter in the database with it, then pass the rows shown through `readable` so that the
        disclosures among them are remembered for the access-log row.
        """
        owners = self.readable_owner_ids(category)
        return Q() if owners is None else Q(**{f"{owner_field}__in": sorted(owners)})

    def visible_episodes(self) -> list[Episode]:
        return self.readable(
            self.episodes, category=RecordCategory.ENROLMENT, unit=lambda e: e.unit_id
        )

    def visible_consents(self) -> list[Consent]:
        """Consents recorded by USER's organisation or at a unit where USER has a relationship."""
        if self.is_emergency:
            return list(self.consents)
        units = self.relationship_units
        return [
            c
            for c in self.consents
            if c.organisation_id == self.user.organisation_id or c.unit_id in units
        ]

    @property
    def may_see_contact_details(self) -> bool:
        """Protected identity hides address and contact details from all but allowed roles."""
        if not self.person.protected_identity:
            return True
        return any(
            self.member_roles.get(unit_id) in PROTECTED_IDENTITY_ROLES
            for unit_id in self.relationship_units
        )

    def role_at(self, unit_id: int) -> str | None:
        return self.member_roles.get(unit_id)

    def may_act_at(self, unit_id: int) -> bool:
        """May USER write at UNIT_ID for this person: a relationship there is required."""
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


def _memberships(request) -> dict[int, str]:
    return {m.unit_id: m.role for m in getattr(request, "memberships", None) or []}


def person_access(request, person_id: int) -> PersonAccess:
    """The person with PERSON_ID as REQUEST's user may see them; else Http404.

    A clinical user's refusal (no such person, or not theirs to see) is logged, the same row
    either way but for the person it names (`refusals.refuse`); the answer is the same 404.
    """
    user = request.user
    if not is_clinical(user):
        raise Http404
    person = _person(person_id)
    if person is None:
        raise refusals.refuse(request, person_id=person_id)
    units: dict[int, Unit] = {}  # shared by the episodes and consents at each unit
    access = PersonAccess(
        user=user,
        person=person,
        episodes=_episodes(person, user, units),
        consents=_consents(person, units),
        emergency=None,
        member_roles=_memberships(request),
        today=timezone.localdate(),
        consent_disclosures=_disclosures(person),
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


@functools.cache
def _person_sql() -> str:
    p, m = _PERSON, _MUNICIPALITY
    return (
        f"SELECT {p.sql}, {m.sql} FROM {p.table}"
        f" LEFT JOIN {m.table} ON {m.column('id')} = {p.column('municipality_id')}"
        f" WHERE {p.column('id')} = %s"
    )


def _person(person_id: int) -> Person | None:
    found = raw.rows(_person_sql(), [person_id])
    if not found:
        return None
    person = _PERSON.build(found[0])
    raw.set_related(person, "municipality", _MUNICIPALITY.build(found[0], _PERSON.width))
    return person


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


def _episodes(person: Person, user, units: dict[int, Unit]) -> list[Episode]:
    e, u, r = _EPISODE, _UNIT, _REASON
    rows = raw.rows(_episodes_sql(), [user.pk, person.pk])
    reasons: dict[int, ClosureReason] = {}
    episodes = []
    for row in rows:
        episode = e.build(row)
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
        consent = c.build(row)
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


def active_emergency_access(user, person: Person) -> EmergencyAccess | None:
    return (
        EmergencyAccess.objects.filter(
            user_id=user.pk, person=person, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )
