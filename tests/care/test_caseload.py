"""My caseload: persons at the active unit on my case teams, or everyone there I may see."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet.access.models import Basis
from helhet.care.models import CaseTeamMember

from .. import factories as f
from ..people.utils import log_in, log_rows

URL = reverse("care:caseload")


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


def _caseload_statements(client, county, count) -> int:
    """Add COUNT more persons to the nurse's caseload; the queries of one caseload request."""
    for _ in range(count):
        episode = f.EpisodeFactory(
            unit=county.clinic,
            opened_by=county.nurse,
            person=f.PersonFactory(registered_by=county.nurse),
        )
        f.CaseTeamMemberFactory(episode=episode, user=county.nurse)
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL)
    assert response.text.count('href="/persons/') >= count
    return len(context.captured_queries)


def test_the_caseload_uses_the_same_number_of_queries_for_5_and_30_persons(client, county):
    log_in(client, county.nurse)
    five = _caseload_statements(client, county, 5)
    assert five == _caseload_statements(client, county, 25)  # now 30 persons
