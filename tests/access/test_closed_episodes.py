"""A closed episode stays readable, read-only, to its organisation's staff at its unit.

For `HELHET_CLOSED_READABLE_MONTHS` after the closure the staff of the organisation that owned
the episode, members of its unit (at a case-team-only unit: its case team), read the person on
the basis "closed episode": their own organisation's records, other organisations' only under a
consent that discloses them, nothing written but reopening. The rule's twins are compared in
`test_policy_properties.py`; here each case is asked through the pages.
"""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, Basis
from helhet.care.models import ClosureReason, Episode
from helhet.core.models import Membership, Unit

from .. import factories as f
from ..people.utils import log_in, log_rows, only_refused
from ..test_access_matrix import ACTORS, MATRIX, NOT_FOUND, actor_user, url_for

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def close(episode, on: datetime.date) -> Episode:
    episode.closed_on, episode.closed_by = on, episode.opened_by
    episode.opened_on = min(episode.opened_on, on)
    episode.closure_reason = ClosureReason.objects.get(code="goals_reached")
    episode.save()
    return episode


@pytest.fixture
def closed(county):
    """The patient's only episode (the region's, at the clinic) closed a month ago."""
    return close(county.episode, days_ago(30))


def overview(client, county):
    return client.get(reverse("people:overview", args=[county.patient.pk]))


def last_row() -> AccessLogEntry:
    return AccessLogEntry.objects.order_by("-pk").first()


# --- Who reads ----------------------------------------------------------------------------


def test_the_nurse_rereads_the_person_after_closing_the_episode(client, county, closed):
    response = overview(log_in(client, county.nurse), county)
    assert response.status_code == 200
    row = last_row()
    assert (row.person_id, row.basis, row.consent_id) == (
        county.patient.pk,
        Basis.CLOSED_EPISODE,
        None,
    )
    assert not row.emergency and not row.without_relationship


def test_a_colleague_of_the_same_organisation_at_the_unit_reads_too(client, county, closed):
    assert overview(log_in(client, county.coordinator), county).status_code == 200
    assert last_row().basis == Basis.CLOSED_EPISODE


def test_the_other_organisations_staff_at_the_unit_do_not_read_the_closed_person(
    client, county, closed, consent_for_coordination
):
    # the coordination consent is still in force: a closed episode of the other organisation
    # gives nothing, coordination or not
    assert overview(log_in(client, county.social_worker), county).status_code == 404
    assert only_refused(log_rows(county.patient, user=county.social_worker))


def test_staff_of_the_organisation_at_another_unit_do_not_read_the_closed_person(
    client, county, closed
):
    assert overview(log_in(client, county.outsider), county).status_code == 404


def test_the_closed_person_is_not_read_after_the_window(client, county, settings):
    settings.HELHET_CLOSED_READABLE_MONTHS = 12
    close(county.episode, TODAY.replace(year=TODAY.year - 1) - datetime.timedelta(days=1))
    assert overview(log_in(client, county.nurse), county).status_code == 404


def test_the_closed_person_is_read_on_the_last_day_of_the_window(client, county, settings):
    settings.HELHET_CLOSED_READABLE_MONTHS = 12
    close(county.episode, TODAY.replace(year=TODAY.year - 1))
    assert overview(log_in(client, county.nurse), county).status_code == 200


def test_a_window_of_zero_months_turns_the_closed_basis_off(client, county, closed, settings):
    settings.HELHET_CLOSED_READABLE_MONTHS = 0
    assert overview(log_in(client, county.nurse), county).status_code == 404


def test_the_other_organisations_closed_episode_is_read_by_its_own_staff_only(client, county):
    close(county.episode, days_ago(60))  # the region's, two months ago
    close(
        f.EpisodeFactory(
            person=county.patient,
            unit=county.clinic,
            opened_by=county.social_worker,
            opened_on=days_ago(50),
        ),
        days_ago(10),
    )
    assert overview(log_in(client, county.social_worker), county).status_code == 200
    assert last_row().basis == Basis.CLOSED_EPISODE
    county.episode.delete()  # only the municipality's closed episode is left
    assert overview(log_in(client, county.nurse), county).status_code == 404


