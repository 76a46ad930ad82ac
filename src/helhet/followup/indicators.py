"""The follow-up indicators, computed in the database (see `definitions` for what each counts).

Each source (episodes, closures, contacts, interventions, dispensings, assessments, referrals,
SIP meetings) is one aggregate query grouped by unit and by the breakdown's group key — a
`Case(When(...))` on the person's legal sex or birth date (`agegroups`), or the person's
municipality of residence itself (`municipalities`) — with filtered
aggregates (`Count(..., filter=Q(...))`, `Count(distinct=True)`) for the figures (the outcomes
two: `outcomes`). Every
client figure's source is filtered by `clients` (a person enrolled at the unit as a relative is
not a client there); the relatives' own figures are two queries more (their episodes, their
contacts). The number of queries does not grow with the data or, for `county_comparison`,
with the number of units: 18 for a unit report by total, 20 by sex or age, 21 by municipality
(the names of the municipalities found are one query more). A `trend` over
periods that do not overlap makes the period the group key instead (`Case(When(<date> in
period i))`, by sex or age "p<i>|<group>" with the age at period i's start): 16 queries (18 by
sex or age) and two per period for the episodes' figures (clients' and relatives'). The trend
of one group is its column of the breakdown's reports (`UnitReport.column`), so it is
suppressed together with the other groups.

The total column of a breakdown is the sum of its groups for counts (every person, contact or
episode falls in exactly one group: unknown sex, "other" ages and unknown municipality are
groups too, and every municipality found is a group), the sum of
the changes over the sum of the persons for mean changes; medians and percentiles of the total
are a query of their own.

For whole months, quarters and years (`Period.kind`; a trend's periods are of one kind) the
sources that grow with the history — the contacts and the relatives' contacts, bookings,
interventions, dispensings and drug tests — read the summaries (`summaries`: one row per unit,
person and period with that person's counts) instead of every record: distinct persons are the
rows whose count is above zero, counts are sums, and the group key and `clients` are the
person's, as over the raw rows, so the figures are the same. A custom period, and `raw=True`
(the reference the summaries are checked against), read the raw rows.

Medians and the 90th percentile: a window query ranks the waits of each unit and group
(`RowNumber` and `Count` over the partition) and returns only the rows at the ranks needed: the
middle one or two (median; the mean of the two when their number is even) and rank ⌈0.9 n⌉
(nearest rank), the same rows on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Concat, RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext

from helhet.access.models import Consent
from helhet.access.policy import active_consent_q
from helhet.assessments import catalogue as instruments
from helhet.assessments.models import Assessment
from helhet.bookings.models import Booking
from helhet.care.models import ClosureReason, Episode
from helhet.contacts.models import (
    Contact,
    ContactIntervention,
    DrugTest,
    Intervention,
    MedicationDispensing,
)
from helhet.core.models import Unit
from helhet.intake.models import Referral
from helhet.people.models import Person
from helhet.plans.models import SipMeeting, SipVersion

from . import definitions, municipalities, outcomes, summaries
from .agegroups import OTHER, OTHER_LABEL, age_group_expression, age_groups
from .models import Summary, SummaryIntervention
from .periods import Period, local_zone
from .report import Cell, Group, Measure, Row, UnitReport
from .suppression import suppress as suppress_report

BREAKDOWNS = ("total", "sex", "age", "municipality")
MEDICATION_EXCLUDED = ("drug_test",)  # a sample, not a medication
CHANGES = ("improved", "unchanged", "worse")
# the figures of the episodes' query, in the order of its aggregates
EPISODE_FIGURES = (
    "enrolled",
    "new_enrolments",
    "enrolled_at_end",
    "closed",
    "reactivated",
    "sip_persons",
    "consent_persons",
)
SEX_KEYS = [("female", "sex:female"), ("male", "sex:male"), ("unknown", "sex:unknown")]
# the relatives' own figures (`Episode.as_relative`), beside the clients'
RELATIVE_FIGURES = ("relatives_enrolled", "relatives_new_enrolments")


# --- Clients and relatives ----------------------------------------------------------------


def relative_at_unit(person: str = "person_id", unit: str = "unit_id") -> Exists:
    """Whether the row's person (at the lookup PERSON) is enrolled at the row's unit (UNIT) as
    a relative, for support of their own (`Episode.as_relative`, in any episode there).

    The one rule of the follow-up: such a person is a relative at that unit, never a client
    (`clients`), and everything recorded about them there counts among the relatives'
    figures (`relatives`). A row with no person (a referral not yet accepted) is a client's."""
    return Exists(
        Episode.objects.filter(person=OuterRef(person), unit=OuterRef(unit), as_relative=True)
    )


def clients(rows, person: str = "person_id", unit: str = "unit_id"):
    """ROWS (a queryset of a source) without those about relatives at their unit: the filter
    of every client indicator."""
    return rows.filter(~relative_at_unit(person, unit))


