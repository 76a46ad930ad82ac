"""Accepting a referral at a unit whose target group names municipalities: the municipality of
residence is marked required and asked for, also for a person registered before."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.intake.models import Referral
from helhet.people.models import Person

from .. import factories as f
from ..people.utils import log_in
from .test_pages import NUMBER, accept_data, referral


@pytest.fixture
def residents_only(county):
    """The clinic takes residents of the county's home municipality only."""
    county.clinic.municipalities.set([county.home])
    return county


def returning_person(county, **fields) -> Person:
    """Registered by the nurse, enrolled at the clinic until 200 days ago: not on anyone's list."""
    known = f.PersonFactory(
        identity_number=NUMBER,
        birth_date=datetime.date(1990, 3, 4),
        registered_by=county.nurse,
        **({"municipality": county.home} | fields),
    )
    today = timezone.localdate()
    f.EpisodeFactory(
        person=known,
        unit=county.clinic,
        opened_by=county.nurse,
        opened_on=today - datetime.timedelta(days=400),
        closed_on=today - datetime.timedelta(days=200),
        closed_by=county.nurse,
        closure_reason=f.ClosureReasonFactory(),
    )
    return known


def seen_by_the_nurse_at_the_other_unit(county, person: Person) -> None:
    """The nurse joins the other unit, where the person has an open episode of hers."""
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    f.EpisodeFactory(
        person=person,
        unit=county.other_unit,
        opened_by=county.nurse,
        opened_on=timezone.localdate() - datetime.timedelta(days=10),
    )


def test_the_accept_form_marks_the_municipality_required_and_names_the_accepted_ones(
    client, residents_only
):
    r = referral(residents_only)
    log_in(client, residents_only.nurse, residents_only.clinic)

    text = client.get(reverse("intake:accept", args=[r.pk])).text

    label = text[text.index('for="id_municipality"') :][:200]
    assert 'class="required"' in label
    assert "accepts residents of Testby only." in text


def test_re_accepting_a_known_person_without_a_municipality_asks_for_it_in_swedish(
    client, residents_only, settings
):
    known = returning_person(residents_only)
    r = referral(residents_only)
    log_in(client, residents_only.nurse, residents_only.clinic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"

    response = client.post(
        reverse("intake:accept", args=[r.pk]), accept_data(residents_only, municipality="")
    )

    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.text
    assert "kunde inte registreras" not in response.text  # not the refusal: a field to fill in
    assert Referral.objects.get(pk=r.pk).state == "received"
    assert not known.episodes.filter(closed_on__isnull=True).exists()


def test_re_accepting_a_known_person_with_the_municipality_reactivates_the_episode(
    client, residents_only
):
    known = returning_person(residents_only)
    r = referral(residents_only)
    log_in(client, residents_only.nurse, residents_only.clinic)

    response = client.post(
        reverse("intake:accept", args=[r.pk]), accept_data(residents_only), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("access:consent_new", args=[known.pk])
    assert "the new episode is a reactivation" in response.text


def test_a_unit_that_names_no_municipality_accepts_the_field_empty(client, county):
    known = returning_person(county, municipality=None)
    r = referral(county)
    log_in(client, county.nurse, county.clinic)

    text = client.get(reverse("intake:accept", args=[r.pk])).text
    response = client.post(
        reverse("intake:accept", args=[r.pk]), accept_data(county, municipality="")
    )

    label = text[text.index('for="id_municipality"') :][:200]
    assert 'class="required"' not in label
    assert response.url == reverse("access:consent_new", args=[known.pk])


def test_a_person_the_user_sees_with_no_stored_municipality_is_checked_on_the_typed_one(
    client, residents_only
):
    """The nurse sees the person through an open episode at the other unit; nothing stored
    says where they live, so the municipality typed in the form decides."""
    known = returning_person(residents_only, municipality=None)
    seen_by_the_nurse_at_the_other_unit(residents_only, known)
    r = referral(residents_only)
    log_in(client, residents_only.nurse, residents_only.clinic)

    response = client.post(reverse("intake:accept", args=[r.pk]), accept_data(residents_only))

    assert response.status_code == 302
    assert known.episodes.filter(unit=residents_only.clinic, closed_on__isnull=True).exists()


def test_a_person_the_user_sees_living_elsewhere_is_still_refused(client, residents_only):
    elsewhere = f.MunicipalityFactory(code="9902", name="Annanby")
    known = returning_person(residents_only, municipality=elsewhere)
    seen_by_the_nurse_at_the_other_unit(residents_only, known)
    r = referral(residents_only)
    log_in(client, residents_only.nurse, residents_only.clinic)

    response = client.post(reverse("intake:accept", args=[r.pk]), accept_data(residents_only))

    assert response.status_code == 200
    assert "accepts residents of Testby only." in response.text
    assert not known.episodes.filter(unit=residents_only.clinic, closed_on__isnull=True).exists()


def test_the_register_page_asks_for_the_municipality_as_the_accept_form_does(
    client, residents_only
):
    log_in(client, residents_only.nurse, residents_only.clinic)

    response = client.post(reverse("people:register"), accept_data(residents_only, municipality=""))

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Person.objects.filter(identity_number=NUMBER).exists()
