"""The SIP is one joint plan: under the person's coordination consent both organisations read
and revise every version, whoever saved it, and a read of the other's is a disclosure logged
with that consent. The SIP form's relatives are read through the access, too."""

import datetime

from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import Basis
from helhet.plans import actions
from helhet.plans.models import SipVersion

from .. import factories as f
from ..people.utils import log_in, log_rows
from .conftest import access_of, disclose, save_sip
from .test_sip_pages import form_data

# --- The relatives on the SIP form --------------------------------------------------------


def municipality_relative(county):
    return f.RelativeFactory(
        person=county.patient, recorded_by=county.social_worker, name="Bo Bror"
    )


def test_a_relative_disclosed_under_consent_on_the_sip_form_is_logged_with_the_consent(
    client, county, coordination
):
    """The municipality's relative, disclosed to the region, is a disclosure on the form."""
    municipality_relative(county)
    disclose(coordination, county, "relatives")
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("plans:sip_new", args=[county.patient.pk]))
    assert "Bo Bror" in response.text
    [row] = log_rows(county.patient)
    assert (row.what, row.basis, row.consent_id) == ("sip form", Basis.CONSENT, coordination.pk)


def test_a_relative_not_disclosed_is_not_on_the_sip_form_and_the_read_is_own_organisation(
    client, county, coordination
):
    municipality_relative(county)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("plans:sip_new", args=[county.patient.pk]))
    assert "Bo Bror" not in response.text and "Anna Anhörig" in response.text
    [row] = log_rows(county.patient)
    assert (row.what, row.basis, row.consent_id) == ("sip form", Basis.OWN_ORGANISATION, None)


# --- One joint plan -----------------------------------------------------------------------


def sip_url(county, name="plans:sip", version=None):
    url = reverse(name, args=[county.patient.pk])
    return url + (f"?version={version.pk}" if version is not None else "")


def record_meeting(county, user, held_on, next_follow_up_on):
    return actions.sip_meeting_record(
        actor=Actor(user, county.clinic, "req-m"),
        access=access_of(user, county.patient, county.clinic),
        caller=user,
        invitees="Tolvan",
        held_on=held_on,
        minutes="Planen gicks igenom.",
        next_follow_up_on=next_follow_up_on,
    )


def withdraw(consent):
    consent.withdrawn_on = consent.valid_from
    consent.save()


def test_the_region_reads_the_version_the_municipality_saved_as_a_disclosure(
    client, county, coordination
):
    """Hole 8: the nurse (region) is a party at the clinic; no consent disclosing plans."""
    version = save_sip(county, user=county.social_worker, goal="Kommunens mål.")
    log_in(client, county.nurse, county.clinic)
    for name in ("plans:sip", "plans:sip_print"):
        response = client.get(sip_url(county, name, version))
        assert response.status_code == 200 and "Kommunens mål." in response.text
        assert "not disclosed" not in response.text
    rows = log_rows(county.patient, user=county.nurse)
    assert [(r.what, r.basis, r.consent_id) for r in rows] == [
        ("sip", Basis.CONSENT, coordination.pk),
        ("sip printout", Basis.CONSENT, coordination.pk),
    ]


def test_the_region_reading_its_own_version_is_own_organisation(client, county, coordination):
    """The twin: only the other organisation's version is a disclosure."""
    save_sip(county, goal="Regionens mål.")
    log_in(client, county.nurse, county.clinic)
    assert "Regionens mål." in client.get(sip_url(county)).text
    [row] = log_rows(county.patient, user=county.nurse, what="sip")
    assert (row.basis, row.consent_id) == (Basis.OWN_ORGANISATION, None)


def test_the_region_revises_the_version_the_municipality_saved(client, county, coordination):
    save_sip(county, user=county.social_worker, goal="Kommunens mål.")
    log_in(client, county.nurse, county.clinic)
    url = sip_url(county, "plans:sip_new")
    assert "Kommunens mål." in client.get(url).text  # the form starts from it
    response = client.post(url, form_data(county, goal="Regionens ändring.", version="1"))
    assert response.status_code == 302
    latest = SipVersion.objects.order_by("-number").first()
    assert (latest.number, latest.organisation, latest.goal) == (
        2,
        county.region,
        "Regionens ändring.",
    )
    saved = log_rows(county.patient, user=county.nurse, action="update")
    assert [(r.basis, r.consent_id) for r in saved] == [(Basis.CONSENT, coordination.pk)]


def test_the_municipality_revises_the_version_the_region_saved(client, county, coordination):
    """And vice versa: the social worker (a party under the consent) revises the nurse's."""
    save_sip(county, goal="Regionens mål.")
    log_in(client, county.social_worker, county.clinic)
    url = sip_url(county, "plans:sip_new")
    assert "Regionens mål." in client.get(url).text
    response = client.post(url, form_data(county, goal="Kommunens ändring.", version="1"))
    assert response.status_code == 302
    latest = SipVersion.objects.order_by("-number").first()
    assert (latest.number, latest.organisation) == (2, county.municipality)


def test_after_the_withdrawal_the_region_sees_none_of_the_sip(client, county, coordination):
    """The twin of the reads above: no consent, no joint plan, on no page or document."""
    version = save_sip(county, user=county.social_worker, goal="Kommunens mål.")
    save_sip(county, goal="Regionens mål.")
    withdraw(coordination)
    log_in(client, county.nurse, county.clinic)
    for name in ("plans:sip", "plans:sip_print", "timeline:page"):
        text = client.get(sip_url(county, name)).text
        assert "Kommunens mål." not in text and "Regionens mål." not in text
        assert "SIP, version" not in text
    assert client.get(sip_url(county, "plans:sip", version)).status_code == 404
    assert client.get(sip_url(county, "plans:sip_pdf", version)).status_code == 404
    response = client.post(sip_url(county, "plans:sip_new"), form_data(county, version="2"))
    assert response.status_code == 200 and SipVersion.objects.count() == 2


# --- The timeline and the task list agree with the SIP page -------------------------------


def test_the_timeline_shows_the_municipalitys_version_to_the_region_as_a_disclosure(
    client, county, coordination
):
    save_sip(county, user=county.social_worker)
    log_in(client, county.nurse, county.clinic)
    before = len(log_rows(county.patient))
    text = client.get(reverse("timeline:page", args=[county.patient.pk])).text
    assert "SIP, version 1" in text and "Disclosed under consent" in text
    [row] = log_rows(county.patient)[before:]
    assert (row.basis, row.consent_id) == (Basis.CONSENT, coordination.pk)


def test_the_task_list_shows_the_municipalitys_sip_follow_up_to_the_region(
    client, county, coordination
):
    f.CaseTeamMemberFactory(episode=county.episode, user=county.nurse, role="case_manager")
    save_sip(county, user=county.social_worker)
    today = timezone.localdate()
    record_meeting(county, county.social_worker, today - datetime.timedelta(days=30), today)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("reminders:mine"))
    assert "SIP follow-up due" in response.text
    [row] = log_rows(county.patient, user=county.nurse, what="tasks")
    assert (row.basis, row.consent_id) == (Basis.CONSENT, coordination.pk)
    withdraw(coordination)
    assert "SIP follow-up due" not in client.get(reverse("reminders:mine")).text