def case_team_episode(county, opened_on):
    """At a case-team-only unit where the nurse and a colleague of hers (`county.colleague`)
    are members, the patient's region episode opened on OPENED_ON, the nurse on its case team."""
    unit = f.UnitFactory(
        name="ACT-teamet",
        access_mode=Unit.AccessMode.CASE_TEAM,
        organisations=[county.region, county.municipality],
    )
    f.MembershipFactory(user=county.nurse, unit=unit)
    county.colleague = f.UserFactory(username="colleague", organisation=county.region)
    f.MembershipFactory(user=county.colleague, unit=unit, role=Membership.Role.STAFF)
    episode = f.EpisodeFactory(
        person=county.patient, unit=unit, opened_by=county.nurse, opened_on=opened_on
    )
    f.CaseTeamMemberFactory(episode=episode, user=county.nurse, added_by=county.nurse)
    return episode


@pytest.fixture
def case_team_unit(county):
    """`case_team_episode` (the patient's only episode), opened 100 days ago and closed a
    week ago."""
    county.episode.delete()
    episode = case_team_episode(county, days_ago(100))
    close(episode, days_ago(7))
    return episode.unit


def test_at_a_case_team_unit_the_closed_episodes_case_team_reads(client, county, case_team_unit):
    log_in(client, county.nurse, case_team_unit)
    assert overview(client, county).status_code == 200
    assert last_row().basis == Basis.CLOSED_EPISODE


def test_at_a_case_team_unit_a_member_not_on_the_case_team_does_not_read(
    client, county, case_team_unit
):
    log_in(client, county.colleague, case_team_unit)
    assert overview(client, county).status_code == 404


def test_emergency_access_stays_separate_and_flagged(client, county, closed):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    assert overview(log_in(client, county.outsider), county).status_code == 200
    row = last_row()
    assert (row.basis, row.emergency, row.without_relationship) == (Basis.EMERGENCY, True, True)


def test_the_closed_basis_wins_over_emergency_access_and_is_not_flagged(client, county, closed):
    f.EmergencyAccessFactory(user=county.nurse, person=county.patient, unit=county.clinic)
    assert overview(log_in(client, county.nurse), county).status_code == 200
    assert (last_row().basis, last_row().emergency) == (Basis.CLOSED_EPISODE, False)


def test_an_open_relationship_wins_over_the_closed_one_as_basis(client, county, closed):
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    f.EpisodeFactory(
        person=county.patient, unit=county.other_unit, opened_by=county.nurse, opened_on=TODAY
    )
    assert overview(log_in(client, county.nurse), county).status_code == 200
    assert last_row().basis == Basis.OWN_ORGANISATION


# --- What is read -------------------------------------------------------------------------


def contacts(client, county):
    return client.get(reverse("contacts:list", args=[county.patient.pk]))


@pytest.fixture
def municipal_contact(county, closed):
    """A contact the municipality's social worker recorded at the clinic before the closure."""
    return f.ContactFactory(
        episode=county.episode,
        recorded_by=county.social_worker,
        starts_at=timezone.now() - datetime.timedelta(days=40),
        note="Kommunens anteckning",
    )


def test_the_closed_basis_reads_the_own_organisations_records(client, county, closed):
    f.ContactFactory(
        episode=county.episode,
        recorded_by=county.nurse,
        starts_at=timezone.now() - datetime.timedelta(days=40),
    )
    response = contacts(log_in(client, county.nurse), county)
    assert response.status_code == 200
    assert "Socialmedicinska mottagningen" in response.text
    assert last_row().basis == Basis.CLOSED_EPISODE


def test_the_closed_basis_does_not_read_the_other_organisations_records(
    client, county, municipal_contact
):
    response = contacts(log_in(client, county.nurse), county)
    assert response.status_code == 200
    assert "Testby kommun" not in response.text
    assert last_row().basis == Basis.CLOSED_EPISODE


