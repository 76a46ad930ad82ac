"""Where the timeline's items come from: one function per source, one query each (none for the
episodes and consents the access has already loaded).

Each source returns at most LIMIT + 1 items older than the cursor (and newer than the floor: the
oldest item the page could still show, from the sources asked before), newest first, from the
rows the user may read: filtered in the database by the owners whose records the policy lets
the user read (`readable_owner_ids`; referrals, an enrolment record read at its unit, through
the policy's `grant_for`), so that the merged page is exact however long the history is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from typing import Any

from helhet.access import policy
from helhet.access.models import RecordCategory
from helhet.access.policy import Grant, PersonAccess
from helhet.assessments.models import Assessment
from helhet.conference.models import ConferenceItem
from helhet.contacts.models import (
    Contact,
    ContactIntervention,
    DrugTest,
    DrugTestResult,
    Intervention,
    MedicationDispensing,
)
from helhet.core import raw
from helhet.core.corrections import in_force_sql
from helhet.core.models import Organisation, Unit
from helhet.intake.models import Referral
from helhet.outcomes.models import Outcome
from helhet.plans.models import PlanVersion, Sip, SipMeeting, SipVersion, TreatmentPlan

from .cursor import Cursor, between_sql, day_end

ENROLMENT, CONTACTS, ASSESSMENTS, PLANS, MEDICATION, NOTES = (
    RecordCategory.ENROLMENT,
    RecordCategory.CONTACTS,
    RecordCategory.ASSESSMENTS,
    RecordCategory.PLANS,
    RecordCategory.MEDICATION,
    RecordCategory.NOTES,
)


@dataclass
class Item:
    """One event in the person's timeline, with what the policy needs to decide on it."""

    at: datetime.datetime
    kind: str
    record: Any
    unit: Unit
    owner_id: int
    category: str | None  # the record category; None for consents (their own rule)
    dated: bool = False  # a date without a time of day
    grant: Grant | None = None  # set once the item is to be shown
    owner: Organisation | None = None
    when: str = ""  # its time as HTML, set once the item is to be shown
    meta: str = ""  # where, whose and on what basis, as HTML, set once the item is to be shown

    @property
    def key(self) -> Cursor:
        return Cursor(self.at, self.kind, self.record.pk)

    @property
    def policy_unit_id(self) -> int | None:
        """The unit the record is kept at: where an enrolment record is read (the coordination
        consent there), and whose block may hide it."""
        return self.unit.pk if self.unit else None

    @property
    def template(self) -> str:
        return f"timeline/items/{self.kind}.html"


def _newest(
    items, cursor: Cursor | None, limit: int, floor: Cursor | None, *, readable=None
) -> list[Item]:
    """The first LIMIT + 1 of ITEMS (newest first) older than CURSOR and newer than FLOOR
    that are READABLE (asked only of those, when given), for the in-memory sources: ITEMS is
    read only as far as the floor."""
    found: list[Item] = []
    for item in items:
        key = item.key
        if floor is not None and key <= floor:
            break
        if (cursor is None or key < cursor) and (readable is None or readable(item)):
            found.append(item)
            if len(found) > limit:
                break
    return found


def _item(at, kind: str, record, category: str | None, *, unit: Unit | None = None) -> Item:
    """An item of RECORD, owned by its organisation, at its unit (or UNIT); AT a datetime, or a
    date (the item then stands at the end of its local day)."""
    dated = not isinstance(at, datetime.datetime)
    return Item(
        day_end(at) if dated else at,
        kind,
        record,
        unit or record.unit,
        record.organisation_id,
        category,
        dated=dated,
    )


# --- The sources read from the database -------------------------------------------------
# Plain SELECTs (`helhet.core.raw`), as the policy's reads: a page asks eight of them, and
# through the ORM building each query and its rows cost ten times the database's time. Each
# reads at most LIMIT + 1 rows between the cursor and the floor (`cursor.between_sql`), of the
# owners the policy lets the user read (`readable_owner_ids`).

