"""Charts of follow-up reports as server-drawn SVG: bars for distributions, breakdowns and
comparisons between units, lines for trends. No script: the server works out every coordinate.

Each function takes a `report.UnitReport` (or a list of them) and an indicator code and returns
a `Chart` (or None when there is nothing to draw), which the include
`followup/includes/chart.html` draws as inline SVG: role="img", named by its <title> and a
<desc> that summarises it. The table beside the chart carries the numbers. A suppressed or
hidden figure draws no bar and no point; its text ("<5", "–") stands where the bar would be.
The PDF export includes the same template with the same objects.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helhet.assessments.chart import Tick

from . import definitions
from .report import Measure, Row, UnitReport
from .tables import VALUE, Figure, figure, number_text, rows_of_group

WIDTH = 560
# horizontal bars: a label line above each bar, the figure in a column on the right
BAR_LEFT, BAR_VALUES, BAR_TOP, BAR_ROW, BAR_HEIGHT, BAR_AXIS = 16, 76, 6, 38, 16, 28
# lines: the value axis on the left, the periods below
LINE_HEIGHT, LINE_LEFT, LINE_RIGHT, LINE_TOP, LINE_BOTTOM, LINE_PAD = 260, 60, 20, 14, 44, 16
MIN_LABEL_GAP = 96  # px between two period labels on the x axis
MAX_LABEL = 72  # characters of a bar's label (the table has the whole)
LISTED = 10  # up to this many bars, the description reads out every one


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the figure as the table shows it
    label_y: float
    y: float
    x: float
    width: float  # 0 when the figure is not shown
    text_y: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    text: str


@dataclass(frozen=True)
class Chart:
    id: str  # unique on the page: the SVG's title and description ids derive from it
    kind: str  # "bar" or "line"
    title: str
    description: str
    height: int
    left: float
    top: float
    right: float
    bottom: float
    zero: float  # where the value 0 is: an x for bars, a y for lines
    ticks: tuple[Tick, ...]  # the value axis
    bars: tuple[Bar, ...] = ()
    lines: tuple[str, ...] = ()  # polyline points, one per unbroken run of shown figures
    points: tuple[Point, ...] = ()
    x_ticks: tuple[Tick, ...] = ()
    marks: tuple[Point, ...] = ()  # an agreement's target at a period (a dashed dash)
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def value_x(self) -> int:
        return self.width - 4


# --- What to draw -------------------------------------------------------------------------------


def distribution_chart(report: UnitReport, indicator: str, *, prefix: str = "") -> Chart | None:
    """Bars of INDICATOR's sub-rows (contacts by kind, closures by reason, ...), totals."""
    rows = [r for r in report.rows if r.indicator == indicator and r.key]
    if not rows:
        return None
    items = [(r.label, figure(r.cells.get("total"), r.measure)) for r in rows]
    title = _("%(indicator)s, %(unit)s, %(period)s") % _names(report, indicator)
    return bar_chart(_chart_id(prefix, indicator, "parts"), title, items, rows[0].measure)


def breakdown_chart(
    report: UnitReport, indicator: str, key: str = "", *, prefix: str = ""
) -> Chart | None:
    """Bars of one row across the breakdown's groups (by sex, by age group), without the total."""
    row = report.row(indicator, key)
    groups = [g for g in report.groups if g.key != "total"]
    if row is None or not groups:
        return None
    items = [(g.label, figure(row.cells.get(g.key), row.measure)) for g in groups]
    title = _("%(indicator)s by %(breakdown)s, %(unit)s, %(period)s") % {
        **_names(report, indicator, key),
        "breakdown": breakdown_name(report.breakdown),
    }
    return bar_chart(_chart_id(prefix, indicator, key, "groups"), title, items, row.measure)


def comparison_chart(
    reports: Sequence[UnitReport], indicator: str, key: str = "", *, prefix: str = ""
) -> Chart | None:
    """One bar per unit: the units side by side (the county comparison), totals."""
    totals = _totals(reports, indicator, key, lambda r: r.unit_name)
    if totals is None:
        return None
    title = _("%(indicator)s by unit, %(period)s") % _names(reports[0], indicator, key)
    return bar_chart(_chart_id(prefix, indicator, key, "units"), title, *totals)


def trend_chart(
    reports: Sequence[UnitReport],
    indicator: str,
    key: str = "",
    *,
    prefix: str = "",
    targets: Mapping[int, tuple[float, str]] | None = None,
) -> Chart | None:
    """A line over the reports' periods (oldest first), totals; TARGETS, the agreement's
    target at a period (by its index: value and text), marked there."""
    totals = _totals(reports, indicator, key, lambda r: r.period.label)
    if totals is None:
        return None
    names = _names(reports[0], indicator, key)
    names["first"], names["last"] = reports[0].period.label, reports[-1].period.label
    title = _("%(indicator)s, %(unit)s, %(first)s to %(last)s") % names
    chart_id = _chart_id(prefix, indicator, key, "trend")
    return line_chart(chart_id, title, *totals, targets=targets or {})


