"""Registering a person and opening an episode at the active unit, in one form."""

import datetime
import re

from django.urls import reverse

from helhet.care.models import CaseTeamMember, Episode
from helhet.people.identity import make_personnummer
from helhet.people.models import Person

from .. import factories as f
from .utils import log_in, log_rows

NUMBER = make_personnummer(datetime.date(1990, 3, 4), 123)


def form(county, **changes):
    data = {
        "identity_number": f"{NUMBER[2:8]}-{NUMBER[8:]}",
        "given_name": "Sven",
        "family_name": "Svensson",
        "municipality": county.home.pk,
        "address": "Väg 2",
        "postal_code": "111 11",
        "city": "Testby",
        "phone": "",
        "email": "",
        "opened_on": "2026-11-01",
    }
    return {**data, **changes}


def register(client, data):
    return client.post(reverse("people:register"), data)


def test_nurse_registers_a_person_with_details_derived_from_the_number(client, county):
    response = register(log_in(client, county.nurse), form(county))
    person = Person.objects.get(identity_number=NUMBER)
    assert response.url == reverse("people:overview", args=[person.pk])
    assert (person.birth_date, person.legal_sex, person.identity_kind) == (
        datetime.date(1990, 3, 4),
        "male",
        "personnummer",
    )
    episode = person.episodes.get()
    assert (episode.unit, episode.organisation, episode.opened_on) == (
        county.clinic,
        county.region,
        datetime.date(2026, 11, 1),
    )
    assert CaseTeamMember.objects.filter(episode=episode, user=county.nurse).exists()
    assert [(r.action, r.what) for r in log_rows(person)] == [("create", "person registered")]
    assert episode.opened_through == Episode.OpenedThrough.SELF
    page = client.get(response.url).text
    assert "The person is registered, with an episode at Socialmedicinska" in page
    assert "Opened without a referral" in page


def test_a_wrong_check_digit_is_refused_with_the_reason(client, county):
    bad = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)
    response = register(log_in(client, county.nurse), form(county, identity_number=bad))
    assert "The check digit is wrong" in response.text
    assert not Person.objects.filter(given_name="Sven").exists()


def test_a_number_that_is_not_a_date_is_refused(client, county):
    response = register(log_in(client, county.nurse), form(county, identity_number="19901340-1234"))
    assert "does not begin with a real date" in response.text


def test_an_opening_date_in_the_future_is_refused(client, county):
    response = register(log_in(client, county.nurse), form(county, opened_on="2099-01-01"))
    assert "The opening date lies in the future" in response.text
    assert not Person.objects.filter(identity_number=NUMBER).exists()


def test_an_impossible_opening_date_is_refused(client, county):
    response = register(log_in(client, county.nurse), form(county, opened_on="2026-02-30"))
    assert "Enter a valid date" in response.text


REFUSAL = "The person could not be registered at Socialmedicinska mottagningen."


def test_a_person_younger_than_the_units_youngest_age_is_refused_and_logged(client, county):
    young = make_personnummer(datetime.date(2012, 1, 1), 123)
    response = register(log_in(client, county.nurse), form(county, identity_number=young))
    assert REFUSAL in response.text and "target group" in response.text
    assert not Person.objects.filter(identity_number=young).exists()
    [row] = log_rows(action="refused")
    assert (row.user_id, row.person_id, row.unit_id, row.organisation_id) == (
        county.nurse.pk,
        None,
        county.clinic.pk,
        county.region.pk,
    )
    assert row.what == "registration refused: outside the target group"


def test_a_resident_of_another_municipality_is_refused_where_the_unit_limits_residence(
    client, county
):
    county.clinic.municipalities.set([county.home])
    elsewhere = f.MunicipalityFactory(code="9902", name="Annanby")
    response = register(log_in(client, county.nurse), form(county, municipality=elsewhere.pk))
    assert REFUSAL in response.text
    assert not Person.objects.filter(identity_number=NUMBER).exists()


def test_a_person_the_user_already_sees_is_not_registered_twice(client, county):
    number = county.patient.identity_number
    response = register(log_in(client, county.nurse), form(county, identity_number=number))
    assert "already registered" in response.text
    assert reverse("people:overview", args=[county.patient.pk]) in response.text
    assert county.patient.episodes.count() == 1


def test_a_person_the_user_may_not_see_gets_an_episode_and_keeps_the_stored_names(client, county):
    other = f.PersonFactory(given_name="Stina", family_name="Stored", registered_by=county.nurse)
    data = form(county, identity_number=other.identity_number, given_name="Typed")
    response = register(log_in(client, county.social_worker), data)
    assert response.url == reverse("people:overview", args=[other.pk])
    other.refresh_from_db()
    assert (other.given_name, other.family_name) == ("Stina", "Stored")
    episode = other.episodes.get()
    assert (episode.organisation, episode.opened_through) == (
        county.municipality,
        Episode.OpenedThrough.SELF,
    )
    [row] = log_rows(other)
    assert row.what == (
        "episode opened without a referral: registration, number already registered"
    )


def test_an_open_episode_the_user_may_not_see_is_refused_as_a_number_outside_the_target_group(
    client, county
):
    """The patient is enrolled at the clinic by the region: the social worker without consent
    gets, word for word, the page of a refusal that says nothing about anyone."""
    log_in(client, county.social_worker)
    young = make_personnummer(datetime.date(2012, 1, 1), 123)
    hidden = register(client, form(county, identity_number=county.patient.identity_number))
    other = register(client, form(county, identity_number=young))
    assert hidden.status_code == other.status_code == 200
    assert REFUSAL in hidden.text and "Tolvan" not in hidden.text
    assert hidden.text.replace(county.patient.identity_number, "N") == other.text.replace(
        young, "N"
    ).replace(_token(other.text), _token(hidden.text)).replace(
        _token(other.text, "submission"), _token(hidden.text, "submission")
    )
    rows = log_rows(action="refused")
    assert [(r.person_id, r.what) for r in rows] == [
        (county.patient.pk, "registration refused: an open episode at the unit"),
        (None, "registration refused: outside the target group"),
    ]


def _token(text: str, name: str = "csrfmiddlewaretoken") -> str:
    """The form's CSRF token (or its one-time submission key), different on each page."""
    return re.search(rf'name="{name}" value="([^"]+)"', text).group(1)


def test_a_returning_person_is_linked_to_the_latest_closed_episode_at_the_unit(client, county):
    other = f.PersonFactory(registered_by=county.nurse)
    reason = f.ClosureReasonFactory()
    for year in (2020, 2023):
        f.EpisodeFactory(
            person=other,
            unit=county.clinic,
            opened_by=county.nurse,
            opened_on=datetime.date(year, 1, 1),
            closed_on=datetime.date(year, 6, 1),
            closure_reason=reason,
        )
    register(log_in(client, county.nurse), form(county, identity_number=other.identity_number))
    new = Episode.objects.get(person=other, closed_on__isnull=True)
    assert new.reactivation_of.opened_on == datetime.date(2023, 1, 1)


def test_administrator_without_a_unit_is_told_so(client, county):
    response = log_in(client, county.admin).get(reverse("people:register"))
    assert response.status_code == 403 and "not a member of any unit" in response.text
