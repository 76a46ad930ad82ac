"""The person overview: who may read it, what each reader sees, the log row, the query budget."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import Basis
from helhet.care.models import CaseTeamMember, Episode
from helhet.core.models import Membership

from .. import factories as f
from .utils import LOG_STATEMENTS, log_in, log_rows


def overview_url(person):
    return reverse("people:overview", args=[person.pk])


def test_nurse_of_the_owning_organisation_reads_the_overview_on_own_basis(client, county):
    response = log_in(client, county.nurse).get(overview_url(county.patient))
    assert response.status_code == 200
    assert "Tolvan Tolvansson" in response.text and "Anna Anhörig" in response.text
    [row] = log_rows(county.patient)
    assert (row.action, row.what, row.basis) == ("read", "overview", Basis.OWN_ORGANISATION)


@pytest.mark.parametrize("who", ["social_worker", "outsider", "admin"])
def test_users_without_a_relationship_get_not_found_and_only_the_refusal_is_logged(
    client, county, who
):
    """Staff leave a refused row; the administrator, with no clinical access, none."""
    response = log_in(client, getattr(county, who)).get(overview_url(county.patient))
    assert response.status_code == 404
    refused = [] if who == "admin" else [("refused", "request refused: people:overview")]
    assert [(r.action, r.what) for r in log_rows(county.patient)] == refused


def test_anonymous_visitor_is_sent_to_the_login_page(client, county):
    response = client.get(overview_url(county.patient))
    assert response.status_code == 302 and reverse("login") in response.url


def test_social_worker_with_consent_sees_the_regions_relatives_disclosed_to_the_municipality(
    client, county, consent_for_coordination
):
    response = log_in(client, county.social_worker).get(overview_url(county.patient))
    assert response.status_code == 200 and "Anna Anhörig" in response.text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_social_worker_does_not_see_the_regions_relatives_without_a_relatives_disclosure(
    client, county, consent_for_coordination
):
    consent_for_coordination.disclosures.filter(category="relatives").delete()
    response = log_in(client, county.social_worker).get(overview_url(county.patient))
    assert response.status_code == 200 and "Tolvansson" in response.text
    assert "Anna Anhörig" not in response.text


def test_consent_scope_is_listed_with_its_disclosures_and_state(
    client, county, consent_for_coordination
):
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert "Region Testland → Testby kommun: Relatives" in text
    assert "Active" in text


def test_outsider_with_emergency_access_reads_under_a_banner_and_the_row_says_emergency(
    client, county
):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    response = log_in(client, county.outsider).get(overview_url(county.patient))
    assert response.status_code == 200
    assert "You are reading under emergency access, logged and reviewed" in response.text
    assert (
        reverse("care:episode_close", args=[county.patient.pk, county.episode.pk])
        not in response.text
    )
    [row] = log_rows(county.patient)
    assert row.basis == Basis.EMERGENCY and row.emergency


def test_protected_identity_hides_contact_details_from_the_nurse_but_not_the_coordinator(
    client, county
):
    county.patient.protected_identity = True
    county.patient.save()
    nurse_page = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert "Testgatan 1" not in nurse_page and "Protected identity" in nurse_page
    coordinator_page = log_in(client, county.coordinator).get(overview_url(county.patient)).text
    assert "Testgatan 1" in coordinator_page
    assert all(row.protected_identity for row in log_rows(county.patient))


def test_relatives_with_secrecy_requested_are_flagged(client, county):
    county.relative.secrecy_requested = True
    county.relative.save()
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert "Secrecy requested" in text


def test_a_reactivated_episode_links_to_the_episode_it_continues(client, county):
    closed = f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.nurse,
        opened_on=datetime.date(2025, 1, 1),
        closed_on=datetime.date(2025, 6, 1),
        closure_reason=f.ClosureReasonFactory(),
    )
    Episode.objects.filter(pk=county.episode.pk).update(reactivation_of=closed)
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert f'href="#episode-{closed.pk}"' in text


def _history(county, years):
    """YEARS of closed episodes with case teams, consents with disclosures, and relatives."""
    reason = f.ClosureReasonFactory()
    for year in years:
        unit = f.UnitFactory(organisations=[county.region, county.municipality])
        f.MembershipFactory(user=county.nurse, unit=unit, role=Membership.Role.STAFF)
        episode = f.EpisodeFactory(
            person=county.patient,
            unit=unit,
            opened_by=county.nurse,
            opened_on=datetime.date(year, 1, 1),
            closed_on=datetime.date(year, 6, 1),
            closure_reason=reason,
        )
        f.CaseTeamMemberFactory(episode=episode, user=county.nurse)
        consent = f.ConsentFactory(
            person=county.patient,
            unit=unit,
            recorded_by=county.nurse,
            valid_from=datetime.date(year, 1, 1),
        )
        f.ConsentDisclosureFactory(
            consent=consent,
            from_organisation=county.region,
            to_organisation=county.municipality,
            category="notes",
        )
        f.RelativeFactory(person=county.patient, recorded_by=county.nurse, name=f"R {year}")


def _statements(client, url) -> list[str]:
    """The SQL of one request, without SAVEPOINT/RELEASE: under pytest every atomic block
    (the log append, the session save) becomes a savepoint inside the test's transaction, which
    a real request does not issue."""
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_the_overview_stays_within_fifteen_queries_however_long_the_history(
    client, county, consent_for_coordination
):
    log_in(client, county.nurse, unit=county.clinic)
    short = _statements(client, overview_url(county.patient))
    _history(county, range(2000, 2020))
    long = _statements(client, overview_url(county.patient))
    # The header's warnings and the running disputes about the person (`governance`) are read
    # only for a person who has any (`PersonAccess.present`): this one has none.
    assert len(long) == len(short) <= 15, "\n".join(long)


def test_the_overview_request_including_transaction_savepoints_is_bounded(
    client, county, consent_for_coordination, django_assert_max_num_queries
):
    _history(county, range(2000, 2020))
    log_in(client, county.nurse, unit=county.clinic)
    with django_assert_max_num_queries(19):  # 15 statements + 2 savepoint pairs (log, session)
        response = client.get(overview_url(county.patient))
    assert response.status_code == 200 and "R 2019" in response.text


# 15 statements and two savepoint pairs (the log row, the session): see the test above (on
# PostgreSQL the log row is one statement fewer). The header's case managers come with the
# overview's case teams; its warnings and the running disputes about the person are asked with
# the person, and read only when there are any.
OVERVIEW_QUERIES = 16 + LOG_STATEMENTS


def test_the_overview_takes_the_same_queries_for_a_short_and_a_long_history(
    client, county, consent_for_coordination, django_assert_num_queries
):
    log_in(client, county.nurse, unit=county.clinic)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        client.get(overview_url(county.patient))
    _history(county, range(2000, 2020))
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(overview_url(county.patient))
    assert "R 2000" in response.text and "R 2019" in response.text


def test_the_case_team_is_named_with_organisation_and_role(client, county):
    f.CaseTeamMemberFactory(
        episode=county.episode, user=county.coordinator, role=CaseTeamMember.Role.CASE_MANAGER
    )
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert f'{county.coordinator} <span class="muted">(Region Testland, Case manager)' in text


def test_a_consent_shows_its_form_and_who_gave_it(client, county, consent_for_coordination):
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    form = consent_for_coordination.get_form_display().lower()
    assert f"{form} consent" in text
    assert consent_for_coordination.get_given_by_display() in text


# --- What the page offers and says (screenshot review) --------------------------------------


def test_the_coordinator_of_the_unit_is_offered_the_log_extract(client, county):
    response = log_in(client, county.coordinator, unit=county.clinic).get(
        overview_url(county.patient)
    )
    assert reverse("access:log_extract", args=[county.patient.pk]) in response.text


def test_a_nurse_is_not_offered_the_log_extract_she_may_not_produce(client, county):
    text = log_in(client, county.nurse, unit=county.clinic).get(overview_url(county.patient)).text
    assert "Tolvansson" in text
    assert reverse("access:log_extract", args=[county.patient.pk]) not in text


def test_dates_are_machine_readable_and_do_not_wrap(client, county):
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert '<time datetime="1980-05-17" class="nowrap">1980-05-17</time>' in text
    assert '<time datetime="2026-01-15" class="nowrap">2026-01-15</time>' in text


def test_the_episodes_and_relatives_tables_have_captions(client, county):
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert text.count("<table>") == text.count("<caption") >= 2


def test_a_reader_under_a_consent_is_told_which_consent(client, county, consent_for_coordination):
    text = log_in(client, county.social_worker).get(overview_url(county.patient)).text
    date = timezone.localtime(consent_for_coordination.recorded_at).date().isoformat()
    assert (
        "You see this person under the consent recorded on "
        f'<time datetime="{date}" class="nowrap">{date}</time> at Socialmedicinska mottagningen.'
    ) in text


def test_a_reader_of_the_own_organisation_gets_no_consent_note(
    client, county, consent_for_coordination
):
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert "You see this person under the consent" not in text


def test_the_case_team_is_named_with_organisation_and_role_in_order(client, county):
    county.social_worker.first_name, county.social_worker.last_name = "Sara", "Socionom"
    county.social_worker.save()
    f.CaseTeamMemberFactory(episode=county.episode, user=county.social_worker)
    f.CaseTeamMemberFactory(
        episode=county.episode, user=county.nurse, role=CaseTeamMember.Role.MEMBER
    )
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    manager = 'Sara Socionom <span class="muted">(Testby kommun, Case manager)</span>'
    member = f'{county.nurse} <span class="muted">(Region Testland, Team member)</span>'
    assert manager in text and member in text
    assert text.index(manager) < text.index(member)


def test_a_case_team_of_another_episode_is_not_shown_on_this_one(client, county):
    other = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
    f.CaseTeamMemberFactory(episode=other, user=county.social_worker)
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert "No case team" in text and "Testby kommun, Case manager" not in text


def test_a_consent_names_the_relatives_who_may_be_told_and_what(
    client, county, consent_for_coordination
):
    consent_for_coordination.relatives.create(relative=county.relative, may_be_told="Dates")
    other = f.RelativeFactory(recorded_by=county.nurse, name="Someone Else")  # another person's
    f.ConsentFactory(person=other.person, unit=county.clinic, recorded_by=county.nurse)
    text = log_in(client, county.nurse).get(overview_url(county.patient)).text
    assert "Relatives who may be told" in text and "Anna Anhörig: Dates" in text
    assert "Someone Else" not in text
