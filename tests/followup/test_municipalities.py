"""The follow-up by municipality of residence (issue 18, item 4), on hand-counted data.

The clinic in 2025 (`by_place`): Aby 6 persons enrolled (one with two attended contacts),
Bby 2 (one contact), one person with no municipality registered; Cby is served by the clinic
(`Unit.municipalities`) but no one from there is enrolled. An Aby youth is enrolled at the
Mini-Maria only.
"""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet.followup import municipalities
from helhet.followup.forms import CountyFilterForm
from helhet.followup.indicators import county_comparison, trend, unit_report
from helhet.followup.periods import Period
from helhet.followup.report import Measure
from helhet.people.models import Person
from tests import factories as f

D = datetime.date
YEAR = Period.year(2025)
UNKNOWN = municipalities.UNKNOWN
WORK_MEM_STATEMENTS = 1 if connection.vendor == "postgresql" else 0


def figure(report, indicator, group="total", key=""):
    return report.row(indicator, key).cells[group].value


def key(municipality) -> str:
    return municipalities.key_of(municipality.pk)


def resident(w, municipality, **kw):
    person = w.person(**kw)
    Person.objects.filter(pk=person.pk).update(municipality=municipality)
    return person


@pytest.fixture
def by_place(world):
    w = world
    w.aby = f.MunicipalityFactory(code="9981", name="Aby")
    w.bby = f.MunicipalityFactory(code="9982", name="Bby")
    w.cby = f.MunicipalityFactory(code="9983", name="Cby")
    w.clinic.municipalities.add(w.aby, w.bby, w.cby)
    aby = [w.episode(resident(w, w.aby), opened_on=D(2025, 3, 1)) for _ in range(6)]
    bby = [w.episode(resident(w, w.bby), opened_on=D(2025, 3, 1)) for _ in range(2)]
    w.episode(resident(w, None), opened_on=D(2025, 3, 1))
    for day in (D(2025, 4, 1), D(2025, 5, 1)):
        w.contact(aby[0], day)
    w.contact(bby[0], D(2025, 4, 2))
    youth = resident(w, w.aby, birth_date=D(2010, 1, 1))
    w.episode(youth, unit=w.mini, opened_on=D(2025, 3, 1))
    return w


def test_figures_by_municipality_are_counted_by_residence(by_place):
    w = by_place
    report = unit_report(w.clinic, YEAR, breakdown="municipality", suppress=False)
    # the served ones by name (Cby with no one at 0), then those with no municipality
    assert [(g.key, g.label) for g in report.groups] == [
        ("total", "Total"),
        (key(w.aby), "Aby"),
        (key(w.bby), "Bby"),
        (key(w.cby), "Cby"),
        (UNKNOWN, "Unknown municipality"),
    ]
    enrolled = {g.key: figure(report, "enrolled", g.key) for g in report.groups}
    assert enrolled == {"total": 9, key(w.aby): 6, key(w.bby): 2, key(w.cby): 0, UNKNOWN: 1}
    contacts = {g.key: figure(report, "contacts", g.key) for g in report.groups}
    assert contacts == {"total": 3, key(w.aby): 2, key(w.bby): 1, key(w.cby): 0, UNKNOWN: 0}
    # a third of Aby's persons and half of Bby's had a contact
    assert figure(report, "contact_persons", key(w.bby)) == 1


def test_the_total_is_the_sum_of_the_municipalities_for_every_count(by_place):
    w = by_place
    report = unit_report(w.clinic, YEAR, breakdown="municipality", suppress=False)
    by_total = unit_report(w.clinic, YEAR, suppress=False)
    parts = [g.key for g in report.groups if g.key != "total"]
    for row in report.rows:
        if row.measure != Measure.COUNT or row.indicator.startswith("referrals_"):
            continue
        total = row.cells["total"].value
        assert total == sum(row.cells[part].value for part in parts), row
        assert total == by_total.row(row.indicator, row.key).cells["total"].value, row


def test_a_municipality_found_but_not_served_is_a_group_of_its_own(by_place):
    """An ACT team takes residents of any municipality: each is counted in their own."""
    w = by_place
    far = f.MunicipalityFactory(code="9989", name="Fjärrby")
    w.episode(resident(w, far), opened_on=D(2025, 6, 1))
    report = unit_report(w.clinic, YEAR, breakdown="municipality", suppress=False)
    assert [g.label for g in report.groups][1:] == [
        "Aby",
        "Bby",
        "Cby",
        "Fjärrby",
        "Unknown municipality",
    ]
    assert figure(report, "enrolled", key(far)) == 1
    assert figure(report, "enrolled") == 10


def test_the_municipality_is_the_present_residence(by_place):
    """No residence is kept per episode: a person who moved counts in the new one for 2025."""
    w = by_place
    mover = Person.objects.filter(municipality=w.bby).first()
    Person.objects.filter(pk=mover.pk).update(municipality=w.cby)
    report = unit_report(w.clinic, YEAR, breakdown="municipality", suppress=False)
    assert figure(report, "enrolled", key(w.bby)) == 1
    assert figure(report, "enrolled", key(w.cby)) == 1


