"""The by-use key gives no count under five away (costs.rounded_use), counts clients only
(followup.indicators.clients), and shared costs and the key are changed by whom the rules say:
the security review of governance (its repro cases)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhet.core.models import Membership, Organisation
from helhet.followup import indicators
from helhet.followup.access import unit_followup
from helhet.followup.periods import Period
from helhet.governance import actions, costs
from helhet.governance.models import Cost, CostKey
from tests import factories as f

from .conftest import propose

pytestmark = pytest.mark.django_db


def _enrol(g, municipality, n, unit=None, as_relative=False):
    for _n in range(n):
        person = f.PersonFactory(municipality=municipality, registered_by=g.nurse)
        f.EpisodeFactory(
            person=person,
            unit=unit or g.clinic,
            opened_by=g.nurse,
            opened_on=datetime.date(2026, 2, 1),
            as_relative=as_relative,
        )


def _exact(g, municipality) -> int:
    return costs.enrolled_by_municipality(g.agreement, 2026).get(municipality.pk, 0)


def _enrol_up_to(g, municipality, target):
    _enrol(g, municipality, target - _exact(g, municipality))
    assert _exact(g, municipality) == target


def _use_key(g, region_share=Decimal(0)):
    Cost.objects.create(
        agreement=g.agreement, year=2026, kind="premises", amount=100_000, recorded_by=g.region
    )
    key = actions.key_save(
        user=g.manager,
        agreement_id=g.agreement.pk,
        year=2026,
        method="use",
        shares={g.region.pk: region_share},
    )
    for user in [g.coordinator, *getattr(g, "bosses", [])]:
        actions.key_approve(user=user, key_id=key.pk)
    key.refresh_from_db()
    assert key.state == CostKey.State.IN_FORCE


def _shown(client, g):
    """Everything the statement shows of the year: the lines, the page's table and the xlsx."""
    from openpyxl import load_workbook

    lines = [
        (line.organisation.name, line.percent, line.basis, line.shared, line.total)
        for line in costs.statement(g.agreement, 2026).lines
    ]
    page = client.get(reverse("governance:costs", args=[g.agreement.pk]), {"year": 2026}).text
    table = page[page.index("<table>") : page.rindex("</table>")]
    response = client.get(
        reverse("governance:statement_xlsx", args=[g.agreement.pk]), {"year": 2026}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    return lines, table, cells


@pytest.fixture
def four_parties(gov):
    """The reviewer's case: three municipalities (Testby, Annanby, Cby) and the region."""
    g = gov
    added = []
    for code, name in (("9902", "Annanby"), ("9903", "Cby")):
        municipality = f.MunicipalityFactory(code=code, name=name)
        organisation = f.OrganisationFactory(
            kind=Organisation.Kind.MUNICIPALITY, name=f"{name} kommun", municipality=municipality
        )
        g.clinic.organisations.add(organisation)
        added.append((municipality, organisation))
    (g.annanby, oa), (g.cby, oc) = added
    v2 = propose(g.agreement, g.manager, based_on=1, parties=[g.region, g.municipality, oa, oc])
    for user in (g.manager, g.coordinator):
        actions.version_approve(user=user, version_id=v2.pk)
    g.bosses = []
    for organisation, name in ((oa, "boss_a"), (oc, "boss_c")):
        boss = f.UserFactory(username=name, organisation=organisation)
        f.MembershipFactory(user=boss, unit=g.clinic, role="manager")
        actions.version_approve(user=boss, version_id=v2.pk)
        g.bosses.append(boss)
    return g


def test_counts_are_rounded_up_to_a_multiple_of_five(four_parties):
    g = four_parties
    _enrol_up_to(g, g.home, 10)
    _enrol(g, g.annanby, 1)
    _enrol(g, g.cby, 6)
    _use_key(g)
    lines = {line.organisation.name: line for line in costs.statement(g.agreement, 2026).lines}
    shown = {
        name: lines[name].basis.value for name in ("Testby kommun", "Annanby kommun", "Cby kommun")
    }
    assert shown == {"Testby kommun": 10, "Annanby kommun": 5, "Cby kommun": 10}
    assert lines["Annanby kommun"].percent == Decimal("20.00")  # 5 of 25, not 1 of 17


def test_a_count_under_five_cannot_be_worked_out_from_the_page_or_the_xlsx(client, four_parties):
    """The reviewer's case (1, 10, 6): whatever the small count is, from 1 to 5, the page's
    statement and the xlsx are the same, so it cannot be derived from them."""
    g = four_parties
    _enrol_up_to(g, g.home, 10)
    _enrol(g, g.annanby, 1)
    _enrol(g, g.cby, 6)
    _use_key(g)
    client.force_login(g.steering)
    with_one = _shown(client, g)
    _enrol(g, g.annanby, 3)
    assert _exact(g, g.annanby) == 4
    assert _shown(client, g) == with_one
    _enrol(g, g.annanby, 2)  # six: pays for ten
    assert _shown(client, g) != with_one


def test_use_counts_clients_only_and_hides_the_relatives_difference(gov):
    """Reviewer's case a: relatives enrolled for their own support are not counted, so the use
    count is the follow-up's enrolled, rounded; adding relatives changes nothing."""
    g = gov
    g.clinic.serves_relatives = True
    g.clinic.save()
    _enrol(g, g.home, 8)
    _enrol(g, g.home, 2, as_relative=True)
    _use_key(g, Decimal(50))
    fu = unit_followup(g.steering, g.clinic.pk)
    report = indicators.unit_report(g.clinic, Period.year(2026), suppress=fu.suppress)
    enrolled = report.row("enrolled").cells["total"]
    relatives = report.row("relatives_enrolled").cells["total"]
    assert relatives.suppressed and not enrolled.suppressed
    assert _exact(g, g.home) == enrolled.value
    basis = costs.statement(g.agreement, 2026).lines[1].basis
    assert basis.value == costs.rounded_use(enrolled.value) and basis.value % 5 == 0
    _enrol(g, g.home, 2, as_relative=True)
    assert costs.statement(g.agreement, 2026).lines[1].basis == basis


def test_another_units_small_count_cannot_be_worked_out_by_subtraction(client, gov):
    """Reviewer's case b: the agreement also covers a unit the reader may not follow up; the
    statement is the same whether 1 or up to 4 of its persons are counted."""
    g = gov
    g.agreement.units.add(g.other_unit)
    _enrol_up_to(g, g.home, 6)  # at the clinic: the follow-up shows them exactly
    _enrol(g, g.home, 1, unit=g.other_unit)
    _use_key(g, Decimal(50))
    client.force_login(g.steering)
    with_one = _shown(client, g)
    _enrol(g, g.home, 3, unit=g.other_unit)
    assert _exact(g, g.home) == 10
    assert _shown(client, g) == with_one


def test_the_page_states_the_rule_of_the_use_key(client, gov):
    _use_key(gov)
    client.force_login(gov.steering)
    page = client.get(reverse("governance:costs", args=[gov.agreement.pk]), {"year": 2026})
    assert "A municipality with use pays for at least five" in page.text


# --- Who changes a shared cost -------------------------------------------------------------


def _shared(g):
    return actions.cost_save(
        user=g.manager, agreement_id=g.agreement.pk, year=2026, kind="premises", amount=100_000
    )


def test_the_party_that_recorded_a_shared_cost_changes_and_removes_it(gov):
    cost = _shared(gov)
    assert cost.recorded_by == gov.municipality
    actions.cost_save(
        user=gov.manager,
        agreement_id=gov.agreement.pk,
        cost_id=cost.pk,
        based_on=0,
        year=2026,
        kind="premises",
        amount=90_000,
    )
    cost.refresh_from_db()
    assert cost.amount == 90_000
    actions.cost_delete(user=gov.manager, cost_id=cost.pk)
    assert not Cost.objects.exists()


def test_another_party_neither_changes_nor_removes_a_shared_cost(gov):
    cost = _shared(gov)
    with pytest.raises(ValidationError, match="only by the party that recorded it"):
        actions.cost_save(
            user=gov.coordinator,
            agreement_id=gov.agreement.pk,
            cost_id=cost.pk,
            based_on=0,
            year=2026,
            kind="premises",
            amount=1,
        )
    with pytest.raises(ValidationError, match="only by the party that recorded it"):
        actions.cost_delete(user=gov.coordinator, cost_id=cost.pk)
    cost.refresh_from_db()
    assert (cost.amount, cost.version) == (100_000, 0)


def test_a_shared_cost_recorded_before_the_recorder_was_kept_is_changed_by_no_one(gov):
    cost = Cost.objects.create(agreement=gov.agreement, year=2026, kind="premises", amount=1)
    for user in (gov.manager, gov.coordinator):
        with pytest.raises(ValidationError):
            actions.cost_delete(user=user, cost_id=cost.pk)
    assert Cost.objects.filter(pk=cost.pk).exists()


def test_the_cost_page_opens_to_the_recorder_only(client, gov):
    cost = _shared(gov)
    url = reverse("governance:cost", args=[cost.pk])
    costs_page = reverse("governance:costs", args=[gov.agreement.pk]) + "?year=2026"
    client.force_login(gov.manager)
    assert client.get(url).status_code == 200
    assert url in client.get(costs_page).text
    client.force_login(gov.coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url, {"delete": "1"}).status_code == 404
    assert url not in client.get(costs_page).text
    assert Cost.objects.filter(pk=cost.pk).exists()


# --- Who sets the key ----------------------------------------------------------------------


def _propose(g, user, region, municipality):
    return actions.key_save(
        user=user,
        agreement_id=g.agreement.pk,
        year=2026,
        method="fixed",
        shares={g.region.pk: Decimal(region), g.municipality.pk: Decimal(municipality)},
    )


def _shares(g):
    return {
        line.organisation.name: line.shared for line in costs.statement(g.agreement, 2026).lines
    }


def test_one_party_alone_does_not_set_the_key_for_everyone(client, gov):
    """The reviewer's case: the region proposes to put every shared cost on the municipality;
    nothing is divided by it until the municipality approves, and the page says so."""
    _shared(gov)
    key = _propose(gov, gov.coordinator, 0, 100)
    assert (key.state, key.set_by, key.set_by_party) == ("proposed", gov.coordinator, gov.region)
    assert key.set_at is not None
    assert _shares(gov) == {"Region Testland": 0, "Testby kommun": 0}  # no key in force
    client.force_login(gov.steering)
    page = client.get(reverse("governance:costs", args=[gov.agreement.pk]), {"year": 2026}).text
    assert "Proposed key, waiting for approval" in page
    assert f"Proposed by Region Testland ({gov.coordinator})" in page
    assert page.count("Not yet") == 1  # the municipality; the region approved by proposing


def test_the_key_is_in_force_when_every_party_has_approved_and_shows_who_set_it(client, gov):
    _shared(gov)
    first = _propose(gov, gov.coordinator, 60, 40)
    client.force_login(gov.manager)
    url = reverse("governance:cost_key", args=[gov.agreement.pk]) + "?year=2026"
    assert "Approve the proposed key" in client.get(url).text
    assert client.post(url, {"approve": str(first.pk)}).status_code == 302
    first.refresh_from_db()
    assert first.state == "in_force"
    assert _shares(gov) == {"Region Testland": 60_000, "Testby kommun": 40_000}
    second = _propose(gov, gov.manager, 0, 100)  # a change waits; the first stays in force
    assert _shares(gov) == {"Region Testland": 60_000, "Testby kommun": 40_000}
    actions.key_approve(user=gov.coordinator, key_id=second.pk)
    first.refresh_from_db()
    assert first.state == "superseded"
    assert _shares(gov) == {"Region Testland": 0, "Testby kommun": 100_000}
    client.force_login(gov.steering)
    page = client.get(reverse("governance:costs", args=[gov.agreement.pk]), {"year": 2026})
    assert f"Set by Testby kommun ({gov.manager})" in page.text


def test_a_later_proposal_replaces_the_waiting_one(gov):
    first = _propose(gov, gov.coordinator, 0, 100)
    _propose(gov, gov.manager, 50, 50)
    first.refresh_from_db()
    assert first.state == "replaced"
    with pytest.raises(ValidationError, match="not waiting for approval"):
        actions.key_approve(user=gov.manager, key_id=first.pk)


def test_a_party_approves_once_and_others_do_not_approve(client, gov):
    key = _propose(gov, gov.coordinator, 0, 100)
    with pytest.raises(ValidationError, match="already approved"):
        actions.key_approve(user=gov.coordinator, key_id=key.pk)
    for user in (gov.steering, gov.nurse, gov.other_manager):
        with pytest.raises(ValidationError):
            actions.key_approve(user=user, key_id=key.pk)
    client.force_login(gov.steering)
    url = reverse("governance:cost_key", args=[gov.agreement.pk]) + "?year=2026"
    assert client.post(url, {"approve": str(key.pk)}).status_code == 404
    key.refresh_from_db()
    assert key.state == "proposed" and key.approvals.count() == 1


def test_an_organisation_that_is_not_a_party_does_not_set_the_key(gov):
    """A manager at the agreement's unit whose organisation is not a party, and the steering
    group's member, are refused; the key stays as it was."""
    outsider_org = f.OrganisationFactory(kind=Organisation.Kind.OTHER, name="Frivården")
    gov.clinic.organisations.add(outsider_org)
    outsider = f.UserFactory(username="frivarden", organisation=outsider_org)
    f.MembershipFactory(user=outsider, unit=gov.clinic, role=Membership.Role.MANAGER)
    for user in (outsider, gov.steering):
        with pytest.raises(ValidationError):
            actions.key_save(
                user=user,
                agreement_id=gov.agreement.pk,
                year=2026,
                method="fixed",
                shares={gov.region.pk: Decimal(100)},
            )
    assert not CostKey.objects.exists()
