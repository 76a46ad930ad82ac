"""The take-in rule (`people.actions.already_seen`), one for registering and for accepting a
referral: a person the user sees through an open relationship is nobody to take in (registering
answers "already registered", accepting enrols them as a person seen); a person seen only
through a closed episode, and a person not seen at all, are taken in (`take_in`): a new episode
at the unit, never a refusal, and a closed episode stays closed.

The nurse registers or accepts at the clinic; each person has the number NUMBER."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry
from helhet.care.models import Episode
from helhet.intake import actions as intake
from helhet.people import identity
from helhet.people.models import Person

from .. import factories as f
from .utils import log_in

NUMBER = identity.parse(identity.make_personnummer(datetime.date(1990, 3, 4), 123))
KNOWN = "number already registered"


def person_with_episode(county, *, unit, opened_by, closed_days_ago: int | None = None) -> Person:
    """The person with NUMBER and their one episode at UNIT, open or closed CLOSED_DAYS_AGO."""
    person = f.PersonFactory(
        identity_number=NUMBER.value,
        birth_date=NUMBER.birth_date,
        municipality=county.home,
        registered_by=opened_by,
    )
    today = timezone.localdate()
    closed_on = None if closed_days_ago is None else today - datetime.timedelta(closed_days_ago)
    f.EpisodeFactory(
        person=person,
        unit=unit,
        opened_by=opened_by,
        opened_on=today - datetime.timedelta(days=200),
        closed_on=closed_on,
        closed_by=opened_by if closed_on else None,
        closure_reason=f.ClosureReasonFactory() if closed_on else None,
    )
    return person


@pytest.fixture
def seen(county):
    """Open at Mini-Maria, where the nurse is a member too: she sees the person."""
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    return person_with_episode(county, unit=county.other_unit, opened_by=county.outsider)


@pytest.fixture
def closed_only(county):
    """The nurse's episode at the clinic, closed a month ago: seen read-only, nothing else."""
    return person_with_episode(
        county, unit=county.clinic, opened_by=county.nurse, closed_days_ago=30
    )


@pytest.fixture
def unseen(county):
    """Open at Mini-Maria, where the nurse is no member: she does not see the person."""
    return person_with_episode(county, unit=county.other_unit, opened_by=county.outsider)


def register(client, county):
    data = {
        "identity_number": f"{NUMBER.value[2:8]}-{NUMBER.value[8:]}",
        "given_name": "Typed",
        "family_name": "Name",
        "municipality": county.home.pk,
        "opened_on": timezone.localdate().isoformat(),
    }
    return log_in(client, county.nurse, county.clinic).post(reverse("people:register"), data)


def accept(county):
    referral = f.ReferralFactory(unit=county.clinic, registered_by=county.coordinator)
    return intake.referral_accept(
        actor=Actor(county.nurse, county.clinic, "test-request"),
        referral_id=referral.pk,
        identity_number=NUMBER,
        given_name="Typed",
        family_name="Name",
        municipality=county.home,
        opened_on=timezone.localdate(),
    )


def last_row() -> AccessLogEntry:
    return AccessLogEntry.objects.order_by("-pk").first()


def open_at_the_clinic(person) -> Episode | None:
    """PERSON's open episode at the clinic (the unit the nurse takes them in at), if any."""
    clinic = "Socialmedicinska mottagningen"
    return Episode.objects.filter(person=person, unit__name=clinic, closed_on__isnull=True).first()


# --- A person seen through an open relationship: nobody to take in ------------------------


def test_registering_a_person_seen_answers_already_registered_and_opens_nothing(
    client, county, seen
):
    response = register(client, county)
    assert response.status_code == 200
    assert "already registered" in response.text
    assert reverse("people:overview", args=[seen.pk]) in response.text
    assert open_at_the_clinic(seen) is None


def test_accepting_a_person_seen_enrols_them_as_a_person_seen(county, seen):
    referral = accept(county)
    assert (referral.person, referral.episode.unit) == (seen, county.clinic)
    assert referral.episode == open_at_the_clinic(seen)
    assert last_row().what == f"referral accepted: {referral.pk}, episode at {county.clinic}"


# --- A person seen only through a closed episode: taken in, a new episode -----------------


def assert_taken_in_beside_the_closed_episode(person, episode) -> None:
    closed = Episode.objects.get(person=person, closed_on__isnull=False)
    assert closed.closed_on == timezone.localdate() - datetime.timedelta(days=30)  # not reopened
    assert episode != closed and episode.is_open
    assert episode.reactivation_of == closed  # a new episode, linked as the return it is
    assert KNOWN in last_row().what


def test_registering_a_person_seen_only_through_a_closed_episode_takes_them_in(
    client, county, closed_only
):
    response = register(client, county)
    assert response.status_code == 302  # no refusal, no "already registered"
    assert response.url == reverse("people:overview", args=[closed_only.pk])
    assert_taken_in_beside_the_closed_episode(closed_only, open_at_the_clinic(closed_only))
    assert Person.objects.filter(identity_number=NUMBER.value).count() == 1


def test_accepting_a_person_seen_only_through_a_closed_episode_takes_them_in(county, closed_only):
    referral = accept(county)
    assert (referral.person, referral.outcome) == (closed_only, "reactivation")
    assert referral.episode == open_at_the_clinic(closed_only)
    assert_taken_in_beside_the_closed_episode(closed_only, referral.episode)


# --- A person not seen: taken in, the stored details kept ----------------------------------


def test_registering_a_person_not_seen_takes_them_in(client, county, unseen):
    response = register(client, county)
    assert response.status_code == 302
    episode = open_at_the_clinic(unseen)
    assert episode.opened_through == Episode.OpenedThrough.SELF
    assert KNOWN in last_row().what
    unseen.refresh_from_db()
    assert unseen.given_name != "Typed"


def test_accepting_a_person_not_seen_takes_them_in(county, unseen):
    referral = accept(county)
    assert (referral.person, referral.outcome) == (unseen, "new")
    assert referral.episode == open_at_the_clinic(unseen)
    assert KNOWN in last_row().what
    unseen.refresh_from_db()
    assert unseen.given_name != "Typed"
