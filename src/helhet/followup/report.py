"""The shapes a follow-up report takes, shared by the computation, the pages and the exports.

A report is per unit and period: columns are the breakdown's groups ("total" first, then by sex,
by age group or by municipality), rows are indicators (and their sub-rows: contacts by kind,
closures by reason, each catalogue intervention). Nothing here names a person: a report holds
aggregates only.

- `indicators.unit_report(unit, period, breakdown=..., suppress=...)` makes one `UnitReport`.
- `indicators.county_comparison(units, period, group=..., suppress=True)` makes one per unit,
  the total or one group's column (e.g. one municipality's residents).
- `indicators.trend(unit, periods, suppress=...)` makes one per period.
- `suppression.suppress(report)` returns the report with counts 1–4 shown as "<5" and the derived
  figures that would reveal them hidden. Every view or export that crosses units or leaves the
  unit suppresses; only a unit's own manager or coordinator, on the unit's own page in the
  browser, sees the exact small counts.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .periods import Period


class Measure:
    """What a row's figures are: how they are formatted and whether they are suppressed as
    counts (COUNT) or hidden as derived figures (the others)."""

    COUNT = "count"  # a number of persons, contacts, episodes, …
    PERCENT = "percent"  # a share, 0–100
    DAYS = "days"  # a duration (wait times)
    SCORE = "score"  # a mean or a change of an instrument's total


@dataclass(frozen=True)
class Cell:
    """One figure. `value` is None when there is nothing to compute (no denominator, no data);
    `suppressed` is True when small-cell suppression hides it: `small` when it is a count from
    1 to 4 (shown as "<5"), else a figure hidden so that no such count can be worked out (a
    share, a mean, or a count that would give one away by subtraction: shown as "–")."""

    value: int | float | None
    suppressed: bool = False
    small: bool = False


@dataclass(frozen=True)
class Group:
    """One column of a breakdown: key "total", "sex:female", "sex:male", "sex:unknown",
    "age:13-15", "age:18-29", "age:70-", "age:other" (outside the unit type's groups),
    "municipality:<id>", "municipality:unknown" (`municipalities`)."""

    key: str
    label: str


@dataclass(frozen=True)
class Row:
    """One indicator (KEY "") or one of its sub-rows (KEY "kind:visit", "reason:<code>",
    "intervention:<code>", "zone:<zone>", …), with a cell per group key."""

    indicator: str  # a code from definitions.INDICATORS
    key: str
    label: str  # the sub-row's label in the active language ("" for the indicator's own row)
    measure: str  # a Measure
    cells: dict[str, Cell]


@dataclass
class UnitReport:
    unit_id: int
    unit_name: str
    unit_type: str
    period: Period
    breakdown: str  # "total", "sex", "age" or "municipality"
    groups: list[Group]
    rows: list[Row]
    suppressed: bool = False  # small-cell suppression applied
    computed_at: datetime.datetime | None = None
    notes: list[str] = field(default_factory=list)

    def column(self, key: str) -> UnitReport:
        """The report of the one group KEY, as its total column (a trend of one group: its
        figures as the breakdown's report has them, suppressed with the other groups), named
        "<unit>, <group>" wherever the report's unit is named (charts, exports)."""
        if key == "total":
            return self
        [group] = [group for group in self.groups if group.key == key]
        rows = [dataclasses.replace(row, cells={"total": row.cells[key]}) for row in self.rows]
        return dataclasses.replace(
            self,
            unit_name=f"{self.unit_name}, {group.label}",
            groups=[Group("total", group.label)],
            rows=rows,
        )

    def row(self, indicator: str, key: str = "") -> Row | None:
        for row in self.rows:
            if row.indicator == indicator and row.key == key:
                return row
        return None