def _totals(reports: Sequence[UnitReport], indicator: str, key: str, label):
    """(items, measure): a (label, figure) per report of the row's total; None when no report
    has the row."""
    found = [(r, r.row(indicator, key)) for r in reports]
    measure = next((row.measure for _r, row in found if row is not None), None)
    if measure is None:
        return None
    items = [
        (label(r), figure(row.cells.get("total") if row else None, measure)) for r, row in found
    ]
    return items, measure


def group_chart(report: UnitReport, group: str, *, prefix: str = "") -> Chart | None:
    """The chart that helps read one group of a unit's report: the breakdown of its first
    indicator when the report is broken down; else the distribution over the sub-rows of its
    first indicator that has any; else its indicators side by side, as far as they share the
    first one's measure (no chart mixes counts and shares)."""
    rows = rows_of_group(report, group)
    main = [r for r in rows if not r.key]
    if not main:
        return None
    if report.breakdown != "total":
        return breakdown_chart(report, main[0].indicator, prefix=prefix)
    with_parts = next(
        (r for r in main if any(s.indicator == r.indicator and s.key for s in rows)), None
    )
    if with_parts is not None:
        return distribution_chart(report, with_parts.indicator, prefix=prefix)
    same = [r for r in main if r.measure == main[0].measure]
    if len(same) < 2:
        return None
    return _indicators_chart(report, group, same, prefix)


def _indicators_chart(report: UnitReport, group: str, rows: list[Row], prefix: str) -> Chart:
    items = [
        (str(definitions.get(r.indicator).name), figure(r.cells.get("total"), r.measure))
        for r in rows
    ]
    title = _("%(group)s, %(unit)s, %(period)s") % {
        "group": dict(definitions.GROUPS)[group],
        "unit": report.unit_name,
        "period": report.period.label,
    }
    return bar_chart(_chart_id(prefix, group, "indicators"), title, items, rows[0].measure)


def breakdown_name(breakdown: str) -> str:
    return {"sex": _("sex"), "age": _("age group")}.get(breakdown, _("total"))


def _names(report: UnitReport, indicator: str, key: str = "") -> dict[str, str]:
    name = str(definitions.get(indicator).name)
    row = report.row(indicator, key) if key else None
    if row is not None and row.label:
        name = f"{name}: {row.label}"
    return {"indicator": name, "unit": report.unit_name, "period": report.period.label}


def _chart_id(*parts: str) -> str:
    return "chart-" + re.sub(r"[^a-z0-9]+", "-", "-".join(p for p in parts if p).lower()).strip("-")


# --- Geometry -----------------------------------------------------------------------------------


def bar_chart(chart_id: str, title: str, items: list[tuple[str, Figure]], measure: str) -> Chart:
    """Horizontal bars, one per (label, figure), scaled to a round maximum from 0 (negative
    figures, e.g. a mean change, extend the axis to the left of 0)."""
    left, right = BAR_LEFT, WIDTH - BAR_VALUES
    lo, hi, ticks = _scale([f.value for _l, f in items if f.value is not None], measure)

    def x(value: float) -> float:
        return round(left + (right - left) * (value - lo) / (hi - lo), 1)

    zero = x(0)
    bars = []
    for index, (label, fig) in enumerate(items):
        top = BAR_TOP + index * BAR_ROW
        end = x(fig.value) if fig.value is not None else zero
        bars.append(
            Bar(
                label=_shorten(label),
                text=fig.text,
                label_y=top + 13,
                y=top + 18,
                x=min(zero, end),
                width=round(abs(end - zero), 1),
                text_y=top + 30,
            )
        )
    bottom = BAR_TOP + len(items) * BAR_ROW + 2
    return Chart(
        id=chart_id,
        kind="bar",
        title=title,
        description=_describe_bars(items),
        height=bottom + BAR_AXIS,
        left=left,
        top=BAR_TOP,
        right=right,
        bottom=bottom,
        zero=zero,
        ticks=tuple(Tick(x(v), number_text(v, measure)) for v in ticks),
        bars=tuple(bars),
    )


