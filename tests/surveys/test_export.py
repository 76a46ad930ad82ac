"""The follow-up's xlsx export of a unit has a sheet of its survey results, suppressed."""

import io

import openpyxl
from django.urls import reverse

from helhet.followup.models import ExportJob

from .conftest import DAY, answer


def test_the_unit_export_has_the_survey_results_suppressed(client, county):
    for value in (5, 4, 4, 2, 5):
        answer(county.clinic, DAY, {1: value, 2: 3})
    answer(county.clinic, DAY, {3: 4})
    client.force_login(county.manager)
    client.post(
        reverse("followup:export_new"),
        {
            "scope": "unit",
            "unit_id": county.clinic.pk,
            "kind": "year",
            "year": "2025",
            "breakdown": "total",
            "format": "xlsx",
        },
    )
    job = ExportJob.objects.get(owner=county.manager)
    got = client.get(reverse("followup:export_download", args=[job.pk]))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(got.content))["Surveys"].iter_rows(values_only=True)
    )
    by_question = {row[0]: row[1:4] for row in rows if row[0]}
    assert by_question["1. The staff listen to me and treat me with respect."] == (2, 5, 4.0)
    assert by_question["3. It is easy to get in touch with the unit when I need to."] == (
        3,
        "<5",
        "<5",
    )
