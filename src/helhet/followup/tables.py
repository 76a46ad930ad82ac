"""Reports as the pages show them: each figure as text, and the rows of each indicator group.

One place decides how a figure reads, so tables and charts agree:
- a suppressed small count reads "<5" (a count from 1 to 4 that leaves no unit);
- a hidden figure (a share, a rate, a median, a mean, or a count that could reveal such a
  count by subtraction) reads "–";
- nothing to compute (no denominator, no data) reads "..";
- otherwise the number in the active language (decimal comma in Swedish), shares with " %".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format

from . import definitions
from .report import Cell, Measure, Row, UnitReport

SMALL, HIDDEN, NONE, VALUE = "small", "hidden", "none", "value"


@dataclass(frozen=True)
class Figure:
    text: str
    state: str  # SMALL, HIDDEN, NONE or VALUE
    value: float | None = None  # the number shown, when it is shown


def number_text(value: float, measure: str) -> str:
    """VALUE as shown for its MEASURE: whole counts; one decimal for shares, days and scores
    (none when whole, for days)."""
    if measure == Measure.COUNT:
        return number_format(int(value), use_l10n=True, force_grouping=True)
    if measure == Measure.DAYS and float(value).is_integer():
        return number_format(int(value), use_l10n=True)
    text = number_format(round(float(value), 1), 1, use_l10n=True)
    if measure == Measure.SCORE and value < 0:
        text = "−" + text.lstrip("-")  # a real minus sign
    return f"{text} %" if measure == Measure.PERCENT else text


def figure(cell: Cell | None, measure: str) -> Figure:
    if cell is not None and cell.suppressed:
        return Figure("<5", SMALL) if cell.small else Figure("–", HIDDEN)
    if cell is None or cell.value is None:
        return Figure("..", NONE)
    return Figure(number_text(cell.value, measure), VALUE, float(cell.value))


@dataclass(frozen=True)
class TableRow:
    indicator: definitions.Indicator
    key: str
    label: str  # the indicator's name, or the sub-row's label
    figures: tuple[Figure, ...]

    @property
    def is_sub(self) -> bool:
        return self.key != ""


@dataclass(frozen=True)
class Table:
    group: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[TableRow, ...]

    @property
    def indicators(self) -> list[definitions.Indicator]:
        return [row.indicator for row in self.rows if not row.is_sub]


def _label(row: Row) -> str:
    return row.label if row.key else str(definitions.get(row.indicator).name)


def _group_of(row: Row) -> str:
    return definitions.get(row.indicator).group


def unit_tables(report: UnitReport) -> list[Table]:
    """One table per indicator group (in `definitions.GROUPS` order) with the breakdown's
    groups as columns; groups without rows are left out."""
    keys = [g.key for g in report.groups]
    columns = tuple(g.label for g in report.groups)
    return _tables(
        report.rows,
        columns,
        lambda row: tuple(figure(row.cells.get(k), row.measure) for k in keys),
    )


def side_by_side_tables(
    reports: Sequence[UnitReport], column: Callable[[UnitReport], str], key: str = "total"
) -> list[Table]:
    """One table per indicator group with a column per report (a unit in the county
    comparison, a period in a trend), each report's KEY group."""
    rows = union_of_rows(reports)
    columns = tuple(column(r) for r in reports)

    def figures(row: Row) -> tuple[Figure, ...]:
        found = [r.row(row.indicator, row.key) for r in reports]
        return tuple(figure(f.cells.get(key) if f else None, row.measure) for f in found)

    return _tables(rows, columns, figures)


def union_of_rows(reports: Sequence[UnitReport]) -> list[Row]:
    """Every (indicator, sub-row) in any report, in the first report's order, then any others
    after their indicator's rows."""
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for report in reports:
        for row in report.rows:
            if (row.indicator, row.key) not in seen:
                seen.add((row.indicator, row.key))
                last = max(
                    (i for i, r in enumerate(rows) if r.indicator == row.indicator),
                    default=len(rows) - 1,
                )
                rows.insert(last + 1, row)
    return rows


def _tables(rows: Sequence[Row], columns, figures) -> list[Table]:
    by_group: dict[str, list[TableRow]] = {}
    for row in rows:
        indicator = definitions.get(row.indicator)
        by_group.setdefault(indicator.group, []).append(
            TableRow(indicator, row.key, _label(row), figures(row))
        )
    return [
        Table(code, str(title), columns, tuple(by_group[code]))
        for code, title in definitions.GROUPS
        if code in by_group
    ]


def rows_of_group(report: UnitReport, group: str) -> list[Row]:
    return [row for row in report.rows if _group_of(row) == group]