def line_chart(
    chart_id: str,
    title: str,
    items: list[tuple[str, Figure]],
    measure: str,
    *,
    targets: Mapping[int, tuple[float, str]] | None = None,
) -> Chart:
    """A line through the shown figures, one per period (oldest first); a hidden figure breaks
    the line rather than being bridged. TARGETS (by the period's index: value, text) are
    marked at their periods and named in the description."""
    targets = targets or {}
    left, right = LINE_LEFT, WIDTH - LINE_RIGHT
    top, bottom = LINE_TOP, LINE_HEIGHT - LINE_BOTTOM
    values = [f.value for _l, f in items if f.value is not None]
    lo, hi, ticks = _scale(values + [value for value, _t in targets.values()], measure)
    step = (right - left - 2 * LINE_PAD) / max(len(items) - 1, 1)

    def x(index: int) -> float:
        if len(items) == 1:
            return round((left + right) / 2, 1)
        return round(left + LINE_PAD + index * step, 1)

    def y(value: float) -> float:
        return round(top + (bottom - top) * (hi - value) / (hi - lo), 1)

    points: list[Point] = []
    lines: list[str] = []
    run: list[Point] = []
    for index, (label, fig) in enumerate(items):
        if fig.value is None:  # (a figure not shown: its state is not VALUE)
            lines, run = _close_run(lines, run), []
            continue
        point = Point(x(index), y(fig.value), label, fig.text)
        points.append(point)
        run.append(point)
    lines = _close_run(lines, run)
    every = max(1, math.ceil(MIN_LABEL_GAP / step)) if len(items) > 1 else 1
    x_ticks = [
        Tick(x(i), label)
        for i, (label, _f) in enumerate(items)
        if (len(items) - 1 - i) % every == 0
    ]
    return Chart(
        id=chart_id,
        kind="line",
        title=title,
        description=_describe_line(items) + _describe_targets(items, targets),
        height=LINE_HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        zero=y(0),
        ticks=tuple(Tick(y(v), number_text(v, measure)) for v in ticks),
        lines=tuple(lines),
        points=tuple(points),
        x_ticks=tuple(x_ticks),
        marks=tuple(
            Point(x(i), y(value), items[i][0], text) for i, (value, text) in targets.items()
        ),
    )


def _describe_targets(items, targets: Mapping[int, tuple[float, str]]) -> str:
    return "".join(
        " " + _("Target %(target)s in %(period)s.") % {"target": text, "period": items[i][0]}
        for i, (_value, text) in sorted(targets.items())
    )


def _close_run(lines: list[str], run: list[Point]) -> list[str]:
    if len(run) > 1:
        lines.append(" ".join(f"{p.x},{p.y}" for p in run))
    return lines


def _scale(values: list[float], measure: str) -> tuple[float, float, list[float]]:
    """The axis: (low, high, ticks), round steps of 1, 2 or 5 times a power of ten (whole
    steps for counts); shares run to 100 %."""
    top = max([0.0, *values])
    bottom = min([0.0, *values])
    if measure == Measure.PERCENT and bottom >= 0:
        return 0.0, 100.0, [0.0, 25.0, 50.0, 75.0, 100.0]
    step = _round_step(max(top - bottom, 1e-9) / 4, whole=measure == Measure.COUNT)
    lo = -step * math.ceil(-bottom / step - 1e-9) if bottom < 0 else 0.0
    hi = step * max(1, math.ceil(top / step - 1e-9)) if top > 0 else (0.0 if lo < 0 else step)
    count = round((hi - lo) / step)
    return lo, hi, [round(lo + i * step, 6) for i in range(count + 1)]


def _round_step(raw: float, *, whole: bool) -> float:
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw - 1e-12)
    return max(step, 1.0) if whole else step


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _value(item: tuple[str, Figure]) -> float:
    """The value of a shown (label, figure)."""
    if item[1].value is None:
        raise ValueError(f"{item[0]}: the figure is not shown")
    return item[1].value


def _describe_bars(items: list[tuple[str, Figure]]) -> str:
    if len(items) <= LISTED:
        return "; ".join(f"{label}: {fig.text}" for label, fig in items) + "."
    shown = [(label, fig) for label, fig in items if fig.state == VALUE]
    text = ngettext("%(count)s bar.", "%(count)s bars.", len(items)) % {"count": len(items)}
    if shown:
        high, low = max(shown, key=_value), min(shown, key=_value)
        text += " " + _("Highest: %(high)s (%(high_value)s); lowest: %(low)s (%(low_value)s).") % {
            "high": high[0],
            "high_value": high[1].text,
            "low": low[0],
            "low_value": low[1].text,
        }
    return text


def _describe_line(items: list[tuple[str, Figure]]) -> str:
    shown = [(label, fig) for label, fig in items if fig.state == VALUE]
    if not shown:
        return _("No figure to show for these periods.")
    high = max(shown, key=_value)
    text = _(
        "From %(first)s (%(first_value)s) to %(last)s (%(last_value)s); highest %(high_value)s "
        "in %(high)s."
    ) % {
        "first": items[0][0],
        "first_value": items[0][1].text,
        "last": items[-1][0],
        "last_value": items[-1][1].text,
        "high": high[0],
        "high_value": high[1].text,
    }
    missing = len(items) - len(shown)
    if missing:
        text += " " + ngettext(
            "%(count)s of %(total)s periods hidden or without data.",
            "%(count)s of %(total)s periods hidden or without data.",
            missing,
        ) % {"count": missing, "total": len(items)}
    return text
