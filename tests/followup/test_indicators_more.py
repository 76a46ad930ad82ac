"""Interventions, AUDIT/DUDIT, wait times, SIP and consent on hand-computed data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from helhet.contacts.models import Intervention
from helhet.followup import indicators
from helhet.followup.indicators import unit_report
from helhet.followup.periods import Period
from tests import factories as f

D = datetime.date
YEAR = Period.year(2025)


def figure(report, indicator, key="", group="total"):
    return report.row(indicator, key).cells[group].value


def test_interventions_medication_group_individual_and_priority(world):
    w = world
    laro = Intervention.objects.get(code="laro")  # priority 1, medication
    test = Intervention.objects.get(code="drug_test")  # medication category, not a medication
    group = Intervention.objects.get(code="group_treatment")
    single = Intervention.objects.get(code="individual_treatment")
    a, b = w.episode(opened_on=D(2025, 1, 1)), w.episode(opened_on=D(2025, 1, 1))
    w.contact(a, D(2025, 2, 1), interventions=[laro, test])
    w.contact(a, D(2025, 3, 1), interventions=[laro, single])
    w.contact(b, D(2025, 3, 1), kind="group", interventions=[group])
    w.contact(b, D(2025, 4, 1), interventions=[single], attended=False)  # no-show: not given
    w.contact(b, D(2024, 4, 1), interventions=[single])  # before the period
    f.MedicationDispensingFactory(
        person=a.person, unit=w.clinic, recorded_by=w.nurse, handed_out_at=w_local(D(2025, 5, 5))
    )
    for person, day in (
        (a.person, D(2025, 5, 6)),
        (b.person, D(2025, 6, 1)),
        (b.person, D(2024, 6, 1)),
    ):
        f.DrugTestFactory(person=person, unit=w.clinic, recorded_by=w.nurse, taken_at=w_local(day))
    report = unit_report(w.clinic, YEAR, suppress=False)
    # given in attended contacts in 2025: laro, drug_test, laro, individual, group = 5
    assert figure(report, "interventions") == 5
    assert figure(report, "intervention_persons") == 2
    # medication: the two LARO (the drug test is not medication), one person
    assert figure(report, "interventions", "medication") == 2
    assert figure(report, "intervention_persons", "medication") == 1
    assert figure(report, "interventions", "intervention:group_treatment") == 1
    assert figure(report, "interventions", "intervention:individual_treatment") == 1
    assert figure(report, "interventions", "intervention:laro") == 2
    assert figure(report, "intervention_persons", "intervention:laro") == 1
    assert figure(report, "interventions", "intervention:health_talk") == 0
    assert figure(report, "interventions", "dispensing") == 1
    # drug tests from their records: two in 2025, of two persons (the one of 2024 is not)
    assert figure(report, "interventions", "drug_tests") == 2
    assert figure(report, "intervention_persons", "drug_tests") == 2
    # priority 1-3: the two LARO of 5 = 40.0 %
    assert figure(report, "priority_interventions") == 2
    assert figure(report, "priority_share") == 40.0


def w_local(day):
    from .conftest import local

    return local(day)


def test_audit_intake_zones_and_change_with_a_corrected_result(world):
    w = world
    p, q, r = w.person(), w.person(), w.person()
    for person in (p, q, r):
        w.episode(person, opened_on=D(2025, 1, 1))
    # p: intake 20 (IV), follow-up 12 -> improved by 8
    w.assessment(p, D(2025, 1, 10), "intake", 20, zone="IV")
    w.assessment(p, D(2025, 6, 10), "follow_up", 12, zone="II")
    # q: intake 10 recorded wrongly as 30 and corrected to 10 (II); follow-ups 14 then 10 ->
    # the latest (10) against the corrected intake (10): unchanged
    wrong = w.assessment(q, D(2025, 2, 1), "intake", 30, zone="IV")
    w.assessment(
        q, D(2025, 2, 1), "intake", 10, zone="II", corrects=wrong, correction_reason="typo"
    )
    w.assessment(q, D(2025, 5, 1), "follow_up", 14, zone="II")
    w.assessment(q, D(2025, 9, 1), "follow_up", 10, zone="II")
    # r: intake 2024 (5, I), follow-up 2025 (9) -> worse by 4; no intake in 2025
    w.assessment(r, D(2024, 11, 1), "intake", 5, zone="I")
    w.assessment(r, D(2025, 3, 1), "follow_up", 9, zone="II")
    # a DUDIT intake for p
    w.assessment(p, D(2025, 1, 10), "intake", 3, instrument="dudit", zone="problems_likely")
    report = unit_report(w.clinic, YEAR, suppress=False)
    # AUDIT intakes in 2025 (corrected one left out): p (IV), q (II) = 2
    assert figure(report, "audit_intake") == 2
    assert figure(report, "audit_intake", "zone:IV") == 1
    assert figure(report, "audit_intake", "zone:II") == 1
    assert figure(report, "audit_intake", "zone:I") == 0
    assert figure(report, "dudit_intake") == 1
    assert figure(report, "dudit_intake", "zone:problems_likely") == 1
    # change: p improved (-8), q unchanged (0), r worse (+4); mean (-8 + 0 + 4) / 3 = -1.33
    assert figure(report, "audit_change") == 3
    assert figure(report, "audit_change", "change:improved") == 1
    assert figure(report, "audit_change", "change:unchanged") == 1
    assert figure(report, "audit_change", "change:worse") == 1
    assert figure(report, "audit_mean_change") == -1.33
    assert figure(report, "dudit_change") == 0
    assert figure(report, "dudit_mean_change") is None


@pytest.mark.parametrize(
    "waits, median, p90",
    [
        # odd, 5 waits sorted 1 2 3 10 20: median the 3rd = 3; p90 rank ceil(4.5) = 5 -> 20
        ([10, 2, 20, 1, 3], 3, 20),
        # even, 4 waits sorted 1 2 4 30: median (2 + 4) / 2 = 3; p90 rank ceil(3.6) = 4 -> 30
        ([4, 1, 30, 2], 3, 30),
        # even, 10 waits 1..10: median (5 + 6) / 2 = 5.5; p90 rank ceil(9) = 9 -> 9
        (list(range(1, 11)), 5.5, 9),
    ],
)
def test_wait_time_median_and_90th_percentile(world, waits, median, p90):
    w = world
    decided = D(2025, 6, 30)
    for days in waits:
        w.referral(decided - datetime.timedelta(days=days), decided_on=decided)
    w.referral(D(2024, 12, 1), decided_on=D(2024, 12, 20))  # decided before the period
    w.referral(D(2025, 6, 1))  # undecided
    report = unit_report(w.clinic, YEAR, suppress=False)
    assert figure(report, "referrals_decided") == len(waits)
    assert figure(report, "decision_wait_median") == median
    assert figure(report, "decision_wait_p90") == p90


def test_wait_to_first_contact_and_breakdown_by_sex(world):
    w = world
    # women: 2 and 6 days to the first contact; a man: 10 days
    for sex, days in [("female", 2), ("female", 6), ("male", 10)]:
        first = D(2025, 3, 20)
        w.referral(
            first - datetime.timedelta(days=days),
            decided_on=first - datetime.timedelta(days=1),
            first_contact_on=first,
            p=w.person(sex=sex),
        )
    report = unit_report(w.clinic, YEAR, breakdown="sex", suppress=False)
    assert figure(report, "referrals_first_contact") == 3
    assert figure(report, "first_contact_wait_median") == 6  # 2 6 10
    assert figure(report, "first_contact_wait_median", group="sex:female") == 4  # (2 + 6) / 2
    assert figure(report, "first_contact_wait_median", group="sex:male") == 10
    assert figure(report, "first_contact_wait_p90", group="sex:male") == 10
    assert figure(report, "referrals_first_contact", group="sex:female") == 2
    # decision: 1, 5, 9 days -> median 5
    assert figure(report, "decision_wait_median") == 5


def test_decision_on_the_last_day_late_in_the_evening(world):
    w = world
    r = w.referral(D(2025, 12, 21), decided_on=D(2025, 12, 31))
    r.decided_at = datetime.datetime(2025, 12, 31, 22, 59, tzinfo=datetime.UTC)  # 23:59 local
    r.save()
    report = unit_report(w.clinic, YEAR, suppress=False)
    assert figure(report, "referrals_decided") == 1
    assert figure(report, "decision_wait_median") == 10  # 21 -> 31 December, local date
    assert (
        figure(unit_report(w.clinic, Period.year(2026), suppress=False), "referrals_decided") == 0
    )


def test_sip_share_and_follow_ups_on_time(world):
    w = world
    a, b, c = w.person(), w.person(), w.person()
    for p in (a, b, c):
        w.episode(p, opened_on=D(2025, 1, 1))
    sip_a = w.sip_version(a, D(2025, 2, 1))
    w.sip_version(b, D(2026, 1, 2))  # saved after the period: not counted
    # a's meetings: 1 Mar sets 1 Jun; held 30 May (on time) sets 1 Sep; next held 2 Sep (late)
    # sets 1 Dec; nothing held after: late. 1 Dec 2025 is in the period, so 3 due, 1 on time.
    w.meeting(sip_a, D(2025, 3, 1), D(2025, 6, 1))
    w.meeting(sip_a, D(2025, 5, 30), D(2025, 9, 1))
    w.meeting(sip_a, D(2025, 9, 2), D(2025, 12, 1))
    # held exactly on the date counts as on time; a follow-up due in 2026 is not counted
    sip_c = f.SipFactory(person=c, unit=w.clinic)
    w.meeting(sip_c, D(2025, 10, 1), D(2025, 11, 1))
    w.meeting(sip_c, D(2025, 11, 1), D(2026, 2, 1))
    report = unit_report(w.clinic, YEAR, suppress=False)
    # persons with a SIP version by 31 Dec: a only (c's SIP has no version) -> 1 of 3 = 33.3 %
    assert figure(report, "sip_persons") == 1
    assert figure(report, "sip_share") == 33.3
    # due in 2025: 1 Jun (on time), 1 Sep (late), 1 Dec (late), 1 Nov (on time, same day) = 4
    assert figure(report, "sip_follow_ups_due") == 4
    assert figure(report, "sip_follow_ups_on_time") == 2
    assert figure(report, "sip_on_time_share") == 50.0


def test_consent_share_at_the_period_end(world):
    w = world
    a, b, c, d = (w.person() for _ in range(4))
    for p in (a, b, c):
        w.episode(p, opened_on=D(2025, 1, 1))
    w.episode(d, opened_on=D(2025, 1, 1), closed_on=D(2025, 6, 1))  # not enrolled at the end

    def consent(p, **kw):
        f.ConsentFactory(person=p, unit=w.clinic, recorded_by=w.nurse, **kw)

    consent(a, valid_from=D(2025, 1, 1))  # in force
    consent(b, valid_from=D(2025, 1, 1), withdrawn_on=D(2025, 12, 31))  # withdrawn that day
    consent(c, valid_from=D(2025, 1, 1), valid_until=D(2025, 12, 31))  # until that day: in force
    consent(d, valid_from=D(2025, 1, 1))  # in force but d left
    f.ConsentFactory(person=b, unit=w.mini, recorded_by=w.nurse, valid_from=D(2025, 1, 1))
    report = unit_report(w.clinic, YEAR, suppress=False)
    # enrolled at the end: a, b, c; with consent in force at the clinic on 31 Dec: a, c
    assert figure(report, "enrolled_at_end") == 3
    assert figure(report, "consent_persons") == 2
    assert figure(report, "consent_share") == 66.7


WORK_MEM_STATEMENTS = 1 if connection.vendor == "postgresql" else 0


@pytest.mark.parametrize("breakdown", ["total", "sex", "age"])
def test_a_report_takes_the_same_small_number_of_queries_whatever_the_data(world, breakdown):
    w = world
    counts = []
    for persons in (3, 20):
        for _n in range(persons):
            ep = w.episode(opened_on=D(2025, 1, 1))
            w.contact(ep, D(2025, 2, 1), booked=True)
            w.referral(D(2025, 1, 1), decided_on=D(2025, 1, 5), ep=ep)
        with CaptureQueriesContext(connection) as queries:
            unit_report(w.clinic, YEAR, breakdown=breakdown)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 21
    # by total 18 queries (one per source, the bookings' and the drug tests' among them, the
    # outcomes' two, and the relatives' episodes and contacts); the
    # breakdowns rank the waits twice more (groups and total); on PostgreSQL one statement more
    # raises work_mem for the report's transaction
    assert counts[0] == (18 if breakdown == "total" else 20) + WORK_MEM_STATEMENTS


def test_rows_are_unique_and_derived_figures_have_no_sub_rows(world):
    report = unit_report(world.clinic, YEAR, breakdown="sex")
    places = [(row.indicator, row.key) for row in report.rows]
    assert len(places) == len(set(places))
    for row in report.rows:
        assert set(row.cells) == {"total", "sex:female", "sex:male", "sex:unknown"}
        if row.measure != "count":
            assert row.key == "", row
    assert ("audit_change", "change:worse") in places
    assert ("contacts", "kind:drop_in") in places
    assert ("interventions", "intervention:laro") in places


@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_intervention_has_one_row(world, language):
    """Group and individual treatment were listed twice: as named rows and as catalogue items."""
    with translation.override(language):
        report = unit_report(world.clinic, YEAR)
    labels = [row.label for row in report.rows if row.indicator == "interventions" and row.key]
    keys = [row.key for row in report.rows if row.indicator == "interventions" and row.key]
    assert len(labels) == len(set(labels)) and len(keys) == len(set(keys))
    assert Intervention.objects.count() + 3 == len(keys)  # medication, dispensing, drug tests


def _show(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def _seen_by_the_report(world, monkeypatch, name: str) -> list[str]:
    """The setting NAME as the report's queries run with it (read while they wait)."""
    seen = []
    waits = indicators._Computation.waits

    def spy(computation):
        seen.append(_show(name))
        return waits(computation)

    monkeypatch.setattr(indicators._Computation, "waits", spy)
    unit_report(world.clinic, YEAR)
    return seen


@pytest.mark.skipif(connection.vendor != "postgresql", reason="work_mem is PostgreSQL's")
@pytest.mark.parametrize(("setting", "expected"), [("48MB", "48MB"), ("", None)])
def test_the_report_queries_run_with_the_follow_up_work_mem(
    world, monkeypatch, settings, setting, expected
):
    server_default = _show("work_mem")
    settings.HELHET_FOLLOWUP_WORK_MEM = setting
    assert _seen_by_the_report(world, monkeypatch, "work_mem") == [expected or server_default]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel workers are PostgreSQL's")
@pytest.mark.parametrize("workers", [2, 0])
def test_the_report_queries_may_use_parallel_workers_that_pages_may_not(
    world, monkeypatch, settings, workers
):
    assert _show("max_parallel_workers_per_gather") == "0"  # a page's connection: none
    settings.HELHET_FOLLOWUP_PARALLEL_WORKERS = workers
    seen = _seen_by_the_report(world, monkeypatch, "max_parallel_workers_per_gather")
    assert seen == [str(workers)]
