"""Follow-up exports end to end: asked for from a page, run in the background (at once here: the
immediate backend), watched, downloaded, read back; who may and who may not; bad requests; a
failing job; progress; old files deleted.

The clinic in 2025 (made by `exports_county`): 7 persons enrolled (all opened 1 March 2025),
3 attended contacts — a count below 5, so "<5" in every export, even the manager's, who sees 3
on the clinic's own page.
"""

import csv
import datetime
import io

import openpyxl
import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.core import pdf
from helhet.core.models import Membership, Unit, User
from helhet.followup import indicators, tasks
from helhet.followup.models import ExportJob, SteeringGroup
from helhet.followup.periods import Period
from tests import factories as f
from tests.reminders.test_tasks import DATABASE_TASKS, worker  # noqa: F401 (a fixture)

D = datetime.date
ENROLLED = 7


@pytest.fixture
def exports_county(county):
    c = county
    group = SteeringGroup.objects.create(name="Styrgrupp Socialmedicin")
    group.units.add(c.clinic)
    c.steering = f.UserFactory(
        username="steering",
        first_name="Stina",
        last_name="Styrgrupp",
        organisation=c.region,
        profession=User.Profession.MANAGER,
    )
    c.steering_colleague = f.UserFactory(username="steering2", organisation=c.municipality)
    group.members.add(c.steering, c.steering_colleague)
    other = SteeringGroup.objects.create(name="Styrgrupp Mini-Maria")
    other.units.add(c.other_unit)
    c.other_steering = f.UserFactory(username="other_steering", organisation=c.municipality)
    other.members.add(c.other_steering)
    episodes = [
        f.EpisodeFactory(
            person=f.PersonFactory(registered_by=c.nurse),
            unit=c.clinic,
            opened_by=c.nurse,
            opened_on=D(2025, 3, 1),
        )
        for _ in range(ENROLLED)
    ]
    for day in (D(2025, 4, 1), D(2025, 5, 1), D(2025, 6, 1)):
        f.ContactFactory(
            episode=episodes[0],
            recorded_by=c.nurse,
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
        )
    return c


def unit_export(county, export_format="xlsx", **extra):
    return {
        "scope": "unit",
        "unit_id": county.clinic.pk,
        "kind": "year",
        "year": "2025",
        "breakdown": "total",
        "format": export_format,
        **extra,
    }


def start(client, user, data):
    client.force_login(user)
    return client.post(reverse("followup:export_new"), data)


def download(client, job):
    return client.get(reverse("followup:export_download", args=[job.pk]))


def the_job(user) -> ExportJob:
    return ExportJob.objects.get(owner=user)


def xlsx_lines(content: bytes, sheet: str) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        r[0]: list(r[2:]) for r in book[sheet].iter_rows(min_row=3, values_only=True) if not r[1]
    }


