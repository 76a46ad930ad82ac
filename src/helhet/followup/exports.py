"""The follow-up's export files: xlsx, CSV and the steering group's PDF, from suppressed reports.

An `Export` is what one file shows: one or more `UnitReport`s — one unit's report, the units of
a county comparison, or one unit's periods (a trend) — each made with `suppress=True`, since
every export leaves the unit, and the cover's facts (who made it, when, which period and
breakdown). The writers turn it into bytes; `tasks.run_export` computes the reports.

Every figure reads as on the pages (`tables.figure`): a suppressed count as "<5", a hidden
derived figure as "–", nothing to compute as "..". In xlsx a shown figure is a number (a share
a percent-formatted fraction, so that Excel computes with it); in CSV the number in the export's
language.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from helhet.core import pdf
from helhet.governance import targets

from . import charts, definitions, tables

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet
from .forms import BREAKDOWNS
from .report import Group, Measure, Row, UnitReport


@dataclass(frozen=True)
class Export:
    """What one export file shows. SCOPE: "unit" (one report, broken down), "county" (a report
    per unit) or "trend" (a report per period of one unit). TITLE names the unit or the unit
    type."""

    scope: str
    title: str
    period_label: str
    breakdown: str
    reports: list[UnitReport]
    made_at: datetime.datetime
    made_by: str
    # a unit's deviations between the authorities in the period (`governance.deviations`)
    deviations: list = field(default_factory=list)
    # a unit's survey results in the period (`surveys.results.unit_results`)
    surveys: list = field(default_factory=list)
    # the agreement's targets held against the reports' figures (`governance.targets.held`)
    targets: list = field(default_factory=list)

    def targets_of(self, report: UnitReport, row: Row) -> list:
        """The targets held against REPORT's figure of ROW (an indicator's own row)."""
        if row.key:
            return []
        return [
            h
            for h in self.targets
            if h.unit_id == report.unit_id
            and h.period == report.period
            and h.target.indicator == row.indicator
        ]

    @property
    def units(self) -> list[str]:
        return list(dict.fromkeys(report.unit_name for report in self.reports))

    @property
    def breakdown_label(self) -> str:
        return str(dict(BREAKDOWNS).get(self.breakdown, self.breakdown))

    def heading(self, report: UnitReport) -> str:
        """The heading over REPORT's columns: its period in a trend, else its unit."""
        return report.period.label if self.scope == "trend" else report.unit_name

    def columns(self) -> list[tuple[UnitReport, Group]]:
        """Every report's groups, report by report."""
        return [(report, group) for report in self.reports for group in report.groups]

    def rows_by_group(self) -> list[tuple[str, list[Row]]]:
        """(group title, its rows in every report, each once) per indicator group that has any,
        in `definitions.GROUPS` order."""
        rows = tables.union_of_rows(self.reports)  # the pages' order of the rows
        grouped = [
            (str(title), [r for r in rows if definitions.get(r.indicator).group == code])
            for code, title in definitions.GROUPS
        ]
        return [(title, group_rows) for title, group_rows in grouped if group_rows]


def _figure(report: UnitReport, row: Row, group: Group) -> tables.Figure:
    found = report.row(row.indicator, row.key)
    return tables.figure(found.cells.get(group.key) if found else None, row.measure)


def _indicator_name(row: Row) -> str:
    return str(definitions.get(row.indicator).name)


def measure_name(measure: str) -> str:
    return {
        Measure.COUNT: _("number"),
        Measure.PERCENT: _("percent"),
        Measure.DAYS: _("days"),
        Measure.SCORE: _("score"),
    }.get(measure, measure)


def suppression_note() -> str:
    return _("Figures suppressed below 5: counts of 1 to 4 show as <5.")


def cover_facts(export: Export) -> list[tuple[str, str]]:
    return [
        (_("Units"), ", ".join(export.units)),
        (_("Period"), export.period_label),
        (_("Breakdown"), export.breakdown_label),
        (_("Made at"), formats.date_format(export.made_at, "Y-m-d H:i")),
        (_("Made by"), export.made_by),
        (_("Suppression"), suppression_note()),
    ]


# --- xlsx ---------------------------------------------------------------------------------------

NUMBER_FORMATS = {
    Measure.COUNT: "#,##0",
    Measure.PERCENT: "0.0%",
    Measure.DAYS: "0.0",
    Measure.SCORE: "0.0",
}


