"""Who may follow up which unit: every follow-up page asked by every kind of user.

- the clinic's manager and coordinator: the clinic's pages, with exact small counts;
- a member of the steering group that has the clinic: its pages, suppressed;
- a member of another unit's steering group, the clinic's staff (role staff), an administrator:
  "not found", exactly as for a unit that does not exist;
- anonymous: the login page;
- the index, the county comparison and the definitions: anyone who follows up at least one unit.
"""

import datetime
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet.access.models import AccessLogEntry
from helhet.core.models import Membership, User
from helhet.followup import access
from helhet.followup.models import SteeringGroup
from helhet.followup.templatetags import followup as menu_tags
from tests import factories as f

EXACT, SUPPRESSED, NOT_FOUND, LOGIN = "200 exact", "200 suppressed", "404", "login"
OK = "200"
ACTORS = ("manager", "coordinator", "staff", "steering", "other_steering", "admin", "anonymous")
UNIT_PAGE = (EXACT, EXACT, NOT_FOUND, SUPPRESSED, NOT_FOUND, NOT_FOUND, LOGIN)
COMMON_PAGE = (OK, OK, NOT_FOUND, OK, OK, NOT_FOUND, LOGIN)
MATRIX = {
    "followup:unit": UNIT_PAGE,
    "followup:trend": UNIT_PAGE,
    "followup:index": COMMON_PAGE,
    "followup:county": COMMON_PAGE,
    "followup:definitions": COMMON_PAGE,
}


@pytest.fixture
def steering(county):
    """The clinic's steering group (a region manager without any membership) and Mini-Maria's
    (a municipality manager)."""
    clinic_group = SteeringGroup.objects.create(name="Styrgrupp Socialmedicin")
    clinic_group.units.add(county.clinic)
    county.steering = f.UserFactory(
        username="steering", organisation=county.region, profession=User.Profession.MANAGER
    )
    clinic_group.members.add(county.steering)
    other_group = SteeringGroup.objects.create(name="Styrgrupp Mini-Maria")
    other_group.units.add(county.other_unit)
    county.other_steering = f.UserFactory(
        username="other_steering",
        organisation=county.municipality,
        profession=User.Profession.MANAGER,
    )
    other_group.members.add(county.other_steering)
    # three women enrolled at the clinic in 2025: a count below 5
    for _ in range(3):
        person = f.PersonFactory(legal_sex="female", registered_by=county.nurse)
        f.EpisodeFactory(
            person=person,
            unit=county.clinic,
            opened_by=county.nurse,
            opened_on=datetime.date(2025, 3, 1),
        )
    return county


def user_of(county, actor):
    return {
        "manager": county.manager,
        "coordinator": county.coordinator,
        "staff": county.nurse,
        "steering": county.steering,
        "other_steering": county.other_steering,
        "admin": county.admin,
    }.get(actor)


def url_of(name, county):
    if name in ("followup:unit", "followup:trend"):
        return reverse(name, args=[county.clinic.pk])
    return reverse(name)


def year_2025():
    return {"kind": "year", "year": "2025"}


@pytest.mark.parametrize(
    "name, actor, expected",
    [
        pytest.param(name, actor, row[i], id=f"{name}-{actor}")
        for name, row in MATRIX.items()
        for i, actor in enumerate(ACTORS)
    ],
)
def test_each_followup_page_answers_each_actor(client, steering, name, actor, expected):
    user = user_of(steering, actor)
    if user is not None:
        client.force_login(user)
    url = url_of(name, steering)
    before = AccessLogEntry.objects.count()

    response = client.get(url, year_2025())

    if expected == LOGIN:
        assert response.status_code == 302
        assert urlparse(response.url).path == reverse("login")
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        text = response.content.decode()
        assert steering.patient.family_name not in text  # no person, ever
        if expected == EXACT:
            assert "Exact figures." in text and "Small counts are suppressed." not in text
        elif expected == SUPPRESSED:
            assert "Small counts are suppressed." in text and "Exact figures." not in text
    # aggregates read no person's record: nothing to log
    assert AccessLogEntry.objects.count() == before


def enrolled_cell(response) -> str:
    """The total of "Persons enrolled" on a unit page (the first figure of its row)."""
    text = response.content.decode()
    row = text[text.index('<th scope="row">Persons enrolled') :]
    cell = row[row.index("<td") :]
    return cell[cell.index(">") + 1 : cell.index("</td>")]


def test_the_manager_sees_the_exact_small_count_on_the_units_own_page(client, steering):
    client.force_login(steering.manager)
    response = client.get(url_of("followup:unit", steering), year_2025())
    assert enrolled_cell(response) == "3"


def test_the_steering_group_member_sees_the_same_count_suppressed(client, steering):
    client.force_login(steering.steering)
    response = client.get(url_of("followup:unit", steering), year_2025())
    assert enrolled_cell(response) == "&lt;5"


def test_a_unit_that_does_not_exist_is_not_found_like_one_that_is_not_yours(client, steering):
    client.force_login(steering.steering)
    missing = reverse("followup:unit", args=[steering.other_unit.pk + 1000])
    not_mine = reverse("followup:unit", args=[steering.other_unit.pk])
    assert client.get(missing).status_code == client.get(not_mine).status_code == 404


