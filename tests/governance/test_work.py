"""The checklist, staffing agreed against actual, and the cost statement with its keys."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhet.core import pdf
from helhet.core.models import Organisation
from helhet.governance import actions, costs
from helhet.governance.models import ChecklistItem, Cost, Population, Position
from tests import factories as f

from .conftest import propose


def test_a_checklist_item_saved_on_its_page_leaves_the_steering_groups_list(client, gov):
    item = ChecklistItem.objects.get(agreement=gov.agreement, code="costs")
    client.force_login(gov.steering)
    assert (
        "Sharing of costs and funds"
        in client.get(reverse("governance:steering_group", args=[gov.group.pk])).text
    )
    client.force_login(gov.manager)
    url = reverse("governance:checklist_item", args=[item.pk])
    data = {"version": "0", "status": "done", "responsible": "Per", "notes": "Klart"}
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.responsible, item.version) == ("done", "Per", 1)
    client.force_login(gov.steering)
    assert (
        "Sharing of costs and funds"
        not in client.get(reverse("governance:steering_group", args=[gov.group.pk])).text
    )


def test_a_stale_checklist_edit_is_refused_with_the_reason(client, gov):
    item = ChecklistItem.objects.get(agreement=gov.agreement, code="goals")
    actions.checklist_item_update(user=gov.coordinator, item_id=item.pk, based_on=0, status="done")
    client.force_login(gov.manager)
    response = client.post(
        reverse("governance:checklist_item", args=[item.pk]),
        {"version": "0", "status": "in_progress"},
    )
    assert response.status_code == 200 and "Someone else saved" in response.text
    item.refresh_from_db()
    assert item.status == "done"


def test_staffing_agreed_against_actual(gov):
    actions.position_save(
        user=gov.coordinator,
        agreement_id=gov.agreement.pk,
        profession="nurse",
        percent=100,
        employer=gov.region,
        payer=gov.region,
    )
    actions.position_save(
        user=gov.coordinator,
        agreement_id=gov.agreement.pk,
        profession="nurse",
        percent=50,
        employer=gov.region,
        payer=gov.municipality,
        vacant=True,
    )
    from helhet.governance.staffing import staffing

    rows = {(r.organisation, r.profession): r for r in staffing(gov.agreement)}
    nurses = rows[("Region Testland", "Nurse")]
    assert (nurses.positions, nurses.full_time, nurses.vacant, nurses.actual) == (
        2,
        Decimal("1.5"),
        1,
        1,
    )
    assert rows[("Testby kommun", "Social worker")].actual == 1  # no position agreed


def test_a_party_adds_only_its_own_positions_and_costs(gov):
    with pytest.raises(ValidationError):
        actions.position_save(
            user=gov.coordinator,
            agreement_id=gov.agreement.pk,
            profession="nurse",
            percent=100,
            employer=gov.municipality,
            payer=gov.municipality,
        )
    with pytest.raises(ValidationError):
        actions.cost_save(
            user=gov.coordinator,
            agreement_id=gov.agreement.pk,
            year=2026,
            kind="staff",
            amount=1,
            party=gov.municipality,
        )
    assert not Position.objects.exists() and not Cost.objects.exists()


def _costs(g, key, shares):
    Cost.objects.create(agreement=g.agreement, year=2026, kind="premises", amount=100_000)
    Cost.objects.create(agreement=g.agreement, year=2026, kind="staff", amount=500, party=g.region)
    proposed = actions.key_save(
        user=g.manager, agreement_id=g.agreement.pk, year=2026, method=key, shares=shares
    )
    for user in [g.coordinator] + [u for u in [getattr(g, "boss", None)] if u]:
        actions.key_approve(user=user, key_id=proposed.pk)
    return {line.organisation.name: line for line in costs.statement(g.agreement, 2026).lines}


def test_fixed_shares_divide_the_shared_costs(gov):
    lines = _costs(gov, "fixed", {gov.region.pk: Decimal(60), gov.municipality.pk: Decimal(40)})
    assert (lines["Region Testland"].shared, lines["Region Testland"].total) == (60_000, 60_500)
    assert lines["Testby kommun"].shared == 40_000


def test_fixed_shares_must_add_up_to_100(gov):
    with pytest.raises(ValidationError):
        _costs(gov, "fixed", {gov.region.pk: Decimal(60)})


@pytest.fixture
def three_parties(gov):
    other = f.MunicipalityFactory(code="9902", name="Annanby")
    second = f.OrganisationFactory(
        kind=Organisation.Kind.MUNICIPALITY, name="Annanby kommun", municipality=other
    )
    gov.clinic.organisations.add(second)
    v2 = propose(
        gov.agreement, gov.manager, based_on=1, parties=[gov.region, gov.municipality, second]
    )
    for user in (gov.manager, gov.coordinator):
        actions.version_approve(user=user, version_id=v2.pk)
    boss = f.UserFactory(username="annanby_chef", organisation=second)
    f.MembershipFactory(user=boss, unit=gov.clinic, role="manager")
    actions.version_approve(user=boss, version_id=v2.pk)
    gov.second, gov.other, gov.boss = second, other, boss
    return gov


def test_by_population_the_municipalities_divide_what_the_region_leaves(three_parties):
    g = three_parties
    Population.objects.create(municipality=g.home, year=2025, population=30_000)
    Population.objects.create(municipality=g.other, year=2026, population=10_000)
    lines = _costs(g, "population", {g.region.pk: Decimal(50)})
    assert lines["Region Testland"].shared == 50_000
    assert lines["Testby kommun"].percent == Decimal("37.50")  # 2025's population: the latest
    assert lines["Annanby kommun"].shared == 12_500


def test_by_use_counts_are_rounded_up_to_a_multiple_of_five(three_parties):
    g = three_parties
    for _n in range(6):
        person = f.PersonFactory(municipality=g.home, registered_by=g.nurse)
        f.EpisodeFactory(
            person=person, unit=g.clinic, opened_by=g.nurse, opened_on=datetime.date(2026, 2, 1)
        )
    person = f.PersonFactory(municipality=g.other, registered_by=g.nurse)
    f.EpisodeFactory(
        person=person, unit=g.clinic, opened_by=g.nurse, opened_on=datetime.date(2025, 2, 1)
    )
    lines = _costs(g, "use", {g.region.pk: Decimal(50)})
    # Testby: the patient and six more (7: 10); Annanby: one, open since 2025 (1: 5)
    assert (lines["Annanby kommun"].basis.value, lines["Testby kommun"].basis.value) == (5, 10)
    assert lines["Testby kommun"].percent == Decimal("33.33")
    assert (lines["Testby kommun"].shared, lines["Annanby kommun"].shared) == (33_330, 16_670)


def test_the_statement_page_and_the_xlsx(client, gov):
    _costs(gov, "fixed", {gov.region.pk: Decimal(60), gov.municipality.pk: Decimal(40)})
    client.force_login(gov.steering)
    page = client.get(reverse("governance:costs", args=[gov.agreement.pk]), {"year": 2026})
    assert "60500" in page.text
    response = client.get(
        reverse("governance:statement_xlsx", args=[gov.agreement.pk]), {"year": 2026}
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Region Testland" in values and 60500 in values


def test_a_key_that_does_not_add_up_re_renders_the_form_with_the_reason(client, gov):
    client.force_login(gov.manager)
    url = reverse("governance:cost_key", args=[gov.agreement.pk]) + "?year=2026"
    response = client.post(url, {"method": "fixed", f"share_{gov.region.pk}": "30"})
    assert response.status_code == 200 and "Fixed shares add up to 100 %." in response.text


def test_a_stale_edit_of_a_cost_or_a_position_is_refused_and_shows_the_reason(client, gov):
    cost = Cost.objects.create(
        agreement=gov.agreement, year=2026, kind="premises", amount=100, recorded_by=gov.region
    )
    position = Position.objects.create(
        agreement=gov.agreement, profession="nurse", employer=gov.region, payer=gov.region
    )
    actions.cost_save(
        user=gov.coordinator,
        agreement_id=gov.agreement.pk,
        cost_id=cost.pk,
        based_on=0,
        year=2026,
        kind="premises",
        amount=200,
    )
    actions.position_save(
        user=gov.coordinator,
        agreement_id=gov.agreement.pk,
        position_id=position.pk,
        based_on=0,
        profession="nurse",
        percent=60,
        employer=gov.region,
        payer=gov.region,
    )
    client.force_login(gov.coordinator)
    data = {"version": "0", "year": "2026", "kind": "premises", "amount": "300"}
    response = client.post(reverse("governance:cost", args=[cost.pk]), data)
    assert response.status_code == 200 and "Someone else saved" in response.text
    data = {
        "version": "0",
        "profession": "nurse",
        "percent": "40",
        "employer": gov.region.pk,
        "payer": gov.region.pk,
    }
    response = client.post(reverse("governance:position", args=[position.pk]), data)
    assert response.status_code == 200 and "Someone else saved" in response.text
    cost.refresh_from_db()
    position.refresh_from_db()
    assert (cost.amount, position.percent) == (200, 60)


def test_a_cost_is_changed_and_removed_on_its_page(client, gov):
    cost = Cost.objects.create(
        agreement=gov.agreement,
        year=2026,
        kind="premises",
        amount=100,
        recorded_by=gov.municipality,
    )
    client.force_login(gov.manager)
    url = reverse("governance:cost", args=[cost.pk])
    data = {"version": "0", "year": "2026", "kind": "cleaning", "amount": "300"}
    assert client.post(url, data).status_code == 302
    cost.refresh_from_db()
    assert (cost.kind, cost.amount, cost.version) == ("cleaning", 300, 1)
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not Cost.objects.exists()


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not available here")
def test_the_statement_as_pdf(client, gov):
    _costs(gov, "fixed", {gov.region.pk: Decimal(60), gov.municipality.pk: Decimal(40)})
    client.force_login(gov.steering)
    url = reverse("governance:statement_pdf", args=[gov.agreement.pk])
    response = client.get(url, {"year": 2026})
    assert response["Content-Type"] == "application/pdf"
