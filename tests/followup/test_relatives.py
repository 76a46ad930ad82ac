"""Relatives enrolled for support of their own (`Episode.as_relative`) are not clients: no
client indicator counts what is recorded about them at that unit, and their own figures
(relatives enrolled, newly enrolled, their contacts) are reported beside, suppressed alike, on
the unit page, in the exports and on the definitions page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.bookings.models import Booking
from helhet.followup import exports
from helhet.followup.indicators import trend, unit_report
from helhet.followup.periods import Period
from tests import factories as f

from .test_exports_files import read_csv

D = datetime.date
YEAR = Period.year(2025)


def figure(report, indicator, key="", group="total"):
    [row] = [r for r in report.rows if r.indicator == indicator and r.key == key]
    return row.cells[group].value


@pytest.fixture
def mini(world):
    """Mini-Maria serving relatives in 2025: one young client and one parent enrolled as a
    relative (51, outside the age limits), each with the same record: two attended contacts
    (one booked), a missed booking, an AUDIT at intake, an accepted referral, a SIP follow-up."""
    w = world
    w.mini.serves_relatives = True
    w.mini.save()
    young = w.person(birth_date=D(2008, 5, 1), sex="male")
    parent = w.person(birth_date=D(1974, 5, 1), sex="female")
    w.client_episode = w.episode(young, unit=w.mini, opened_on=D(2025, 3, 1))
    w.relative_episode = w.episode(parent, unit=w.mini, opened_on=D(2025, 3, 1), as_relative=True)
    for ep in (w.client_episode, w.relative_episode):
        w.contact(ep, D(2025, 4, 1), booked=True)
        w.contact(ep, D(2025, 4, 2))
        w.contact(ep, D(2025, 4, 3), attended=False, booked=True)
        w.assessment(ep.person, D(2025, 3, 2), "intake", 9, unit=w.mini, zone="II")
        referral = w.referral(D(2025, 2, 20), decided_on=D(2025, 3, 1), ep=ep)
        referral.unit = w.mini
        referral.save()
        sip = w.sip_version(ep.person, D(2025, 3, 5), unit=w.mini)
        w.meeting(sip, D(2025, 3, 5), D(2025, 5, 5))
    w.young, w.parent = young, parent
    return w


def test_a_relatives_episode_is_not_counted_as_a_client(mini):
    report = unit_report(mini.mini, YEAR, suppress=False)
    for indicator in ("enrolled", "new_enrolments", "enrolled_at_end", "contact_persons"):
        assert figure(report, indicator) == 1, indicator
    assert figure(report, "contacts") == 2
    assert figure(report, "booked_contacts") == Booking.objects.filter(person=mini.young).count()
    assert figure(report, "no_shows") == 1
    assert figure(report, "audit_intake") == 1
    assert figure(report, "referrals_decided") == 1
    assert figure(report, "sip_persons") == 1
    assert figure(report, "sip_follow_ups_due") == 1


def test_a_relative_is_counted_among_the_relatives(mini):
    report = unit_report(mini.mini, YEAR, suppress=False)
    assert figure(report, "relatives_enrolled") == 1
    assert figure(report, "relatives_new_enrolments") == 1
    assert figure(report, "relative_contacts") == 2


def test_by_sex_and_age_the_relative_is_in_no_client_group(mini):
    by_sex = unit_report(mini.mini, YEAR, breakdown="sex", suppress=False)
    assert figure(by_sex, "enrolled", group="sex:female") == 0  # the parent is the woman
    assert figure(by_sex, "enrolled", group="sex:male") == 1
    assert figure(by_sex, "relatives_enrolled", group="sex:female") == 1
    by_age = unit_report(mini.mini, YEAR, breakdown="age", suppress=False)
    assert figure(by_age, "enrolled", group="age:other") == 0  # 50: no Mini-Maria age group
    assert figure(by_age, "relatives_enrolled", group="age:other") == 1


def test_without_relatives_enrolled_every_client_is_counted(world):
    ep = world.episode(unit=world.mini, opened_on=D(2025, 3, 1))
    world.contact(ep, D(2025, 4, 1))
    report = unit_report(world.mini, YEAR, suppress=False)
    assert (figure(report, "enrolled"), figure(report, "contacts")) == (1, 1)
    assert (figure(report, "relatives_enrolled"), figure(report, "relative_contacts")) == (0, 0)


def test_the_relatives_figures_are_suppressed_as_every_count(mini):
    report = unit_report(mini.mini, YEAR)
    for indicator in ("relatives_enrolled", "relative_contacts"):
        [row] = [r for r in report.rows if r.indicator == indicator and r.key == ""]
        assert row.cells["total"].suppressed and row.cells["total"].small


def test_a_trend_separates_relatives_in_each_period(mini):
    march, april = trend(mini.mini, Period.month(2025, 4).preceding(2), suppress=False)
    assert (figure(march, "enrolled"), figure(march, "relatives_enrolled")) == (1, 1)
    assert (figure(april, "contacts"), figure(april, "relative_contacts")) == (2, 2)


def test_the_unit_page_and_the_definitions_show_the_relatives(client, mini):
    manager = f.UserFactory(username="fu_manager", organisation=mini.region)
    f.MembershipFactory(user=manager, unit=mini.mini, role="manager")
    client.force_login(manager)
    page = client.get(reverse("followup:unit", args=[mini.mini.pk]), {"kind": "year", "year": 2025})
    assert page.status_code == 200
    assert "Relatives enrolled" in page.text and "Relatives&#x27; contacts attended" in page.text
    definitions = client.get(reverse("followup:definitions")).text
    assert "not counted as clients in any other figure" in definitions


def test_the_export_has_the_relatives_figures(mini):
    export = exports.Export(
        scope="unit",
        title=mini.mini.name,
        period_label="2025",
        breakdown="total",
        reports=[unit_report(mini.mini, YEAR)],
        made_at=timezone.now(),
        made_by="Stina Styrgrupp",
    )
    table = read_csv(exports.write_csv(export), ",")
    by_code = {row[2]: row for row in table[1:] if row[4] == ""}
    assert by_code["relatives_enrolled"][6] == "<5"
    assert by_code["enrolled"][6] == "<5"
    assert "relative_contacts" in by_code