_CONTACT, _ASSESSMENT, _CORRECTION = (
    raw.Columns(Contact, "c"),
    raw.Columns(Assessment, "a"),
    raw.Columns(Assessment, "corr"),
)
_PLAN, _PLAN_VERSION = raw.Columns(TreatmentPlan, "p"), raw.Columns(PlanVersion, "v")
_SIP, _SIP_VERSION, _SIP_MEETING = (
    raw.Columns(Sip, "s"),
    raw.Columns(SipVersion, "v"),
    raw.Columns(SipMeeting, "m"),
)
_REFERRAL, _DRUG_TEST, _DISPENSING = (
    raw.Columns(Referral, "r"),
    raw.Columns(DrugTest, "t"),
    raw.Columns(MedicationDispensing, "d"),
)
_OUTCOME = raw.Columns(Outcome, "o")
_UNIT = raw.Columns(Unit, "u")
_DECISION = raw.Columns(ConferenceItem, "k")


@dataclass
class _Read:
    """One source's SELECT: MAIN joined to JOINS (SQL after FROM), filtered by WHERE."""

    main: raw.Columns
    selected: tuple[raw.Columns, ...]  # the joined models whose columns follow MAIN's
    joins: str
    where: list[str]
    params: list

    def owned_by(self, access: PersonAccess, category: str, column: str, unit: str) -> _Read:
        """Only the rows whose COLUMN (an organisation) the policy lets USER read CATEGORY of,
        and that no block hides (the records of that organisation kept at UNIT, a column)."""
        owners = access.readable_owner_ids(category)
        if owners is not None:
            self.where.append(f"{column} IN ({raw.marks(owners)})")
            self.params += sorted(owners)
        unblocked, params = access.unblocked_sql(category, owner_column=column, unit_column=unit)
        if unblocked:
            self.where.append(unblocked)
            self.params += params
        return self

    def rows(
        self,
        time: str,
        kind: str,
        cursor: Cursor | None,
        floor: Cursor | None,
        limit: int | None,
        *,
        dated: bool = False,
    ) -> list[tuple]:
        """The rows between CURSOR and FLOOR, newest first: at most LIMIT + 1 (all without)."""
        column, pk = self.main.column(time), self.main.column("id")
        between, values = between_sql(cursor, floor, column, pk, kind, dated=dated)
        columns = ", ".join(c.sql for c in (self.main, *self.selected))
        sql = (
            f"SELECT {columns} FROM {self.main.table} {self.joins}"
            f" WHERE {' AND '.join(self.where + between)}"
            f" ORDER BY {column} DESC, {pk} DESC"
        )
        params = [*self.params, *values]
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit + 1)
        return raw.rows(sql, params)


def _unit_join(on: str) -> str:
    return f"JOIN {_UNIT.table} ON {_UNIT.column('id')} = {on}"


def _with_unit(columns: raw.Columns, row, start: int, units: dict):
    """The instance of COLUMNS in ROW, with its unit (the columns after its own) set."""
    instance = columns.build(row, start)
    raw.set_related(instance, "unit", _UNIT.build(row, start + columns.width, units))
    return instance


