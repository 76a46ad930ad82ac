"""The target rule, in one place: which of an agreement's targets apply to a unit and period, and
whether a target is met. The follow-up pages, the charts' tables, the exports and the agreement's
page all ask here.

- A target applies to unit U and period P when it belongs to the version in force of an
  agreement that has U, it is for U or for every unit of the agreement, and P lies within the
  target's period. A count (persons, contacts, …) adds up over its period, so a count's target
  applies only to exactly its own period; a share, a wait or a score holds over any part of it.
- A target is held against the figure the reader is shown (the report's total column): "met"
  when the figure is at least (or at most) the target value — exactly at it is met either way;
  "no figure" when there is nothing to compare: no data, or a figure hidden by small-cell
  suppression. So a status never gives away a hidden figure.
- The agreement's page holds each target against its latest full period (`latest_period`).

No person is named: the figures are the follow-up's aggregates.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helhet.followup import definitions, tables
from helhet.followup.periods import Period
from helhet.followup.report import Cell, Measure, UnitReport

from .models import Agreement, AgreementVersion, Target

MET, NOT_MET, NO_FIGURE = "met", "not_met", "no_figure"
STATUS_LABELS = {MET: _("Met"), NOT_MET: _("Not met"), NO_FIGURE: _("No figure")}
# shown beside the word (the word is the text alternative): never colour alone
STATUS_SYMBOLS = {MET: "✓", NOT_MET: "✗", NO_FIGURE: "–"}
NUMERIC = (Measure.COUNT, Measure.PERCENT, Measure.DAYS, Measure.SCORE)
# the order of the indicators on the pages
ORDER = {indicator.code: n for n, indicator in enumerate(definitions.INDICATORS)}
SIGNS: dict[str, str] = {Target.Comparison.AT_LEAST: "≥", Target.Comparison.AT_MOST: "≤"}


def indicator_of(code: str) -> definitions.Indicator:
    """The indicator CODE a target may be set on; ValidationError for an unknown code or one
    whose figure is not a number."""
    try:
        indicator = definitions.get(code)
    except KeyError:
        raise ValidationError({"indicator": _("Choose an indicator of the follow-up.")}) from None
    if indicator.measure not in NUMERIC:
        raise ValidationError({"indicator": _("Choose an indicator with a number as figure.")})
    return indicator


def choices() -> list[tuple[str, str]]:
    """The indicators a target may be set on, as a form's choices."""
    return [(i.code, str(i.name)) for i in definitions.INDICATORS if i.measure in NUMERIC]


def value_text(target: Target) -> str:
    """The target as it reads: "≥ 80 %", "≤ 7"."""
    measure = definitions.get(target.indicator).measure
    return f"{SIGNS[target.comparison]} {tables.number_text(float(target.value), measure)}"


def applies(target: Target, period: Period) -> bool:
    """Whether TARGET's period covers PERIOD (exactly, for a count)."""
    if definitions.get(target.indicator).measure == Measure.COUNT:
        return (target.starts_on, target.ends_on) == (period.start, period.end)
    return target.starts_on <= period.start and period.end <= target.ends_on


def status(target: Target, cell: Cell | None) -> str:
    """MET, NOT_MET or NO_FIGURE for TARGET against the figure CELL shows."""
    if cell is None or cell.suppressed or cell.value is None:
        return NO_FIGURE
    actual, wanted = Decimal(str(cell.value)), target.value
    if target.comparison == Target.Comparison.AT_LEAST:
        return MET if actual >= wanted else NOT_MET
    return MET if actual <= wanted else NOT_MET


@dataclass(frozen=True)
class Held:
    """One target held against one unit's figure of one period."""

    target: Target
    unit_id: int
    unit_name: str
    period: Period
    actual: tables.Figure
    status: str

    @property
    def indicator(self) -> definitions.Indicator:
        return definitions.get(self.target.indicator)

    @property
    def target_text(self) -> str:
        return value_text(self.target)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def symbol(self) -> str:
        return STATUS_SYMBOLS[self.status]


def in_force(unit_ids: Iterable[int]) -> dict[int, list[Target]]:
    """The targets of the versions in force, per unit of UNIT_IDS they are for (two queries)."""
    unit_ids = set(unit_ids)
    through = Agreement.units.through.objects.filter(unit_id__in=unit_ids)
    units_of: dict[int, set[int]] = {}
    for agreement_id, unit_id in through.values_list("agreement_id", "unit_id"):
        units_of.setdefault(agreement_id, set()).add(unit_id)
    found = (
        Target.objects.filter(
            agreement_version__state=AgreementVersion.State.IN_FORCE,
            agreement_version__agreement_id__in=units_of,
        )
        .filter(Q(unit__isnull=True) | Q(unit_id__in=unit_ids))
        .select_related("agreement_version", "goal")
    )
    per_unit: dict[int, list[Target]] = {unit_id: [] for unit_id in unit_ids}
    for target in found:
        for unit_id in units_of[target.agreement_version.agreement_id]:
            if target.unit_id in (None, unit_id):
                per_unit[unit_id].append(target)
    return per_unit