def relatives(rows, person: str = "person_id", unit: str = "unit_id"):
    """ROWS about relatives at their unit only: the relatives' own figures."""
    return rows.filter(relative_at_unit(person, unit))


# --- Public API ---------------------------------------------------------------------------


def unit_report(
    unit: Unit,
    period: Period,
    *,
    breakdown: str = "total",
    suppress: bool = True,
    group: str = "total",
    raw: bool = False,
) -> UnitReport:
    """UNIT's indicators for PERIOD, by BREAKDOWN ("total", "sex", "age" or "municipality"), or
    only GROUP's column (its breakdown's, suppressed with the others: `UnitReport.column`).
    RAW: from the raw rows even where the summaries could serve (the reference they are checked
    against)."""
    [report] = _reports([unit], [period], breakdown, group, suppress, raw)
    return report


def county_comparison(
    units: Sequence[Unit],
    period: Period,
    *,
    group: str = "total",
    suppress: bool = True,
    raw: bool = False,
) -> list[UnitReport]:
    """One report per unit, in the order given, from the same queries (GROUP BY unit): the
    total, or GROUP's column of each unit (e.g. the residents of one municipality)."""
    if not units:
        return []
    return _reports(list(units), [period], "total", group, suppress, raw)


def trend(
    unit: Unit,
    periods: Sequence[Period],
    *,
    breakdown: str = "total",
    suppress: bool = True,
    group: str = "total",
    raw: bool = False,
) -> list[UnitReport]:
    """UNIT's report for each of PERIODS by BREAKDOWN, or GROUP's column of each, in their order
    (each period's age groups by the age at its own start).

    Periods that do not overlap (those of `Period.preceding`) are computed together: each
    event (contact, closure, assessment, referral, ...) falls in at most one of them, so the
    period is a group key like a breakdown's; only the episodes' figures take a query per period.
    Overlapping periods get a report each."""
    periods = list(periods)
    ordered = sorted(periods, key=lambda period: period.start)
    if any(a.end >= b.start for a, b in zip(ordered, ordered[1:], strict=False)):
        return [
            unit_report(unit, period, breakdown=breakdown, suppress=suppress, group=group, raw=raw)
            for period in periods
        ]
    if not periods:
        return []
    return _reports([unit], periods, breakdown, group, suppress, raw)


def breakdown_of(group: str) -> str:
    """The breakdown whose column GROUP is: "sex:female" is by sex, "age:13-15" by age,
    "municipality:<id>" by municipality."""
    return group.split(":")[0] if ":" in group else "total"


def _reports(
    units, periods, breakdown: str, group: str, suppress: bool, raw: bool = False
) -> list[UnitReport]:
    """The reports of UNITS and PERIODS by BREAKDOWN (by GROUP's breakdown when GROUP is given,
    and then GROUP's column of each, that group among the columns even when no one is in it),
    suppressed when SUPPRESS: every group of a report together, before a column is taken."""
    if group != "total":
        breakdown = breakdown_of(group)
    if breakdown not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {breakdown!r}")
    reports = _Computation(units, periods, breakdown, also=[group], raw=raw).reports()
    if suppress:
        reports = [suppress_report(report) for report in reports]
    return [report.column(group) for report in reports]


def enrolled_between(episodes, start: datetime.date, end: datetime.date):
    """EPISODES open at some time from START to END (both included): the one rule of the
    persons enrolled in a period, of the follow-up and of the cost key by use
    (`governance.costs`)."""
    return episodes.filter(opened_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )


# --- The computation ----------------------------------------------------------------------


def groups_of(unit_type: str, breakdown: str) -> list[Group]:
    """The groups of a breakdown known before any figure (by municipality: "unknown" only;
    the municipalities are those of the figures, `municipalities.groups`)."""
    groups = [Group("total", pgettext("breakdown", "Total"))]
    if breakdown == "sex":
        groups += [Group(key, str(Person.Sex(value).label)) for value, key in SEX_KEYS]
    elif breakdown == "age":
        groups += [Group(key, label) for key, label, _low, _high in age_groups(unit_type)]
        groups.append(Group(OTHER, str(OTHER_LABEL)))
    elif breakdown == "municipality":
        groups.append(Group(municipalities.UNKNOWN, str(municipalities.UNKNOWN_LABEL)))
    return groups