def test_a_small_municipality_is_suppressed_and_cannot_be_worked_out_from_the_total(world):
    """Aby 6, Bby 2, Cby 5, no unknown: Bby's 2 is "<5"; the total (13) and Aby's 6 would
    give it away with Cby's 5, so Cby's (the smallest other) is hidden too, as "–"."""
    w = world
    places = {}
    for code, name, n in (("9981", "Aby", 6), ("9982", "Bby", 2), ("9983", "Cby", 5)):
        places[name] = f.MunicipalityFactory(code=code, name=name)
        for _ in range(n):
            w.episode(resident(w, places[name]), opened_on=D(2025, 3, 1))
    report = unit_report(w.clinic, YEAR, breakdown="municipality")
    cells = report.row("enrolled").cells
    aby, bby, cby = (cells[key(places[name])] for name in ("Aby", "Bby", "Cby"))
    assert (cells["total"].value, aby.value) == (13, 6)
    assert bby.suppressed and bby.small and bby.value is None
    assert cby.suppressed and not cby.small and cby.value is None
    assert cells[UNKNOWN].value == 0  # no one: shown
    exact = unit_report(w.clinic, YEAR, breakdown="municipality", suppress=False)
    assert exact.row("enrolled").cells[key(places["Bby"])].value == 2


def test_the_county_comparison_of_one_municipalitys_residents(
    by_place, django_assert_max_num_queries
):
    w = by_place
    with django_assert_max_num_queries(21 + WORK_MEM_STATEMENTS):
        clinic, mini = county_comparison([w.clinic, w.mini], YEAR, group=key(w.aby), suppress=False)
    assert (clinic.unit_name, figure(clinic, "enrolled")) == ("Socialmedicin Uppföljning, Aby", 6)
    assert (mini.unit_name, figure(mini, "enrolled")) == ("Mini-Maria Uppföljning, Aby", 1)
    # no one from Bby at the Mini-Maria: 0, not missing
    _clinic, mini = county_comparison([w.clinic, w.mini], YEAR, group=key(w.bby), suppress=False)
    assert figure(mini, "enrolled") == 0 and figure(mini, "consent_share") is None
    # suppressed: Aby's youth is one person at the Mini-Maria
    _clinic, mini = county_comparison([w.clinic, w.mini], YEAR, group=key(w.aby))
    assert mini.row("enrolled").cells["total"].small


def test_the_trend_of_one_municipality_is_its_column_of_each_periods_report(by_place):
    w = by_place
    w.episode(resident(w, w.aby), opened_on=D(2025, 5, 10))
    months = Period.month(2025, 5).preceding(3)
    column = trend(w.clinic, months, group=key(w.aby), suppress=False)
    # Aby: 6 enrolled from 1 March, a seventh from 10 May
    assert [figure(r, "enrolled") for r in column] == [6, 6, 7]
    assert [figure(r, "contacts") for r in column] == [0, 1, 1]
    for report, month in zip(column, months, strict=True):
        alone = unit_report(w.clinic, month, breakdown="municipality", suppress=False)
        assert figure(report, "enrolled") == figure(alone, "enrolled", key(w.aby))
    # a municipality with no one at the unit: zeros, not an error
    nobody = f.MunicipalityFactory(code="9988", name="Ingenby")
    assert [figure(r, "enrolled") for r in trend(w.clinic, months, group=key(nobody))] == [0] * 3


@pytest.mark.parametrize("persons", [3, 20])
def test_a_report_by_municipality_takes_the_same_number_of_queries_whatever_the_data(
    world, persons
):
    """By municipality 21 queries (by sex 20, and the names of the municipalities found), with
    3 or 20 persons, each in a municipality of their own."""
    w = world
    for n in range(persons):
        place = f.MunicipalityFactory(code=f"{9900 + n}", name=f"Kommun {n}")
        ep = w.episode(resident(w, place), opened_on=D(2025, 1, 1))
        w.contact(ep, D(2025, 2, 1), booked=True)
        w.referral(D(2025, 1, 1), decided_on=D(2025, 1, 5), ep=ep)
    with CaptureQueriesContext(connection) as queries:
        report = unit_report(w.clinic, YEAR, breakdown="municipality")
    assert len(report.groups) == persons + 2  # the total, each municipality, unknown
    assert len(queries) == 21 + WORK_MEM_STATEMENTS


def test_the_unit_page_offers_and_shows_the_breakdown_by_municipality(client, by_place):
    w = by_place
    manager = f.UserFactory(username="fu_manager", organisation=w.region)
    f.MembershipFactory(user=manager, unit=w.clinic, role="manager")
    client.force_login(manager)
    url = reverse("followup:unit", args=[w.clinic.pk])
    page = client.get(url, {"kind": "year", "year": "2025", "breakdown": "municipality"})
    assert page.status_code == 200
    assert 'value="municipality"' in page.text
    for label in ("Aby", "Bby", "Cby", "Unknown municipality"):
        assert label in page.text
    county = client.get(
        reverse("followup:county"),
        {"kind": "year", "year": "2025", "unit_type": "social_medicine", "group": key(w.aby)},
    )
    assert county.status_code == 200 and "Residents of Aby" in county.text
    bad = client.get(reverse("followup:county"), {"unit_type": "social_medicine", "group": "x"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.text


def test_the_definitions_page_says_the_municipality_is_the_present_residence(client, by_place):
    manager = f.UserFactory(username="fu_manager", organisation=by_place.region)
    f.MembershipFactory(user=manager, unit=by_place.clinic, role="manager")
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get(reverse("followup:definitions"))
    assert "folkbokföringskommun så som den är registrerad nu" in page.text
    assert "Okänd kommun" in page.text


def test_the_municipalities_the_units_serve_come_first_in_the_choice_of_residents(by_place):
    elsewhere = f.MunicipalityFactory(code="9984", name="Aaby")  # first by name, served by none
    served, others = municipalities.choice_groups()
    assert [name for _key, name in served[1]] == ["Aby", "Bby", "Cby"]
    other_names = [name for _key, name in others[1]]
    assert other_names[0] == "Aaby" and "Aby" not in other_names
    assert others[1][-1] == (municipalities.UNKNOWN, "Unknown municipality")
    form = CountyFilterForm({"unit_type": "social_medicine", "group": key(elsewhere)})
    assert form.is_valid(), form.errors  # every municipality stays a choice