def test_a_consent_in_force_discloses_the_other_organisations_records_as_ever(
    client, county, municipal_contact
):
    consent = f.ConsentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.social_worker,
        coordination=False,
    )
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.municipality,
        to_organisation=county.region,
        category="contacts",
    )
    response = contacts(log_in(client, county.nurse), county)
    assert "Testby kommun" in response.text
    assert (last_row().basis, last_row().consent_id) == (Basis.CONSENT, consent.pk)


# --- Read-only ----------------------------------------------------------------------------

# Every page the closed basis may not open but the log extract (a reviewer's read page).
WRITE_PAGES = [
    name
    for name, row in MATRIX.items()
    if row[ACTORS.index("closed")] == NOT_FOUND and name != "access:log_extract"
]
WATCHED_APPS = ("care", "people", "contacts", "assessments", "plans", "intake")


def record_counts() -> dict[str, int]:
    """How many rows each person-data model holds (the access log aside)."""
    models = [m for label in WATCHED_APPS for m in apps.get_app_config(label).get_models()]
    models += [apps.get_model("access", name) for name in ("Consent", "Block", "ConsentRelative")]
    return {m._meta.label: m.objects.count() for m in models}


@pytest.mark.parametrize("name", WRITE_PAGES)
def test_a_post_to_a_write_page_on_the_closed_basis_is_refused_and_writes_nothing(
    request, client, county, name
):
    """The matrix's "closed" user (the outsider, whose region episode at Mini-Maria closed a
    month ago) posts to every write page: not found, a refused row, nothing written."""
    user = actor_user(request, client, county, "closed")
    url = url_for(request, county, name, "closed")
    before, last = record_counts(), AccessLogEntry.objects.order_by("-pk").first()
    response = client.post(url, {"opened_on": TODAY.isoformat(), "note": "x"})
    assert response.status_code == 404
    assert record_counts() == before
    rows = log_rows(county.patient, user=user, pk__gt=last.pk if last else 0)
    assert only_refused(rows)


def test_the_person_page_is_read_only_with_a_notice(client, county, closed):
    response = overview(log_in(client, county.nurse), county)
    text = response.text
    assert "read the records read-only" in text
    for write in (
        reverse("care:episode_close", args=[county.patient.pk, county.episode.pk]),
        reverse("people:relative_add", args=[county.patient.pk]),
        reverse("access:consent_new", args=[county.patient.pk]),
        reverse("care:episode_open", args=[county.patient.pk]),
        reverse("contacts:new", args=[county.patient.pk]),
    ):
        assert write not in text


def test_the_notice_is_swedish(client, county, closed):
    client.cookies["django_language"] = "sv"
    response = overview(log_in(client, county.nurse), county)
    assert "du kan läsa uppgifterna men inte ändra dem" in response.text
    assert "Öppna inskrivningen igen vid Socialmedicinska mottagningen" in response.text


# --- The search, the caseload, the review -------------------------------------------------


def search(client, text="Tolvansson"):
    return client.get(reverse("people:search"), {"q": text})


def test_the_search_finds_the_closed_person_marked_with_the_closing_date(client, county, closed):
    client.cookies["django_language"] = "sv"
    response = search(log_in(client, county.nurse))
    assert "Tolvansson, Tolvan" in response.text
    assert f'Avslutad <time datetime="{closed.closed_on.isoformat()}"' in response.text
    [row] = log_rows(county.patient, user=county.nurse)
    assert row.basis == Basis.CLOSED_EPISODE


def test_the_search_does_not_mark_a_person_with_an_open_episode(client, county):
    response = search(log_in(client, county.nurse))
    assert "Tolvansson, Tolvan" in response.text and "Closed" not in response.text


def test_the_search_does_not_find_the_other_organisations_closed_person(client, county, closed):
    response = search(log_in(client, county.social_worker))
    assert "Tolvansson, Tolvan" not in response.text


def test_the_caseload_lists_open_episodes_only(client, county, closed):
    response = log_in(client, county.nurse).get(reverse("care:caseload"), {"scope": "unit"})
    assert response.status_code == 200 and "Tolvansson" not in response.text


