"""An agreement's targets (issue 18): what a target must say, who adds, changes and removes one,
the status rule at its boundaries and under suppression, and the pages and exports that show
target against actual. The clinic (gov) has 7 persons enrolled in 2025, one of them with
contacts: "persons with an attended contact" is 1, which suppression hides."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pypdf
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from helhet.core import pdf
from helhet.core.versions import STALE_MESSAGE
from helhet.followup import indicators
from helhet.followup.models import ExportJob
from helhet.followup.periods import Period
from helhet.followup.report import Cell, Measure, Row, UnitReport
from helhet.governance import steering_actions as work
from helhet.governance import target_actions, targets
from helhet.governance.models import AgreementVersion, Target
from tests import factories as f

from .conftest import propose

D = datetime.date
YEAR = Period.year(2025)
AT_LEAST, AT_MOST = Target.Comparison.AT_LEAST, Target.Comparison.AT_MOST


@pytest.fixture
def with_figures(gov):
    episodes = [
        f.EpisodeFactory(
            person=f.PersonFactory(registered_by=gov.nurse),
            unit=gov.clinic,
            opened_by=gov.nurse,
            opened_on=D(2025, 3, 1),
        )
        for _ in range(7)
    ]
    f.ContactFactory(
        episode=episodes[0],
        recorded_by=gov.nurse,
        starts_at=timezone.make_aware(datetime.datetime(2025, 4, 1, 10)),
    )
    return gov


def add(g, user=None, **changes) -> Target:
    data = {
        "agreement_version": g.v1,
        "indicator": "enrolled",
        "comparison": AT_LEAST,
        "value": Decimal(5),
        "goal_image": 9,
        "year": 2025,
    }
    return target_actions.target_save(
        user=user or g.coordinator, agreement_id=g.agreement.pk, **(data | changes)
    )


def in_swedish(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"


# --- What a target must say ----------------------------------------------------------------------


def test_a_target_on_an_unknown_indicator_is_refused(gov):
    with pytest.raises(ValidationError) as refused:
        add(gov, indicator="happiness")
    assert "indicator" in refused.value.message_dict


def test_a_target_serving_neither_a_goal_nor_a_goal_image_is_refused(gov):
    with pytest.raises(ValidationError):
        add(gov, goal_image=None)
    assert not Target.objects.exists()


def test_the_database_refuses_a_target_serving_nothing(gov):
    target = Target(
        agreement_version=gov.v1,
        indicator="enrolled",
        comparison=AT_LEAST,
        value=5,
        starts_on=D(2025, 1, 1),
        ends_on=D(2025, 12, 31),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_a_period_that_ends_before_it_starts_is_refused(gov):
    with pytest.raises(ValidationError) as refused:
        add(gov, year=None, starts_on=D(2025, 6, 1), ends_on=D(2025, 5, 31))
    assert "ends_on" in refused.value.message_dict
    one_day = add(gov, year=None, starts_on=D(2025, 6, 1), ends_on=D(2025, 6, 1))
    assert (one_day.starts_on, one_day.ends_on) == (D(2025, 6, 1), D(2025, 6, 1))


def test_a_period_the_follow_up_cannot_show_is_refused(gov):
    with pytest.raises(ValidationError):
        add(gov, year=None, starts_on=D(1999, 12, 1), ends_on=D(2000, 1, 31))
    with pytest.raises(ValidationError):
        add(gov, year=None, starts_on=D(2020, 1, 1), ends_on=D(2030, 1, 1))
    assert not Target.objects.exists()


def test_a_year_is_the_period_from_new_year_to_new_years_eve(gov):
    target = add(gov, year=2026)
    assert (target.starts_on, target.ends_on) == (D(2026, 1, 1), D(2026, 12, 31))


def test_a_goal_must_be_of_the_targets_version(gov):
    v2 = propose(gov.agreement, gov.coordinator, goals=["Något annat"])
    with pytest.raises(ValidationError) as refused:
        add(gov, goal=v2.goals.get(), goal_image=None)
    assert "goal" in refused.value.message_dict
    own = add(gov, goal=gov.v1.goals.first(), goal_image=None)
    assert own.goal == gov.v1.goals.first()


def test_the_value_is_in_the_indicators_unit(gov):
    with pytest.raises(ValidationError):
        add(gov, indicator="sip_share", value=Decimal("100.1"))
    with pytest.raises(ValidationError):
        add(gov, indicator="enrolled", value=Decimal("4.5"))
    assert add(gov, indicator="sip_share", value=Decimal("100")).value == 100


def test_a_unit_must_be_one_of_the_agreements(gov):
    with pytest.raises(ValidationError) as refused:
        add(gov, unit=gov.other_unit)
    assert "unit" in refused.value.message_dict
    assert add(gov, unit=gov.clinic).unit == gov.clinic


def test_a_proposed_version_keeps_the_targets_with_its_goal_at_the_same_place(gov):
    add(gov, goal=gov.v1.goals.get(position=1), goal_image=None)
    add(gov, indicator="sip_share", value=Decimal(80), goal_image=7)
    v2 = propose(gov.agreement, gov.coordinator, goals=["Fler får en SIP", "Färre avbrott", "Ny"])
    carried = {t.indicator: t for t in v2.targets.all()}
    assert carried["enrolled"].goal == v2.goals.get(position=1)
    assert carried["sip_share"].goal_image == 7
    assert gov.v1.targets.count() == 2


# --- Who edits ------------------------------------------------------------------------------------


FORM = {
    "indicator": "sip_share",
    "comparison": "at_least",
    "value": "80",
    "goal_image": "7",
    "year": "2025",
    "version": "0",
}


def test_a_partys_coordinator_adds_a_target_on_the_page(client, gov):
    client.force_login(gov.coordinator)
    page = client.post(
        reverse("governance:targets", args=[gov.agreement.pk]),
        FORM | {"agreement_version": gov.v1.pk},
    )
    assert page.status_code == 302
    assert Target.objects.get().indicator == "sip_share"


def test_a_steering_group_member_reads_the_targets_but_cannot_add_one(client, gov):
    in_swedish(client, gov.steering)
    url = reverse("governance:targets", args=[gov.agreement.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Lägg till målvärdet" not in page.text
    assert client.post(url, FORM | {"agreement_version": gov.v1.pk}).status_code == 404
    assert not Target.objects.exists()


@pytest.mark.parametrize("actor", ["nurse", "other_manager", "admin"])
def test_staff_another_units_manager_and_an_administrator_get_not_found(client, gov, actor):
    target = add(gov)
    client.force_login(getattr(gov, actor))
    assert client.get(reverse("governance:targets", args=[gov.agreement.pk])).status_code == 404
    assert client.get(reverse("governance:target", args=[target.pk])).status_code == 404


def test_the_other_partys_manager_changes_a_target(client, gov):
    target = add(gov)
    client.force_login(gov.manager)
    url = reverse("governance:target", args=[target.pk])
    assert client.get(url).status_code == 200
    data = FORM | {"agreement_version": gov.v1.pk, "indicator": "enrolled", "value": "6"}
    assert client.post(url, data).status_code == 302
    target.refresh_from_db()
    assert (target.value, target.version) == (6, 1)


def test_a_steering_group_member_cannot_change_or_remove_a_target(client, gov):
    target = add(gov)
    client.force_login(gov.steering)
    url = reverse("governance:target", args=[target.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"delete": "1"}).status_code == 404
    assert Target.objects.filter(pk=target.pk).exists()
    with pytest.raises(ValidationError):
        target_actions.target_delete(user=gov.steering, target_id=target.pk)


def test_a_coordinator_removes_a_target(client, gov):
    target = add(gov)
    client.force_login(gov.coordinator)
    page = client.post(reverse("governance:target", args=[target.pk]), {"delete": "1"})
    assert page.status_code == 302
    assert not Target.objects.exists()


def test_a_stale_change_is_refused_with_the_reason(client, gov):
    target = add(gov)
    add(gov, target_id=target.pk, based_on=0, value=Decimal(6))
    client.force_login(gov.coordinator)
    data = FORM | {"agreement_version": gov.v1.pk, "indicator": "enrolled", "value": "9"}
    page = client.post(reverse("governance:target", args=[target.pk]), data)
    assert page.status_code == 200
    assert str(STALE_MESSAGE) in page.text
    target.refresh_from_db()
    assert target.value == 6


def test_a_bad_value_re_renders_the_form_in_swedish(client, gov):
    in_swedish(client, gov.coordinator)
    data = FORM | {"agreement_version": gov.v1.pk, "value": "120"}
    page = client.post(reverse("governance:targets", args=[gov.agreement.pk]), data)
    assert page.status_code == 200
    assert "Värdet är från 0 till 100." in page.text
    assert not Target.objects.exists()


def test_a_superseded_versions_target_is_not_edited(client, gov):
    target = add(gov)
    v2 = propose(gov.agreement, gov.coordinator)
    AgreementVersion.objects.filter(pk=gov.v1.pk).update(state=AgreementVersion.State.SUPERSEDED)
    AgreementVersion.objects.filter(pk=v2.pk).update(state=AgreementVersion.State.IN_FORCE)
    client.force_login(gov.coordinator)
    assert client.get(reverse("governance:target", args=[target.pk])).status_code == 404


# --- The status rule --------------------------------------------------------------------------


def a_target(comparison, value, indicator="sip_share") -> Target:
    return Target(
        indicator=indicator,
        comparison=comparison,
        value=Decimal(value),
        starts_on=D(2025, 1, 1),
        ends_on=D(2025, 12, 31),
    )


@pytest.mark.parametrize(
    ("comparison", "actual", "expected"),
    [
        (AT_LEAST, 80.0, targets.MET),  # exactly at the target
        (AT_LEAST, 79.9, targets.NOT_MET),
        (AT_LEAST, 80.1, targets.MET),
        (AT_MOST, 80.0, targets.MET),  # exactly at the target
        (AT_MOST, 80.1, targets.NOT_MET),
        (AT_MOST, 79.9, targets.MET),
    ],
)
def test_exactly_at_the_target_is_met_for_both_comparisons(comparison, actual, expected):
    assert targets.status(a_target(comparison, "80"), Cell(actual)) == expected


@pytest.mark.parametrize(
    "cell",
    [Cell(None, suppressed=True, small=True), Cell(None, suppressed=True), Cell(None), None],
)
def test_a_hidden_or_missing_figure_gives_no_figure(cell):
    assert targets.status(a_target(AT_LEAST, "1"), cell) == targets.NO_FIGURE
    assert targets.status(a_target(AT_MOST, "1"), cell) == targets.NO_FIGURE


def test_a_counts_target_applies_to_its_own_period_only_a_shares_to_any_part():
    count, share = a_target(AT_LEAST, "5", "enrolled"), a_target(AT_LEAST, "80")
    assert targets.applies(count, YEAR) and targets.applies(share, YEAR)
    assert not targets.applies(count, Period.quarter(2025, 2))
    assert targets.applies(share, Period.quarter(2025, 2))
    assert not targets.applies(share, Period.custom(D(2024, 12, 31), D(2025, 1, 31)))


def test_the_latest_full_period_of_a_target():
    share, count = a_target(AT_LEAST, "80"), a_target(AT_LEAST, "5", "enrolled")
    assert targets.latest_period(share, D(2026, 3, 1)) == YEAR
    assert targets.latest_period(share, D(2025, 5, 20)) == Period.custom(
        D(2025, 1, 1), D(2025, 4, 30)
    )
    assert targets.latest_period(share, D(2025, 1, 20)) is None
    assert targets.latest_period(count, D(2025, 5, 20)) is None
    assert targets.latest_period(count, D(2026, 1, 1)) == YEAR


def test_a_suppressed_figure_is_no_figure_though_the_exact_one_meets_the_target(with_figures):
    g = with_figures
    add(g, indicator="contact_persons", value=Decimal(1))
    [exact] = targets.held([indicators.unit_report(g.clinic, YEAR, suppress=False)])
    [hidden] = targets.held([indicators.unit_report(g.clinic, YEAR, suppress=True)])
    assert (exact.actual.text, exact.status) == ("1", targets.MET)
    assert (hidden.actual.text, hidden.status) == ("<5", targets.NO_FIGURE)


def test_targets_apply_to_the_agreements_units_and_their_own_unit_only(gov):
    add(gov, unit=gov.clinic)
    report = UnitReport(gov.other_unit.pk, "Other", "mini_maria", YEAR, "total", [], [])
    assert targets.held([report]) == []
    rows = [Row("enrolled", "", "", Measure.COUNT, {"total": Cell(9)})]
    clinic = UnitReport(gov.clinic.pk, "Clinic", "social_medicine", YEAR, "total", [], rows)
    [held] = targets.held([clinic])
    assert (held.actual.text, held.status, held.target_text) == ("9", targets.MET, "≥ 5")


def test_a_proposals_targets_do_not_apply_until_it_is_in_force(gov):
    v2 = propose(gov.agreement, gov.coordinator)
    add(gov, agreement_version=v2)
    rows = [Row("enrolled", "", "", Measure.COUNT, {"total": Cell(9)})]
    clinic = UnitReport(gov.clinic.pk, "Clinic", "social_medicine", YEAR, "total", [], rows)
    assert targets.held([clinic]) == []


# --- Pages and exports, in Swedish -----------------------------------------------------------


def _targets_for(g):
    add(g, indicator="enrolled", value=Decimal(5))  # 7: met
    add(g, indicator="new_enrolments", value=Decimal(100))  # 7: not met
    add(g, indicator="contact_persons", value=Decimal(1))  # 1: "<5" when suppressed


def test_the_unit_page_shows_target_actual_and_status_in_swedish(client, with_figures):
    g = with_figures
    _targets_for(g)
    in_swedish(client, g.steering)  # suppressed figures
    page = client.get(reverse("followup:unit", args=[g.clinic.pk]) + "?kind=year&year=2025")
    text = page.text
    assert "Målvärden" in text and "Målvärde" in text
    assert "≥ 5" in text and "≥ 100" in text
    assert "Uppnått" in text and "Ej uppnått" in text and "Ingen siffra" in text
    assert '<span aria-hidden="true">✓</span> Uppnått' in text


def test_the_county_and_trend_pages_show_the_targets(client, with_figures):
    g = with_figures
    _targets_for(g)
    in_swedish(client, g.manager)
    county = client.get(
        reverse("followup:county") + "?unit_type=social_medicine&kind=year&year=2025"
    )
    assert "Ej uppnått" in county.text and g.clinic.name in county.text
    trend = client.get(
        reverse("followup:trend", args=[g.clinic.pk]) + "?kind=year&year=2025&count=2"
    )
    # the clinic's own manager sees the exact 1 person with contacts, and its status
    assert "Ej uppnått" in trend.text and "Ingen siffra" not in trend.text


def test_the_agreement_page_lists_the_targets_with_their_status(client, with_figures):
    g = with_figures
    _targets_for(g)
    in_swedish(client, g.steering)
    page = client.get(reverse("governance:agreement", args=[g.agreement.pk]))
    assert "Målvärden" in page.text
    assert "Uppnått" in page.text and "Ej uppnått" in page.text and "Ingen siffra" in page.text


def test_the_exports_have_target_and_status_columns(client, with_figures):
    g = with_figures
    _targets_for(g)
    in_swedish(client, g.steering)
    base = {"scope": "unit", "unit_id": g.clinic.pk, "kind": "year", "year": "2025"}
    for export_format in ("xlsx", "csv"):
        client.post(reverse("followup:export_new"), base | {"format": export_format})
    xlsx = ExportJob.objects.get(format="xlsx").content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Målvärden"]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("Enhet", "Period", "Indikator", "Målvärde", "Utfall", "Status")
    assert {(line[3], line[5]) for line in lines[1:]} == {
        ("≥ 5", "Uppnått"),
        ("≥ 100", "Ej uppnått"),
        ("≥ 1", "Ingen siffra"),
    }
    rows = list(
        csv.reader(
            io.StringIO(ExportJob.objects.get(format="csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[0][-2:] == ["Målvärde", "Status"]
    total = {r[2]: r[-2:] for r in rows[1:] if r[4] == "" and r[5] == "Totalt"}
    assert total["new_enrolments"] == ["≥ 100", "Ej uppnått"]
    assert total["contact_persons"] == ["≥ 1", "Ingen siffra"]
    assert total["contacts"] == ["", ""]


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not installed here")
def test_the_pdf_export_shows_the_targets(client, with_figures):
    g = with_figures
    _targets_for(g)
    in_swedish(client, g.steering)
    data = {"scope": "unit", "unit_id": g.clinic.pk, "kind": "year", "year": "2025"}
    client.post(reverse("followup:export_new"), data | {"format": "pdf"})
    reader = pypdf.PdfReader(io.BytesIO(ExportJob.objects.get(format="pdf").content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Status" in text and "≥ 100 7 ✗ Ej uppnått" in text and "≥ 1 <5 – Ingen siffra" in text


def test_the_steering_groups_meeting_shows_the_targets_of_its_period(client, with_figures):
    g = with_figures
    _targets_for(g)
    held = work.meeting_save(
        user=g.steering,
        group_id=g.group.pk,
        based_on=None,
        held_on=timezone.localdate(),
        period_start=D(2025, 1, 1),
        period_end=D(2025, 12, 31),
        attendees=[g.steering],
    )
    in_swedish(client, g.steering)
    page = client.get(reverse("governance:meeting", args=[held.pk]))
    assert "Överenskommelsernas målvärden, 2025" in page.text
    assert "Ej uppnått" in page.text and "Ingen siffra" in page.text


def test_the_trend_chart_marks_the_target_at_its_period(client, with_figures):
    g = with_figures
    add(g, indicator="enrolled", value=Decimal(5))  # a count: 2025 only
    in_swedish(client, g.manager)
    url = reverse("followup:trend", args=[g.clinic.pk])
    page = client.get(url + "?kind=year&year=2025&count=2&indicator=enrolled")
    assert page.text.count('class="target"') == 1
    assert "Målvärde ≥ 5 för 2025." in page.text
    one_group = client.get(url + "?kind=year&year=2025&count=2&indicator=enrolled&group=sex:male")
    assert 'class="target"' not in one_group.text


def test_the_version_page_lists_the_targets_it_sets(client, with_figures):
    g = with_figures
    _targets_for(g)
    in_swedish(client, g.steering)
    text = client.get(reverse("governance:version", args=[g.v1.pk])).text
    assert "Målvärden i version 1" in text
    assert "≥ 5" in text and "≥ 100" in text and "Målbild 9" in text
    # a version without targets says so
    g.v1.targets.all().delete()
    assert (
        "Versionen anger inga målvärden."
        in client.get(reverse("governance:version", args=[g.v1.pk])).text
    )


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not installed here")
def test_the_agreements_pdf_lists_the_targets_of_the_version_in_force(client, with_figures):
    g = with_figures
    _targets_for(g)
    in_swedish(client, g.steering)
    response = client.get(reverse("governance:pdf", args=[g.agreement.pk]))
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Målvärden i version 1" in text and "≥ 100" in text


def test_a_target_added_to_the_version_in_force_beside_a_proposal_says_it_is_not_in_it(client, gov):
    v2 = propose(gov.agreement, gov.coordinator)
    client.force_login(gov.coordinator)
    url = reverse("governance:targets", args=[gov.agreement.pk])
    page = client.post(url, FORM | {"agreement_version": gov.v1.pk}, follow=True)
    assert "does not have this target" in page.text
    assert gov.v1.targets.count() == 1 and v2.targets.count() == 0
    # added to the proposal itself: nothing to warn about
    page = client.post(url, FORM | {"agreement_version": v2.pk}, follow=True)
    assert "The target is added." in page.text
    assert "does not have this target" not in page.text
