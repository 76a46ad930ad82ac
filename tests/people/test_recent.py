"""Recently opened: the persons whose overview the user opened, newest first, up to eight; only
those the user may still see, the list logged as the search is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import Basis
from helhet.core.models import Membership
from helhet.people.actions import note_opened
from helhet.people.models import RecentlyOpened
from helhet.people.recent import RECENT_MAX

from .. import factories as f
from ..log_rows import named
from ..plans.conftest import access_of
from .utils import log_in, log_rows

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")


def recent_section(response) -> str:
    text = response.content.decode()
    start = text.index('id="recent-heading"')
    return text[start : text.index("</section>", start)]


def open_overview(client, person):
    assert client.get(reverse("people:overview", args=[person.pk])).status_code == 200


def test_an_opened_person_is_listed_and_the_list_is_logged(client, county):
    log_in(client, county.nurse, county.clinic)
    open_overview(client, county.patient)
    assert "Tolvansson, Tolvan" in recent_section(client.get(HOME))
    [row] = log_rows(what="recently opened")
    assert named([row]) == [county.patient.pk] and row.listed_persons()[0].basis == (
        Basis.OWN_ORGANISATION
    )


def test_the_newest_first_and_at_most_eight(client, county):
    log_in(client, county.nurse, county.clinic)
    persons = []
    for i in range(RECENT_MAX + 2):
        person = f.PersonFactory(family_name=f"Person{i:02}", registered_by=county.nurse)
        f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
        open_overview(client, person)
        persons.append(person)
    shown = recent_section(client.get(HOME))
    assert shown.count("<li>") == RECENT_MAX
    assert shown.index("Person09") < shown.index("Person08") and "Person01" not in shown


def test_a_person_whose_episode_closed_stays_while_it_may_be_read(client, county):
    log_in(client, county.nurse, county.clinic)
    open_overview(client, county.patient)
    county.episode.closed_on = county.episode.opened_on
    county.episode.closure_reason = f.ClosureReasonFactory()
    county.episode.save()
    assert "Tolvansson" in recent_section(client.get(HOME))  # read-only, on the closed basis


def test_a_person_whose_episode_is_closed_is_gone(client, county, settings):
    settings.HELHET_CLOSED_READABLE_MONTHS = 0  # no reading after closure
    log_in(client, county.nurse, county.clinic)
    open_overview(client, county.patient)
    county.episode.closed_on = county.episode.opened_on
    county.episode.closure_reason = f.ClosureReasonFactory()
    county.episode.save()
    assert "Tolvansson" not in recent_section(client.get(HOME))
    assert log_rows(what="recently opened") == []


def test_a_person_is_gone_when_the_membership_is_removed(client, county):
    log_in(client, county.nurse, county.clinic)
    open_overview(client, county.patient)
    Membership.objects.filter(user=county.nurse).delete()
    assert "Tolvansson" not in client.get(HOME).text
    assert log_rows(county.patient, what="recently opened") == []


def test_a_consent_withdrawn_takes_the_person_off_the_other_organisations_list(
    client, county, consent_for_coordination
):
    log_in(client, county.social_worker, county.clinic)
    open_overview(client, county.patient)
    assert "Tolvansson" in recent_section(client.get(HOME))
    consent_for_coordination.withdrawn_on = consent_for_coordination.valid_from
    consent_for_coordination.save()
    assert "Tolvansson" not in recent_section(client.get(HOME))


def test_one_users_list_is_not_anothers(client, county):
    log_in(client, county.nurse, county.clinic)
    open_overview(client, county.patient)
    client.logout()
    log_in(client, county.coordinator, county.clinic)
    assert "Tolvansson" not in recent_section(client.get(HOME))


# --- Kept per user in the database --------------------------------------------------------


def test_the_list_outlives_logging_out_and_in(client, county):
    log_in(client, county.nurse, county.clinic)
    open_overview(client, county.patient)
    client.logout()
    log_in(client, county.nurse, county.clinic)
    assert "Tolvansson, Tolvan" in recent_section(client.get(HOME))


def test_another_users_list_is_not_shown_even_of_a_person_both_see(client, county):
    log_in(client, county.nurse, county.clinic)
    open_overview(client, county.patient)
    client.logout()
    log_in(client, county.coordinator, county.clinic)  # sees the patient, opened nobody
    assert "Tolvansson" not in recent_section(client.get(HOME))
    assert log_rows(what="recently opened") == []


def test_an_invisible_person_is_not_shown_and_not_logged(client, county):
    """A row of a person the user can no longer see (here: one written for a person they never
    could) is neither shown nor named in the log."""
    stranger = f.PersonFactory(family_name="Främling", registered_by=county.outsider)
    f.EpisodeFactory(person=stranger, unit=county.other_unit, opened_by=county.outsider)
    RecentlyOpened.objects.create(user=county.nurse, person=stranger, opened_at=timezone.now())
    log_in(client, county.nurse, county.clinic)
    assert "Främling" not in client.get(HOME).text
    assert log_rows(stranger, what="recently opened") == []


def test_at_most_eight_rows_are_kept_per_user_and_another_users_are_untouched(client, county):
    log_in(client, county.coordinator, county.clinic)
    open_overview(client, county.patient)
    client.logout()
    log_in(client, county.nurse, county.clinic)
    for i in range(RECENT_MAX + 3):
        person = f.PersonFactory(family_name=f"Person{i:02}", registered_by=county.nurse)
        f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
        open_overview(client, person)
    client.get(HOME)  # reading the list trims it
    kept = RecentlyOpened.objects.filter(user=county.nurse)
    assert kept.count() == RECENT_MAX
    assert not kept.filter(person__family_name__in=["Person00", "Person01", "Person02"]).exists()
    assert RecentlyOpened.objects.filter(user=county.coordinator).count() == 1


def test_opening_again_moves_the_person_first_without_a_second_row(client, county):
    other = f.PersonFactory(family_name="Andersson", registered_by=county.nurse)
    f.EpisodeFactory(person=other, unit=county.clinic, opened_by=county.nurse)
    log_in(client, county.nurse, county.clinic)
    for person in (county.patient, other, county.patient):
        open_overview(client, person)
    shown = recent_section(client.get(HOME))
    assert shown.index("Tolvansson") < shown.index("Andersson")
    assert RecentlyOpened.objects.filter(user=county.nurse, person=county.patient).count() == 1


def test_noting_a_person_opened_is_one_upsert_and_reads_nothing(county):
    """The overview writes the list with one statement; reading the list trims it."""
    access = access_of(county.nurse, county.patient, county.clinic)
    with CaptureQueriesContext(connection) as queries:
        note_opened(access=access)
    [statement] = [
        q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper()
    ]
    assert statement.upper().startswith("INSERT") and "ON CONFLICT" in statement.upper()
