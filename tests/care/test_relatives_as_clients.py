"""Relatives as clients of their own: at a unit that serves relatives (Mini-Maria's advice
sessions for parents) a relative is enrolled outside the age limits; elsewhere the age rule
stays."""

import datetime

import pytest
from django.urls import reverse

from helhet.care.models import Episode
from helhet.people.identity import make_personnummer
from helhet.people.models import Person

from .. import factories as f
from ..people.utils import log_in

PARENT = make_personnummer(datetime.date(1975, 3, 4), 123)  # 51 years old: no Mini-Maria client
REFUSED = "could not be registered at Mini-Maria Testby"


@pytest.fixture
def mini_maria(county):
    """Mini-Maria (13-21) with the nurse as a member and her active unit."""
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    return county.other_unit


@pytest.fixture
def serving(mini_maria):
    mini_maria.serves_relatives = True
    mini_maria.save()
    return mini_maria


def register(client, county, **extra):
    data = {
        "identity_number": PARENT,
        "given_name": "Petra",
        "family_name": "Förälder",
        "municipality": county.home.pk,
        "opened_on": "2026-11-01",
        **extra,
    }
    return client.post(reverse("people:register"), data)


def test_a_parent_is_registered_as_a_relative_at_a_unit_that_serves_relatives(
    client, county, serving
):
    log_in(client, county.nurse, serving)
    response = register(client, county, as_relative="on")
    assert response.status_code == 302
    episode = Person.objects.get(identity_number=PARENT).episodes.get()
    assert (episode.unit, episode.as_relative) == (serving, True)
    assert "Enrolled as a relative" in client.get(response.url).text


def test_the_same_parent_not_as_a_relative_is_refused_by_the_age_rule(client, county, serving):
    log_in(client, county.nurse, serving)
    response = register(client, county)
    assert response.status_code == 200 and REFUSED in response.text
    assert not Person.objects.filter(identity_number=PARENT).exists()


def test_a_unit_that_does_not_serve_relatives_keeps_the_age_rule_for_them(
    client, county, mini_maria
):
    log_in(client, county.nurse, mini_maria)
    assert 'name="as_relative"' not in client.get(reverse("people:register")).text
    response = register(client, county, as_relative="on")  # sent all the same
    assert response.status_code == 200 and REFUSED in response.text
    assert not Person.objects.filter(identity_number=PARENT).exists()


def test_the_register_form_offers_the_choice_at_a_unit_that_serves_relatives(
    client, county, serving
):
    log_in(client, county.nurse, serving)
    assert 'name="as_relative"' in client.get(reverse("people:register")).text


def test_the_municipality_rule_still_holds_for_a_relative(client, county, serving):
    serving.municipalities.add(county.home)
    other = f.MunicipalityFactory(code="9903", name="Bortby")
    log_in(client, county.nurse, serving)
    response = register(client, county, as_relative="on", municipality=other.pk)
    assert response.status_code == 200 and REFUSED in response.text


# --- Opening an episode for a person already known -----------------------------------------


def open_url(person):
    return reverse("care:episode_open", args=[person.pk])


def test_an_adult_patient_is_enrolled_as_a_relative_at_a_unit_that_serves_relatives(
    client, county, serving
):
    log_in(client, county.nurse, serving)
    response = client.post(
        open_url(county.patient), {"opened_on": "2026-11-01", "as_relative": "on"}
    )
    assert response.status_code == 302
    assert Episode.objects.get(person=county.patient, unit=serving).as_relative


def test_an_adult_patient_is_not_enrolled_as_a_relative_where_relatives_are_not_served(
    client, county, mini_maria
):
    log_in(client, county.nurse, mini_maria)
    response = client.post(
        open_url(county.patient), {"opened_on": "2026-11-01", "as_relative": "on"}
    )
    assert response.status_code == 200
    assert "accepts persons aged 21 or younger; this person is 46" in response.text
    assert not Episode.objects.filter(person=county.patient, unit=mini_maria).exists()


def closed_episode(county, unit, *, as_relative: bool) -> Episode:
    return f.EpisodeFactory(
        person=county.patient,
        unit=unit,
        opened_by=county.nurse,
        opened_on=datetime.date(2025, 1, 1),
        closed_on=datetime.date(2025, 6, 1),
        closure_reason=f.ClosureReasonFactory(),
        as_relative=as_relative,
    )


def test_a_relatives_episode_is_reactivated_as_one(client, county, serving):
    closed = closed_episode(county, serving, as_relative=True)
    log_in(client, county.nurse, county.clinic)
    path = reverse("care:episode_reactivate", args=[county.patient.pk, closed.pk])
    assert client.post(path, {"opened_on": "2026-11-01"}).status_code == 302
    new = Episode.objects.get(person=county.patient, unit=serving, closed_on=None)
    assert new.as_relative and new.reactivation_of == closed


def test_a_patients_episode_at_the_same_unit_is_not_reactivated_outside_the_age_rule(
    client, county, serving
):
    """The control for the test above: the kind is the closed episode's, not a choice."""
    closed = closed_episode(county, serving, as_relative=False)
    log_in(client, county.nurse, county.clinic)
    path = reverse("care:episode_reactivate", args=[county.patient.pk, closed.pk])
    response = client.post(path, {"opened_on": "2026-11-01", "as_relative": "on"})
    assert response.status_code == 200 and "21 or younger" in response.text
    assert not Episode.objects.filter(person=county.patient, closed_on=None, unit=serving).exists()
