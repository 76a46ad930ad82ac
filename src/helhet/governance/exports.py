"""The yearly cost statement as xlsx (openpyxl, as the follow-up's exports): the costs, then per
party its own costs, its share of the shared costs and its total. Use counts as on the page
(rounded up to a multiple of five: `costs.rounded_use`), and who set the key."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.followup import tables
from helhet.followup.report import Measure

from .costs import Statement


def basis_text(line) -> str:
    return "" if line.basis is None else tables.figure(line.basis, Measure.COUNT).text


def statement_xlsx(statement: Statement) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Statement")[:31]
    sheet.append([f"{statement.agreement.name}, {statement.year}"])
    sheet["A1"].font = bold
    key = statement.key.get_method_display() if statement.key else _("No key")
    sheet.append([_("Key"), str(key)])
    if statement.key is not None and statement.key.set_by_party is not None:
        when = timezone.localtime(statement.key.set_at) if statement.key.set_at else None
        sheet.append(
            [
                _("Set by"),
                statement.key.set_by_party.name,
                str(statement.key.set_by or ""),
                when.strftime("%Y-%m-%d %H:%M") if when else "",
            ]
        )
    if statement.proposal is not None:
        waiting = [party.name for party, approval in statement.approvals if approval is None]
        proposed = str(statement.proposal.get_method_display())
        sheet.append([_("Proposed key, waiting for approval"), proposed, ", ".join(waiting)])
    sheet.append([])
    header = [_("Party"), _("Own costs"), _("Share (%)"), _("Basis"), _("Shared costs"), _("Total")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for line in statement.lines:
        sheet.append(
            [
                line.organisation.name,
                line.own,
                float(line.percent),
                basis_text(line),
                line.shared,
                line.total,
            ]
        )
    sheet.append([])
    sheet.append([_("Year"), _("Kind"), _("Borne by"), _("Description"), _("Amount (SEK)")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for cost in statement.costs:
        bearer = cost.party.name if cost.party else _("Shared")
        sheet.append([cost.year, cost.get_kind_display(), bearer, cost.description, cost.amount])
    for note in statement.notes:
        sheet.append([note])
    for column, width in zip("ABCDEF", (40, 16, 12, 12, 16, 16), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