def test_a_manager_of_another_unit_cannot_follow_up_the_clinic(client, steering):
    Membership.objects.filter(user=steering.outsider).update(role=Membership.Role.MANAGER)
    client.force_login(steering.outsider)
    assert client.get(url_of("followup:unit", steering)).status_code == 404
    assert client.get(reverse("followup:unit", args=[steering.other_unit.pk])).status_code == 200


def test_the_index_lists_only_the_units_the_user_follows_up(client, steering):
    client.force_login(steering.other_steering)
    text = client.get(reverse("followup:index")).content.decode()
    assert reverse("followup:unit", args=[steering.other_unit.pk]) in text
    assert reverse("followup:unit", args=[steering.clinic.pk]) not in text


def test_followup_units_are_the_managed_and_the_steered_ones(steering):
    assert list(access.followup_units(steering.manager)) == [steering.clinic]
    assert list(access.followup_units(steering.steering)) == [steering.clinic]
    assert list(access.followup_units(steering.other_steering)) == [steering.other_unit]
    assert list(access.followup_units(steering.nurse)) == []
    assert list(access.followup_units(steering.admin)) == []


def test_an_inactive_steering_member_follows_up_nothing(steering):
    steering.steering.is_active = False
    steering.steering.save()
    assert not access.may_follow_up(steering.steering)


def test_a_steering_member_who_is_also_the_manager_sees_exact_figures(steering):
    group = SteeringGroup.objects.get(name="Styrgrupp Socialmedicin")
    group.members.add(steering.manager)
    assert access.unit_followup(steering.manager, steering.clinic.pk).exact
    assert not access.unit_followup(steering.steering, steering.clinic.pk).exact


def test_the_county_comparison_is_suppressed_for_the_manager_too(client, steering):
    client.force_login(steering.manager)
    response = client.get(
        reverse("followup:county"), {"unit_type": "social_medicine", **year_2025()}
    )
    text = response.content.decode()
    assert "Small counts are suppressed." in text and "Exact figures." not in text
    assert enrolled_cell(response) == "&lt;5"


def test_a_steering_member_lands_on_the_followup_and_staff_on_the_start_page(client, steering):
    client.force_login(steering.steering)
    assert client.get(reverse("core:home")).url == reverse("followup:index")
    client.force_login(steering.nurse)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200 and 'id="overdue-heading"' in response.text


def nav_links(response) -> str:
    text = response.content.decode()
    return text[text.index('<nav class="main-menu"') : text.index("</nav>")]


def test_the_menu_offers_followup_to_those_who_may_and_nothing_clinical_to_steering(
    client, steering
):
    client.force_login(steering.steering)
    menu = nav_links(client.get(reverse("followup:index")))
    assert reverse("followup:index") in menu and reverse("care:caseload") not in menu
    client.force_login(steering.manager)
    menu = nav_links(client.get(reverse("care:caseload")))
    assert reverse("followup:index") in menu and reverse("care:caseload") in menu


def test_the_menu_offers_no_followup_to_staff(client, steering):
    client.force_login(steering.nurse)
    menu = nav_links(client.get(reverse("care:caseload")))
    assert reverse("followup:index") not in menu


def test_the_menu_offers_followup_to_staff_who_sit_in_a_steering_group(client, steering):
    SteeringGroup.objects.get(name="Styrgrupp Socialmedicin").members.add(steering.nurse)
    client.force_login(steering.nurse)
    first = client.get(reverse("care:caseload"))
    assert reverse("followup:index") in nav_links(first)
    assert client.get(reverse("followup:unit", args=[steering.clinic.pk])).status_code == 200
    # asked once, at login: the clinical pages ask nothing more for the menu
    with CaptureQueriesContext(connection) as later:
        menu = nav_links(client.get(reverse("care:caseload")))
    assert reverse("followup:index") in menu
    assert not any("followup_steeringgroup" in q["sql"] for q in later.captured_queries)


def test_a_seat_given_or_taken_shows_in_the_menu_once_the_answer_is_stale(client, steering):
    group = SteeringGroup.objects.get(name="Styrgrupp Socialmedicin")
    client.force_login(steering.nurse)
    assert reverse("followup:index") not in nav_links(client.get(reverse("care:caseload")))
    group.members.add(steering.nurse)
    # the answer of the login is kept while fresh
    assert reverse("followup:index") not in nav_links(client.get(reverse("care:caseload")))
    with mock.patch.object(menu_tags, "RECHECK_SECONDS", 0):  # every answer stale
        assert reverse("followup:index") in nav_links(client.get(reverse("care:caseload")))
        group.members.remove(steering.nurse)
        assert reverse("followup:index") not in nav_links(client.get(reverse("care:caseload")))


def test_the_seat_is_asked_again_after_the_recheck_time(steering, django_assert_num_queries):
    request = SimpleNamespace(session={})
    with django_assert_num_queries(1):
        assert menu_tags.steering_seat(request, steering.nurse, now=1000.0) is False
    SteeringGroup.objects.get(name="Styrgrupp Socialmedicin").members.add(steering.nurse)
    fresh = 1000.0 + menu_tags.RECHECK_SECONDS - 1
    with django_assert_num_queries(0):
        assert menu_tags.steering_seat(request, steering.nurse, now=fresh) is False
    with django_assert_num_queries(1):
        assert menu_tags.steering_seat(request, steering.nurse, now=fresh + 2) is True
    assert request.session[menu_tags.STAFF_IN_STEERING_GROUP] == [True, fresh + 2]