def write_xlsx(export: Export) -> bytes:
    """A cover sheet; a sheet per indicator group (a line per indicator and sub-row; a column
    per group of the breakdown, under each report's heading); and the definitions with the
    suppression rules."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    bold = Font(bold=True)
    cover = cast("Worksheet", book.active)  # (a new workbook's only sheet)
    cover.title = _sheet_title(_("Cover"))
    cover.append([_("Follow-up"), export.title])
    for label, value in cover_facts(export):
        cover.append([label, value])
    _style(cover, bold, widths=(18, 80))
    for title, rows in export.rows_by_group():
        _figures_sheet(book.create_sheet(_sheet_title(title)), export, rows, bold)
    if export.targets:
        _targets_sheet(book.create_sheet(_sheet_title(_("Targets"))), export, bold)
    if export.deviations:
        _deviations_sheet(book.create_sheet(_sheet_title(_("Deviations"))), export, bold)
    if export.surveys:
        from helhet.surveys.exports import write_sheet

        surveys = book.create_sheet(_sheet_title(_("Surveys")))
        write_sheet(surveys, export.surveys)
        _style(surveys, bold, widths=(60, 12, 10, 10, 100))
    sheet = book.create_sheet(_sheet_title(_("Definitions")))
    sheet.append([_("Code"), _("Indicator"), _("Definition"), _("Goal images")])
    for indicator in definitions.INDICATORS:
        goals = ", ".join(str(goal.number) for goal in indicator.goal_images)
        sheet.append([indicator.code, str(indicator.name), str(indicator.definition), goals])
    sheet.append([])
    sheet.append(["", _("Common to all"), str(definitions.COMMON_TEXT)])
    sheet.append(["", _("Small-cell suppression"), str(definitions.SUPPRESSION_TEXT)])
    sheet.append([])
    sheet.append(["", _("Goal images"), _("Goal images (målbilder, SOU 2021:93)")])
    for goal in definitions.GOAL_IMAGES:
        sheet.append([goal.number, str(goal.text), str(goal.how)])
    _style(sheet, bold, widths=(24, 40, 100, 14))
    for row in sheet.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _deviations_sheet(sheet, export: Export, bold) -> None:
    """The unit's deviations between the authorities per addressed party and category, as the
    unit's follow-up page shows them."""
    sheet.append(
        [_("Addressed to"), _("Category"), _("Reported"), _("Answered on time")]
        + [_("Open"), _("Overdue")]
    )
    for row in export.deviations:
        sheet.append([row.party, row.category, row.reported, row.on_time, row.open, row.overdue])
    _style(sheet, bold, widths=(30, 36, 12, 18, 10, 12))


def _targets_sheet(sheet, export: Export, bold) -> None:
    """The agreement's targets against the figures, with their status in words."""
    sheet.append(
        [_("Unit"), _("Period"), _("Indicator"), _("Target value"), _("Actual"), _("Status")]
    )
    for h in export.targets:
        sheet.append(
            [
                h.unit_name,
                h.period.label,
                str(h.indicator.name),
                h.target_text,
                h.actual.text,
                h.status_label,
            ]
        )
    _style(sheet, bold, widths=(30, 14, 44, 14, 12, 14))


def _sheet_title(name: str) -> str:
    # Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\
    return "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]


def _style(sheet, bold, *, widths: tuple[int, ...], header_rows: int = 1) -> None:
    for row in sheet.iter_rows(max_row=header_rows):
        for c in row:
            c.font = bold
    for letter, width in zip("ABCDEFGH", widths, strict=False):
        sheet.column_dimensions[letter].width = width


def _figures_sheet(sheet, export: Export, rows: list[Row], bold) -> None:
    columns = export.columns()
    sheet.append(["", ""] + [export.heading(report) for report, _group in columns])
    first = 3  # column C: each report's heading over its groups
    for report in export.reports:
        if len(report.groups) > 1:
            last = first + len(report.groups) - 1
            sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
        first += len(report.groups)
    sheet.append([_("Indicator"), _("Sub-row")] + [group.label for _report, group in columns])
    for row in rows:
        figures = [_figure(report, row, group) for report, group in columns]
        sheet.append([_indicator_name(row), row.label, *(_xlsx_value(f, row) for f in figures)])
        for c in sheet[sheet.max_row][2:]:
            if isinstance(c.value, int | float):
                c.number_format = NUMBER_FORMATS.get(row.measure, "General")
    _style(sheet, bold, widths=(44, 28), header_rows=2)
    sheet.freeze_panes = "C3"