def csv_figures(content: bytes) -> dict:
    """{(indicator code, sub-row, group): value} of an English CSV."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return {(r[2], r[4], r[5]): r[6] for r in rows[1:]}


# --- Each format, read back ---------------------------------------------------------------------


def test_a_steering_member_exports_the_unit_as_xlsx_and_downloads_it(client, exports_county):
    c = exports_county
    response = start(client, c.steering, unit_export(c))
    job = the_job(c.steering)
    assert response.status_code == 302
    assert response["Location"] == reverse("followup:export_status", args=[job.pk])
    assert job.state == ExportJob.State.DONE and job.progress == 100
    status = client.get(response["Location"])
    assert reverse("followup:export_download", args=[job.pk]) in status.text
    got = download(client, job)
    assert got["Content-Type"] == tasks.CONTENT_TYPES["xlsx"]
    assert got["Content-Disposition"] == (
        f'attachment; filename="helhet-{c.clinic.slug}-2025.xlsx"'
    )
    assert "no-store" in got["Cache-Control"]
    enrolment = xlsx_lines(got.content, "Enrolment")
    assert enrolment["Persons enrolled"] == [ENROLLED]
    assert xlsx_lines(got.content, "Contacts")["Contacts attended"] == ["<5"]
    cover = {
        r[0]: r[1]
        for r in openpyxl.load_workbook(io.BytesIO(got.content))["Cover"].iter_rows(
            values_only=True
        )
    }
    assert cover["Made by"] == "Stina Styrgrupp" and cover["Period"] == "2025"


def test_the_csv_export_reads_back_with_the_same_figures(client, exports_county):
    c = exports_county
    start(client, c.steering, unit_export(c, "csv"))
    got = download(client, the_job(c.steering))
    assert got["Content-Type"] == "text/csv; charset=utf-8"
    figures = csv_figures(got.content)
    assert figures[("enrolled", "", "Total")] == str(ENROLLED)
    assert figures[("contacts", "", "Total")] == "<5"


def test_a_swedish_request_gives_a_swedish_csv_with_semicolons(client, exports_county):
    c = exports_county
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    start(client, c.steering, unit_export(c, "csv"))
    job = the_job(c.steering)
    assert job.params["language"] == "sv"
    header = download(client, job).content.decode("utf-8-sig").splitlines()[0]
    assert header.count(";") == 9 and "," not in header


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not installed here")
def test_the_pdf_export_has_the_unit_period_figures_and_suppression(client, exports_county):
    c = exports_county
    start(client, c.steering, unit_export(c, "pdf"))
    got = download(client, the_job(c.steering))
    assert got["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(got.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert c.clinic.name in text and "2025" in text
    assert f"Persons enrolled {ENROLLED}" in text
    assert "Contacts attended <5" in text
    assert "Small-cell suppression" in text and f"of {len(reader.pages)}" in text


def test_the_managers_export_is_suppressed_though_the_page_shows_him_exact_counts(
    client, exports_county
):
    c = exports_county
    exact = indicators.unit_report(c.clinic, Period.year(2025), suppress=False)
    assert exact.row("contacts").cells["total"].value == 3
    start(client, c.manager, unit_export(c, "csv"))
    assert (
        csv_figures(download(client, the_job(c.manager)).content)[("contacts", "", "Total")] == "<5"
    )


def test_a_county_export_has_every_unit_of_the_type_and_its_progress_moved(
    client, exports_county, monkeypatch
):
    c = exports_county
    south = f.UnitFactory(
        name="Socialmedicin Söder",
        unit_type=Unit.Type.SOCIAL_MEDICINE,
        organisations=[c.region, c.municipality],
    )
    seen = []
    compute = indicators.county_comparison

    def spy(units, period, **kwargs):
        seen.append((ExportJob.objects.get().progress, [u.name for u in units]))
        return compute(units, period, **kwargs)

    monkeypatch.setattr(indicators, "county_comparison", spy)
    start(
        client,
        c.other_steering,
        {
            "scope": "county",
            "unit_type": Unit.Type.SOCIAL_MEDICINE,
            "kind": "year",
            "year": "2025",
            "format": "xlsx",
        },
    )
    job = the_job(c.other_steering)
    # one computation for both units (the pages' GROUP BY unit), while the job says 5 %
    assert seen == [(5, [south.name, c.clinic.name])]
    assert job.progress == 100 and job.filename == "helhet-social_medicine-2025.xlsx"
    content = download(client, job).content
    units = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(content))["Enrolment"][1]]
    assert units[2:] == [south.name, c.clinic.name]  # by name
    assert xlsx_lines(content, "Enrolment")["Persons enrolled"] == [0, ENROLLED]


def test_a_trend_export_has_a_column_per_period(client, exports_county):
    c = exports_county
    start(client, c.steering, unit_export(c, scope="trend", count="3"))
    job = the_job(c.steering)
    assert job.filename == f"helhet-{c.clinic.slug}-2023_2025.xlsx"
    lines = xlsx_lines(download(client, job).content, "Enrolment")
    assert lines["Persons enrolled"] == [0, 0, ENROLLED]


def test_a_trend_export_of_one_group_names_the_group_and_has_its_figures(client, exports_county):
    c = exports_county
    by_age = indicators.unit_report(c.clinic, Period.year(2025), breakdown="age", suppress=False)
    cells = by_age.row("enrolled").cells
    group = max((g for g in by_age.groups if g.key != "total"), key=lambda g: cells[g.key].value)
    start(client, c.steering, unit_export(c, scope="trend", count="2", group=group.key))
    job = the_job(c.steering)
    slug = group.key.replace(":", "")
    assert job.filename == f"helhet-{c.clinic.slug}-{slug}-2024_2025.xlsx"
    content = download(client, job).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book["Cover"]["B1"].value == f"{c.clinic.name}, {group.label}"
    # 2025 as the clinic's report by age, suppressed, has it
    shown = indicators.unit_report(c.clinic, Period.year(2025), breakdown="age")
    cell = shown.row("enrolled").cells[group.key]
    expected = cell.value if not cell.suppressed else "<5" if cell.small else "–"
    assert xlsx_lines(content, "Enrolment")["Persons enrolled"] == [0, expected]


def test_a_trend_export_of_another_unit_types_group_is_refused(client, exports_county):
    c = exports_county
    response = start(client, c.steering, unit_export(c, scope="trend", group="age:13-15"))
    assert response.status_code == 400 and "Select a valid choice" in response.text
    assert not ExportJob.objects.exists()


# --- Who may, who may not -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "coordinator", "steering"])
def test_who_follows_the_clinic_up_may_export_it(client, exports_county, who):
    user = getattr(exports_county, who)
    assert start(client, user, unit_export(exports_county)).status_code == 302
    assert the_job(user).state == ExportJob.State.DONE


@pytest.mark.parametrize("who", ["nurse", "admin", "other_steering", "outsider"])
def test_who_does_not_follow_the_clinic_up_gets_not_found_and_no_job(client, exports_county, who):
    user = getattr(exports_county, who)
    assert start(client, user, unit_export(exports_county)).status_code == 404
    assert not ExportJob.objects.exists()


def test_staff_of_the_unit_without_the_follow_up_right_have_no_exports_at_all(
    client, exports_county
):
    c = exports_county
    assert Membership.objects.get(user=c.nurse).role == Membership.Role.STAFF
    client.force_login(c.nurse)
    assert client.get(reverse("followup:exports")).status_code == 404
    county = {
        "scope": "county",
        "unit_type": "social_medicine",
        "kind": "year",
        "year": "2025",
        "format": "csv",
    }
    assert client.post(reverse("followup:export_new"), county).status_code == 404


def test_only_the_owner_sees_and_downloads_a_job(client, exports_county):
    c = exports_county
    start(client, c.steering, unit_export(c))
    job = the_job(c.steering)
    for url in ("followup:export_status", "followup:export_download"):
        assert client.get(reverse(url, args=[job.pk])).status_code == 200
    client.force_login(c.steering_colleague)  # follows the same unit up
    for url in ("followup:export_status", "followup:export_download"):
        assert client.get(reverse(url, args=[job.pk])).status_code == 404
    assert job.filename not in client.get(reverse("followup:exports")).text


def test_the_list_shows_my_exports_only(client, exports_county):
    c = exports_county
    start(client, c.steering, unit_export(c))
    start(client, c.manager, unit_export(c, "csv"))
    client.force_login(c.steering)
    page = client.get(reverse("followup:exports")).text
    assert ".xlsx" in page and ".csv" not in page


def test_access_lost_after_the_request_fails_the_job(exports_county):
    c = exports_county
    job = ExportJob.objects.create(
        owner=c.steering, format="csv", params={**unit_export(c), "language": "en"}
    )
    SteeringGroup.objects.get(name="Styrgrupp Socialmedicin").members.remove(c.steering)
    assert tasks.run_export.call(job_id=job.pk) == "failed"
    job.refresh_from_db()
    assert job.message == "You may no longer follow up this unit." and job.content is None


# --- Bad requests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"format": "docx"}, "Unknown export format"),
        ({"format": ""}, "Unknown export format"),
        ({"scope": "everything"}, "Unknown export scope"),
        ({"year": "2999"}, "The period has not ended yet"),
        ({"kind": "month", "month": "13"}, "Select a valid choice"),
        (
            {"kind": "custom", "start": "2025-05-01", "end": "2025-04-01"},
            "The period ends before it starts",
        ),
        ({"breakdown": "shoe size"}, "Select a valid choice"),
    ],
)
def test_a_bad_request_is_answered_400_with_its_reason_and_no_job(
    client, exports_county, change, reason
):
    response = start(client, exports_county.steering, {**unit_export(exports_county), **change})
    assert response.status_code == 400 and reason in response.text
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("unit_id", ["", "abc", "999999", "1.5"])
def test_an_unknown_unit_is_not_found(client, exports_county, unit_id):
    data = unit_export(exports_county, unit_id=unit_id)
    assert start(client, exports_county.steering, data).status_code == 404


def test_an_unknown_unit_type_is_the_forms_message(client, exports_county):
    data = {"scope": "county", "unit_type": "spa", "kind": "year", "year": "2025", "format": "csv"}
    response = start(client, exports_county.steering, data)
    assert response.status_code == 400 and "Select a valid choice" in response.text


def test_an_export_is_asked_for_by_post_only(client, exports_county):
    client.force_login(exports_county.steering)
    assert (
        client.get(reverse("followup:export_new"), unit_export(exports_county)).status_code == 405
    )


def test_an_export_needs_the_csrf_token(exports_county):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert start(browser, exports_county.steering, unit_export(exports_county)).status_code == 403


# --- Failing, watching, keeping -----------------------------------------------------------------


def test_without_weasyprint_a_pdf_job_fails_with_a_clear_message(
    client, exports_county, monkeypatch
):
    def missing():
        raise pdf.PdfUnavailable("no Pango")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    c = exports_county
    response = start(client, c.steering, unit_export(c, "pdf"))
    job = the_job(c.steering)
    assert job.state == ExportJob.State.FAILED and job.content is None
    status = client.get(response["Location"])
    assert status.status_code == 200
    assert "Failed" in status.text and "cannot make PDF files" in status.text
    assert download(client, job).status_code == 404


def test_an_unexpected_error_fails_the_job_and_says_so(client, exports_county, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(tasks.WRITERS, "csv", broken)
    start(client, exports_county.steering, unit_export(exports_county, "csv"))
    job = the_job(exports_county.steering)
    assert job.state == ExportJob.State.FAILED and "The export failed" in job.message


def test_the_status_page_polls_while_the_job_runs_and_stops_when_it_is_done(client, exports_county):
    c = exports_county
    job = ExportJob.objects.create(
        owner=c.steering,
        format="csv",
        progress=40,
        state=ExportJob.State.RUNNING,
        params=unit_export(c),
    )
    client.force_login(c.steering)
    url = reverse("followup:export_status", args=[job.pk])
    page = client.get(url)
    assert 'hx-trigger="every 2s"' in page.text and 'value="40"' in page.text
    polled = client.get(url, headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "40 % done" in polled.text
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.DONE, progress=100, content=b"x", filename="f.csv"
    )
    finished = client.get(url, headers={"HX-Request": "true"})
    assert finished.status_code == 286 and "Download f.csv" in finished.text
    assert "hx-trigger" not in client.get(url).text


def test_files_older_than_the_keeping_days_are_deleted_by_the_next_export(client, exports_county):
    c = exports_county
    old = ExportJob.objects.create(
        owner=c.steering, format="csv", state="done", content=b"old", filename="old.csv", params={}
    )
    kept = ExportJob.objects.create(
        owner=c.steering, format="csv", state="done", content=b"new", filename="new.csv", params={}
    )
    days = settings.HELHET_EXPORT_KEEP_DAYS
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days, minutes=1)
    )
    ExportJob.objects.filter(pk=kept.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days, minutes=-1)
    )
    start(client, c.steering, unit_export(c))
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.content is None and old.filename == ""
    assert bytes(kept.content) == b"new"
    assert download(client, old).status_code == 404
    assert (
        "The file was deleted" in client.get(reverse("followup:export_status", args=[old.pk])).text
    )


def test_a_job_left_unfinished_past_the_keeping_days_is_failed(exports_county):
    c = exports_county
    stuck = ExportJob.objects.create(owner=c.steering, format="csv", state="running", params={})
    ExportJob.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=settings.HELHET_EXPORT_KEEP_DAYS + 1)
    )
    tasks.purge_old_files()
    stuck.refresh_from_db()
    assert stuck.state == ExportJob.State.FAILED and "never finished" in stuck.message


def test_a_job_is_run_once(client, exports_county):
    c = exports_county
    start(client, c.steering, unit_export(c, "csv"))
    job = the_job(c.steering)
    assert tasks.run_export.call(job_id=job.pk) == "not queued"
    assert ExportJob.objects.get(pk=job.pk).content == job.content


def test_the_list_of_exports_asks_a_constant_number_of_queries(client, exports_county):
    c = exports_county
    client.force_login(c.steering)
    url = reverse("followup:exports")
    ExportJob.objects.create(owner=c.steering, format="csv", params={})
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(9):
        ExportJob.objects.create(owner=c.steering, format="xlsx", params={})
    with CaptureQueriesContext(connection) as ten:
        page = client.get(url).text
    assert page.count("Excel (xlsx)") == 9
    assert len(ten.captured_queries) == len(one.captured_queries)
    assert not any('"content"' in q["sql"] for q in ten.captured_queries)  # no file loaded


def test_with_the_database_backend_the_job_waits_queued_until_the_worker_runs_it(
    client,
    exports_county,
    worker,  # noqa: F811 (the fixture imported above)
):
    c = exports_county
    with override_settings(TASKS=DATABASE_TASKS):
        response = start(client, c.steering, unit_export(c, "csv"))
        job = the_job(c.steering)
        assert (job.state, job.progress, job.content) == ("queued", 0, None)
        page = client.get(response["Location"]).text
        assert "Queued" in page and 'hx-trigger="every 2s"' in page
        worker()
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert csv_figures(bytes(job.content))[("enrolled", "", "Total")] == str(ENROLLED)
