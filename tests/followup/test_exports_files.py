"""The export files, read back: xlsx (openpyxl), CSV (csv module), PDF (pypdf), from reports made
by hand (the figures are chosen here; `test_exports.py` runs the whole export on real data)."""

import csv
import datetime
import io

import openpyxl
import pypdf
import pytest
from django.utils import timezone, translation

from helhet.core import pdf
from helhet.followup import definitions, exports
from helhet.followup.periods import Period
from helhet.followup.report import Cell, Group, Measure, Row, UnitReport

YEAR = Period.year(2025)
BY_SEX = [Group("total", "Total"), Group("sex:female", "Female"), Group("sex:male", "Male")]
SMALL = Cell(None, suppressed=True, small=True)  # a count of 1 to 4: "<5"
HIDDEN = Cell(None, suppressed=True)  # hidden so that no such count can be worked out: "–"


def a_report(name="Socialmedicin Norr", period=YEAR, groups=BY_SEX, breakdown="sex"):
    """12 enrolled (9 women, 3 men: suppressed), 40 contacts (36 visits, 4 by phone: suppressed,
    and the visits of men with them), a no-show rate of 12.5 %, a mean AUDIT change of -2.25
    and an open wait with nothing to compute."""
    C, P = Measure.COUNT, Measure.PERCENT

    def cells(*values):
        shown = zip(groups, values[: len(groups)], strict=True)
        return {g.key: v if isinstance(v, Cell) else Cell(v) for g, v in shown}

    rows = [
        Row("enrolled", "", "", C, cells(12, 9, SMALL)),
        Row("contacts", "", "", C, cells(40, 30, 10)),
        Row("contacts", "kind:visit", "Visit", C, cells(36, 30, HIDDEN)),
        Row("contacts", "kind:phone", "Phone", C, cells(SMALL, 0, SMALL)),
        Row("no_show_rate", "", "", P, cells(12.5, 10.0, HIDDEN)),
        Row("audit_mean_change", "", "", Measure.SCORE, cells(-2.25, -2.0, HIDDEN)),
        Row("decision_wait_median", "", "", Measure.DAYS, cells(None, None, None)),
    ]
    return UnitReport(1, name, "social_medicine", period, breakdown, list(groups), rows, True)


def an_export(reports=None, scope="unit", breakdown="sex"):
    return exports.Export(
        scope=scope,
        title="Socialmedicin Norr",
        period_label="2025",
        breakdown=breakdown,
        reports=reports or [a_report()],
        made_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30)),
        made_by="Stina Styrgrupp",
    )


# --- xlsx ---------------------------------------------------------------------------------------


def workbook(export):
    return openpyxl.load_workbook(io.BytesIO(exports.write_xlsx(export)))


def lines(sheet):
    """{(indicator name, sub-row): [figures]} of a figures sheet."""
    return {(r[0], r[1] or ""): list(r[2:]) for r in sheet.iter_rows(min_row=3, values_only=True)}


def test_the_workbook_has_a_cover_a_sheet_per_indicator_group_with_figures_and_definitions():
    book = workbook(an_export())
    assert book.sheetnames == [
        "Cover",
        "Enrolment",
        "Contacts",
        "AUDIT and DUDIT",
        "Wait times",
        "Definitions",
    ]
    cover = {r[0]: r[1] for r in book["Cover"].iter_rows(values_only=True)}
    assert cover["Follow-up"] == "Socialmedicin Norr"
    assert cover["Period"] == "2025" and cover["Breakdown"] == "By sex"
    assert cover["Made by"] == "Stina Styrgrupp" and cover["Made at"] == "2026-03-02 09:30"
    assert "counts of 1 to 4 show as <5" in cover["Suppression"]


def test_figures_are_numbers_shares_percent_and_hidden_ones_their_signs():
    sheet = workbook(an_export())["Contacts"]
    assert [c.value for c in sheet[1]] == [None, None, "Socialmedicin Norr", None, None]
    assert [r.coord for r in sheet.merged_cells.ranges] == ["C1:E1"]  # over its three groups
    assert [c.value for c in sheet[2]] == ["Indicator", "Sub-row", "Total", "Female", "Male"]
    rows = lines(sheet)
    assert rows[("Contacts attended", "")] == [40, 30, 10]
    assert rows[("Contacts attended", "Phone")] == ["<5", 0, "<5"]
    # hidden so that the men's phone calls cannot be worked out, not itself small
    assert rows[("Contacts attended", "Visit")] == [36, 30, "–"]
    assert rows[("No-show rate", "")] == [0.125, 0.1, "–"]
    rate = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == "No-show rate")
    assert rate[2].number_format == "0.0%"
    enrolment = lines(workbook(an_export())["Enrolment"])
    assert enrolment[("Persons enrolled", "")] == [12, 9, "<5"]
    waits = lines(workbook(an_export())["Wait times"])
    assert waits[("Days to decision, median", "")] == ["..", "..", ".."]