class _Computation:
    def __init__(
        self,
        units: list[Unit],
        periods: list[Period],
        breakdown: str,
        also: Sequence[str] = (),
        raw: bool = False,
    ):
        self.units = units
        self.also = list(also)  # group keys among the columns even with no one in them
        self.unit_ids = [unit.pk for unit in units]
        self.periods = periods
        self.trend = len(periods) > 1  # the group key is then the period ("p0", "p1", ...)
        # whole months, quarters or years: the history-growing sources from `summaries`
        self.summarised = not raw and summaries.readable(periods)
        self.breakdown = breakdown
        # the span of the periods: what every source is filtered to
        self.period = periods[0]
        if self.trend:
            first, last = min(p.start for p in periods), max(p.end for p in periods)
            self.period = Period.custom(first, last)
        self.lo, self.hi = self.period.bounds()
        self.alias: dict[str, str] = {}  # while assembling a trend: "total" -> "p<i>"
        # (unit id, group key) -> (indicator, row key) -> value
        self.values: dict[tuple[int, str], dict[tuple[str, str], float | int | None]] = defaultdict(
            dict
        )
        self.sums: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)

    # group keys -------------------------------------------------------------------------

    def key(self, person: str, when: str = "", instant: bool = False) -> Expression:
        """The group key of a row: in a trend the period its date WHEN (a datetime field when
        INSTANT) falls in ("p<i>"; by sex or age "p<i>|<group>", the person's group in that
        period), else the breakdown's group of the person at PERSON (a lookup path)."""
        if self.trend:
            return self.period_key(when, instant, person=person)
        return self.group_key(person, self.period)

    def period_key(self, when: str, instant: bool = False, person: str | None = None) -> Case:
        """In a trend: the period the row's date WHEN falls in, and with PERSON the person's
        group in it when the trend is by sex or age."""
        whens = []
        for index, period in enumerate(self.periods):
            first, last = period.bounds() if instant else (period.start, period.end)
            upper = "lt" if instant else "lte"
            condition = {f"{when}__gte": first, f"{when}__{upper}": last}
            whens.append(When(**condition, then=self.in_period(index, person)))
        return Case(*whens, default=Value(""), output_field=CharField())

    def in_period(self, index: int, person: str | None):
        """The key of period INDEX; by sex or age (and PERSON given) with the person's group."""
        if person is None or self.breakdown == "total":
            return Value(f"p{index}", output_field=CharField())
        group = self.group_key(person, self.periods[index])
        return Concat(Value(f"p{index}|"), group, output_field=CharField())

    def group_key(self, person: str, period: Period) -> Expression:
        """The breakdown's group of the person at PERSON, their age taken at PERIOD's start."""
        if self.breakdown == "sex":
            return Case(
                *[
                    When(**{f"{person}__legal_sex": value}, then=Value(key))
                    for value, key in SEX_KEYS[:2]
                ],
                default=Value("sex:unknown"),
                output_field=CharField(),
            )
        if self.breakdown == "age":
            unit_type = self.units[0].unit_type
            return age_group_expression(unit_type, period.start, f"{person}__birth_date")
        if self.breakdown == "municipality":
            return municipalities.group_expression(person)
        return Value("total", output_field=CharField())

    def put(self, unit_id, group, indicator, key, value) -> None:
        self.values[(unit_id, group)][(indicator, key)] = value

    # sources ----------------------------------------------------------------------------

    def episodes(self) -> None:
        if not self.trend:
            self._episodes(self.period, self.key("person"))
            return
        for index, period in enumerate(self.periods):
            self._episodes(period, self.in_period(index, "person"))

    def _episodes(self, period: Period, group) -> None:
        start, end = period.start, period.end
        _lo, hi = period.bounds()
        sip = SipVersion.objects.filter(
            sip__person=OuterRef("person_id"), sip__unit=OuterRef("unit_id"), created_at__lt=hi
        )
        consent = Consent.objects.filter(
            active_consent_q(end), person=OuterRef("person_id"), unit=OuterRef("unit_id")
        )
        at_end = Q(closed_on__isnull=True) | Q(closed_on__gt=end)
        rows = (
            enrolled_between(clients(Episode.objects.with_reactivation()), start, end)
            .filter(unit__in=self.unit_ids)
            .alias(has_sip=Exists(sip), has_consent=Exists(consent))
            .order_by()
            .values("unit_id", g=group)
            .annotate(
                enrolled=Count("person_id", distinct=True),
                new_enrolments=Count("person_id", distinct=True, filter=Q(opened_on__gte=start)),
                enrolled_at_end=Count("person_id", distinct=True, filter=at_end),
                closed=Count("id", filter=Q(closed_on__gte=start, closed_on__lte=end)),
                reactivated=Count(
                    "id", filter=Q(opened_on__gte=start, in_reactivation_window=True)
                ),
                sip_persons=Count("person_id", distinct=True, filter=Q(has_sip=True)),
                consent_persons=Count(
                    "person_id", distinct=True, filter=at_end & Q(has_consent=True)
                ),
            )
        )
        for row in rows:
            for name in EPISODE_FIGURES:
                self.put(row["unit_id"], row["g"], name, "", row[name])

    def relatives(self) -> None:
        """The relatives enrolled at the unit for support of their own (`relative_at_unit`),
        and their contacts: their own figures, counted as the clients' are."""
        if not self.trend:
            self._relatives(self.period, self.key("person"))
        else:
            for index, period in enumerate(self.periods):
                self._relatives(period, self.in_period(index, "person"))
        if self.summarised:
            rows = (
                relatives(self.summaries(Summary))
                .filter(attended__gt=0)
                .values("unit_id", g=self.key("person", "start"))
                .annotate(n=summaries.total("attended"))
            )
        else:
            rows = (
                relatives(Contact.objects.in_force())
                .filter(
                    unit__in=self.unit_ids,
                    starts_at__gte=self.lo,
                    starts_at__lt=self.hi,
                    attended=True,
                )
                .order_by()
                .values("unit_id", g=self.key("person", "starts_at", instant=True))
                .annotate(n=Count("id"))
            )
        for row in rows:
            self.put(row["unit_id"], row["g"], "relative_contacts", "", row["n"])

    def _relatives(self, period: Period, group) -> None:
        start, end = period.start, period.end
        rows = (
            enrolled_between(relatives(Episode.objects.all()), start, end)
            .filter(unit__in=self.unit_ids)
            .order_by()
            .values("unit_id", g=group)
            .annotate(
                relatives_enrolled=Count("person_id", distinct=True),
                relatives_new_enrolments=Count(
                    "person_id", distinct=True, filter=Q(opened_on__gte=start)
                ),
            )
        )
        for row in rows:
            for name in RELATIVE_FIGURES:
                self.put(row["unit_id"], row["g"], name, "", row[name])

    def closures(self) -> None:
        self.reasons = list(ClosureReason.objects.order_by("name").values_list("code", "name"))
        rows = (
            clients(Episode.objects.all())
            .filter(
                unit__in=self.unit_ids,
                closed_on__gte=self.period.start,
                closed_on__lte=self.period.end,
            )
            .order_by()
            .values("unit_id", "closure_reason__code", g=self.key("person", "closed_on"))
            .annotate(n=Count("id"))
        )
        for row in rows:
            key = f"reason:{row['closure_reason__code']}"
            self.put(row["unit_id"], row["g"], "closed", key, row["n"])

    def summaries(self, model):
        """MODEL's summary rows (`summaries`) of the units in the periods, by their group key."""
        return summaries.rows(model, self.unit_ids, self.periods)

    def contacts(self) -> None:
        rows: Iterable[Mapping[str, Any]]
        kinds: dict[str, Aggregate | Coalesce]
        if self.summarised:
            kinds = {f"kind_{kind}": summaries.total(kind) for kind in Contact.Kind.values}
            rows = (
                clients(self.summaries(Summary))
                .values("unit_id", g=self.key("person", "start"))
                .annotate(
                    contacts=summaries.total("attended"),
                    contact_persons=Count("id", filter=Q(attended__gt=0)),
                    **kinds,
                )
            )
        else:
            kinds = {
                f"kind_{kind}": Count("id", filter=Q(kind=kind, attended=True))
                for kind in Contact.Kind.values
            }
            rows = (
                clients(Contact.objects.in_force())
                .filter(unit__in=self.unit_ids, starts_at__gte=self.lo, starts_at__lt=self.hi)
                .order_by()
                .values("unit_id", g=self.key("person", "starts_at", instant=True))
                .annotate(
                    contacts=Count("id", filter=Q(attended=True)),
                    contact_persons=Count("person_id", distinct=True, filter=Q(attended=True)),
                    **kinds,
                )
            )
        for row in rows:
            unit_id, group = row["unit_id"], row["g"]
            for name in ("contacts", "contact_persons"):
                self.put(unit_id, group, name, "", row[name])
            for kind in Contact.Kind.values:
                self.put(unit_id, group, "contacts", f"kind:{kind}", row[f"kind_{kind}"])

    def bookings(self) -> None:
        """The no-shows count bookings: those held or missed (cancelled ones are not). A
        booking's status is the attendance of its contact's version in force (a correction
        moves it: `contacts.actions.contact_correct`)."""
        held = Q(status=Booking.Status.ATTENDED) | Q(status=Booking.Status.NO_SHOW)
        missed = Q(status=Booking.Status.NO_SHOW)
        if self.summarised:
            rows = (
                clients(self.summaries(Summary))
                .filter(booked__gt=0)
                .values("unit_id", g=self.key("person", "start"))
                .annotate(
                    booked_contacts=summaries.total("booked"),
                    no_shows=summaries.total("no_show"),
                )
            )
        else:
            rows = (
                clients(Booking.objects.all())
                .filter(held, unit__in=self.unit_ids, starts_at__gte=self.lo, starts_at__lt=self.hi)
                .order_by()
                .values("unit_id", g=self.key("person", "starts_at", instant=True))
                .annotate(booked_contacts=Count("id"), no_shows=Count("id", filter=missed))
            )
        for row in rows:
            for name in ("booked_contacts", "no_shows"):
                self.put(row["unit_id"], row["g"], name, "", row[name])

    def interventions(self) -> None:
        """One query over the period's contact interventions: a filtered count and distinct
        count per catalogue item beside the totals; medication and priority by the catalogue's
        ids, so the catalogue is not joined. The links carry their contact's unit, person, time
        and attendance (`ContactIntervention`), so the contacts are not joined either."""
        self.catalogue = list(
            Intervention.objects.order_by("name").values(
                "id", "code", "name", "name_sv", "active", "category", "guideline_priority"
            )
        )
        medication_ids = [
            item["id"]
            for item in self.catalogue
            if item["category"] == Intervention.Category.MEDICATION
            and item["code"] not in MEDICATION_EXCLUDED
        ]
        priority_ids = [
            item["id"]
            for item in self.catalogue
            if item["guideline_priority"] is not None and item["guideline_priority"] <= 3
        ]
        unit, person = "unit_id", "person_id"
        medication = Q(intervention_id__in=medication_ids)

        # a summary row is one person's N of one item; a raw row is one intervention given
        def n(**condition):
            if self.summarised:
                return summaries.total("n", **condition)
            return Count("id", filter=Q(**condition) if condition else None)

        per_item = {}
        for item in self.catalogue:
            only = Q(intervention_id=item["id"])
            per_item[f"n_{item['id']}"] = n(intervention_id=item["id"])
            # one summary row per person and item: its persons are its rows
            if self.summarised:
                per_item[f"p_{item['id']}"] = Count("id", filter=only)
            else:
                per_item[f"p_{item['id']}"] = Count(person, distinct=True, filter=only)
        if self.summarised:
            given = clients(self.summaries(SummaryIntervention))
            group_key = self.key("person", "start")
        else:
            given = clients(ContactIntervention.objects.in_force()).filter(
                unit__in=self.unit_ids, starts_at__gte=self.lo, starts_at__lt=self.hi, attended=True
            )
            group_key = self.key("person", "starts_at", instant=True)
        for row in (
            given.order_by()
            .values(unit, g=group_key)
            .annotate(
                persons=Count(person, distinct=True),
                given=n(),
                priority=n(intervention_id__in=priority_ids),
                medication_persons=Count(person, distinct=True, filter=medication),
                medication_n=n(intervention_id__in=medication_ids),
                **per_item,
            )
        ):
            unit_id, group = row[unit], row["g"]
            self.put(unit_id, group, "intervention_persons", "", row["persons"])
            self.put(unit_id, group, "interventions", "", row["given"])
            self.put(unit_id, group, "priority_interventions", "", row["priority"])
            self.put(
                unit_id, group, "intervention_persons", "medication", row["medication_persons"]
            )
            self.put(unit_id, group, "interventions", "medication", row["medication_n"])
            for item in self.catalogue:
                key = f"intervention:{item['code']}"
                self.put(unit_id, group, "intervention_persons", key, row[f"p_{item['id']}"])
                self.put(unit_id, group, "interventions", key, row[f"n_{item['id']}"])

    def medication_records(self) -> None:
        """Dispensings handed out and drug tests taken at the unit in the period, from their
        own records (one query each): staff record them there, not as a contact's
        intervention. The version in force only."""
        for model, time, key, field in (
            (MedicationDispensing, "handed_out_at", "dispensing", "dispensings"),
            (DrugTest, "taken_at", "drug_tests", "drug_tests"),
        ):
            if self.summarised:
                rows = (
                    clients(self.summaries(Summary))
                    .filter(**{f"{field}__gt": 0})
                    .values("unit_id", g=self.key("person", "start"))
                    .annotate(persons=Count("id"), n=summaries.total(field))
                )
            else:
                rows = (
                    clients(model.objects.in_force())
                    .filter(
                        unit__in=self.unit_ids, **{f"{time}__gte": self.lo, f"{time}__lt": self.hi}
                    )
                    .order_by()
                    .values("unit_id", g=self.key("person", time, instant=True))
                    .annotate(persons=Count("person_id", distinct=True), n=Count("id"))
                )
            for row in rows:
                self.put(row["unit_id"], row["g"], "intervention_persons", key, row["persons"])
                self.put(row["unit_id"], row["g"], "interventions", key, row["n"])

    def assessments(self) -> None:
        start, end = self.period.start, self.period.end
        # complete and not corrected (an anti-join on the unique corrects_id index)
        valid = Q(complete=True) & ~Exists(Assessment.objects.filter(corrects=OuterRef("pk")))
        in_period = Q(assessed_on__gte=start, assessed_on__lte=end)
        base = clients(Assessment.objects.filter(valid, unit__in=self.unit_ids)).order_by()

        def same(**more):
            return Assessment.objects.filter(
                valid,
                person=OuterRef("person_id"),
                unit=OuterRef("unit_id"),
                instrument=OuterRef("instrument"),
                **more,
            )

        intake = Assessment.Occasion.INTAKE
        follow_up = Assessment.Occasion.FOLLOW_UP
        # the first and last day of the period the row falls in (one period but in a trend)
        period_start = Case(
            *[
                When(assessed_on__gte=p.start, assessed_on__lte=p.end, then=Value(p.start))
                for p in self.periods
            ],
            output_field=DateField(),
        )
        period_end = Case(
            *[
                When(assessed_on__gte=p.start, assessed_on__lte=p.end, then=Value(p.end))
                for p in self.periods
            ],
            output_field=DateField(),
        )
        base = base.alias(period_start=period_start, period_end=period_end)
        row: Mapping[str, Any]  # a values() row of each query below
        earlier = same(occasion=intake, assessed_on__gte=OuterRef("period_start")).filter(
            Q(assessed_on__lt=OuterRef("assessed_on"))
            | Q(assessed_on=OuterRef("assessed_on"), id__lt=OuterRef("id"))
        )
        for row in (
            base.filter(in_period, occasion=intake)
            .filter(~Exists(earlier))
            .values("unit_id", "instrument", "zone", g=self.key("person", "assessed_on"))
            .annotate(n=Count("id"))  # one row per person: no earlier intake in the period
        ):
            unit_id, group, code = row["unit_id"], row["g"], row["instrument"]
            values = self.values[(unit_id, group)]
            key = (f"{code}_intake", "")
            values[key] = (values.get(key) or 0) + row["n"]
            self.put(unit_id, group, f"{code}_intake", f"zone:{row['zone']}", row["n"])
        # the span's bounds as constants too, so that the planner reads only the span's rows
        later = same(
            occasion=follow_up,
            assessed_on__gte=start,
            assessed_on__lte=end,
        ).filter(
            Q(assessed_on__lte=OuterRef("period_end")),
            Q(assessed_on__gt=OuterRef("assessed_on"))
            | Q(assessed_on=OuterRef("assessed_on"), id__gt=OuterRef("id")),
        )
        intake_total = (
            same(occasion=intake, assessed_on__lte=OuterRef("assessed_on"))
            .order_by("-assessed_on", "-id")
            .values("total")[:1]
        )
        # Grouped by the change itself: the intake is looked up once per follow-up (an aggregate
        # per figure would repeat the subquery in each), and the rows are at most one per
        # possible change (-44..44) and group; a follow-up without an intake has change None.
        change = ExpressionWrapper(F("total") - Subquery(intake_total), IntegerField())
        for row in (
            base.filter(in_period, occasion=follow_up)
            .filter(~Exists(later))
            .values("unit_id", "instrument", g=self.key("person", "assessed_on"), change=change)
            .annotate(n=Count("id"))
        ):
            if row["change"] is None:
                continue
            unit_id, group, code = row["unit_id"], row["g"], row["instrument"]
            n, delta = row["n"], row["change"]
            name = "improved" if delta < 0 else "worse" if delta > 0 else "unchanged"
            values = self.values[(unit_id, group)]
            for key in ((f"{code}_change", ""), (f"{code}_change", f"change:{name}")):
                values[key] = values.get(key, 0) + n
            for other in CHANGES:
                values.setdefault((f"{code}_change", f"change:{other}"), 0)
            sums = self.sums[(unit_id, group)]
            sums[f"{code}_change"] = sums.get(f"{code}_change", 0) + n * delta

    def sip_follow_ups(self) -> None:
        start, end = self.period.start, self.period.end
        held = SipMeeting.objects.filter(
            sip=OuterRef("sip_id"),
            held_on__gt=OuterRef("held_on"),
            held_on__lte=OuterRef("next_follow_up_on"),
        )
        rows = (
            clients(SipMeeting.objects.all(), "sip__person_id", "sip__unit_id")
            .filter(
                sip__unit__in=self.unit_ids,
                next_follow_up_on__gte=start,
                next_follow_up_on__lte=end,
            )
            .alias(on_time=Exists(held))
            .order_by()
            .values("sip__unit_id", g=self.key("sip__person", "next_follow_up_on"))
            .annotate(due=Count("id"), on_time_n=Count("id", filter=Q(on_time=True)))
        )
        for row in rows:
            unit_id, group = row["sip__unit_id"], row["g"]
            self.put(unit_id, group, "sip_follow_ups_due", "", row["due"])
            self.put(unit_id, group, "sip_follow_ups_on_time", "", row["on_time_n"])

    def waits(self) -> None:
        """Counts, medians and 90th percentiles of the two waits, per unit and group."""
        self.percentiles: dict[tuple[int, str], dict[str, float | None]] = defaultdict(dict)
        zone = local_zone()
        sources = {  # name: (count, condition, until, the date it counts at, an instant?)
            "decision_wait": (
                "referrals_decided",
                Q(decided_at__gte=self.lo, decided_at__lt=self.hi),
                TruncDate("decided_at", tzinfo=zone),
                "decided_at",
                True,
            ),
            "first_contact_wait": (
                "referrals_first_contact",
                Q(first_contact_on__gte=self.period.start, first_contact_on__lte=self.period.end),
                F("first_contact_on"),
                "first_contact_on",
                False,
            ),
        }
        # a trend's periods are groups of every referral; a breakdown's groups are persons'
        for name, (count_code, condition, until, when, instant) in sources.items():
            if self.breakdown != "total":
                key = self.key("person", when, instant=instant)
                self._percentiles(name, count_code, condition, until, key, grouped=True)
            total: Expression = Value("total", output_field=CharField())
            if self.trend:
                total = self.period_key(when, instant=instant)
            self._percentiles(name, count_code, condition, until, total, grouped=False)

    def _percentiles(self, name, count_code, condition, until, group, grouped) -> None:
        days = ExpressionWrapper(until - F("received_on"), output_field=DurationField())
        referrals = clients(Referral.objects.filter(condition, unit__in=self.unit_ids))
        if grouped:
            referrals = referrals.filter(person__isnull=False)
        partition = [F("unit_id"), group]
        rows = (
            referrals.annotate(
                g=group,
                days=days,
                rank=Window(
                    RowNumber(), partition_by=partition, order_by=[F("days").asc(), F("id").asc()]
                ),
                n=Window(Count("id"), partition_by=partition),
            )
            .filter(
                Q(rank=(F("n") + 1) / 2) | Q(rank=(F("n") + 2) / 2) | Q(rank=(F("n") * 9 + 9) / 10)
            )
            .order_by()
            .values("unit_id", "g", "rank", "n", "days")
        )
        ranked: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
        counts: dict[tuple[int, str], int] = {}
        for row in rows:
            place = (row["unit_id"], row["g"])
            ranked[place][row["rank"]] = _days(row["days"])
            counts[place] = row["n"]
        for place, n in counts.items():
            by_rank = ranked[place]
            median = (by_rank[(n + 1) // 2] + by_rank[(n + 2) // 2]) / 2
            self.percentiles[place][f"{name}_median"] = median
            self.percentiles[place][f"{name}_p90"] = by_rank[(9 * n + 9) // 10]
            if grouped or self.breakdown == "total":
                self.put(place[0], place[1], count_code, "", n)
            else:  # the breakdown's total counts declined referrals too: not the groups' sum
                self.percentiles[place][count_code] = n

    # assembling -------------------------------------------------------------------------

    def reports(self) -> list[UnitReport]:
        with report_settings():
            self.episodes()
            self.relatives()
            self.closures()
            self.contacts()
            self.bookings()
            self.interventions()
            self.medication_records()
            self.assessments()
            outcomes.compute(self)
            self.sip_follow_ups()
            self.waits()
        computed_at = timezone.now()
        self.groups = self.groups_found()
        if not self.trend:
            return [self.report(unit, self.period, computed_at) for unit in self.units]
        [unit] = self.units
        reports = []
        groups = self.groups
        for index, period in enumerate(self.periods):
            self.alias = {"total": f"p{index}"} | {
                group.key: f"p{index}|{group.key}" for group in groups if group.key != "total"
            }
            reports.append(self.report(unit, period, computed_at))
        self.alias = {}
        return reports

    def row_keys(self) -> list[tuple[str, str, str]]:
        """(indicator, row key, label) of every row, in the report's order."""
        zones = {code: instruments.instrument(code).zones for code in instruments.codes()}
        swedish = _swedish()
        rows = []
        for indicator in definitions.INDICATORS:
            code = indicator.code
            rows.append((code, "", ""))
            if code == "contacts":
                rows += [
                    (code, f"kind:{value}", str(label)) for value, label in Contact.Kind.choices
                ]
            elif code == "closed":
                rows += [(code, f"reason:{rc}", name) for rc, name in self.reasons]
            elif code in ("intervention_persons", "interventions"):

                def label(item):
                    return item["name_sv"] if swedish and item["name_sv"] else item["name"]

                # each catalogue item once (group and individual treatment among them)
                rows.append((code, "medication", gettext("Medication")))
                rows.append((code, "dispensing", gettext("Medication handed out")))
                rows.append((code, "drug_tests", gettext("Drug tests taken")))
                rows += [
                    (code, f"intervention:{item['code']}", label(item)) for item in self.catalogue
                ]
            elif code.endswith("_intake") and code[: -len("_intake")] in zones:
                language = "sv" if swedish else "en"
                rows += [
                    (code, f"zone:{zone.code}", zone.label.in_language(language))
                    for zone in zones[code[: -len("_intake")]]
                ]
            elif code in {f"{instrument}_change" for instrument in zones}:
                labels = {
                    "improved": gettext("Improved"),
                    "unchanged": gettext("Unchanged"),
                    "worse": gettext("Worse"),
                }
                rows += [(code, f"change:{name}", labels[name]) for name in CHANGES]
            elif (outcome_rows := outcomes.sub_rows(code)) is not None:
                rows += [(code, key, label) for key, label in outcome_rows]
        return rows

    def groups_found(self) -> list[Group]:
        """The report's columns: the breakdown's groups; by municipality those of the figures
        (of every unit and period computed, so the units of a comparison have the same), the
        units' served municipalities and the groups asked for (`also`)."""
        groups = groups_of(self.units[0].unit_type, self.breakdown)
        if self.breakdown != "municipality":
            return groups
        places = itertools.chain(self.values, self.sums, self.percentiles)
        keys = {group.rpartition("|")[2] for _unit, group in places} | set(self.also)
        return groups[:1] + municipalities.groups(self.unit_ids, keys)

    def report(self, unit: Unit, period: Period, computed_at: datetime.datetime) -> UnitReport:
        groups = self.groups
        parts = [group.key for group in groups if group.key != "total"]
        rows = []
        for code, key, label in self.row_keys():
            indicator = definitions.get(code)
            cells = {}
            for group in groups:
                cells[group.key] = Cell(self.value(unit.pk, group.key, indicator, key, parts))
            rows.append(Row(code, key, label, indicator.measure, cells))
        return UnitReport(
            unit_id=unit.pk,
            unit_name=unit.name,
            unit_type=unit.unit_type,
            period=period,
            breakdown=self.breakdown,
            groups=groups,
            rows=rows,
            computed_at=computed_at,
        )

    def count(self, unit_id, group, code, key, parts) -> float:
        if group == "total" and parts:
            if code in ("referrals_decided", "referrals_first_contact"):
                total = self.alias.get("total", "total")
                return self.percentiles.get((unit_id, total), {}).get(code) or 0
            return sum(
                self.values[(unit_id, self.alias.get(part, part))].get((code, key)) or 0
                for part in parts
            )
        return self.values[(unit_id, self.alias.get(group, group))].get((code, key)) or 0

    def value(self, unit_id, group, indicator, key, parts):
        code = indicator.code
        if indicator.measure == Measure.COUNT:
            return self.count(unit_id, group, code, key, parts)
        if indicator.measure == Measure.PERCENT:
            numerator, denominator = indicator.basis
            top = self.count(unit_id, group, numerator, key, parts)
            bottom = self.count(unit_id, group, denominator, "", parts)
            return round(100 * top / bottom, 1) if bottom else None
        if indicator.measure == Measure.SCORE:
            [base] = indicator.basis
            n = self.count(unit_id, group, base, "", parts)
            groups = parts if group == "total" and parts else [group]
            groups = [self.alias.get(g, g) for g in groups]
            total = sum(self.sums[(unit_id, g)].get(base, 0) for g in groups)
            return round(total / n, 2) if n else None
        return self.percentiles.get((unit_id, self.alias.get(group, group)), {}).get(code)


@contextmanager
def report_settings():
    """On PostgreSQL, the report's queries in a transaction with work_mem raised to
    HELHET_FOLLOWUP_WORK_MEM and parallel workers allowed (HELHET_FOLLOWUP_PARALLEL_WORKERS:
    a page's connection has none) for that transaction only (`set_config(..., is_local)`, one
    statement more): the distinct counts' sorts stay in memory (a county year at 100,000
    persons: 3.3 s at 4 MB, 2.5–2.8 s at 64 MB) and the scans of a year's contacts share the
    CPUs. On the database the report reads from (the read replica: `core.replica`)."""
    using = router.db_for_read(Episode)
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    local = {
        "work_mem": settings.HELHET_FOLLOWUP_WORK_MEM,
        "max_parallel_workers_per_gather": str(settings.HELHET_FOLLOWUP_PARALLEL_WORKERS),
    }
    local = {name: value for name, value in local.items() if value}
    if not local:
        yield
        return
    with transaction.atomic(using=using, savepoint=False):
        with connection.cursor() as cursor:
            calls = ", ".join(["set_config(%s, %s, true)"] * len(local))
            cursor.execute(f"SELECT {calls}", [x for item in local.items() for x in item])
        yield


def _days(value) -> float:
    if isinstance(value, datetime.timedelta):
        return value.days
    return float(value)


def _swedish() -> bool:
    return (get_language() or "").startswith("sv")
