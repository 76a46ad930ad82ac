"""Reads for the team conference: the unit's conferences and the items a user may see.

An item shows only for a person the user may see at the conference's unit
(`policy.visible_persons`: at a case-team-only unit, only to the person's case team); of the
others the page says only how many there are. Why the person is on the board and the decision
are read by the policy's rule for records of category NOTES in lists
(`policy.records_readable_q`, `grant_for`'s twin): the user's organisation's, or disclosed to it
by a consent of the person; the consent is named for the list's log row. A block cannot hide an
item from these readers: an item is kept at the conference's unit, where every reader here has
a relationship with its person.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import BooleanField, Case, Count, Q, QuerySet, When
from django.utils import timezone

from helhet.access import policy
from helhet.access.models import Basis
from helhet.care import selectors as care
from helhet.core.models import Unit, User
from helhet.people.models import LISTED_FIELDS, Person

from .models import CATEGORY, Conference, ConferenceItem, EarlierDecision

ITEM_FIELDS = (
    "conference",
    "person",
    "unit",
    "organisation",
    "reason",
    "brought_by",
    "position",
    "status",
    "decision",
    "decision_organisation",
    "decided_by",
    "decided_at",
    "version",
    "postponed_to",
)
USER_FIELDS = ("username", "first_name", "last_name")


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def upcoming(user: User, unit: Unit, *, today: datetime.date | None = None) -> QuerySet:
    """UNIT's conferences from today on, the next first, each with the number of its items
    USER may see (`shown`)."""
    today = today or timezone.localdate()
    visible = policy.visible_persons(user, unit=unit, on=today).values("pk")
    return open_conferences(unit, today=today).annotate(
        shown=Count("items", filter=Q(items__person__in=visible))
    )


def past(unit: Unit, *, today: datetime.date | None = None) -> QuerySet[Conference]:
    """UNIT's conferences before today, the latest first."""
    today = today or timezone.localdate()
    return Conference.objects.filter(unit=unit, starts_at__lt=day_start(today)).order_by(
        "-starts_at", "-pk"
    )


def conference_at(unit: Unit | None, conference_id: int) -> Conference | None:
    """The conference with CONFERENCE_ID when it is UNIT's."""
    if unit is None:
        return None
    return Conference.objects.filter(pk=conference_id, unit=unit).first()


@dataclass
class Board:
    """One conference's items USER may see, in their order, and how many others it has."""

    conference: Conference
    items: Sequence[ConferenceItem]
    hidden: int

    @property
    def persons(self) -> list[Person]:
        return [item.person for item in self.items]


def _readable(user: User, today: datetime.date, owner: str) -> Case:
    q = policy.records_readable_q(user, CATEGORY, on=today, owner=owner)
    return Case(When(q, then=True), default=False, output_field=BooleanField())


def board(user: User, conference: Conference, *, today: datetime.date | None = None) -> Board:
    """CONFERENCE's items whose persons USER may see at its unit, each marked with whether
    USER may read why (`why_readable`) and the decision (`decision_readable`, with its earlier
    texts in `history` when it was changed), and the consent a text shown is disclosed by
    (`disclosed_by`). Four queries, however many items."""
    today = today or timezone.localdate()
    visible = policy.visible_persons(user, unit=conference.unit, on=today).values("pk")
    items = (
        ConferenceItem.objects.filter(conference=conference, person__in=visible)
        .select_related("person", "brought_by", "decided_by", "postponed_to__conference")
        .only(
            *ITEM_FIELDS,
            *(f"person__{name}" for name in LISTED_FIELDS),
            *(f"brought_by__{name}" for name in USER_FIELDS),
            *(f"decided_by__{name}" for name in USER_FIELDS),
            "postponed_to__conference__starts_at",
        )
        .annotate(
            why_readable=_readable(user, today, "organisation"),
            decision_readable=_readable(user, today, "decision_organisation"),
            why_consent=policy.records_basis_consent(user, CATEGORY, on=today),
            decision_consent=policy.records_basis_consent(
                user, CATEGORY, on=today, owner="decision_organisation"
            ),
        )
        .order_by("position", "pk")
    )
    rows = list(items)
    history = decision_history([item for item in rows if item.decision_readable])
    for item in rows:
        item.disclosed_by = _disclosed_by(item)
        item.history = history.get(item.pk, [])
    hidden = ConferenceItem.objects.filter(conference=conference).exclude(person__in=visible)
    return Board(conference, rows, hidden.count())


