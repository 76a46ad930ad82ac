"""Where the timeline's items come from: one function per source, one query each (none for the
episodes and consents the access has already loaded).

Each source returns at most LIMIT + 1 items older than the cursor (and newer than the floor: the
oldest item the page could still show, from the sources asked before), newest first, from the
rows the user may read: filtered in the database with the policy's `readable_q` (referrals, an
enrolment record read at its unit, through the policy's `grant_for`), so that the merged page
is exact however long the history is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import Prefetch

from helhet.access.models import RecordCategory
from helhet.access.policy import Grant, PersonAccess
from helhet.assessments.selectors import readable_assessments
from helhet.contacts.models import DrugTest, Intervention, MedicationDispensing
from helhet.contacts.selectors import readable_contacts
from helhet.core.models import Organisation, Unit
from helhet.intake.models import Referral
from helhet.plans.models import PlanVersion, SipMeeting, SipVersion

from .cursor import Cursor, between_q, day_start

ENROLMENT, CONTACTS, ASSESSMENTS, PLANS, MEDICATION = (
    RecordCategory.ENROLMENT,
    RecordCategory.CONTACTS,
    RecordCategory.ASSESSMENTS,
    RecordCategory.PLANS,
    RecordCategory.MEDICATION,
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

    @property
    def key(self) -> Cursor:
        return Cursor(self.at, self.kind, self.record.pk)

    @property
    def policy_unit_id(self) -> int | None:
        """Enrolment records are read at their unit (the coordination consent there)."""
        return self.unit.pk if self.category == ENROLMENT else None

    @property
    def template(self) -> str:
        return f"timeline/items/{self.kind}.html"


def _newest(items, cursor: Cursor | None, limit: int, floor: Cursor | None) -> list[Item]:
    """The first LIMIT + 1 of ITEMS older than CURSOR and newer than FLOOR, newest first (for
    in-memory sources)."""
    older = (
        i for i in items if (cursor is None or i.key < cursor) and (floor is None or i.key > floor)
    )
    return list(islice(sorted(older, key=lambda i: i.key, reverse=True), limit + 1))


def _item(at, kind: str, record, category: str | None, *, unit: Unit | None = None) -> Item:
    """An item of RECORD, owned by its organisation, at its unit (or UNIT); AT a datetime, or a
    date (the item then stands at local midnight)."""
    dated = not isinstance(at, datetime.datetime)
    return Item(
        day_start(at) if dated else at,
        kind,
        record,
        unit or record.unit,
        record.organisation_id,
        category,
        dated=dated,
    )


def contacts(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    rows = (
        readable_contacts(access)
        .filter(between_q(cursor, floor, "starts_at", "contact"))
        .select_related("unit")
        .prefetch_related(Prefetch("interventions", queryset=Intervention.objects.order_by("name")))
    )
    return [_item(c.starts_at, "contact", c, CONTACTS) for c in rows[: limit + 1]]


def assessments(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    rows = (
        readable_assessments(access)
        .filter(between_q(cursor, floor, "assessed_on", "assessment", dated=True))
        .select_related("unit", "correction")  # a corrected result is marked
        .order_by("-assessed_on", "-id")
    )
    return [_item(a.assessed_on, "assessment", a, ASSESSMENTS) for a in rows[: limit + 1]]


def plan_versions(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Versions of the treatment plans, as the plans page reads them: plan and version both."""
    rows = (
        PlanVersion.objects.filter(
            access.readable_q(PLANS),
            access.readable_q(PLANS, owner_field="plan__organisation"),
            between_q(cursor, floor, "created_at", "plan_version"),
            plan__person=access.person,
        )
        .select_related("plan__unit")
        .order_by("-created_at", "-id")
    )
    return [
        _item(v.created_at, "plan_version", v, PLANS, unit=v.plan.unit) for v in rows[: limit + 1]
    ]


