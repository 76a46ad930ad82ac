"""The geometry of a small chart of one instrument's totals over time, drawn as inline SVG.

The server works out every coordinate, so the page needs no script: zone bands behind, the
main cut-off as a dashed line, the totals as points joined by a line. The chart is a picture
(role="img" with a title and a description); the table beside it carries the same data.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from helhet.people.identity import LegalSex

from . import catalogue
from .instruments import Instrument

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 34, 92, 12, 30  # room for the axis on the left, zone names right
PAD = 14  # keeps the first and last points off the plot's edges
MIN_GAP = 13  # px between two labels on the axis or two band names
ZONE_FILLS = ("#e3f1e4", "#fdf3d0", "#fbdcc0", "#f6c9cc", "#e7d3ef")


@dataclass(frozen=True)
class Band:
    code: str
    short: str  # what the band says on the chart: AUDIT's "II", else the zone's number
    legend: str  # the band in the caption: "Zone II: hazardous use", "2: Drug-related ..."
    label: str
    y: float
    height: float
    fill: str
    text_y: float
    labelled: bool  # wide enough for its name on the chart (the caption names every band)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    total: int
    date: datetime.date
    zone: str


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    code: str
    title: str
    description: str
    bands: tuple[Band, ...]
    points: tuple[Point, ...]
    line: str  # the polyline's points attribute
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    cutoff_y: float | None
    cutoff_label: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def plot_width(self) -> int:
        return self.plot_right - self.left


def chart_for(instrument: Instrument, assessments) -> Chart | None:
    """The chart of the complete results among ASSESSMENTS (oldest first); None without any.

    Zone bands are drawn for the latest result's legal sex and age (a zone may start at a
    cut-off that depends on them); each point keeps the zone it was given when recorded.
    """
    done = [a for a in assessments if a.total is not None]
    if not done:
        return None
    low, high = instrument.total.min, instrument.total.max

    def y(value: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low)), 1)

    x = _x_scale(done[0].assessed_on, done[-1].assessed_on)
    latest = done[-1]
    points = tuple(
        Point(x(a.assessed_on), y(a.total), a.total, a.assessed_on, a.zone_text) for a in done
    )
    starts = instrument.zone_starts(
        LegalSex(latest.sex), latest.age, catalogue.variants(instrument.code)
    )
    bands = _bands(instrument, starts, y)
    return Chart(
        code=instrument.code,
        title=_("%(instrument)s totals over time") % {"instrument": instrument.name},
        description=_describe(instrument, done),
        bands=bands,
        points=points,
        line=" ".join(f"{p.x},{p.y}" for p in points),
        y_ticks=_y_ticks(sorted({low, high, *starts}), y),
        x_ticks=_x_ticks(done, x),
        cutoff_y=y(latest.cutoff_value) if latest.cutoff_value is not None else None,
        cutoff_label=_("cut-off ≥ %(value)s") % {"value": latest.cutoff_value},
    )


def _x_scale(first: datetime.date, last: datetime.date):
    left, right = LEFT + PAD, WIDTH - RIGHT - PAD
    days = (last - first).days

    def x(on: datetime.date) -> float:
        if days == 0:
            return round((left + right) / 2, 1)
        return round(left + (right - left) * (on - first).days / days, 1)

    return x


def _bands(instrument: Instrument, starts: tuple[int, ...], y) -> tuple[Band, ...]:
    ends = [*starts[1:], instrument.total.max]
    bands = []
    for index, (zone, start, end) in enumerate(zip(instrument.zones, starts, ends, strict=True)):
        top, bottom = y(end), y(start)
        short, label = zone.code if len(zone.code) <= 4 else str(index + 1), str(zone.label)
        bands.append(
            Band(
                code=zone.code,
                short=short,
                legend=label if short in label else f"{short}: {label}",
                label=label,
                y=top,
                height=round(bottom - top, 1),
                fill=ZONE_FILLS[index % len(ZONE_FILLS)],
                text_y=round((top + bottom) / 2 + 4, 1),
                labelled=bottom - top >= MIN_GAP,
            )
        )
    return tuple(bands)


def _y_ticks(values: list[int], y) -> tuple[Tick, ...]:
    """Ticks at the zone starts, leaving out any that would overlap the one below it."""
    ticks: list[Tick] = []
    for value in values:
        at = y(value)
        if ticks and ticks[-1].at - at < MIN_GAP:
            if value != values[-1]:
                continue
            ticks.pop()  # the highest total is always labelled
        ticks.append(Tick(at, str(value)))
    return tuple(ticks)


def _x_ticks(done, x) -> tuple[Tick, ...]:
    first, last = done[0].assessed_on, done[-1].assessed_on
    dates = [first] if first == last else [first, last]
    return tuple(Tick(x(on), on.isoformat()) for on in dates)


def _describe(instrument: Instrument, done) -> str:
    latest = done[-1]
    count = ngettext("%(count)s complete result", "%(count)s complete results", len(done)) % {
        "count": len(done)
    }
    span = (
        _("on %(date)s") % {"date": latest.assessed_on.isoformat()}
        if len(done) == 1
        else _("from %(first)s to %(last)s")
        % {"first": done[0].assessed_on.isoformat(), "last": latest.assessed_on.isoformat()}
    )
    last = _("latest total %(total)s of %(max)s, %(zone)s.") % {
        "total": latest.total,
        "max": instrument.total.max,
        "zone": latest.zone_text or "–",
    }
    return f"{count} {span}; {last}"
