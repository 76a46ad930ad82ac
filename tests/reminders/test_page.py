"""My tasks (/tasks/): the reminders at the active unit for the persons the user may see, only
where the user may read the record behind them; each person shown is logged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, Basis
from helhet.care.models import CaseTeamMember
from helhet.reminders.models import UnitRefresh

from .. import factories as f
from ..log_rows import named
from ..people.utils import log_in, log_rows
from .conftest import days, plan_version, sip_meeting

URL = reverse("reminders:mine")
pytestmark = pytest.mark.django_db


def on_case_team(county, user):
    f.CaseTeamMemberFactory(
        episode=county.episode, user=user, role=CaseTeamMember.Role.CASE_MANAGER
    )


def test_nurse_sees_her_case_team_persons_tasks_with_where_to_act_and_it_is_logged(client, county):
    on_case_team(county, county.nurse)
    response = log_in(client, county.nurse).get(URL)
    assert response.status_code == 200
    assert "No recent contact" in response.text and "Tolvansson, Tolvan" in response.text
    assert reverse("contacts:new", args=[county.patient.pk]) in response.text
    assert "days overdue" in response.text
    [row] = log_rows(county.patient)
    assert (row.action, row.what, row.basis) == ("read", "tasks", Basis.OWN_ORGANISATION)


def test_each_person_shown_is_logged_once_however_many_tasks_they_have(client, county):
    on_case_team(county, county.nurse)
    plan_version(county, review_on=days(-1))
    other = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
    f.CaseTeamMemberFactory(episode=other, user=county.nurse)
    response = log_in(client, county.nurse).get(URL)
    assert "Treatment plan review due" in response.text
    assert reverse("plans:plans", args=[county.patient.pk]) in response.text
    rows = log_rows(what="tasks")
    assert len(rows) == 1
    assert sorted(named(rows)) == sorted([county.patient.pk, other.person_id])


def test_persons_off_my_case_teams_show_only_for_the_whole_unit(client, county):
    log_in(client, county.nurse)
    response = client.get(URL)
    assert "Tolvansson" not in response.text
    assert "Nothing is due for the persons on your case teams." in response.text
    assert log_rows(county.patient) == []
    assert "Tolvansson, Tolvan" in client.get(URL, {"scope": "unit"}).text


def test_outsider_at_another_unit_sees_none_of_the_clinics_tasks(client, county):
    f.ReferralFactory(unit=county.clinic, registered_by=county.nurse, received_on=days(-30))
    response = log_in(client, county.outsider).get(URL, {"scope": "unit"})
    assert "Tolvansson" not in response.text and "Referrals waiting" not in response.text
    assert "Nothing is due for anyone at this unit whom you may see." in response.text
    assert log_rows() == []


def test_social_worker_without_consent_sees_no_tasks_for_the_regions_patient(client, county):
    response = log_in(client, county.social_worker).get(URL, {"scope": "unit"})
    assert "Tolvansson" not in response.text
    assert log_rows() == []


def test_social_worker_with_coordination_consent_does_not_see_the_regions_plan_review(
    client, county, consent_for_coordination
):
    plan_version(county, review_on=days(-2))
    response = log_in(client, county.social_worker).get(URL, {"scope": "unit"})
    assert "No recent contact" in response.text
    assert "Treatment plan review due" not in response.text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent) == (Basis.CONSENT, consent_for_coordination)


def test_social_worker_sees_the_regions_plan_review_when_the_consent_discloses_plans(
    client, county, consent_for_coordination
):
    plans_consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=False
    )
    f.ConsentDisclosureFactory(
        consent=plans_consent,
        from_organisation=county.region,
        to_organisation=county.municipality,
        category="plans",
    )
    plan_version(county, review_on=days(-2))
    response = log_in(client, county.social_worker).get(URL, {"scope": "unit"})
    assert "Treatment plan review due" in response.text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent) == (Basis.CONSENT, plans_consent)


def test_a_sip_follow_up_shows_only_under_the_coordination_consent(client, county):
    on_case_team(county, county.nurse)
    sip_meeting(county, held_on=days(-30), next_follow_up_on=days(3))
    log_in(client, county.nurse)
    assert "SIP follow-up due" not in client.get(URL).text
    f.ConsentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    response = client.get(URL)
    assert "SIP follow-up due" in response.text
    assert reverse("plans:sip", args=[county.patient.pk]) in response.text


def test_an_expiring_consent_links_to_a_new_consent(client, county):
    on_case_team(county, county.nurse)
    f.ConsentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        valid_from=days(-100),
        valid_until=days(10),
    )
    response = log_in(client, county.nurse).get(URL)
    assert "Consent expiring" in response.text
    assert reverse("access:consent_new", args=[county.patient.pk]) in response.text


def test_members_see_the_units_waiting_referrals_logged_as_one_unit_row(client, county):
    referral = f.ReferralFactory(
        unit=county.clinic, registered_by=county.nurse, received_on=days(-20)
    )
    response = log_in(client, county.social_worker).get(URL)
    assert "Referrals waiting longer than 14 days" in response.text
    assert reverse("intake:detail", args=[referral.pk]) in response.text
    assert "Nils Nyman" not in response.text
    [row] = AccessLogEntry.objects.filter(what="waiting referrals")
    assert (row.person_id, row.basis, row.unit) == (None, Basis.NONE, county.clinic)


def test_no_waiting_referrals_means_no_referral_log_row(client, county):
    log_in(client, county.nurse).get(URL)
    assert not AccessLogEntry.objects.filter(what="waiting referrals").exists()


def test_a_fresh_list_is_not_recomputed_and_a_stale_one_is(client, county):
    on_case_team(county, county.nurse)
    fresh = timezone.now() - datetime.timedelta(minutes=2)
    UnitRefresh.objects.create(unit=county.clinic, refreshed_at=fresh)
    log_in(client, county.nurse)
    response = client.get(URL)
    assert "No recent contact" not in response.text
    assert f"Updated {timezone.localtime(fresh):%H:%M}" in response.text

    UnitRefresh.objects.filter(unit=county.clinic).update(
        refreshed_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    response = client.get(URL)
    assert "No recent contact" in response.text
    refreshed = UnitRefresh.objects.get(unit=county.clinic).refreshed_at
    assert f"Updated {timezone.localtime(refreshed):%H:%M}" in response.text


def test_a_user_without_a_unit_is_told_there_is_no_active_unit(client, county):
    response = log_in(client, county.admin).get(URL)
    assert "You have no active unit" in response.text
    assert log_rows() == []


def test_the_page_needs_a_login(client, county):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_tasks_is_in_the_menu_for_staff(client, county):
    response = log_in(client, county.nurse).get(reverse("care:caseload"))
    assert f'href="{URL}"' in response.text


def test_the_page_takes_the_same_number_of_queries_for_5_and_30_persons(client, county):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def persons(n):
        for _ in range(n):
            episode = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
            f.CaseTeamMemberFactory(episode=episode, user=county.nurse)
        UnitRefresh.objects.filter(unit=county.clinic).delete()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL)
        assert response.status_code == 200
        return len(queries)

    log_in(client, county.nurse)
    few = persons(5)
    assert persons(25) == few
    rows = log_rows(what="tasks")
    assert len(rows) == 2 and len(named(rows)) == 5 + 30
