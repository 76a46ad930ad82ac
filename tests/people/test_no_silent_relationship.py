"""No silent relationships: the ACT case manager who types a clinic patient's number.

Registering is how a unit takes someone in, so a person in the unit's target group may be
enrolled at the ACT unit even though the region knows them. But the answer is the one a number
nobody has gets, the episode is marked self-opened (person page, caseload, log row), and the
region's records stay behind the policy (no consent, nothing disclosed).
"""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from helhet.access.models import AccessLogEntry
from helhet.care.models import Episode
from helhet.core.models import Membership, User
from helhet.people.identity import make_personnummer
from helhet.people.models import Person

from .. import factories as f
from .utils import log_in

UNKNOWN = make_personnummer(datetime.date(1985, 6, 7), 456)


@pytest.fixture
def act(county):
    """The municipality's ACT team and its case manager, with no relationship to the patient;
    the region's note from a visit at the clinic."""
    unit = f.UnitFactory(name="ACT Testby", organisations=[county.municipality])
    manager = f.UserFactory(
        username="act_cm",
        organisation=county.municipality,
        profession=User.Profession.SOCIAL_WORKER,
    )
    f.MembershipFactory(user=manager, unit=unit, role=Membership.Role.STAFF)
    f.ContactFactory(episode=county.episode, recorded_by=county.nurse, note="Region note XYZ")
    return unit, manager


def register(client, county, number):
    data = {
        "identity_number": f"{number[:8]}-{number[8:]}",
        "given_name": "Typed",
        "family_name": "Name",
        "municipality": county.home.pk,
        "opened_on": "2026-11-01",
    }
    response = client.post(reverse("people:register"), data)
    # The message this request added (an earlier one waits in the session, not yet shown).
    return response, [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_registering_a_clinic_patient_answers_as_for_a_number_nobody_has(client, county, act):
    unit, manager = act
    log_in(client, manager, unit)
    known, known_messages = register(client, county, county.patient.identity_number)
    new, new_messages = register(client, county, UNKNOWN)
    stranger = Person.objects.get(identity_number=UNKNOWN)
    assert (known.status_code, known.url) == (
        302,
        reverse("people:overview", args=[county.patient.pk]),
    )
    assert (new.status_code, new.url) == (302, reverse("people:overview", args=[stranger.pk]))
    assert (
        known_messages
        == new_messages
        == ("The person is registered, with an episode at ACT Testby.")
    )


def test_the_self_opened_episode_is_marked_and_logged(client, county, act):
    unit, manager = act
    log_in(client, manager, unit)
    before = AccessLogEntry.objects.count()
    register(client, county, county.patient.identity_number)
    episode = Episode.objects.get(person=county.patient, unit=unit)
    assert episode.opened_through == Episode.OpenedThrough.SELF
    [row] = AccessLogEntry.objects.filter(pk__gt=before)
    assert (row.action, row.person_id, row.user_id, row.unit_id) == (
        "create",
        county.patient.pk,
        manager.pk,
        unit.pk,
    )
    assert row.what == "episode opened without a referral: registration, number already registered"
    overview = client.get(reverse("people:overview", args=[county.patient.pk])).text
    assert "Opened without a referral" in overview
    caseload = client.get(reverse("care:caseload")).text
    assert "Tolvansson" in caseload and "Opened without a referral" in caseload


def test_the_clinic_records_stay_behind_the_policy_after_registering(client, county, act):
    """Without the person's consent the region's episode and note are not disclosed."""
    unit, manager = act
    log_in(client, manager, unit)
    register(client, county, county.patient.identity_number)
    overview = client.get(reverse("people:overview", args=[county.patient.pk])).text
    assert "ACT Testby" in overview
    assert "Socialmedicinska" not in overview
    contacts = client.get(reverse("contacts:list", args=[county.patient.pk])).text
    assert "Region note XYZ" not in contacts
    timeline = client.get(reverse("timeline:page", args=[county.patient.pk])).text
    assert "Region note XYZ" not in timeline and "Socialmedicinska" not in timeline


def test_the_clinic_nurse_reads_her_own_note_the_act_manager_does_not(client, county, act):
    """The twin of the test above: the note is there for its own organisation."""
    log_in(client, county.nurse, county.clinic)
    contacts = client.get(reverse("contacts:list", args=[county.patient.pk])).text
    assert "Region note XYZ" in contacts


def test_an_episode_through_a_referral_is_not_marked(client, county, act):
    """The twin: a referral the coordinator registered, accepted by the nurse, is not
    self-opened, and neither page flags it."""
    referral = f.ReferralFactory(unit=county.clinic, registered_by=county.coordinator)
    log_in(client, county.nurse, county.clinic)
    data = {
        "identity_number": f"{UNKNOWN[:8]}-{UNKNOWN[8:]}",
        "given_name": "Nils",
        "family_name": "Nyman",
        "municipality": county.home.pk,
        "opened_on": datetime.date.today().isoformat(),
    }
    client.post(reverse("intake:accept", args=[referral.pk]), data)
    person = Person.objects.get(identity_number=UNKNOWN)
    assert person.episodes.get().opened_through == Episode.OpenedThrough.REFERRAL
    assert (
        "Opened without a referral"
        not in client.get(reverse("people:overview", args=[person.pk])).text
    )
    assert "Opened without a referral" not in client.get(reverse("care:caseload")).text


def test_the_overview_does_not_tell_of_the_other_organisations_earlier_episode(client, county):
    """The municipality's closed episode at the clinic: the nurse who registers the person
    there gets a new episode linked to it (for the follow-up), but the page says nothing."""
    person = f.PersonFactory(registered_by=county.social_worker, municipality=county.home)
    f.EpisodeFactory(
        person=person,
        unit=county.clinic,
        opened_by=county.social_worker,
        opened_on=datetime.date(2025, 1, 10),
        closed_on=datetime.date(2025, 6, 30),
        closed_by=county.social_worker,
        closure_reason=f.ClosureReasonFactory(),
    )
    log_in(client, county.nurse, county.clinic)
    register(client, county, person.identity_number)
    new = Episode.objects.get(person=person, closed_on__isnull=True)
    assert new.reactivation_of is not None
    overview = client.get(reverse("people:overview", args=[person.pk])).text
    assert "Return after" not in overview and "Reactivation of" not in overview
