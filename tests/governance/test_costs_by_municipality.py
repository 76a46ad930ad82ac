"""The cost key by use reads the follow-up's breakdown by municipality: the clients enrolled during
the year per municipality of residence are the unit's figure "enrolled" by municipality for the
year (one rule: `followup.indicators.enrolled_between`, `clients`, `municipalities`)."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from helhet.followup import municipalities
from helhet.followup.indicators import unit_report
from helhet.followup.periods import Period
from helhet.governance import costs
from tests import factories as f

from .test_costs_disclosure import _use_key
from .test_steering import meeting

pytestmark = pytest.mark.django_db
D = datetime.date
FEBRUARY = D(2026, 2, 1)


def _enrol(g, municipality, n, opened_on=FEBRUARY, closed_on=None, as_relative=False):
    for _n in range(n):
        person = f.PersonFactory(municipality=municipality, registered_by=g.nurse)
        closing = {}
        if closed_on:
            closing = {
                "closed_on": closed_on,
                "closure_reason": f.ClosureReasonFactory(),
                "closed_by": g.nurse,
            }
        f.EpisodeFactory(
            person=person,
            unit=g.clinic,
            opened_by=g.nurse,
            opened_on=opened_on,
            as_relative=as_relative,
            **closing,
        )


@pytest.fixture
def spread(gov):
    """The clinic in 2026: Testby 1 (the county's patient) + 8, one more Testby client who left
    in 2025, two Testby relatives for their own support, Annanby (not a party) 3, and one
    person with no municipality registered."""
    g = gov
    g.clinic.serves_relatives = True
    g.clinic.save()
    g.annanby = f.MunicipalityFactory(code="9902", name="Annanby")
    _enrol(g, g.home, 8)
    _enrol(g, g.home, 1, opened_on=D(2025, 1, 1), closed_on=D(2025, 12, 31))
    _enrol(g, g.home, 2, as_relative=True)
    _enrol(g, g.annanby, 3)
    _enrol(g, None, 1)
    return g


def test_the_use_count_is_the_follow_ups_enrolled_by_municipality(spread):
    g = spread
    report = unit_report(g.clinic, Period.year(2026), breakdown="municipality", suppress=False)
    cells = report.row("enrolled").cells
    followed = {
        municipalities.municipality_id(group.key): cells[group.key].value
        for group in report.groups
        if group.key not in ("total", municipalities.UNKNOWN)
    }
    assert followed == {g.home.pk: 9, g.annanby.pk: 3}  # hand-counted above
    assert costs.enrolled_by_municipality(g.agreement, 2026) == followed
    assert cells[municipalities.UNKNOWN].value == 1  # in the total, paid by no one
    assert cells["total"].value == 13


def test_the_statement_divides_by_the_follow_ups_figure_rounded(spread):
    g = spread
    _use_key(g, Decimal(50))
    report = unit_report(g.clinic, Period.year(2026), breakdown="municipality", suppress=False)
    testby = report.row("enrolled").cells[municipalities.key_of(g.home.pk)].value
    [line] = [
        line
        for line in costs.statement(g.agreement, 2026).lines
        if line.organisation == g.municipality
    ]
    assert line.basis is not None and line.basis.value == costs.rounded_use(testby) == 10


def test_the_steering_groups_meeting_offers_the_follow_up_by_municipality(client, spread):
    g = spread
    held = meeting(g)
    client.force_login(g.steering)
    page = client.get(reverse("governance:meeting", args=[held.pk])).content.decode()
    link = re.search(r'href="([^"]*breakdown=municipality)"', page)
    assert link is not None
    shown = client.get(html.unescape(link.group(1)))
    assert shown.status_code == 200 and shown.context["report"].breakdown == "municipality"
    # the period is the last 60 days: its groups are those of the figures, then unknown
    assert "Testby" in [group.label for group in shown.context["report"].groups]


def test_who_may_not_follow_the_unit_up_gets_no_breakdown_by_municipality(client, spread):
    client.force_login(spread.outsider)
    url = reverse("followup:unit", args=[spread.clinic.pk])
    assert client.get(url, {"breakdown": "municipality"}).status_code == 404