def test_the_review_shows_the_closed_basis_in_swedish(client, county, closed):
    overview(log_in(client, county.nurse), county)
    client.cookies["django_language"] = "sv"
    response = log_in(client, county.coordinator).get(reverse("access:log_review"))
    assert response.status_code == 200
    assert "Avslutad inskrivning" in response.text


# --- Reopening ----------------------------------------------------------------------------


def reopen(client, county, episode):
    url = reverse("care:episode_reactivate", args=[county.patient.pk, episode.pk])
    return client.post(url, {"opened_on": TODAY.isoformat()})


def test_the_nurse_reopens_the_closed_episode_from_the_person_page(client, county, closed):
    page = overview(log_in(client, county.nurse), county)
    action = reverse("care:episode_reactivate", args=[county.patient.pk, closed.pk])
    assert f'action="{action}"' in page.text
    response = reopen(client, county, closed)
    assert response.status_code == 302
    new = Episode.objects.get(person=county.patient, closed_on__isnull=True)
    assert (new.unit, new.reactivation_of, new.is_reactivation) == (county.clinic, closed, True)
    assert last_row().action == AccessLogEntry.Action.CREATE
    assert overview(client, county).status_code == 200
    assert last_row().basis == Basis.OWN_ORGANISATION


@pytest.mark.parametrize("who", ["social_worker", "outsider"])
def test_others_cannot_reopen_the_closed_episode(client, county, closed, who):
    response = reopen(log_in(client, getattr(county, who)), county, closed)
    assert response.status_code == 404
    assert not Episode.objects.filter(person=county.patient, closed_on__isnull=True).exists()


def test_the_episode_cannot_be_reopened_after_the_window(client, county, settings):
    settings.HELHET_CLOSED_READABLE_MONTHS = 1
    episode = close(county.episode, days_ago(70))
    assert reopen(log_in(client, county.nurse), county, episode).status_code == 404
    assert not Episode.objects.filter(person=county.patient, closed_on__isnull=True).exists()


def test_reopening_does_not_name_the_other_organisations_open_episode_at_the_unit(
    client, county, closed
):
    """The municipality's open episode at the clinic (no coordination consent) is not the
    nurse's to see: reopening is refused with the one message every refusal gets."""
    f.EpisodeFactory(
        person=county.patient, unit=county.clinic, opened_by=county.social_worker, opened_on=TODAY
    )
    response = reopen(log_in(client, county.nurse), county, closed)
    assert response.status_code == 200
    assert "could not be registered at Socialmedicinska mottagningen" in response.text
    assert "already has an open episode" not in response.text
    assert not Episode.objects.filter(
        person=county.patient, organisation=county.region, closed_on__isnull=True
    ).exists()


def test_registering_the_closed_person_at_another_unit_opens_a_self_opened_episode(
    client, county, closed
):
    """Read-only, the person's page offers no enrolment at another unit: registering the
    number there takes the person in as anyone the nurse does not see (self-opened)."""
    unit = f.UnitFactory(name="Beroendeteamet", organisations=[county.region])
    f.MembershipFactory(user=county.nurse, unit=unit)
    log_in(client, county.nurse, unit)
    number = county.patient.identity_number
    data = {
        "identity_number": f"{number[2:8]}-{number[8:]}",
        "given_name": "Tolvan",
        "family_name": "Tolvansson",
        "municipality": county.home.pk,
        "opened_on": TODAY.isoformat(),
    }
    response = client.post(reverse("people:register"), data)
    assert response.status_code == 302
    episode = Episode.objects.get(person=county.patient, unit=unit)
    assert episode.opened_through == Episode.OpenedThrough.SELF