def held(reports: Sequence[UnitReport]) -> list[Held]:
    """Every target in force for each report's unit and period, held against the report's
    total column, report by report, in the order of the indicators."""
    per_unit = in_force(report.unit_id for report in reports)
    rows = []
    for report in reports:
        found = [t for t in per_unit[report.unit_id] if applies(t, report.period)]
        for target in sorted(found, key=lambda t: (ORDER[t.indicator], t.pk)):
            row = report.row(target.indicator)
            cell = row.cells.get("total") if row is not None else None
            measure = definitions.get(target.indicator).measure
            rows.append(
                Held(
                    target=target,
                    unit_id=report.unit_id,
                    unit_name=report.unit_name,
                    period=report.period,
                    actual=tables.figure(cell, measure),
                    status=status(target, cell),
                )
            )
    return rows


def marks(held_rows: Sequence[Held], reports: Sequence[UnitReport], indicator: str) -> dict:
    """The targets of INDICATOR for a trend's chart: {index of the report's period: (value,
    text)}, the first target of each period."""
    index = {report.period: n for n, report in enumerate(reports)}
    found: dict[int, tuple[float, str]] = {}
    for h in held_rows:
        if h.target.indicator == indicator and h.period in index:
            found.setdefault(index[h.period], (float(h.target.value), h.target_text))
    return found


def latest_period(target: Target, today: datetime.date) -> Period | None:
    """The latest full period to hold TARGET against: its own period once it has ended; for a
    share, a wait or a score, until then its full months so far; None before that (and for a
    count whose period has not ended)."""
    if target.ends_on < today:
        return period_of(target.starts_on, target.ends_on)
    if definitions.get(target.indicator).measure == Measure.COUNT:
        return None
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return period_of(target.starts_on, end) if end >= target.starts_on else None


def period_of(start: datetime.date, end: datetime.date) -> Period:
    """START–END as a year, a quarter or a month when it is exactly one (the follow-up's pages
    and exports name it so), else the dates."""
    candidates = [Period.year(start.year), Period.month(start.year, start.month)]
    candidates.append(Period.quarter(start.year, (start.month - 1) // 3 + 1))
    for candidate in candidates:
        if (candidate.start, candidate.end) == (start, end):
            return candidate
    return Period.custom(start, end)


@dataclass(frozen=True)
class Standing:
    """A target of the agreement's page: its status per unit for its latest full period
    (`latest_period`; None: no full period yet)."""

    target: Target
    period: Period | None
    held: list[Held]

    @property
    def target_text(self) -> str:
        return value_text(self.target)

    @property
    def indicator(self) -> definitions.Indicator:
        return definitions.get(self.target.indicator)


def of_version(version: AgreementVersion) -> list[Standing]:
    """The targets VERSION sets, in the order of their periods and indicators, without figures:
    what the version page and the agreement's PDF list."""
    found = version.targets.select_related("goal", "unit", "agreement_version")
    return [
        Standing(target, None, [])
        for target in sorted(found, key=lambda t: (t.starts_on, ORDER[t.indicator], t.pk))
    ]


def standing(agreement: Agreement, today: datetime.date) -> list[Standing]:
    """The targets of AGREEMENT's version in force with their status at each of their units for
    their latest full period, always suppressed (the page is read beyond the units): one
    computation of the follow-up per period (`county_comparison`)."""
    from helhet.followup import indicators  # (the follow-up's computation: imported when used)

    version = agreement.versions.filter(state=AgreementVersion.State.IN_FORCE).first()
    if version is None:
        return []
    found = [s.target for s in of_version(version)]
    units = {unit.pk: unit for unit in agreement.units.all()}
    periods = {target.pk: latest_period(target, today) for target in found}
    reports: dict[tuple[int, Period], UnitReport] = {}
    for period in {p for p in periods.values() if p is not None}:
        for report in indicators.county_comparison(list(units.values()), period, suppress=True):
            reports[report.unit_id, period] = report
    every = held(list(reports.values()))
    return [
        Standing(
            target,
            periods[target.pk],
            [h for h in every if h.target.pk == target.pk and h.period == periods[target.pk]],
        )
        for target in found
    ]
