"""The follow-up charts: valid SVG with an accessible name, bars and points that scale with the
figures, suppressed figures drawn as text only."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from helhet.followup import charts
from helhet.followup.periods import Period
from helhet.followup.report import Cell, Group, Measure, Row, UnitReport

SVG = "{http://www.w3.org/2000/svg}"
TOTAL = [Group("total", "Total")]
BY_SEX = [*TOTAL, Group("sex:female", "Female"), Group("sex:male", "Male")]


def row(indicator, key="", measure=Measure.COUNT, **cells):
    return Row(indicator, key, key.split(":")[-1] if key else "", measure, dict(cells))


YEAR = Period.year(2025)
HIDDEN = Cell(None, suppressed=True, small=True)  # a count of 1 to 4


def report(rows, groups=TOTAL, period=YEAR, breakdown="total"):
    return UnitReport(1, "Socialmedicin Testby", "social_medicine", period, breakdown, groups, rows)


def contacts_by_kind(visit=10, phone=5, video=HIDDEN):
    total = Cell(19)
    return report(
        [
            row("contacts", total=total),
            row("contacts", "kind:visit", total=Cell(visit)),
            row("contacts", "kind:phone", total=Cell(phone)),
            row("contacts", "kind:video", total=video),
        ]
    )


def svg_of(chart) -> ET.Element:
    html = render_to_string("followup/includes/chart.html", {"chart": chart})
    start, end = html.index("<svg"), html.index("</svg>") + len("</svg>")
    return ET.fromstring(html[start:end])  # raises on SVG that is not well-formed XML


def test_a_bar_chart_is_valid_svg_named_by_its_title_and_description():
    chart = charts.distribution_chart(contacts_by_kind(), "contacts")
    svg = svg_of(chart)
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    ids = svg.get("aria-labelledby").split()
    named = {el.get("id"): el.text for el in svg.iter() if el.get("id")}
    assert ids == [f"{chart.id}-title", f"{chart.id}-desc"] and set(ids) <= set(named)
    assert named[ids[0]] == "Contacts attended, Socialmedicin Testby, 2025"
    # the description reads out every bar, the suppressed one as the table shows it
    assert named[ids[1]] == "visit: 10; phone: 5; video: <5."


def test_bars_scale_with_their_figures_and_a_suppressed_one_draws_no_bar():
    chart = charts.distribution_chart(contacts_by_kind(visit=10, phone=5), "contacts")
    visit, phone, video = chart.bars
    assert visit.width == pytest.approx(2 * phone.width, abs=0.2)
    assert visit.x == phone.x == chart.zero
    # the axis ends at a round number at or above the largest figure
    assert chart.ticks[-1].label == "10" and visit.x + visit.width <= chart.right
    assert (video.width, video.text) == (0, "<5")
    rects = [el for el in svg_of(chart).iter(f"{SVG}rect")]
    assert len(rects) == 2


def test_a_bigger_figure_draws_a_longer_bar():
    small = charts.distribution_chart(contacts_by_kind(visit=10, phone=5), "contacts")
    big = charts.distribution_chart(contacts_by_kind(visit=10, phone=9), "contacts")
    assert big.bars[1].width > small.bars[1].width


def test_shares_run_to_a_hundred_percent():
    items = [("A", charts.figure(Cell(50.0), Measure.PERCENT))]
    chart = charts.bar_chart("chart-share", "Share", items, Measure.PERCENT)
    assert chart.ticks[-1].label == "100.0 %"
    assert chart.bars[0].width == pytest.approx((chart.right - chart.left) / 2, abs=0.2)


def test_a_negative_mean_change_extends_the_axis_left_of_zero():
    items = [
        ("AUDIT", charts.figure(Cell(-3.0), Measure.SCORE)),
        ("DUDIT", charts.figure(Cell(2.0), Measure.SCORE)),
    ]
    chart = charts.bar_chart("chart-change", "Mean change", items, Measure.SCORE)
    audit, dudit = chart.bars
    assert chart.left < chart.zero < chart.right
    assert audit.x + audit.width == pytest.approx(chart.zero, abs=0.2)  # drawn leftwards
    assert dudit.x == chart.zero and audit.width > dudit.width
    assert audit.text == "−3.0"


def test_the_breakdown_chart_has_a_bar_per_group_without_the_total():
    r = report(
        [row("enrolled", total=Cell(12), **{"sex:female": Cell(7), "sex:male": Cell(5)})],
        groups=BY_SEX,
        breakdown="sex",
    )
    chart = charts.group_chart(r, "enrolment")
    assert [b.label for b in chart.bars] == ["Female", "Male"]
    assert chart.title == "Persons enrolled by sex, Socialmedicin Testby, 2025"
    assert chart.bars[0].width > chart.bars[1].width


def test_the_group_chart_of_a_total_report_shows_the_sub_rows():
    chart = charts.group_chart(contacts_by_kind(), "contacts")
    assert [b.label for b in chart.bars] == ["visit", "phone", "video"]


def trend_reports(values):
    periods = Period.year(2025).preceding(len(values))
    return [
        report([row("enrolled", total=value)], period=p)
        for p, value in zip(periods, values, strict=True)
    ]


def test_a_trend_is_a_line_broken_where_a_figure_is_suppressed():
    hidden = Cell(None, suppressed=True, small=True)
    chart = charts.trend_chart(
        trend_reports([Cell(10), Cell(20), hidden, Cell(5), Cell(15)]), "enrolled"
    )
    svg = svg_of(chart)
    assert len(chart.points) == 4 and len(svg.findall(f".//{SVG}circle")) == 4
    assert len(chart.lines) == 2  # 2021–2022 and 2024–2025, not bridged over 2023
    by_label = {p.label: p for p in chart.points}
    # higher figures higher up: 20 (2022), 15 (2025), 10 (2021), 5 (2024)
    assert by_label["2022"].y < by_label["2025"].y < by_label["2021"].y < by_label["2024"].y
    assert chart.x_ticks[-1].label == "2025"
    title = svg.find(f"{SVG}title").text
    assert title == "Persons enrolled, Socialmedicin Testby, 2021 to 2025"
    assert "1 of 5 periods hidden or without data" in chart.description


def test_chart_ids_are_unique_per_prefix_and_indicator():
    r = contacts_by_kind()
    a = charts.distribution_chart(r, "contacts", prefix="unit")
    b = charts.distribution_chart(r, "contacts", prefix="pdf")
    assert a.id != b.id and a.id.startswith("chart-")


def test_nothing_to_draw_gives_no_chart():
    assert charts.distribution_chart(report([row("enrolled", total=Cell(3))]), "enrolled") is None
    assert charts.trend_chart([], "enrolled") is None


def test_a_chart_in_swedish_has_decimal_commas_in_its_text_and_points_in_its_coordinates():
    with translation.override("sv"):
        items = [("A", charts.figure(Cell(12.5), Measure.PERCENT))]
        chart = charts.bar_chart("chart-sv", "Andel", items, Measure.PERCENT)
        svg = svg_of(chart)
    rect = svg.find(f".//{SVG}rect")
    float(rect.get("width"))  # a decimal point, not a comma
    assert chart.bars[0].text == "12,5 %"
