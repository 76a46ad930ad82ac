"""Follow-up exports in a real browser: a steering-group member exports the clinic's last year
as xlsx and as PDF from the unit's follow-up page, sees the export done, downloads each file and
finds the figures in it; the status page is checked with axe, done and while running.

The export runs in the POST (the tests' immediate task backend): the status page is reached
with the job finished; `make demo` runs a worker instead, and the page polls until it is done.
"""

import io
from pathlib import Path

import openpyxl
import pypdf
import pytest
from playwright.sync_api import expect

from helhet.core import pdf
from helhet.followup.models import ExportJob

from .test_followup import enrol_last_year, steering_member

ENROLLED = 6


@pytest.fixture
def steering(site):
    """A member of the clinic's steering group; ENROLLED persons enrolled there last year."""
    site.year = enrol_last_year(site, ENROLLED)
    return steering_member(site)


def export(ui, site, format_label: str):
    """From the clinic's follow-up page for last year: export in FORMAT_LABEL; the status page."""
    page = ui.goto(f"/followup/units/{site.clinic.pk}/?kind=year&year={site.year}")
    page.get_by_label(format_label).check()
    page.get_by_role("button", name="Export", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Export:")
    expect(page.get_by_role("status").filter(has_text="the file is ready")).to_be_visible()
    return page


def download(page) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name="Download").click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_a_steering_member_exports_xlsx_and_pdf_from_the_unit_page(site, ui, steering):
    ui.log_in(steering)
    ui.goto(f"/followup/units/{site.clinic.pk}/?kind=year&year={site.year}")
    ui.check("unit-page-with-the-export-form")
    page = export(ui, site, "Excel (xlsx)")
    ui.check("export-done")
    name, content = download(page)
    assert name == f"helhet-{site.clinic.slug}-{site.year}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Enrolment"]
    enrolled = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Persons enrolled")
    assert enrolled[2] == ENROLLED

    if not pdf.available():
        pytest.skip("WeasyPrint is not installed here")
    page = export(ui, site, "PDF for the steering group")
    name, content = download(page)
    assert name == f"helhet-{site.clinic.slug}-{site.year}.pdf"
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert f"Persons enrolled {ENROLLED}" in text and site.clinic.name in text

    page.get_by_role("link", name="My exports").click()
    expect(page.get_by_role("table")).to_contain_text(".xlsx")
    ui.check("exports-list")


def test_the_status_page_of_a_running_export_shows_its_progress(site, ui, steering):
    job = ExportJob.objects.create(
        owner=steering,
        format="xlsx",
        state=ExportJob.State.RUNNING,
        progress=35,
        params={"label": f"{site.clinic.name}, {site.year}"},
    )
    ui.log_in(steering)
    page = ui.goto(f"/followup/exports/{job.pk}/")
    expect(page.get_by_role("progressbar", name="Progress of the export")).to_have_attribute(
        "value", "35"
    )
    ui.check("export-running")
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, progress=100, content=b"x", filename="f.xlsx"
    )
    # the page follows the job by itself (htmx polling), and stops when it is done
    expect(page.get_by_role("link", name="Download f.xlsx")).to_be_visible()