def test_the_definitions_sheet_has_every_indicator_and_the_suppression_rules():
    sheet = workbook(an_export())["Definitions"]
    rows = list(sheet.iter_rows(values_only=True))
    codes = [r[0] for r in rows[1:] if r[0]]
    assert codes[: len(definitions.INDICATORS)] == [i.code for i in definitions.INDICATORS]
    enrolled = next(r for r in rows if r[0] == "enrolled")
    assert enrolled[2] == str(definitions.get("enrolled").definition)
    assert enrolled[3] == "9"  # the goal images it speaks to
    assert next(r for r in rows if r[0] == "reactivated")[3] == "8, 9"
    texts = [r[2] for r in rows]
    assert str(definitions.COMMON_TEXT) in texts and str(definitions.SUPPRESSION_TEXT) in texts
    goals = rows[-len(definitions.GOAL_IMAGES) :]
    assert [(r[0], r[1], r[2]) for r in goals] == [
        (g.number, str(g.text), str(g.how)) for g in definitions.GOAL_IMAGES
    ]


def test_a_county_workbook_has_a_column_per_unit_under_its_name():
    total = [BY_SEX[0]]
    north, south = a_report(groups=total), a_report("Socialmedicin Söder", groups=total)
    sheet = workbook(an_export([north, south], scope="county", breakdown="total"))["Enrolment"]
    assert [c.value for c in sheet[1]][2:] == ["Socialmedicin Norr", "Socialmedicin Söder"]
    assert lines(sheet)[("Persons enrolled", "")] == [12, 12]


def test_a_trend_workbook_has_a_column_per_period():
    total = [BY_SEX[0]]
    reports = [a_report(period=p, groups=total) for p in YEAR.preceding(2)]
    sheet = workbook(an_export(reports, scope="trend", breakdown="total"))["Enrolment"]
    assert [c.value for c in sheet[1]][2:] == ["2024", "2025"]


def test_the_workbook_is_in_the_language_active_when_it_is_written():
    with translation.override("sv"):
        book = workbook(an_export())
        # (the sheets' Swedish names come with the catalogue; compare with its texts)
        assert book.sheetnames[0] == translation.gettext("Cover")
        assert book.sheetnames[-1] == translation.gettext("Definitions")
        assert book.worksheets[0]["A3"].value == translation.gettext("Period")


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(content: bytes, delimiter: str):
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_the_csv_is_one_long_table_with_a_header_line_per_figure():
    table = read_csv(exports.write_csv(an_export()), ",")
    assert table[0] == [
        "Unit",
        "Period",
        "Indicator code",
        "Indicator",
        "Sub-row",
        "Group",
        "Value",
        "Measure",
        "Target value",  # an agreement's target and its status, on an indicator's total
        "Status",
    ]
    by_key = {(r[2], r[4], r[5]): r for r in table[1:]}
    assert len(table) - 1 == 7 * 3  # seven rows, three groups
    assert by_key[("enrolled", "", "Total")] == [
        "Socialmedicin Norr",
        "2025",
        "enrolled",
        "Persons enrolled",
        "",
        "Total",
        "12",
        "number",
        "",
        "",
    ]
    assert by_key[("enrolled", "", "Male")][6] == "<5"
    assert by_key[("contacts", "Phone", "Female")][6] == "0"
    assert by_key[("no_show_rate", "", "Total")][6:8] == ["12.5", "percent"]
    assert by_key[("no_show_rate", "", "Male")][6] == "–"
    assert by_key[("audit_mean_change", "", "Total")][6] == "-2.2"  # one decimal, as shown


def test_the_csv_in_swedish_has_semicolons_and_decimal_commas():
    with translation.override("sv"):
        content = exports.write_csv(an_export())
        unit = translation.gettext("Unit")  # "Enhet" once the catalogue is compiled
    table = read_csv(content, ";")
    assert table[0][0] == unit and len(table[0]) == 10
    assert table[0][7] == "Mått"  # what a figure counts, not a SIP's measure ("Åtgärd")
    rate = next(r for r in table if r[2] == "no_show_rate" and r[5] == "Total")
    assert rate[6] == "12,5"


# --- PDF ----------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages), reader


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not installed here")
def test_the_pdf_has_title_facts_tables_charts_definitions_and_page_numbers():
    text, reader = pdf_text(exports.write_pdf(an_export()))
    assert reader.metadata.title == "Follow-up of Socialmedicin Norr, 2025"
    pages = len(reader.pages)
    assert pages > 1 and f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    definition = " ".join(str(definitions.get("enrolled").definition).split()[:6])
    for expected in (
        "Stina Styrgrupp",
        "Persons enrolled",
        "Contacts attended",
        "12.5 %",
        "<5",
        definition,
        "Small-cell suppression",
    ):
        assert expected in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not installed here")
def test_the_pdf_draws_the_pages_charts():
    html_seen = []
    original = pdf.html_to_pdf

    def spy(html, **kwargs):
        html_seen.append(html)
        return original(html, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "html_to_pdf", spy)
        exports.write_pdf(an_export())
    assert html_seen[0].count("<svg viewBox=") >= 2 and 'role="img"' in html_seen[0]


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not installed here")
def test_a_pdf_with_many_columns_is_landscape():
    total = [BY_SEX[0]]
    units = [a_report(f"Enhet {n}", groups=total) for n in range(exports.PORTRAIT_COLUMNS + 1)]
    _text, reader = pdf_text(exports.write_pdf(an_export(units, "county", "total")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (297, 210)
