"""The drop-in day: many persons' visits from one page, in one transaction, or none."""

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, Basis
from helhet.contacts.models import Contact, ContactIntervention

from .. import factories as f
from ..people.utils import log_in, log_rows

URL = "/drop-in/"


@pytest.fixture
def second(county):
    """Another person at the clinic, enrolled by the nurse."""
    person = f.PersonFactory(given_name="Elsa", family_name="Elvasson", registered_by=county.nurse)
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
    return person


def post_data(county, rows, *, day=None, time="09:30", staff=None):
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "day-day": day.isoformat(),
        "day-time": time,
        "day-duration_minutes": "20",
        "day-staff": [str(u.pk) for u in (staff or [county.nurse])],
        "row-TOTAL_FORMS": str(max(len(rows), 3)),
        "row-INITIAL_FORMS": "0",
        "row-MIN_NUM_FORMS": "0",
        "row-MAX_NUM_FORMS": "100",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"row-{i}-{key}"] = value
    return data


def test_the_url_is_the_drop_in_page_in_the_menu(client, county):
    assert reverse("contacts:drop_in") == URL
    text = log_in(client, county.nurse, county.clinic).get(URL).text
    assert 'href="/drop-in/" aria-current="page"' in text
    assert 'name="row-9-who"' in text


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response.url


def test_an_administrator_without_a_unit_cannot_register_visits(client, county):
    client.force_login(county.admin)
    assert client.get(URL).status_code == 403


def test_the_nurse_registers_two_persons_visits_in_one_go(client, county, second, catalogue):
    log_in(client, county.nurse, county.clinic)
    rows = [
        {
            "who": county.patient.identity_number,
            "attended": "on",
            "interventions": [str(catalogue["health_talk"].pk)],
        },
        {"who": "Elvasson", "time": "11:15"},
    ]
    response = client.post(URL, post_data(county, rows))
    assert response.status_code == 302
    first, other = Contact.objects.get(person=county.patient), Contact.objects.get(person=second)
    assert (first.kind, first.attended, first.unit) == ("drop_in", True, county.clinic)
    assert list(first.interventions.all()) == [catalogue["health_talk"]]
    link = ContactIntervention.objects.get(contact=first)
    assert (link.unit, link.person, link.starts_at, link.attended) == (
        county.clinic,
        county.patient,
        first.starts_at,
        True,
    )
    assert timezone.localtime(first.starts_at).strftime("%H:%M") == "09:30"
    assert timezone.localtime(other.starts_at).strftime("%H:%M") == "11:15"
    assert other.attended is False  # the box was left unticked: a no-show
    assert list(other.staff.all()) == [county.nurse]
    assert [(r.action, r.basis) for r in log_rows(county.patient)] == [
        ("create", Basis.OWN_ORGANISATION)
    ]
    assert len(log_rows(second)) == 1


def test_one_bad_row_saves_nothing_and_shows_every_row_again(client, county, second):
    log_in(client, county.nurse, county.clinic)
    before = AccessLogEntry.objects.count()
    rows = [{"who": county.patient.identity_number, "attended": "on"}, {"who": "Nobody Nowhere"}]
    response = client.post(URL, post_data(county, rows))
    assert response.status_code == 200
    assert "No one you may see at this unit matches." in response.text
    assert f'value="{county.patient.identity_number}"' in response.text
    assert not Contact.objects.exists() and AccessLogEntry.objects.count() == before


def test_a_day_in_the_future_is_refused(client, county):
    log_in(client, county.nurse, county.clinic)
    rows = [{"who": county.patient.identity_number, "attended": "on"}]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(URL, post_data(county, rows, day=tomorrow))
    assert "The date lies in the future." in response.text
    assert not Contact.objects.exists()


def test_a_time_later_today_is_refused_on_its_row(client, county):
    later = timezone.localtime() + datetime.timedelta(hours=1)
    if later.date() != timezone.localdate():
        pytest.skip("too close to midnight")
    log_in(client, county.nurse, county.clinic)
    rows = [
        {"who": county.patient.identity_number, "attended": "on", "time": later.strftime("%H:%M")}
    ]
    response = client.post(URL, post_data(county, rows, day=timezone.localdate()))
    assert "The date and time lie in the future." in response.text
    assert not Contact.objects.exists()


