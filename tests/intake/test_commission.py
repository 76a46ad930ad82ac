"""The commission (uppdragsbeskrivning) of a referral from social services (issue 17, item 6):
added on the referral's page by staff who may act on the referral, shown there and on the
person's referrals, through the referral's own access rules; logged like the referral."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, Basis
from helhet.intake.models import Commission, Referral

from .. import factories as f
from ..people.utils import log_in

DATA = {
    "task": "Bedöm behovet av samordnade insatser för missbruk och psykisk ohälsa.",
    "questions": "Behövs en SIP? Vilken vårdnivå?",
    "starts_on": "2026-12-01",
    "ends_on": "2027-03-01",
    "contact": "Sara Socialsekreterare, Testby kommun, 010-123 45 67",
}


def _referral(county, **fields) -> Referral:
    defaults = {
        "unit": county.clinic,
        "registered_by": county.social_worker,
        "source": Referral.Source.SOCIAL_SERVICES,
        "referrer": "Sara Socialsekreterare",
    }
    return f.ReferralFactory(**(defaults | fields))


def _linked(county) -> Referral:
    """A referral from social services, accepted by the region's nurse into the patient's
    episode: a record the region owns."""
    return _referral(
        county,
        registered_by=county.nurse,
        state=Referral.State.ACCEPTED,
        decided_at=timezone.now(),
        decided_by=county.nurse,
        person=county.patient,
        episode=county.episode,
    )


def _url(referral) -> str:
    return reverse("intake:commission", args=[referral.pk])


def test_staff_of_the_unit_add_the_commission_and_it_shows_on_the_referral(client, county):
    referral = _referral(county)
    log_in(client, county.nurse, county.clinic)
    assert client.post(_url(referral), DATA).status_code == 302
    commission = Commission.objects.get(referral=referral)
    assert commission.recorded_by == county.nurse
    assert commission.ends_on == datetime.date(2027, 3, 1)
    page = client.get(reverse("intake:detail", args=[referral.pk])).content.decode()
    assert "Behövs en SIP?" in page and "Sara Socialsekreterare, Testby kommun" in page
    row = AccessLogEntry.objects.filter(what=f"commission: {referral.pk}").get()
    assert (row.person_id, row.basis, row.action) == (None, Basis.NONE, "write")


def test_a_referral_from_elsewhere_has_no_commission(client, county):
    referral = _referral(county, source=Referral.Source.PRIMARY_CARE)
    log_in(client, county.nurse, county.clinic)
    assert client.get(_url(referral)).status_code == 404
    assert client.post(_url(referral), DATA).status_code == 404
    assert not Commission.objects.exists()


def test_staff_of_another_unit_may_not_add_it(client, county):
    referral = _referral(county)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(_url(referral)).status_code == 404
    assert client.post(_url(referral), DATA).status_code == 404
    assert not Commission.objects.exists()


@pytest.mark.parametrize("who", ["admin", "anonymous"])
def test_no_one_without_a_unit_adds_it(client, county, who):
    referral = _referral(county)
    if who == "admin":
        client.force_login(county.admin)
    assert client.post(_url(referral), DATA).status_code in (302, 404)
    assert not Commission.objects.exists()


def test_a_referral_has_one_commission(client, county):
    referral = _referral(county)
    log_in(client, county.nurse, county.clinic)
    client.post(_url(referral), DATA)
    assert client.get(_url(referral)).status_code == 404


def test_a_period_that_ends_before_it_starts_re_renders_the_form(client, county):
    referral = _referral(county)
    log_in(client, county.nurse, county.clinic)
    page = client.post(_url(referral), DATA | {"ends_on": "2026-11-01"})
    assert page.status_code == 200
    assert not Commission.objects.exists()


# --- a referral linked to a person: its access rules -----------------------------------------


def test_the_region_staff_who_work_with_the_person_add_it_logged_on_the_person(client, county):
    referral = _linked(county)
    log_in(client, county.nurse, county.clinic)
    assert client.post(_url(referral), DATA).status_code == 302
    row = AccessLogEntry.objects.filter(what=f"commission: {referral.pk}").get()
    assert (row.person_id, row.basis) == (county.patient.pk, Basis.OWN_ORGANISATION)


def test_the_municipality_without_consent_neither_adds_nor_reads_it(client, county):
    referral = _linked(county)
    Commission.objects.create(
        referral=referral,
        task="Bedöm",
        questions="Behövs en SIP?",
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2027, 3, 1),
        contact="Sara",
        recorded_by=county.nurse,
    )
    log_in(client, county.social_worker, county.clinic)
    assert client.get(reverse("intake:detail", args=[referral.pk])).status_code == 404
    page = client.get(reverse("intake:person_referrals", args=[county.patient.pk]))
    assert "Behövs en SIP?" not in page.content.decode()


def test_under_consent_the_municipality_reads_it_on_the_persons_referrals(
    client, county, consent_for_coordination
):
    referral = _linked(county)
    log_in(client, county.nurse, county.clinic)
    client.post(_url(referral), DATA)
    log_in(client, county.social_worker, county.clinic)
    page = client.get(reverse("intake:person_referrals", args=[county.patient.pk]))
    assert page.status_code == 200
    assert "Behövs en SIP?" in page.content.decode()


def test_a_second_tabs_post_re_renders_with_the_message(client, county):
    referral = _referral(county)
    log_in(client, county.nurse, county.clinic)
    assert client.post(_url(referral), DATA).status_code == 302
    second = client.post(_url(referral), DATA | {"task": "En annan beskrivning."})
    assert second.status_code == 200
    assert "already has its commission" in second.content.decode()
    assert Commission.objects.get(referral=referral).task == DATA["task"]


def test_staff_of_another_unit_posting_after_it_is_added_get_not_found(client, county):
    referral = _referral(county)
    log_in(client, county.nurse, county.clinic)
    client.post(_url(referral), DATA)
    log_in(client, county.outsider, county.other_unit)
    assert client.post(_url(referral), DATA).status_code == 404
