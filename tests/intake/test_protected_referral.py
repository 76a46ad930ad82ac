"""A referral marked protected: registered with the mark, its contact details hidden from all but
the unit's coordinator, and carried over, unseen, to the person it is accepted for."""

from django.test import override_settings
from django.urls import reverse

from helhet.core.models import Membership
from helhet.intake.models import Referral
from helhet.people.models import Person

from ..people.utils import log_in
from .test_pages import NUMBER, TODAY, accept_data, referral

SECRET_PHONE = "073-555 01 99"


def test_staff_register_a_referral_marked_protected(client, county):
    log_in(client, county.nurse, county.clinic)
    data = {
        "source": "social_services",
        "referrer": "Socialtjänsten Testby",
        "name": "Hemlig Hemligsson",
        "contact": SECRET_PHONE,
        "protected_identity": "on",
        "question": "Needs support; protected identity.",
        "urgency": "routine",
        "received_on": TODAY.isoformat(),
    }
    assert client.post(reverse("intake:register"), data).status_code == 302
    assert Referral.objects.get(name="Hemlig Hemligsson").protected_identity is True


def test_the_nurse_accepts_a_protected_referral_and_its_phone_reaches_the_person_unseen(
    client, county
):
    r = referral(county, contact=SECRET_PHONE, protected_identity=True)
    log_in(client, county.nurse, county.clinic)
    page = client.get(reverse("intake:accept", args=[r.pk]))
    assert SECRET_PHONE not in page.text
    assert page.context["form"]["protected_identity"].value() is True  # the referral's mark
    data = accept_data(county, protected_identity="on")
    assert client.post(reverse("intake:accept", args=[r.pk]), data).status_code == 302
    person = Person.objects.get(identity_number=NUMBER)
    assert (person.protected_identity, person.phone) == (True, SECRET_PHONE)
    overview = client.get(reverse("people:overview", args=[person.pk])).text
    assert SECRET_PHONE not in overview


def test_a_protected_referral_accepted_as_unprotected_carries_no_hidden_phone_over(client, county):
    """The twin: whoever unticks the mark gets no details they were not shown."""
    r = referral(county, contact=SECRET_PHONE, protected_identity=True)
    log_in(client, county.nurse, county.clinic)
    client.post(reverse("intake:accept", args=[r.pk]), accept_data(county))
    person = Person.objects.get(identity_number=NUMBER)
    assert (person.protected_identity, person.phone) == (False, "")
    # the referral itself stays protected once linked to the unprotected person
    assert SECRET_PHONE not in client.get(reverse("intake:detail", args=[r.pk])).text
    log_in(client, county.coordinator, county.clinic)
    assert SECRET_PHONE in client.get(reverse("intake:detail", args=[r.pk])).text


def test_the_coordinator_accepting_a_protected_referral_sees_its_phone_in_the_form(client, county):
    r = referral(county, contact=SECRET_PHONE, protected_identity=True)
    log_in(client, county.coordinator, county.clinic)
    assert SECRET_PHONE in client.get(reverse("intake:accept", args=[r.pk])).text


@override_settings(HELHET_PROTECTED_IDENTITY_ROLES=[Membership.Role.MANAGER])
def test_the_roles_that_see_protected_details_are_read_from_the_settings(client, county):
    r = referral(county, contact=SECRET_PHONE, protected_identity=True)
    log_in(client, county.manager, county.clinic)
    assert SECRET_PHONE in client.get(reverse("intake:detail", args=[r.pk])).text
    log_in(client, county.coordinator, county.clinic)
    assert SECRET_PHONE not in client.get(reverse("intake:detail", args=[r.pk])).text