def test_the_same_person_twice_is_refused(client, county):
    log_in(client, county.nurse, county.clinic)
    rows = [{"who": county.patient.identity_number}, {"who": "Tolvansson"}]
    response = client.post(URL, post_data(county, rows))
    assert "This person is already on row 1." in response.text
    assert not Contact.objects.exists()


def test_a_name_that_several_persons_share_asks_which_and_then_saves(client, county):
    namesake = f.PersonFactory(
        given_name="Tolva", family_name="Tolvansson", registered_by=county.nurse
    )
    f.EpisodeFactory(person=namesake, unit=county.clinic, opened_by=county.nurse)
    log_in(client, county.nurse, county.clinic)
    response = client.post(URL, post_data(county, [{"who": "Tolvansson"}]))
    assert "Several persons match: choose one." in response.text
    assert f'<option value="{namesake.pk}"' in response.text
    assert not Contact.objects.exists()
    response = client.post(URL, post_data(county, [{"who": "Tolvansson", "person": namesake.pk}]))
    assert response.status_code == 302
    assert Contact.objects.get().person == namesake


def test_an_intervention_not_in_the_catalogue_is_refused(client, county):
    log_in(client, county.nurse, county.clinic)
    rows = [{"who": county.patient.identity_number, "interventions": ["999999"]}]
    response = client.post(URL, post_data(county, rows))
    assert "999999 is not an intervention in the catalogue." in response.text
    assert not Contact.objects.exists()


def test_the_social_worker_without_consent_does_not_find_the_regions_patient(client, county):
    log_in(client, county.social_worker, county.clinic)
    rows = [{"who": county.patient.identity_number}]
    response = client.post(URL, post_data(county, rows, staff=[county.social_worker]))
    assert "No one you may see at this unit matches." in response.text
    assert not Contact.objects.exists() and log_rows(county.patient) == []


def test_the_social_worker_under_consent_registers_the_visit_on_the_consent(
    client, county, consent_for_coordination
):
    log_in(client, county.social_worker, county.clinic)
    rows = [{"who": county.patient.identity_number, "attended": "on"}]
    response = client.post(URL, post_data(county, rows, staff=[county.social_worker]))
    assert response.status_code == 302
    assert Contact.objects.get().organisation == county.municipality
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_outsider_at_another_unit_does_not_find_the_clinics_patient(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    log_in(client, county.outsider)
    rows = [{"who": county.patient.identity_number}]
    response = client.post(URL, post_data(county, rows, staff=[county.outsider]))
    assert "No one you may see at this unit matches." in response.text
    assert not Contact.objects.exists()


def test_more_rows_adds_ten_empty_rows_and_keeps_what_was_typed(client, county):
    log_in(client, county.nurse, county.clinic)
    data = post_data(county, [{"who": "Tolvansson"}]) | {"more": "1"}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert 'name="row-12-who"' in response.text and 'value="Tolvansson"' in response.text
    assert not Contact.objects.exists()


def test_a_first_attended_drop_in_visit_tells_intake(client, county):
    log_in(client, county.nurse, county.clinic)
    rows = [{"who": county.patient.identity_number, "attended": "on"}]
    with mock.patch("helhet.contacts.actions.note_first_contact") as hook:
        client.post(URL, post_data(county, rows))
    hook.assert_called_once_with(
        person=county.patient,
        unit=county.clinic,
        on=timezone.localdate() - datetime.timedelta(days=1),
    )


def test_the_empty_page_costs_a_fixed_number_of_queries(
    client, county, django_assert_max_num_queries
):
    log_in(client, county.nurse, county.clinic)
    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200


def test_each_more_row_costs_at_most_two_queries_to_find_its_person(client, county):
    persons = []
    for n in range(6):
        person = f.PersonFactory(given_name=f"Gäst{n}", registered_by=county.nurse)
        f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
        persons.append(person)
    log_in(client, county.nurse, county.clinic)

    def cost(some):
        rows = [{"who": p.identity_number, "attended": "on"} for p in some]
        with CaptureQueriesContext(connection) as context:
            assert client.post(URL, post_data(county, rows)).status_code == 302
        return len(context.captured_queries)

    two, six = cost(persons[:2]), cost(persons)
    assert six - two <= 4 * 2, (two, six)