def test_reading_the_closed_units_records_from_an_open_relationship_is_no_earlier_read(
    client, county, closed
):
    """The nurse, now enrolling the person elsewhere, reads what she wrote at the clinic during
    the closed episode: her closed episode there is no reason to flag it for review."""
    written = timezone.now() - datetime.timedelta(days=40)
    contact = f.ContactFactory(episode=closed, recorded_by=county.nurse, starts_at=written)
    type(contact).objects.filter(pk=contact.pk).update(recorded_at=written)
    unit = f.UnitFactory(name="Beroendeteamet", organisations=[county.region])
    f.MembershipFactory(user=county.nurse, unit=unit)
    f.EpisodeFactory(person=county.patient, unit=unit, opened_by=county.nurse, opened_on=TODAY)
    contacts(log_in(client, county.nurse, unit), county)
    row = last_row()
    assert (row.basis, row.earlier_records) == (Basis.OWN_ORGANISATION, False)


# --- Earlier records: the closed episode's opening is when the relationship began ----------

EARLIER_OPENED = datetime.date(2026, 3, 1)


def outsiders_episode_at_mini_maria(county, *, open_: bool) -> Episode:
    """The outsider's (region) episode with the patient at Mini-Maria, opened 2026-03-01:
    open, or closed a month ago (her only relationship then is the closed basis)."""
    episode = f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=EARLIER_OPENED,
    )
    return episode if open_ else close(episode, days_ago(30))


def clinic_contact_written(county, on: datetime.date) -> None:
    """A region contact kept at the clinic (where the outsider has no relationship), written
    ON."""
    written = datetime.datetime.combine(on, datetime.time(10), tzinfo=datetime.UTC)
    contact = f.ContactFactory(episode=county.episode, recorded_by=county.nurse, starts_at=written)
    type(contact).objects.filter(pk=contact.pk).update(recorded_at=written)


@pytest.mark.parametrize(
    ("open_", "basis"), [(True, Basis.OWN_ORGANISATION), (False, Basis.CLOSED_EPISODE)]
)
def test_reading_the_organisations_records_written_elsewhere_before_the_episode_is_flagged(
    client, county, open_, basis
):
    outsiders_episode_at_mini_maria(county, open_=open_)
    clinic_contact_written(county, EARLIER_OPENED - datetime.timedelta(days=28))
    assert contacts(log_in(client, county.outsider, county.other_unit), county).status_code == 200
    row = last_row()
    assert (row.basis, row.earlier_records) == (basis, True)


@pytest.mark.parametrize(
    ("open_", "basis"), [(True, Basis.OWN_ORGANISATION), (False, Basis.CLOSED_EPISODE)]
)
def test_reading_the_organisations_records_written_elsewhere_after_the_opening_is_not_flagged(
    client, county, open_, basis
):
    outsiders_episode_at_mini_maria(county, open_=open_)
    clinic_contact_written(county, EARLIER_OPENED + datetime.timedelta(days=31))
    assert contacts(log_in(client, county.outsider, county.other_unit), county).status_code == 200
    row = last_row()
    assert (row.basis, row.earlier_records) == (basis, False)


def test_reading_the_clinics_earlier_sip_version_on_the_closed_basis_is_flagged(client, county):
    """The SIP's own rule (`readable_sip`) notes earlier records as `readable` does."""
    outsiders_episode_at_mini_maria(county, open_=False)
    f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    sip = f.SipFactory(person=county.patient, unit=county.clinic)
    version = f.SipVersionFactory(sip=sip, created_by=county.nurse)
    early = datetime.datetime(2026, 2, 1, 10, tzinfo=datetime.UTC)
    type(version).objects.filter(pk=version.pk).update(created_at=early)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(reverse("plans:sip", args=[county.patient.pk])).status_code == 200
    row = last_row()
    assert (row.basis, row.earlier_records) == (Basis.CLOSED_EPISODE, True)


def test_the_timeline_names_the_closed_basis_of_each_item(client, county, closed):
    f.ContactFactory(
        episode=closed,
        recorded_by=county.nurse,
        starts_at=timezone.now() - datetime.timedelta(days=40),
    )
    client.cookies["django_language"] = "sv"
    response = log_in(client, county.nurse).get(reverse("timeline:page", args=[county.patient.pk]))
    assert response.status_code == 200
    assert "Avslutad inskrivning" in response.text
    assert last_row().basis == Basis.CLOSED_EPISODE
