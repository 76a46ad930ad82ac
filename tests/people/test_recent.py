"""Recently opened: the persons whose overview the user opened, newest first, up to eight; only
those the user may still see, the list logged as the search is."""

import pytest
from django.urls import reverse

from helhet.access.models import Basis
from helhet.core.models import Membership
from helhet.people.recent import RECENT_MAX

from .. import factories as f
from ..log_rows import named
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


def test_another_page_of_the_person_does_not_count_as_opening_them(client, county):
    """The list is read from the log's overview rows: the contacts page is not an opening."""
    log_in(client, county.nurse, county.clinic)
    assert client.get(reverse("contacts:list", args=[county.patient.pk])).status_code == 200
    assert "Tolvansson" not in recent_section(client.get(HOME))
    open_overview(client, county.patient)
    assert "Tolvansson" in recent_section(client.get(HOME))


def test_opening_again_moves_the_person_first_and_lists_them_once(client, county):
    other = f.PersonFactory(family_name="Andersson", registered_by=county.nurse)
    f.EpisodeFactory(person=other, unit=county.clinic, opened_by=county.nurse)
    log_in(client, county.nurse, county.clinic)
    for person in (county.patient, other, county.patient):
        open_overview(client, person)
    shown = recent_section(client.get(HOME))
    assert shown.index("Tolvansson") < shown.index("Andersson")
    assert shown.count("Tolvansson") == 1