def _xlsx_value(f: tables.Figure, row: Row) -> int | float | str:
    if f.value is None:  # (not shown: its state is not VALUE)
        return f.text
    if row.measure == Measure.PERCENT:
        return f.value / 100
    return int(f.value) if row.measure == Measure.COUNT else f.value


# --- CSV ----------------------------------------------------------------------------------------


def write_csv(export: Export) -> bytes:
    """One long table, a line per figure — unit, period, indicator code, indicator, sub-row,
    group, value, measure — under a header line.

    Made for Excel on Swedish Windows, which opens a CSV by the system's regional settings:
    UTF-8 with a byte-order mark (without it Excel reads Windows-1252), and where the export's
    language writes decimals with a comma (Swedish, "12,5") the fields are separated by ";",
    Excel's list separator there; else by "," with a decimal point. The numbers are written by
    Django's number format of that language, without thousands separators; "<5", "–" and ".."
    as on the pages."""
    decimal_comma = formats.get_format("DECIMAL_SEPARATOR") == ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    header = [
        _("Unit"),
        _("Period"),
        _("Indicator code"),
        _("Indicator"),
        _("Sub-row"),
        _("Group"),
        _("Value"),
        pgettext("what a figure counts", "Measure"),
        _("Target value"),
        _("Status"),
    ]
    writer.writerow(header)
    rows = [row for _title, group_rows in export.rows_by_group() for row in group_rows]
    for report in export.reports:
        for row in rows:
            for group in report.groups:
                writer.writerow(
                    [
                        report.unit_name,
                        report.period.label,
                        row.indicator,
                        _indicator_name(row),
                        row.label,
                        group.label,
                        _csv_value(_figure(report, row, group), row.measure),
                        measure_name(row.measure),
                        *_csv_target(export, report, row, group),
                    ]
                )
    return out.getvalue().encode("utf-8-sig")


def _csv_target(export: Export, report: UnitReport, row: Row, group: Group) -> list[str]:
    """The target and its status on the line of an indicator's total, else empty."""
    held = export.targets_of(report, row) if group.key == "total" else []
    return [
        "; ".join(h.target_text for h in held),
        "; ".join(h.status_label for h in held),
    ]


def _csv_value(f: tables.Figure, measure: str) -> str:
    if f.value is None:  # (not shown: its state is not VALUE)
        return f.text
    if measure == Measure.COUNT:
        return str(int(f.value))
    return formats.number_format(round(f.value, 1), 1, use_l10n=True)


# --- PDF ----------------------------------------------------------------------------------------


PORTRAIT_COLUMNS = 5


def write_pdf(export: Export) -> bytes:
    """The steering group's report (followup/report_pdf.html): the title, units, period and
    breakdown; per indicator group a chart and its table; the definitions and the suppression
    rules; A4 (landscape for many columns) with page numbers. PdfUnavailable when WeasyPrint
    cannot be loaded here."""
    html = render_to_string(
        "followup/report_pdf.html",
        {
            "export": export,
            # more columns than a portrait page has room for: landscape
            "landscape": len(export.columns()) > PORTRAIT_COLUMNS,
            "facts": cover_facts(export),
            "sections": _pdf_sections(export),
            "definitions": definitions.INDICATORS,
            "goal_images": definitions.GOAL_IMAGES,
            "common_text": definitions.COMMON_TEXT,
            "suppression_text": definitions.SUPPRESSION_TEXT,
        },
    )
    # No request in a background task: the address only anchors the static files' URLs.
    return pdf.html_to_pdf(html, base_url="http://helhet.invalid/")


def _pdf_sections(export: Export) -> list[tuple[tables.Table, charts.Chart | None]]:
    """(table, chart) per indicator group, as the pages draw them."""
    if export.scope == "unit":
        report = export.reports[0]
        return [
            (table, charts.group_chart(report, table.group, prefix="pdf"))
            for table in tables.unit_tables(report)
        ]
    return [
        (table, _pdf_chart(export, table.indicators[0].code) if table.indicators else None)
        for table in tables.side_by_side_tables(export.reports, export.heading)
    ]


def _pdf_chart(export: Export, indicator: str) -> charts.Chart | None:
    """The chart of INDICATOR across the reports: a trend's line with its targets marked, or
    the units' bars."""
    if export.scope != "trend":
        return charts.comparison_chart(export.reports, indicator, prefix="pdf")
    marks = targets.marks(export.targets, export.reports, indicator)
    return charts.trend_chart(export.reports, indicator, prefix="pdf", targets=marks)
