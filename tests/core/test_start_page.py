"""The start page for the day (/): overdue and due-soon tasks for the persons on the user's
case teams, the unit's new referrals and the recently opened -- each list through the access
layer and logged as its full page logs it; nothing for those who may not see it."""

import pytest
from django.urls import reverse

from helhet.care.models import CaseTeamMember

from .. import factories as f
from ..log_rows import named
from ..people.utils import log_in, log_rows
from ..reminders.conftest import days, plan_version

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")


def section(response, heading_id) -> str:
    text = response.content.decode()
    start = text.index(f'id="{heading_id}"')
    return text[start : text.index("</section>", start)]


def on_case_team(county, user):
    f.CaseTeamMemberFactory(
        episode=county.episode, user=user, role=CaseTeamMember.Role.CASE_MANAGER
    )


def test_the_start_page_shows_overdue_and_due_soon_tasks_each_linked_and_logged(client, county):
    on_case_team(county, county.nurse)  # no contact since January: overdue
    plan_version(county, review_on=days(5))  # due in five days
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    assert response.status_code == 200
    overdue, soon = section(response, "overdue-heading"), section(response, "due-heading")
    assert "No recent contact" in overdue and "Tolvansson, Tolvan" in overdue
    assert reverse("contacts:new", args=[county.patient.pk]) in overdue
    assert "Treatment plan review due" in soon and "Treatment plan review due" not in overdue
    assert reverse("reminders:mine") in soon
    [row] = log_rows(what="tasks")
    assert named([row]) == [county.patient.pk]


def test_persons_off_my_case_teams_are_not_on_my_start_page(client, county):
    plan_version(county, review_on=days(-3))
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    assert "Tolvansson" not in section(response, "overdue-heading")
    assert log_rows(county.patient) == []


def test_the_other_organisations_plan_review_is_not_shown_under_coordination_consent(
    client, county, consent_for_coordination
):
    on_case_team(county, county.social_worker)
    plan_version(county, review_on=days(3))  # the region's plan: not disclosed
    response = log_in(client, county.social_worker, county.clinic).get(HOME)
    assert "Treatment plan review due" not in response.text
    assert "No recent contact" in section(response, "overdue-heading")


def test_new_referrals_at_the_unit_are_listed_and_logged_as_the_inbox(client, county):
    referral = f.ReferralFactory(unit=county.clinic, registered_by=county.nurse, name="Ny Remiss")
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    shown = section(response, "referrals-heading")
    assert reverse("intake:detail", args=[referral.pk]) in shown
    assert reverse("intake:inbox") in shown
    assert log_rows(what="referral inbox", person_id=None, user=county.nurse)


def test_another_units_referrals_are_not_on_the_start_page(client, county):
    f.ReferralFactory(unit=county.clinic, registered_by=county.nurse, name="Ny Remiss")
    response = log_in(client, county.outsider, county.other_unit).get(HOME)
    assert "Ny Remiss" not in response.text
    assert "There are no open referrals." in section(response, "referrals-heading")


def test_the_menu_names_the_start_page_the_persons_and_the_task_list_apart(client, county):
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    menu = response.text
    for name in ("Today", "My persons", "To do"):
        assert f">{name}</a>" in menu
    assert 'aria-current="page">Today' in menu


def test_the_administrator_and_the_steering_group_keep_their_only_pages(client, county):
    client.force_login(county.admin)
    assert client.get(HOME).url == reverse("admin:index")


def test_a_member_of_staff_without_a_unit_is_told_so(client, county):
    lonely = f.UserFactory(organisation=county.region)
    client.force_login(lonely)
    response = client.get(HOME)
    assert response.status_code == 200 and "You have no active unit" in response.text
    assert "overdue-heading" not in response.text
