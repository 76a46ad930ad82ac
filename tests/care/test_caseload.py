"""My caseload: persons at the active unit on my case teams, or everyone there I may see."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import Basis
from helhet.care.models import CaseTeamMember
from helhet.core.models import Unit

from .. import factories as f
from ..people.utils import LIST_LOG_STATEMENTS, log_in, log_rows

URL = reverse("care:caseload")
PERSON_LINK = re.compile(r'href="/persons/\d+/"')


def test_nurse_sees_her_case_team_persons_and_each_listing_is_logged(client, county):
    f.CaseTeamMemberFactory(
        episode=county.episode, user=county.nurse, role=CaseTeamMember.Role.CASE_MANAGER
    )
    response = log_in(client, county.nurse).get(URL)
    assert "Tolvansson, Tolvan" in response.text and "Case manager" in response.text
    assert "2026-01-15" in response.text
    [row] = log_rows(county.patient)
    assert (row.action, row.what, row.basis) == ("read", "caseload", Basis.OWN_ORGANISATION)


def test_a_person_off_my_case_teams_shows_only_on_the_whole_unit_list(client, county):
    log_in(client, county.nurse)
    assert "Tolvansson" not in client.get(URL).text
    assert "Tolvansson, Tolvan" in client.get(URL, {"scope": "unit"}).text


def test_social_worker_without_consent_sees_no_one_at_the_unit(client, county):
    response = log_in(client, county.social_worker).get(URL, {"scope": "unit"})
    assert "Tolvansson" not in response.text
    assert "There is no one at this unit whom you may see" in response.text
    assert log_rows() == []


def test_social_worker_with_consent_lists_the_patient_on_consent_basis(
    client, county, consent_for_coordination
):
    response = log_in(client, county.social_worker).get(URL, {"scope": "unit"})
    assert "Tolvansson, Tolvan" in response.text
    assert [r.basis for r in log_rows(county.patient)] == [Basis.CONSENT]


def test_outsider_does_not_see_the_clinics_persons(client, county):
    response = log_in(client, county.outsider).get(URL, {"scope": "unit"})
    assert "Tolvansson" not in response.text


def test_a_user_without_a_unit_is_told_there_is_no_active_unit(client, county):
    response = log_in(client, county.admin).get(URL)
    assert "You have no active unit" in response.text


def _on_my_caseload(county, count, **person):
    """COUNT more persons at the clinic with the nurse on their case team."""
    for _ in range(count):
        episode = f.EpisodeFactory(
            unit=county.clinic,
            opened_by=county.nurse,
            person=f.PersonFactory(registered_by=county.nurse, **person),
        )
        f.CaseTeamMemberFactory(episode=episode, user=county.nurse)


def _caseload_statements(client, county, count, query=None) -> list[str]:
    """Add COUNT more persons to the nurse's caseload; the SQL of one caseload request."""
    _on_my_caseload(county, count)
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, query or {})
    assert len(PERSON_LINK.findall(response.text)) >= min(count, 5)
    return [q["sql"] for q in context.captured_queries]


def test_the_caseload_uses_the_same_number_of_queries_for_5_and_30_persons(client, county):
    log_in(client, county.nurse)
    five = _caseload_statements(client, county, 5)
    assert len(five) == len(_caseload_statements(client, county, 25))  # now 30 persons


# Session, user (with their organisation, for the page header), memberships; the page of
# persons (no count); the log (savepoint, chain head, the list's row, head, its index by
# person, release; on PostgreSQL row, index and head are one statement); the session (savepoint,
# save, release). Under pytest each atomic block is a savepoint in the test's transaction.
CASELOAD_QUERIES = 9 + LIST_LOG_STATEMENTS


def test_my_caseload_takes_a_fixed_number_of_queries_however_many_persons(
    client, county, django_assert_num_queries
):
    log_in(client, county.nurse)
    _on_my_caseload(county, 1)
    with django_assert_num_queries(CASELOAD_QUERIES):
        client.get(URL)
    _on_my_caseload(county, 60)  # more than a page
    with django_assert_num_queries(CASELOAD_QUERIES):
        response = client.get(URL)
    assert len(PERSON_LINK.findall(response.text)) == 50  # one page


