"""The follow-up's summaries: each person's additive figures per unit and month, quarter and
year (`Summary`, `SummaryIntervention`), so that a report over whole periods reads one row per
person active at the unit instead of every contact.

Kept exact, not approximate: a summary row holds one person's counts in one period, so the
distinct persons of a figure are the rows whose count is above zero and the counts are sums;
the breakdown's group (sex, age at the period's start, municipality) and the rule that a
relative at the unit is no client (`indicators.clients`) are the person's, applied at report
time exactly as over the raw rows. A custom period and every other source read the raw rows.

Maintained in the writer's own transaction: every action that writes contacts, their
interventions, bookings' outcomes, dispensings or drug tests ends with `refresh(persons)`,
which recomputes those persons' rows from their raw rows and writes the difference. Explicit
calls rather than model signals, because the writers use `bulk_create` and
`QuerySet.update()`, which send no signals, and business rules do not live in signals; no
action deletes these raw rows (they are corrected by new rows), and a person's deletion takes
their summaries with them (CASCADE). Recomputing a person's rows, not adding a delta, cannot
drift; the person's row is locked (FOR NO KEY UPDATE, `_lock`) so two writers of one person,
and `fix`, take turns.

`check` recomputes every summary from the raw rows and returns each difference (the command
`helhet followup_summaries [--fix]`); `fix` rewrites what differs (the demo loader's end).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import Coalesce, Trunc

from helhet.bookings.models import Booking
from helhet.contacts.models import Contact, ContactIntervention, DrugTest, MedicationDispensing
from helhet.people.models import Person

from .models import Summary, SummaryIntervention, SummaryKind
from .periods import Period, local_zone

KINDS = tuple(SummaryKind.values)
# The figures of a `Summary`, beside its key; the attended contacts by kind have the kind's name.
FIGURES = ("attended", "not_attended", *Contact.Kind.values, "booked", "no_show")
FIGURES += ("dispensings", "drug_tests")
CHUNK = 2000  # persons recomputed at a time by `check` and `fix`

Key = tuple[int, int, str, datetime.date]  # unit id, person id, kind, start
ItemKey = tuple[int, int, str, datetime.date, int]  # ... and the intervention id


@dataclass(frozen=True)
class Difference:
    """A figure whose stored summary differs from the raw rows' (0 where a row is absent)."""

    unit_id: int
    person_id: int
    kind: str
    start: datetime.date
    field: str
    stored: int
    raw: int

    def __str__(self) -> str:
        return (
            f"unit {self.unit_id}, person {self.person_id}, {self.kind} {self.start}:"
            f" {self.field} stored {self.stored}, raw {self.raw}"
        )


# --- Which periods ------------------------------------------------------------------------


def readable(periods: Iterable[Period]) -> bool:
    """Whether PERIODS are read from the summaries: all whole months, all whole quarters or
    all whole years (a trend's periods are of one kind)."""
    kinds = {period.kind for period in periods}
    return len(kinds) == 1 and kinds <= set(KINDS)


