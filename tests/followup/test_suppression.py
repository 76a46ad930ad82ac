"""Small-cell suppression: primary at 1-4, derived figures, secondary suppression."""

import datetime

from helhet.followup.indicators import county_comparison, unit_report
from helhet.followup.periods import Period
from helhet.followup.report import Cell, Group, Measure, Row, UnitReport
from helhet.followup.suppression import SMALL, suppress
from helhet.followup.tables import figure

D = datetime.date
YEAR = Period.year(2025)
SMALL_COUNT = Cell(None, suppressed=True, small=True)  # reads "<5"
HIDDEN_COUNT = Cell(None, suppressed=True)  # hidden so that none can be worked out: "–"


def cells(**values):
    return {group: Cell(value) for group, value in values.items()}


def report(rows, groups=("total",)):
    return UnitReport(
        unit_id=1,
        unit_name="Enhet",
        unit_type="social_medicine",
        period=YEAR,
        breakdown="total" if len(groups) == 1 else "sex",
        groups=[Group(key, key) for key in groups],
        rows=rows,
    )


def shown(result, indicator, key="", group="total"):
    cell = result.row(indicator, key).cells[group]
    return None if cell.suppressed else cell.value


def test_counts_of_4_are_hidden_and_5_and_0_shown():
    original = report(
        [
            Row("enrolled", "", "", Measure.COUNT, cells(total=4)),
            Row("new_enrolments", "", "", Measure.COUNT, cells(total=5)),
            Row("enrolled_at_end", "", "", Measure.COUNT, cells(total=0)),
            Row("reactivated", "", "", Measure.COUNT, cells(total=1)),
        ]
    )
    result = suppress(original)
    assert SMALL == 5
    assert result.suppressed and not original.suppressed
    assert result.row("enrolled").cells["total"] == SMALL_COUNT  # no value kept
    assert shown(result, "new_enrolments") == 5
    assert shown(result, "enrolled_at_end") == 0
    assert shown(result, "reactivated") is None
    # the original is untouched
    assert original.row("enrolled").cells["total"] == Cell(4)


def test_a_share_is_hidden_when_its_numerator_or_denominator_is_small():
    def with_counts(persons, enrolled):
        return suppress(
            report(
                [
                    Row("enrolled", "", "", Measure.COUNT, cells(total=enrolled)),
                    Row("sip_persons", "", "", Measure.COUNT, cells(total=persons)),
                    Row(
                        "sip_share", "", "", Measure.PERCENT, cells(total=100 * persons / enrolled)
                    ),
                ]
            )
        )

    assert shown(with_counts(3, 10), "sip_share") is None  # numerator 3
    assert shown(with_counts(10, 10), "sip_share") == 100.0
    assert shown(with_counts(5, 10), "sip_share") == 50.0
    assert shown(with_counts(0, 10), "sip_share") == 0.0  # 0 is no one


def test_secondary_suppression_across_the_groups_of_a_breakdown():
    groups = ("total", "sex:female", "sex:male", "sex:unknown")
    result = suppress(
        report(
            [
                # 12 = 3 + 9 + 0: the 3 is hidden, and so must be one other figure, or 12 - 9
                # gives it back: the smallest other non-zero one, 9 (0 reveals nothing)
                Row(
                    "enrolled",
                    "",
                    "",
                    Measure.COUNT,
                    cells(**{"total": 12, "sex:female": 3, "sex:male": 9, "sex:unknown": 0}),
                ),
                # 20 = 10 + 10 + 0: nothing small, nothing hidden
                Row(
                    "new_enrolments",
                    "",
                    "",
                    Measure.COUNT,
                    cells(**{"total": 20, "sex:female": 10, "sex:male": 10, "sex:unknown": 0}),
                ),
            ],
            groups,
        )
    )
    assert shown(result, "enrolled", group="sex:female") is None
    assert shown(result, "enrolled", group="sex:male") is None
    assert shown(result, "enrolled", group="sex:unknown") == 0
    assert shown(result, "enrolled") == 12
    assert [shown(result, "new_enrolments", group=g) for g in groups] == [20, 10, 10, 0]


