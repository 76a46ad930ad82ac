"""The chart's geometry: points for complete results only, bands per zone, readable axis."""

import datetime
from types import SimpleNamespace

from helhet.assessments.chart import BOTTOM, HEIGHT, LEFT, MIN_GAP, RIGHT, TOP, WIDTH, chart_for

from .utils import AUDIT, DUDIT


def result(day, total, *, sex="female", age=40, cutoff=6):
    return SimpleNamespace(
        assessed_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
        total=total,
        zone_text="zone",
        sex=sex,
        age=age,
        cutoff_value=cutoff,
    )


def test_there_is_no_chart_without_a_complete_result():
    assert chart_for(AUDIT, []) is None
    assert chart_for(AUDIT, [result(0, None)]) is None


def test_points_are_placed_by_date_and_total_and_incomplete_results_are_left_out():
    chart = chart_for(AUDIT, [result(0, 0), result(5, None), result(10, 40)])
    first, last = chart.points
    assert first.x < last.x and first.y == HEIGHT - BOTTOM and last.y == TOP
    assert LEFT < first.x and last.x < WIDTH - RIGHT
    assert chart.line == f"{first.x},{first.y} {last.x},{last.y}"
    assert "2 complete results from 2026-01-01 to 2026-01-11" in chart.description


def test_a_single_result_sits_in_the_middle():
    [point] = chart_for(AUDIT, [result(3, 12)]).points
    assert point.x == round((LEFT + WIDTH - RIGHT) / 2, 1)


def test_audit_bands_are_the_who_zones_and_fill_the_plot():
    chart = chart_for(AUDIT, [result(0, 12)])
    assert [b.short for b in chart.bands] == ["I", "II", "III", "IV"]
    assert round(sum(b.height for b in chart.bands)) == HEIGHT - TOP - BOTTOM
    assert [t.label for t in chart.y_ticks] == ["0", "8", "16", "20", "40"]


def test_dudit_bands_follow_the_latest_results_sex_and_the_axis_labels_do_not_overlap():
    chart = chart_for(DUDIT, [result(0, 12, sex="female", cutoff=2)])
    assert [b.legend for b in chart.bands][1] == "2: Drug-related problems likely"
    assert not chart.bands[0].labelled  # 0–1: too thin for its name; the caption has it
    gaps = [a.at - b.at for a, b in zip(chart.y_ticks, chart.y_ticks[1:], strict=False)]
    assert all(gap >= MIN_GAP for gap in gaps)
    assert chart.y_ticks[-1].label == "44"