def test_the_whole_unit_takes_a_fixed_number_of_queries_however_many_persons(
    client, county, django_assert_num_queries
):
    log_in(client, county.nurse)
    with django_assert_num_queries(CASELOAD_QUERIES):
        client.get(URL, {"scope": "unit"})
    _on_my_caseload(county, 60)
    with django_assert_num_queries(CASELOAD_QUERIES):
        client.get(URL, {"scope": "unit"})


def test_the_caseload_is_read_without_counting_it(client, county):
    log_in(client, county.nurse)
    for statement in _caseload_statements(client, county, 3, {"scope": "unit"}):
        assert "COUNT(" not in statement.upper(), statement


def test_the_caseload_pages_forward_and_back_in_name_order(client, county, settings):
    settings.HELHET_PAGE_SIZE = 2
    _on_my_caseload(county, 3, family_name="Åkesson")  # after "Tolvansson"
    f.CaseTeamMemberFactory(episode=county.episode, user=county.nurse)
    log_in(client, county.nurse)
    first = client.get(URL).text
    assert "Tolvansson" in first and "Persons 1–2" in first
    assert "?page=2" in first and "Previous" not in first
    second = client.get(URL, {"page": 2}).text
    assert "Tolvansson" not in second and "Persons 3–4" in second
    assert "?page=1" in second and "?page=3" not in second


def test_a_page_past_the_end_shows_the_first_page(client, county):
    f.CaseTeamMemberFactory(episode=county.episode, user=county.nurse)
    log_in(client, county.nurse)
    for number in ("9", "0", "x", "99999999999999999999"):
        assert "Tolvansson, Tolvan" in client.get(URL, {"page": number}).text


def test_a_closed_episodes_case_team_does_not_put_the_person_on_my_caseload(client, county):
    closed = f.EpisodeFactory(
        person=county.patient,
        unit=county.clinic,
        opened_by=county.nurse,
        opened_on=datetime.date(2025, 1, 1),
        closed_on=datetime.date(2025, 6, 1),
        closure_reason=f.ClosureReasonFactory(),
    )
    f.CaseTeamMemberFactory(episode=closed, user=county.nurse)
    log_in(client, county.nurse)
    assert "Tolvansson" not in client.get(URL).text
    assert log_rows() == []


def test_the_whole_unit_list_names_my_role_where_i_am_on_the_team(client, county):
    f.CaseTeamMemberFactory(
        episode=county.episode, user=county.nurse, role=CaseTeamMember.Role.CASE_MANAGER
    )
    response = log_in(client, county.nurse).get(URL, {"scope": "unit"})
    assert "Case manager" in response.text and "Own organisation" in response.text


def test_the_caseload_under_consent_names_the_consent_in_force_at_the_unit_in_its_queries(
    client, county, consent_for_coordination, django_assert_num_queries
):
    """The consent a person is listed under comes with the page's rows: no query of its own.
    A withdrawn consent is not it; the newest in force is."""
    today = timezone.localdate()
    consent_for_coordination.withdrawn_on = today
    consent_for_coordination.withdrawn_by = "the person"
    consent_for_coordination.save()
    older = f.ConsentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    newest = f.ConsentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        valid_from=today - datetime.timedelta(days=1),
    )
    assert older.valid_from < newest.valid_from
    log_in(client, county.social_worker)
    with django_assert_num_queries(CASELOAD_QUERIES):
        response = client.get(URL, {"scope": "unit"})
    assert "Tolvansson, Tolvan" in response.text
    assert [(r.basis, r.consent_id) for r in log_rows(county.patient)] == [
        (Basis.CONSENT, newest.pk)
    ]


def test_at_a_case_team_only_unit_the_whole_unit_is_the_persons_of_my_case_teams(client, county):
    act = f.UnitFactory(
        name="ACT-teamet",
        access_mode=Unit.AccessMode.CASE_TEAM,
        organisations=[county.region, county.municipality],
    )
    colleague = f.UserFactory(username="colleague", organisation=county.region)
    for user in (county.nurse, colleague):
        f.MembershipFactory(user=user, unit=act)
    person = f.PersonFactory(given_name="Akt", family_name="Aktsson", registered_by=county.nurse)
    episode = f.EpisodeFactory(person=person, unit=act, opened_by=county.nurse)
    f.CaseTeamMemberFactory(episode=episode, user=county.nurse)
    assert "Aktsson, Akt" in log_in(client, county.nurse, unit=act).get(URL, {"scope": "unit"}).text
    off_team = log_in(client, colleague, unit=act).get(URL, {"scope": "unit"}).text
    assert "Aktsson" not in off_team