def test_secondary_suppression_of_sub_rows_and_their_total():
    result = suppress(
        report(
            [
                # 30 = 2 (visit) + 28 (phone) + 0: the 2 hidden, then the 28 (else 30 - 28)
                Row("contacts", "", "", Measure.COUNT, cells(total=30)),
                Row("contacts", "kind:visit", "Visit", Measure.COUNT, cells(total=2)),
                Row("contacts", "kind:phone", "Phone", Measure.COUNT, cells(total=28)),
                Row("contacts", "kind:video", "Video", Measure.COUNT, cells(total=0)),
            ]
        )
    )
    assert shown(result, "contacts", "kind:visit") is None
    assert shown(result, "contacts", "kind:phone") is None
    assert shown(result, "contacts", "kind:video") == 0
    assert shown(result, "contacts") == 30


def test_two_hidden_parts_need_nothing_more_hidden():
    # 7 = 3 + 4: both parts small and hidden; 7 - 3 or 7 - 4 needs the other hidden one
    result = suppress(
        report(
            [
                Row("closed", "", "", Measure.COUNT, cells(total=7)),
                Row("closed", "reason:a", "A", Measure.COUNT, cells(total=3)),
                Row("closed", "reason:b", "B", Measure.COUNT, cells(total=4)),
            ]
        )
    )
    assert shown(result, "closed") == 7  # two hidden parts: 7 does not give either back
    assert shown(result, "closed", "reason:a") is None
    assert shown(result, "closed", "reason:b") is None


def test_secondary_suppression_spreads_to_a_derived_figure():
    groups = ("total", "sex:female", "sex:male", "sex:unknown")
    result = suppress(
        report(
            [
                Row(
                    "sip_persons",
                    "",
                    "",
                    Measure.COUNT,
                    cells(**{"total": 10, "sex:female": 2, "sex:male": 8, "sex:unknown": 0}),
                ),
                Row(
                    "enrolled",
                    "",
                    "",
                    Measure.COUNT,
                    cells(**{"total": 40, "sex:female": 20, "sex:male": 20, "sex:unknown": 0}),
                ),
                Row(
                    "sip_share",
                    "",
                    "",
                    Measure.PERCENT,
                    cells(
                        **{"total": 25.0, "sex:female": 10.0, "sex:male": 40.0, "sex:unknown": None}
                    ),
                ),
            ],
            groups,
        )
    )
    # 2 hidden, 8 hidden by secondary suppression: both their shares hidden (40 % of 20 = 8)
    assert shown(result, "sip_share", group="sex:female") is None
    assert shown(result, "sip_share", group="sex:male") is None
    assert shown(result, "sip_share") == 25.0


def test_reports_suppress_by_default_and_the_county_comparison_too(world):
    w = world
    for _ in range(4):
        w.episode(opened_on=D(2025, 3, 1))
    for _ in range(5):
        w.episode(unit=w.mini, opened_on=D(2025, 3, 1), p=w.person(birth_date=D(2009, 1, 1)))
    clinic = unit_report(w.clinic, YEAR)
    assert clinic.suppressed
    assert clinic.row("enrolled").cells["total"] == SMALL_COUNT
    assert unit_report(w.clinic, YEAR, suppress=False).row("enrolled").cells["total"] == Cell(4)
    reports = county_comparison([w.clinic, w.mini], YEAR)
    assert [r.row("enrolled").cells["total"] for r in reports] == [SMALL_COUNT, Cell(5)]


def test_a_real_breakdown_is_suppressed_end_to_end(world):
    w = world
    for sex, count in [("female", 3), ("male", 9)]:
        for _ in range(count):
            w.episode(w.person(sex=sex), opened_on=D(2025, 3, 1))
    result = unit_report(w.clinic, YEAR, breakdown="sex")
    cells = result.row("enrolled").cells
    # 12 = 3 + 9 + 0: the 3 women hidden, the 9 men hidden too (or 12 - 9 = 3), 0 shown
    assert cells["total"] == Cell(12)
    assert cells["sex:female"] == SMALL_COUNT
    assert cells["sex:male"] == HIDDEN_COUNT  # not small: it reads "–", not "<5"
    assert [figure(cells[g], Measure.COUNT).text for g in ("sex:female", "sex:male")] == [
        "<5",
        "–",
    ]
    assert cells["sex:unknown"] == Cell(0)
    exact = unit_report(w.clinic, YEAR, breakdown="sex", suppress=False).row("enrolled").cells
    assert (exact["sex:female"], exact["sex:male"]) == (Cell(3), Cell(9))