def _sip_filter(access: PersonAccess) -> dict:
    """The SIP rule of the plans pages: a unit's SIP shows only while the person's active
    consent there covers coordination, or under emergency access."""
    if access.is_emergency:
        return {}
    return {
        "sip__unit_id__in": sorted({c.unit_id for c in access.active_consents if c.coordination})
    }


def sip_versions(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    rows = (
        SipVersion.objects.filter(
            access.readable_q(PLANS),
            between_q(cursor, floor, "created_at", "sip_version"),
            sip__person=access.person,
            **_sip_filter(access),
        )
        .select_related("sip__unit")
        .order_by("-created_at", "-id")
    )
    return [
        _item(v.created_at, "sip_version", v, PLANS, unit=v.sip.unit) for v in rows[: limit + 1]
    ]


def sip_meetings(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    rows = (
        SipMeeting.objects.filter(
            access.readable_q(PLANS),
            between_q(cursor, floor, "held_on", "sip_meeting", dated=True),
            sip__person=access.person,
            **_sip_filter(access),
        )
        .select_related("sip__unit")
        .order_by("-held_on", "-id")
    )
    return [_item(m.held_on, "sip_meeting", m, PLANS, unit=m.sip.unit) for m in rows[: limit + 1]]


def referrals(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """The person's accepted referrals: enrolment records, read as intake's person page reads
    them. A person has few, so all older than the cursor are fetched and the policy decides."""
    rows = (
        Referral.objects.filter(
            between_q(cursor, floor, "received_on", "referral", dated=True), person=access.person
        )
        .select_related("unit")
        .order_by("-received_on", "-id")
    )
    items = (_item(r.received_on, "referral", r, ENROLMENT) for r in rows)
    return list(islice((i for i in items if _may_read(access, i)), limit + 1))


def episodes(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Episodes opened, reactivated and closed, from the episodes the access has loaded."""
    items = []
    for e in access.episodes:  # the policy links each to its earlier one: no query
        opened = "episode_reactivated" if e.is_reactivation else "episode_opened"
        items.append(_item(e.opened_on, opened, e, ENROLMENT))
        if e.closed_on:
            items.append(_item(e.closed_on, "episode_closed", e, ENROLMENT))
    return _newest((i for i in items if _may_read(access, i)), cursor, limit, floor)


def consents(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    """Consents recorded and withdrawn, of those the overview shows (`visible_consents`)."""
    items = []
    for c in access.visible_consents():
        items.append(_item(c.recorded_at, "consent_recorded", c, None))
        if c.withdrawn_on:
            items.append(_item(c.withdrawn_on, "consent_withdrawn", c, None))
    return _newest(items, cursor, limit, floor)


def drug_tests(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    rows = (
        DrugTest.objects.filter(
            access.readable_q(MEDICATION),
            between_q(cursor, floor, "taken_at", "drug_test"),
            person=access.person,
        )
        .select_related("unit")
        .prefetch_related("results")
        .order_by("-taken_at", "-id")
    )
    return [_item(t.taken_at, "drug_test", t, MEDICATION) for t in rows[: limit + 1]]


def dispensings(
    access: PersonAccess, cursor: Cursor | None, limit: int, floor: Cursor | None = None
) -> list[Item]:
    rows = (
        MedicationDispensing.objects.filter(
            access.readable_q(MEDICATION),
            between_q(cursor, floor, "handed_out_at", "dispensing"),
            person=access.person,
        )
        .select_related("unit")
        .order_by("-handed_out_at", "-id")
    )
    return [_item(d.handed_out_at, "dispensing", d, MEDICATION) for d in rows[: limit + 1]]


def _may_read(access: PersonAccess, item: Item) -> bool:
    """Whether the policy lets the user read ITEM (nothing remembered for the log yet)."""
    grant = access.grant_for(
        owner_id=item.owner_id, category=item.category, unit_id=item.policy_unit_id
    )
    return grant is not None