def decision_history(items: Sequence[ConferenceItem]) -> dict[int, list[EarlierDecision]]:
    """The earlier texts of ITEMS' decisions (the caller has checked that the user may read
    each item's decision: the earlier texts are the same organisation's), newest first, by
    item id. One query, none without a decided item."""
    ids = [item.pk for item in items if item.decided_by_id is not None]
    if not ids:
        return {}
    found: dict[int, list[EarlierDecision]] = {}
    earlier = EarlierDecision.objects.filter(item__in=ids).select_related("decided_by")
    for row in earlier.only(
        "item", "decision", "decided_at", *(f"decided_by__{name}" for name in USER_FIELDS)
    ):
        found.setdefault(row.item_id, []).append(row)
    return found


def _disclosed_by(item) -> int | None:
    """The consent a text shown of ITEM is disclosed by: None when every text shown is the
    user's organisation's."""
    if item.why_readable and item.why_consent:
        return item.why_consent
    if item.decided_by_id and item.decision_readable and item.decision_consent:
        return item.decision_consent
    return None


@dataclass(frozen=True)
class ListedPerson:
    """A person shown in a list, as `log.record_listing` names them."""

    pk: int
    protected_identity: bool
    list_basis: str
    list_consent_id: int | None


def listed(user: User, unit: Unit, persons: list[Person], items=()) -> list[ListedPerson]:
    """PERSONS (shown on a page of UNIT) with the basis USER sees them on, for the list's log
    row: the consent a text of their item is disclosed by (ITEMS, when shown), else as the
    caseload finds it (own organisation, or the coordination consent). One query."""
    disclosed = {item.person_id: item.disclosed_by for item in items if item.disclosed_by}
    ids = [p.pk for p in persons if p.pk not in disclosed]
    bases = care.caseload(user, unit=unit, whole_unit=True).filter(pk__in=ids)
    # `list_basis` and `list_consent_id` are the caseload's annotations.
    columns = cast("QuerySet[Any]", bases).values_list("pk", "list_basis", "list_consent_id")
    found = {pk: (basis, consent) for pk, basis, consent in columns}
    shown = []
    for person in persons:
        basis, consent = found.get(person.pk, (Basis.CONSENT, disclosed.get(person.pk)))
        if person.pk in disclosed or person.pk in found:
            shown.append(ListedPerson(person.pk, person.protected_identity, basis, consent))
    return shown


def candidates(user: User, unit: Unit) -> QuerySet[Person]:
    """The persons USER may put on a conference of UNIT: those USER sees there."""
    return care.caseload(user, unit=unit, whole_unit=True)


def open_conferences(unit: Unit, *, today: datetime.date | None = None) -> QuerySet[Conference]:
    """UNIT's conferences a person may still be put on: from today on, the next first."""
    today = today or timezone.localdate()
    return Conference.objects.filter(unit=unit, starts_at__gte=day_start(today)).order_by(
        "starts_at", "pk"
    )


@dataclass(frozen=True)
class PersonItem:
    item: ConferenceItem
    why_readable: bool


def person_items(access, unit: Unit) -> list[PersonItem]:
    """The person's items on UNIT's conferences from today on, each with whether its reason
    may be read (`readable`, which notes a disclosure for the log row)."""
    items = list(
        ConferenceItem.objects.filter(
            person=access.person, unit=unit, conference__starts_at__gte=day_start(access.today)
        )
        .select_related("conference", "brought_by")
        .order_by("conference__starts_at", "pk")
    )
    readable = {i.pk for i in access.readable(items, category=CATEGORY)}
    return [PersonItem(item, item.pk in readable) for item in items]