def contacts(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Contacts; their interventions are loaded for the contacts shown (`interventions_of`)."""
    return _owned(access, _CONTACT, "starts_at", "contact", CONTACTS, cursor, limit, floor)


def assessments(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    a, corr = _ASSESSMENT, _CORRECTION
    read = _of_person(access, a).owned_by(
        access, ASSESSMENTS, a.column("organisation_id"), a.column("unit_id")
    )
    # a corrected result is marked (`superseded`): its correction, or None, comes along
    read.selected += (corr,)
    read.joins += f" LEFT JOIN {corr.table} ON {corr.column('corrects_id')} = {a.column('id')}"
    units: dict = {}
    items = []
    for row in read.rows("assessed_on", "assessment", cursor, floor, limit, dated=True):
        assessment = _with_unit(a, row, 0, units)
        raw.set_related(assessment, "correction", corr.build(row, a.width + _UNIT.width))
        items.append(_item(assessment.assessed_on, "assessment", assessment, ASSESSMENTS))
    return items


def outcomes(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Outcomes (read as assessments are), the versions in force."""
    o = _OUTCOME
    read = _of_person(access, o).owned_by(
        access, ASSESSMENTS, o.column("organisation_id"), o.column("unit_id")
    )
    read.where.append(in_force_sql(o))
    rows = read.rows("assessed_on", "outcome", cursor, floor, limit, dated=True)
    return [_item(r.assessed_on, "outcome", r, ASSESSMENTS) for r in _at_units(o, rows)]


def plan_versions(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Versions of the treatment plans, as the plans page reads them: plan and version both."""
    v, p = _PLAN_VERSION, _PLAN
    read = (
        _Read(
            v,
            (p, _UNIT),
            f"JOIN {p.table} ON {p.column('id')} = {v.column('plan_id')}"
            f" {_unit_join(p.column('unit_id'))}",
            [f"{p.column('person_id')} = %s"],
            [access.person.pk],
        )
        .owned_by(access, PLANS, v.column("organisation_id"), p.column("unit_id"))
        .owned_by(access, PLANS, p.column("organisation_id"), p.column("unit_id"))
    )
    units: dict = {}
    items = []
    for row in read.rows("created_at", "plan_version", cursor, floor, limit):
        version = v.instance(row)
        raw.set_related(version, "plan", _with_unit(p, row, v.width, units))
        items.append(
            _item(version.created_at, "plan_version", version, PLANS, unit=version.plan.unit)
        )
    return items


def _sip_read(access: PersonAccess, main: raw.Columns) -> _Read | None:
    """MAIN (a SIP's versions or meetings) with its SIP and unit, as the policy's SIP rule
    lets USER read them (`policy.sip_units`: every record of a SIP where the user is a party
    under the coordination consent, by owner elsewhere). None when no SIP record may show."""
    s = _SIP
    read = _Read(
        main,
        (s, _UNIT),
        f"JOIN {s.table} ON {s.column('id')} = {main.column('sip_id')}"
        f" {_unit_join(s.column('unit_id'))}",
        [f"{s.column('person_id')} = %s"],
        [access.person.pk],
    )
    unit, owner = s.column("unit_id"), main.column("organisation_id")
    unblocked, unblocked_params = access.unblocked_sql(PLANS, owner_column=owner, unit_column=unit)
    if unblocked:  # a block hides a unit's SIP records from other units, emergency access too
        read.where.append(unblocked)
        read.params += unblocked_params
    units = policy.sip_units(access)
    if units is None:
        return read
    where, params = [], []
    if units.joint:
        where.append(f"{unit} IN ({raw.marks(units.joint)})")
        params += units.joint
    if units.by_owner and units.owners:
        where.append(
            f"({unit} IN ({raw.marks(units.by_owner)}) AND {owner} IN ({raw.marks(units.owners)}))"
        )
        params += units.by_owner + units.owners
    if not where:
        return None
    read.where.append(f"({' OR '.join(where)})")
    read.params += params
    return read


def _sip_items(access, main, time, kind, cursor, limit, floor, *, dated=False) -> list[Item]:
    read = _sip_read(access, main)
    if read is None:
        return []
    units: dict = {}
    items = []
    for row in read.rows(time, kind, cursor, floor, limit, dated=dated):
        record = main.build(row)
        raw.set_related(record, "sip", _with_unit(_SIP, row, main.width, units))
        items.append(_item(getattr(record, time), kind, record, PLANS, unit=record.sip.unit))
    return items


def sip_versions(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    return _sip_items(access, _SIP_VERSION, "created_at", "sip_version", cursor, limit, floor)


def sip_meetings(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    return _sip_items(
        access, _SIP_MEETING, "held_on", "sip_meeting", cursor, limit, floor, dated=True
    )


def referrals(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """The person's accepted referrals: enrolment records, read as intake's person page reads
    them. A person has few, so all older than the cursor are fetched and the policy decides."""
    rows = _of_person(access, _REFERRAL).rows(
        "received_on", "referral", cursor, floor, None, dated=True
    )
    items = (_item(r.received_on, "referral", r, ENROLMENT) for r in _at_units(_REFERRAL, rows))
    return list(islice((i for i in items if _may_read(access, i)), limit + 1))


def episodes(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Episodes opened, reactivated and closed, from the episodes the access has loaded."""
    events = []
    for e in access.episodes:  # the policy links each to its earlier one: no query
        opened = "episode_reactivated" if e.is_reactivation else "episode_opened"
        events.append((e.opened_on, opened, e.pk, e))
        if e.closed_on:
            events.append((e.closed_on, "episode_closed", e.pk, e))
    # By day, kind and id, newest first: the items' order (each stands at the end of its day),
    # so that only the items down to the floor are made.
    events.sort(key=lambda event: event[:3], reverse=True)
    items = (_item(day, kind, e, ENROLMENT) for day, kind, _pk, e in events)
    return _newest(items, cursor, limit, floor, readable=lambda i: _may_read(access, i))


def consents(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Consents recorded and withdrawn, of those the overview shows (`visible_consents`)."""
    items = []
    for c in access.visible_consents():
        items.append(_item(c.recorded_at, "consent_recorded", c, None))
        if c.withdrawn_on:
            items.append(_item(c.withdrawn_on, "consent_withdrawn", c, None))
    return _newest(sorted(items, key=attrgetter("key"), reverse=True), cursor, limit, floor)


def drug_tests(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Drug tests; their results are loaded for the tests shown (`with_results`)."""
    return _owned(access, _DRUG_TEST, "taken_at", "drug_test", MEDICATION, cursor, limit, floor)


def dispensings(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    return _owned(
        access, _DISPENSING, "handed_out_at", "dispensing", MEDICATION, cursor, limit, floor
    )


def conference_decisions(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Decisions of the team conference: notes owned by the organisation of the staff member
    who wrote the decision (not the item's, which is whoever put the person on the board)."""
    k = _DECISION
    owner = k.column("decision_organisation_id")
    read = _of_person(access, k).owned_by(access, NOTES, owner, k.column("unit_id"))
    read.where.append(f"{k.column('decided_at')} IS NOT NULL")
    rows = read.rows("decided_at", "conference_decision", cursor, floor, limit)
    return [
        Item(r.decided_at, "conference_decision", r, r.unit, r.decision_organisation_id, NOTES)
        for r in _at_units(k, rows)
    ]


def _of_person(access: PersonAccess, main: raw.Columns) -> _Read:
    """The person's rows of MAIN, each with its unit."""
    return _Read(
        main,
        (_UNIT,),
        _unit_join(main.column("unit_id")),
        [f"{main.column('person_id')} = %s"],
        [access.person.pk],
    )


def _at_units(main: raw.Columns, rows) -> list:
    """The instances of MAIN in ROWS, each with its unit (one instance per unit)."""
    units: dict = {}
    return [_with_unit(main, row, 0, units) for row in rows]


def _owned(access, main, time, kind, category, cursor, limit, floor) -> list[Item]:
    """Items of KIND from the person's rows of MAIN (at TIME) that the policy lets USER read
    (CATEGORY, by the owner organisation): the versions in force (a correction is marked and
    links to the earlier versions)."""
    read = _of_person(access, main).owned_by(
        access, category, main.column("organisation_id"), main.column("unit_id")
    )
    read.where.append(in_force_sql(main))
    rows = read.rows(time, kind, cursor, floor, limit)
    return [_item(getattr(r, time), kind, r, category) for r in _at_units(main, rows)]


_RESULT = raw.Columns(DrugTestResult, "x")
_INTERVENTION, _LINK = raw.Columns(Intervention, "i"), raw.Columns(ContactIntervention, "ci")


def with_results(tests: list[DrugTest]) -> None:
    """Each of TESTS with its `result_list` (by substance), in one query."""
    x = _RESULT
    results: dict[int, list[DrugTestResult]] = {t.pk: [] for t in tests}
    if results:
        rows = raw.rows(
            f"SELECT {x.sql} FROM {x.table} WHERE {x.column('drug_test_id')}"
            f" IN ({raw.marks(results)}) ORDER BY {x.column('substance')}, {x.column('id')}",
            list(results),
        )
        for row in rows:
            result = x.instance(row)
            results[result.drug_test_id].append(result)
    for test in tests:
        test.result_list = results[test.pk]


def interventions_of(contacts: list[Contact]) -> dict[int, list[Intervention]]:
    """The interventions given at each of CONTACTS (by name), in one query."""
    i, ci = _INTERVENTION, _LINK
    given: dict[int, list[Intervention]] = {c.pk: [] for c in contacts}
    if given:
        rows = raw.rows(
            f"SELECT {ci.column('contact_id')}, {i.sql} FROM {ci.table}"
            f" JOIN {i.table} ON {i.column('id')} = {ci.column('intervention_id')}"
            f" WHERE {ci.column('contact_id')} IN ({raw.marks(given)})"
            f" ORDER BY {i.column('name')}, {i.column('id')}",
            list(given),
        )
        interventions: dict = {}
        for row in rows:
            given[row[0]].append(i.instance(row, 1, interventions))
    return given


def _may_read(access: PersonAccess, item: Item) -> bool:
    """Whether the policy lets the user read ITEM (nothing remembered for the log yet)."""
    assert item.category is not None  # (consents are not asked here: `consent_grant` is)
    grant = access.grant_for(
        owner_id=item.owner_id, category=item.category, unit_id=item.policy_unit_id
    )
    return grant is not None
