"""The exports by municipality: a unit's report broken down, the county comparison and the trend of
one municipality's residents, in xlsx, CSV and PDF, suppressed as every export.

`exports_county`'s clinic in 2025 has 7 persons enrolled; here all of them live in Testby (the
clinic's served municipality), or 5 of them and 2 have no municipality registered: "<5" in every
export, and Testby's 5 hidden too ("–"), since 7 − 5 would give the 2 away.
"""

import io

import openpyxl
import pypdf
import pytest

from helhet.core import pdf
from helhet.core.models import Unit
from helhet.followup import municipalities
from helhet.followup.models import ExportJob
from helhet.people.models import Person

from .test_exports import (  # noqa: F401 (exports_county: a fixture)
    csv_figures,
    download,
    exports_county,
    start,
    the_job,
    unit_export,
    xlsx_lines,
)


def live_in_testby(c, n: int) -> None:
    """N of the clinic's 7 persons of 2025 live in Testby, the others nowhere registered."""
    in_2025 = Person.objects.filter(episodes__unit=c.clinic, episodes__opened_on__year=2025)
    enrolled = [p.pk for p in in_2025.order_by("pk")]
    Person.objects.filter(pk__in=enrolled[:n]).update(municipality=c.home)
    Person.objects.filter(pk__in=enrolled[n:]).update(municipality=None)


@pytest.fixture
def residents(exports_county):  # noqa: F811 (the fixture above)
    c = exports_county
    c.clinic.municipalities.add(c.home)
    live_in_testby(c, 7)
    c.home_key = municipalities.key_of(c.home.pk)
    return c


def test_a_units_xlsx_by_municipality_has_a_column_per_municipality(client, residents):
    c = residents
    live_in_testby(c, 5)
    start(client, c.steering, unit_export(c, breakdown="municipality"))
    content = download(client, the_job(c.steering)).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert [cell.value for cell in book["Enrolment"][2]][2:] == [
        "Total",
        "Testby",
        "Unknown municipality",
    ]
    assert xlsx_lines(content, "Enrolment")["Persons enrolled"] == [7, "–", "<5"]
    cover = {row[0]: row[1] for row in book["Cover"].iter_rows(values_only=True)}
    assert cover["Breakdown"] == "By municipality"


def test_a_units_csv_by_municipality_has_each_groups_figures(client, residents):
    c = residents
    start(client, c.steering, unit_export(c, "csv", breakdown="municipality"))
    figures = csv_figures(download(client, the_job(c.steering)).content)
    assert figures[("enrolled", "", "Total")] == "7"
    assert figures[("enrolled", "", "Testby")] == "7"
    assert figures[("enrolled", "", "Unknown municipality")] == "0"


def test_a_county_export_of_one_municipalitys_residents(client, residents):
    c = residents
    data = {
        "scope": "county",
        "unit_type": Unit.Type.SOCIAL_MEDICINE,
        "kind": "year",
        "year": "2025",
        "group": c.home_key,
        "format": "xlsx",
    }
    start(client, c.other_steering, data)
    job = the_job(c.other_steering)
    assert job.filename == "helhet-social_medicine-testby-2025.xlsx"
    content = download(client, job).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book["Cover"]["B1"].value == "Social-medicine clinic, Testby"
    assert xlsx_lines(content, "Enrolment")["Persons enrolled"] == [7]
    live_in_testby(c, 5)  # the column of the suppressed report: Testby's 5 would give 2 away
    start(client, c.other_steering, data)
    again = ExportJob.objects.filter(owner=c.other_steering).latest("pk")
    assert xlsx_lines(download(client, again).content, "Enrolment")["Persons enrolled"] == ["–"]


def test_a_trend_export_of_one_municipality(client, residents):
    c = residents
    start(client, c.steering, unit_export(c, scope="trend", count="2", group=c.home_key))
    job = the_job(c.steering)
    content = download(client, job).content
    assert openpyxl.load_workbook(io.BytesIO(content))["Cover"]["B1"].value == (
        f"{c.clinic.name}, Testby"
    )
    assert xlsx_lines(content, "Enrolment")["Persons enrolled"] == [0, 7]


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not installed here")
def test_the_pdf_by_municipality_shows_the_groups_suppressed(client, residents):
    c = residents
    live_in_testby(c, 5)
    start(client, c.steering, unit_export(c, "pdf", breakdown="municipality"))
    reader = pypdf.PdfReader(io.BytesIO(download(client, the_job(c.steering)).content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "By municipality" in text and "Unknown municipality" in text
    assert "Persons enrolled 7 – <5" in text
