"""A relative enrolled through a referral: at a unit that serves relatives (Mini-Maria's
support for parents) a referral, registered by staff or sent through the public page, can be
for a relative in their own right, and accepting it enrols them as a relative outside the age
limits. Elsewhere the choice is not offered and the actions refuse it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.care.models import Episode
from helhet.intake import actions
from helhet.intake.models import Referral
from helhet.people import identity
from helhet.people.models import Person

from .. import factories as f
from ..people.utils import log_in
from .conftest import actor

PARENT = identity.parse(identity.make_personnummer(datetime.date(1975, 3, 4), 123))  # 51


@pytest.fixture
def mini_maria(county):
    """Mini-Maria (13-21), with the nurse as a member."""
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    return county.other_unit


@pytest.fixture
def serving(mini_maria):
    mini_maria.serves_relatives = True
    mini_maria.save()
    return mini_maria


def register(county, unit, **changes):
    values = {
        "actor": actor(county.nurse, unit),
        "source": Referral.Source.SELF,
        "referrer": "",
        "referrer_contact": "",
        "name": "Petra Förälder",
        "identity_number": PARENT,
        "contact": "070-111 22 33",
        "question": "Our son drinks; I need support myself.",
        "urgency": Referral.Urgency.ROUTINE,
        "received_on": timezone.localdate(),
        "for_relative": True,
    }
    return actions.referral_register(**(values | changes))


def accept(county, unit, referral, user=None):
    return actions.referral_accept(
        actor=actor(user or county.social_worker, unit),
        referral_id=referral.pk,
        identity_number=PARENT,
        given_name="Petra",
        family_name="Förälder",
        municipality=county.home,
        opened_on=timezone.localdate(),
    )


def test_a_referral_for_a_relative_is_accepted_as_a_relatives_episode(county, serving):
    f.MembershipFactory(user=county.social_worker, unit=serving)
    referral = register(county, serving)
    assert referral.for_relative
    accepted = accept(county, serving, referral)
    episode = Episode.objects.get(person__identity_number=PARENT.value)
    assert (accepted.episode, episode.unit, episode.as_relative) == (episode, serving, True)


def test_an_ordinary_referral_for_the_same_parent_is_refused_by_the_age_rule(county, serving):
    f.MembershipFactory(user=county.social_worker, unit=serving)
    referral = register(county, serving, for_relative=False)
    with pytest.raises(ValidationError):
        accept(county, serving, referral)
    assert not Person.objects.filter(identity_number=PARENT.value).exists()
    assert Referral.objects.get(pk=referral.pk).is_open


def test_a_unit_that_does_not_serve_relatives_refuses_a_referral_for_one(county, mini_maria):
    with pytest.raises(ValidationError, match="does not enrol relatives"):
        register(county, mini_maria)
    assert not Referral.objects.exists()


def test_accepting_is_refused_once_the_unit_no_longer_serves_relatives(county, serving):
    f.MembershipFactory(user=county.social_worker, unit=serving)
    referral = register(county, serving)
    serving.serves_relatives = False
    serving.save()
    with pytest.raises(ValidationError, match="does not enrol relatives"):
        accept(county, serving, referral)
    assert not Episode.objects.filter(unit=serving).exists()
    assert Referral.objects.get(pk=referral.pk).is_open


def test_the_register_form_offers_the_choice_only_where_relatives_are_served(
    client, county, mini_maria
):
    log_in(client, county.nurse, mini_maria)
    assert 'name="for_relative"' not in client.get(reverse("intake:register")).text
    mini_maria.serves_relatives = True
    mini_maria.save()
    assert 'name="for_relative"' in client.get(reverse("intake:register")).text


def test_a_staff_registered_referral_for_a_relative_says_so_on_its_pages(client, county, serving):
    log_in(client, county.nurse, serving)
    data = {
        "source": "self",
        "name": "Petra Förälder",
        "question": "Support for me as a parent.",
        "urgency": "routine",
        "received_on": timezone.localdate().isoformat(),
        "for_relative": "on",
    }
    assert client.post(reverse("intake:register"), data).status_code == 302
    referral = Referral.objects.get()
    assert referral.for_relative
    page = client.get(reverse("intake:accept", args=[referral.pk])).text
    assert "accepting enrols them as a relative" in page


def test_a_posted_choice_at_a_unit_that_does_not_serve_relatives_is_ignored(
    client, county, mini_maria
):
    log_in(client, county.nurse, mini_maria)
    data = {
        "source": "self",
        "name": "Petra Förälder",
        "question": "Support for me as a parent.",
        "urgency": "routine",
        "received_on": timezone.localdate().isoformat(),
        "for_relative": "on",  # sent all the same: the form has no such field here
    }
    assert client.post(reverse("intake:register"), data).status_code == 302
    assert not Referral.objects.get().for_relative


# --- The public page ------------------------------------------------------------------------


def public(unit):
    return reverse("intake:self_referral", args=[unit.slug])


def message(**changes):
    data = {
        "about": "own_support",
        "name": "Petra",
        "contact": "070-111 22 33",
        "message": "Min dotter mår dåligt och jag behöver stöd.",
        "website": "",
    }
    return data | changes


def test_the_public_page_offers_support_of_their_own_where_relatives_are_served(client, serving):
    assert 'value="own_support"' in client.get(public(serving)).text
    response = client.post(public(serving), message())
    assert response.status_code == 302
    r = Referral.objects.get()
    assert (r.unit, r.for_relative, r.source, r.name, r.referrer) == (
        serving,
        True,
        Referral.Source.SELF,
        "Petra",
        "",
    )


def test_the_public_page_does_not_offer_it_elsewhere_and_refuses_it(client, mini_maria):
    assert 'value="own_support"' not in client.get(public(mini_maria)).text
    response = client.post(public(mini_maria), message())
    assert response.status_code == 200  # the form answers: not one of the choices
    assert not Referral.objects.exists()


def test_the_submit_action_refuses_a_relatives_message_where_they_are_not_served(mini_maria):
    with pytest.raises(ValidationError, match="does not enrol relatives"):
        actions.self_referral_submit(
            unit=mini_maria,
            about_self=True,
            name="Petra",
            contact="070",
            message="Stöd",
            for_relative=True,
        )
    assert not Referral.objects.exists()