def starts(month: datetime.date) -> list[tuple[str, datetime.date]]:
    """The (kind, start) of the month, quarter and year MONTH (a first day) falls in."""
    quarter = month.replace(month=3 * ((month.month - 1) // 3) + 1)
    return [("month", month), ("quarter", quarter), ("year", month.replace(month=1))]


# --- Recomputing from the raw rows --------------------------------------------------------


def raw(persons: Iterable[int]) -> tuple[dict[Key, dict[str, int]], dict[ItemKey, int]]:
    """PERSONS' summaries as the raw rows give them: the figures of every (unit, person, kind,
    start) with one above zero, and the interventions given of every item."""
    persons = list(persons)
    months: dict[tuple[int, int, datetime.date], dict[str, int]] = defaultdict(dict)
    for (unit, person, month), figures in _raw_months(persons):
        for name, n in figures.items():
            months[(unit, person, month)][name] = months[(unit, person, month)].get(name, 0) + n
    summaries: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for (unit, person, month), figures in months.items():
        for kind, start in starts(month):
            row = summaries[(unit, person, kind, start)]
            for name, n in figures.items():
                row[name] += n
    items: dict[ItemKey, int] = defaultdict(int)
    for row in (
        ContactIntervention.objects.in_force()
        .filter(person_id__in=persons, attended=True)
        .order_by()
        .values("unit_id", "person_id", "intervention_id", month=_month("starts_at"))
        .annotate(n=Count("id"))
    ):
        for kind, start in starts(row["month"]):
            items[(row["unit_id"], row["person_id"], kind, start, row["intervention_id"])] += row[
                "n"
            ]
    return {k: v for k, v in summaries.items() if any(v.values())}, dict(items)


def _raw_months(persons: list[int]) -> Iterator[tuple[tuple[int, int, datetime.date], dict]]:
    """((unit, person, month), figures) of PERSONS from each raw source, one query each."""
    kinds = {kind: Count("id", filter=Q(attended=True, kind=kind)) for kind in Contact.Kind.values}
    held = [Booking.Status.ATTENDED, Booking.Status.NO_SHOW]
    sources = [
        (
            Contact.objects.in_force(),
            "starts_at",
            {
                "attended": Count("id", filter=Q(attended=True)),
                "not_attended": Count("id", filter=Q(attended=False)),
                **kinds,
            },
        ),
        (
            Booking.objects.filter(status__in=held),
            "starts_at",
            {"booked": Count("id"), "no_show": Count("id", filter=Q(status=held[1]))},
        ),
        (MedicationDispensing.objects.in_force(), "handed_out_at", {"dispensings": Count("id")}),
        (DrugTest.objects.in_force(), "taken_at", {"drug_tests": Count("id")}),
    ]
    for rows, when, figures in sources:
        for row in (
            rows.filter(person_id__in=persons)
            .order_by()
            .values("unit_id", "person_id", month=_month(when))
            # prefixed: a figure's name may be a field's (Contact.attended)
            .annotate(**{f"f_{name}": figure for name, figure in figures.items()})
        ):
            key = (row["unit_id"], row["person_id"], row["month"])
            yield key, {name: row[f"f_{name}"] for name in figures}


def _month(when: str) -> Trunc:
    """The first day of the local month of the instant WHEN."""
    return Trunc(when, "month", output_field=DateField(), tzinfo=local_zone())


def stored(persons: Iterable[int]) -> tuple[dict[Key, Any], dict[ItemKey, Any]]:
    """PERSONS' stored summaries, keyed as `raw`'s, each with its id."""
    persons = list(persons)
    summaries = {
        (row["unit_id"], row["person_id"], row["kind"], row["start"]): row
        for row in Summary.objects.filter(person_id__in=persons).values(
            "id", "unit_id", "person_id", "kind", "start", *FIGURES
        )
    }
    items = {
        (r["unit_id"], r["person_id"], r["kind"], r["start"], r["intervention_id"]): r
        for r in SummaryIntervention.objects.filter(person_id__in=persons).values(
            "id", "unit_id", "person_id", "kind", "start", "intervention_id", "n"
        )
    }
    return summaries, items


def differences(persons: Iterable[int]) -> list[Difference]:
    """Every figure of PERSONS' summaries that differs from their raw rows."""
    persons = list(persons)
    summaries, items = raw(persons)
    kept, kept_items = stored(persons)
    found = []
    for key in sorted(summaries.keys() | kept.keys()):
        want, have = summaries.get(key, {}), kept.get(key, {})
        for name in FIGURES:
            if want.get(name, 0) != have.get(name, 0):
                found.append(Difference(*key, name, have.get(name, 0), want.get(name, 0)))
    for item in sorted(items.keys() | kept_items.keys()):
        n, row = items.get(item, 0), kept_items.get(item, {})
        if n != row.get("n", 0):
            found.append(Difference(*item[:4], f"intervention:{item[4]}", row.get("n", 0), n))
    return found


def _rewrite(persons: list[int]) -> int:
    """Write PERSONS' summaries as the raw rows give them, only the rows that differ; the
    number of rows written or deleted."""
    summaries, items = raw(persons)
    kept, kept_items = stored(persons)
    stale = [
        row["id"]
        for key, row in kept.items()
        if key not in summaries or any(row[n] != summaries[key][n] for n in FIGURES)
    ]
    new = [
        Summary(unit_id=k[0], person_id=k[1], kind=k[2], start=k[3], **figures)
        for k, figures in summaries.items()
        if k not in kept or kept[k]["id"] in stale
    ]
    stale_items = [row["id"] for k, row in kept_items.items() if items.get(k) != row["n"]]
    new_items = [
        SummaryIntervention(
            unit_id=k[0], person_id=k[1], kind=k[2], start=k[3], intervention_id=k[4], n=n
        )
        for k, n in items.items()
        if k not in kept_items or kept_items[k]["id"] in stale_items
    ]
    Summary.objects.filter(id__in=stale).delete()
    SummaryIntervention.objects.filter(id__in=stale_items).delete()
    Summary.objects.bulk_create(new, batch_size=1000)
    SummaryIntervention.objects.bulk_create(new_items, batch_size=1000)
    return len(stale) + len(new) + len(stale_items) + len(new_items)


# --- Maintenance --------------------------------------------------------------------------


@transaction.atomic
def refresh(persons: Iterable[int]) -> None:
    """Recompute PERSONS' summaries from their raw rows, in the writer's transaction: the last
    step of every action that writes a summarised record. The persons' rows are locked, in
    order, so that two writers of one person take turns (`_lock`)."""
    ids = sorted(set(persons))
    _lock(ids)
    _rewrite(ids)


def _lock(ids: list[int]) -> None:
    """Lock the persons IDS (sorted) until the transaction ends, so that two writers of one
    person (and `fix`) take turns. FOR NO KEY UPDATE: enough for that, and it does not hold up
    other transactions' foreign-key checks on the person (a row of theirs naming the person),
    as FOR UPDATE would."""
    persons = Person.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    list(persons.values_list("pk"))


def _chunks() -> Iterator[list[int]]:
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(ids), CHUNK):
        yield ids[first : first + CHUNK]


def check() -> list[Difference]:
    """Every difference between the stored summaries and the raw rows, of every person."""
    found = []
    for persons in _chunks():
        found += differences(persons)
    # summaries of a person no longer there cannot be: the person's deletion takes them along
    return found


def fix() -> int:
    """Rewrite every summary that differs from the raw rows; the number of rows written."""
    written = 0
    for persons in _chunks():
        with transaction.atomic():
            _lock(persons)  # a writer's refresh of one of them waits, or is waited for
            written += _rewrite(persons)
    return written


# --- Reading ------------------------------------------------------------------------------


def rows(model, units: list[int], periods: list[Period]):
    """MODEL's summaries (`Summary` or `SummaryIntervention`) of UNITS in PERIODS (of one
    kind: `readable`)."""
    return model.objects.filter(
        unit__in=units, kind=periods[0].kind, start__in=[p.start for p in periods]
    ).order_by()


def total(field: str, **condition) -> Coalesce:
    """The sum of FIELD over the rows (meeting CONDITION), 0 over none."""
    return Coalesce(Sum(field, filter=Q(**condition) if condition else None), 0)
