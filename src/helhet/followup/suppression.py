"""Small-cell suppression: what a report shows once it crosses units or leaves the unit.

The rules, applied to a copy of the report (`suppress`):

1. Primary: a count (persons, contacts, episodes, interventions, referrals) of 1 to 4 is hidden
   and shown as "<5" (`Cell.small`). 0 is shown: it is no one.
2. Secondary: where figures add up, hiding just one of them would let it be worked out by
   subtraction. The relations are: the groups of a breakdown add up to the total (a column
   "total" and the breakdown's columns, on every count row), and the sub-rows of an indicator
   with `parts` (contacts by kind, closures by reason, interventions by catalogue item, zones,
   improved/unchanged/worse) add up to the indicator's row, in every column. When a relation
   has exactly one hidden figure, the smallest other non-zero figure of it is hidden too (a
   part before the total when equal); repeated until no relation has a single hidden figure.
   Such a figure is shown as "–", not "<5": it may be any size.
3. Derived figures (shares, rates, medians, means) are hidden when a count they are computed
   from (`Indicator.basis`, the same sub-row or else the indicator's own row, same column) is
   1 to 4 or hidden.

A hidden cell keeps no value (`Cell(None, suppressed=True)`), so nothing downstream (pages,
charts, exports) can show it by mistake. The total of a breakdown covers every group (the
"other" age group and unknown sex included), so the relations hold exactly; the one exception,
referrals decided (the total also counts declined referrals, which name no person), is treated
as a relation all the same, which can only hide more.
"""

from __future__ import annotations

import dataclasses

from . import definitions
from .report import Cell, Measure, Row, UnitReport

SMALL = 5  # counts below this (and above 0) are hidden


def is_small(value) -> bool:
    return value is not None and 0 < value < SMALL


def suppress(report: UnitReport) -> UnitReport:
    """A new report with small counts and what would reveal them hidden; `suppressed=True`."""
    cells = {(row.indicator, row.key): dict(row.cells) for row in report.rows}
    measures = {(row.indicator, row.key): row.measure for row in report.rows}
    hidden: set[tuple[tuple[str, str], str]] = set()
    counts = [place for place, measure in measures.items() if measure == Measure.COUNT]
    for place in counts:
        for group, cell in cells[place].items():
            if is_small(cell.value):
                hidden.add((place, group))
    small = set(hidden)  # shown as "<5"; the rest of the hidden as "–"
    relations = _relations(report, counts, cells)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            inside = [member for member in relation if member in hidden]
            if len(inside) != 1:
                continue
            candidates = [
                (cells[place][group].value, position, (place, group))
                for position, (place, group) in enumerate(relation)
                if (place, group) not in hidden and cells[place][group].value
            ]
            if candidates:
                hidden.add(min(candidates)[2])
                changed = True
    for place, measure in measures.items():
        if measure == Measure.COUNT:
            continue
        for group in cells[place]:
            for base in _basis(place, cells):
                base_cell = cells[base].get(group)
                if base_cell is None or (base, group) in hidden or is_small(base_cell.value):
                    hidden.add((place, group))
                    break
    rows = []
    for row in report.rows:
        place = (row.indicator, row.key)
        new_cells = {
            group: Cell(None, suppressed=True, small=(place, group) in small)
            if (place, group) in hidden
            else cell
            for group, cell in row.cells.items()
        }
        rows.append(dataclasses.replace(row, cells=new_cells))
    return dataclasses.replace(report, rows=rows, suppressed=True, notes=list(report.notes))


def _relations(report: UnitReport, counts, cells) -> list[list]:
    """Each relation as its members [(place, group) ...]: the whole first, then its parts."""
    relations = []
    groups = [group.key for group in report.groups]
    if len(groups) > 1 and groups[0] == "total":
        for place in counts:
            relations.append([(place, group) for group in groups if group in cells[place]])
    by_indicator: dict[str, list[Row]] = {}
    for row in report.rows:
        by_indicator.setdefault(row.indicator, []).append(row)
    for code, rows in by_indicator.items():
        try:
            prefix = definitions.get(code).parts
        except KeyError:
            continue
        if not prefix or (code, "") not in cells:
            continue
        parts = [(code, row.key) for row in rows if row.key.startswith(prefix)]
        if not parts:
            continue
        for group in groups:
            relations.append([((code, ""), group)] + [(place, group) for place in parts])
    # the whole sorts after its parts when the values tie: parts are hidden first
    return [relation[1:] + relation[:1] for relation in relations]


def _basis(place, cells) -> list[tuple[str, str]]:
    code, key = place
    try:
        basis = definitions.get(code).basis
    except KeyError:
        return []
    return [(base, key) if (base, key) in cells else (base, "") for base in basis]
