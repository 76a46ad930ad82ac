"""Who may read and who may act on an agreement: every governance page asked by every kind of
user. The clinic's manager and coordinator read and act (each for their own party); the
steering group's member reads; the clinic's staff, another unit's manager and an administrator
get "not found", as for an agreement that does not exist; anonymous visitors the login page."""

import pytest
from django.urls import reverse

from helhet.governance.models import ChecklistItem, Cost, Position

READ_PAGES = [
    "governance:agreement",
    "governance:checklist",
    "governance:staffing",
    "governance:costs",
    "governance:statement_xlsx",
    "governance:version",
    "governance:steering_group",
]
ACT_PAGES = [
    "governance:propose",
    "governance:checklist_item",
    "governance:cost_key",
    "governance:position",
    "governance:cost",
]


def _url(g, name):
    own_position = Position.objects.create(
        agreement=g.agreement, profession="nurse", employer=g.region, payer=g.region
    )
    shared = Cost.objects.create(
        agreement=g.agreement, year=2026, kind="premises", amount=1000, recorded_by=g.region
    )
    args = {
        "governance:version": g.v1.pk,
        "governance:steering_group": g.group.pk,
        "governance:checklist_item": ChecklistItem.objects.filter(agreement=g.agreement)[0].pk,
        "governance:position": own_position.pk,
        "governance:cost": shared.pk,
    }
    return reverse(name, args=[args.get(name, g.agreement.pk)])


@pytest.mark.parametrize("name", READ_PAGES + ACT_PAGES)
@pytest.mark.parametrize("actor", ["coordinator"])
def test_a_partys_coordinator_at_the_unit_reads_and_acts(client, gov, actor, name):
    client.force_login(getattr(gov, actor))
    assert client.get(_url(gov, name)).status_code == 200


@pytest.mark.parametrize("name", READ_PAGES)
def test_the_steering_groups_member_reads(client, gov, name):
    client.force_login(gov.steering)
    assert client.get(_url(gov, name)).status_code == 200


@pytest.mark.parametrize("name", ACT_PAGES)
def test_the_steering_groups_member_does_not_act(client, gov, name):
    client.force_login(gov.steering)
    assert client.get(_url(gov, name)).status_code == 404


@pytest.mark.parametrize("actor", ["nurse", "outsider", "other_manager", "admin"])
@pytest.mark.parametrize("name", READ_PAGES + ACT_PAGES)
def test_other_staff_and_administrators_get_not_found(client, gov, actor, name):
    client.force_login(getattr(gov, actor))
    assert client.get(_url(gov, name)).status_code == 404


@pytest.mark.parametrize("actor", ["nurse", "admin"])
def test_the_index_is_not_found_for_those_who_follow_up_no_unit(client, gov, actor):
    client.force_login(getattr(gov, actor))
    assert client.get(reverse("governance:index")).status_code == 404


@pytest.mark.parametrize("actor", ["coordinator", "manager", "steering", "other_manager"])
def test_the_index_lists_only_the_agreements_of_ones_own_units(client, gov, actor):
    client.force_login(getattr(gov, actor))
    page = client.get(reverse("governance:index"))
    assert page.status_code == 200
    assert (gov.agreement.name in page.text) == (actor != "other_manager")


def test_the_menu_links_the_agreements_where_it_links_the_follow_up(client, gov):
    link = f'href="{reverse("governance:index")}"'
    client.force_login(gov.manager)
    assert link in client.get(reverse("followup:index")).text
    client.force_login(gov.nurse)
    assert link not in client.get("/").text


def test_the_menu_links_the_deviations_for_staff_of_a_unit_only(client, gov):
    link = f'href="{reverse("governance:deviations")}"'
    client.force_login(gov.nurse)
    assert link in client.get("/").text
    client.force_login(gov.steering)
    assert link not in client.get(reverse("followup:index")).text


def test_an_agreement_that_does_not_exist_is_not_found(client, gov):
    client.force_login(gov.coordinator)
    assert (
        client.get(reverse("governance:agreement", args=[gov.agreement.pk + 99])).status_code == 404
    )


def test_another_partys_position_is_not_found_for_a_coordinator(client, gov):
    theirs = Position.objects.create(
        agreement=gov.agreement,
        profession="social_worker",
        employer=gov.municipality,
        payer=gov.municipality,
    )
    client.force_login(gov.coordinator)
    assert client.get(reverse("governance:position", args=[theirs.pk])).status_code == 404
    client.force_login(gov.manager)
    assert client.get(reverse("governance:position", args=[theirs.pk])).status_code == 200


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, gov):
    response = client.get(_url(gov, "governance:agreement"))
    assert response.status_code == 302 and "login" in response["Location"]
