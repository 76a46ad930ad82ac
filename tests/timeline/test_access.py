"""Who sees which items: the region's records reach the municipality only under a consent that
discloses them, with that consent as the basis; what may not be read leaves no trace."""

import datetime
import re

from django.conf import settings
from django.utils import timezone

from helhet.access.models import Basis

from .. import factories as f
from ..people.utils import log_in, log_rows, only_refused
from .conftest import (
    at,
    contact,
    disclose,
    drug_test,
    latest_url,
    page_url,
    plan_version,
    referral,
    sip,
    sip_version,
)

_TOKENS = re.compile(r"[A-Za-z0-9]{64}")


def social_worker_page(client, county, url=None) -> str:
    response = log_in(client, county.social_worker, county.clinic).get(url or page_url(county))
    assert response.status_code == 200
    return _TOKENS.sub("TOKEN", response.text)


def test_the_nurse_reads_the_regions_contact_and_its_note(client, county):
    contact(county, kind="phone", note="Regionens anteckning.")
    text = log_in(client, county.nurse, county.clinic).get(page_url(county)).text
    assert "Phone" in text and "Regionens anteckning." in text


def test_the_social_worker_without_a_contacts_disclosure_sees_nothing_of_the_regions_contacts(
    client, county, consent_for_coordination
):
    contact(county, user=county.social_worker, starts_at=at(2), note="Kommunens anteckning.")
    before = social_worker_page(client, county)
    contact(county, kind="phone", starts_at=at(3), note="Regionens anteckning.")
    after = social_worker_page(client, county)
    assert "Kommunens anteckning." in after
    assert "Phone" not in after and "Regionens anteckning." not in after
    assert after == before, "the page must not change when a hidden contact is added"


def test_the_basis_and_words_of_each_item_read_in_swedish_too(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts")
    contact(county, kind="phone", note="Regionens anteckning.")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    text = social_worker_page(client, county)
    recorded = timezone.localdate(consent_for_coordination.recorded_at).isoformat()
    assert f'Utlämnat med stöd av samtycke registrerat <time datetime="{recorded}"' in text
    assert "Disclosed under consent" not in text
    assert ">Kontakten i listan över kontakter</a>" in text
    assert "The contact in the list" not in text


def test_the_overview_block_hides_them_as_well(client, county, consent_for_coordination):
    before = social_worker_page(client, county, latest_url(county))
    contact(county, kind="phone", note="Regionens anteckning.")
    assert social_worker_page(client, county, latest_url(county)) == before


def test_the_social_worker_with_a_contacts_disclosure_sees_the_contact_on_that_basis(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts")
    contact(county, kind="phone", note="Regionens anteckning.")
    text = social_worker_page(client, county)
    recorded = timezone.localdate(consent_for_coordination.recorded_at).isoformat()
    assert "Phone" in text
    assert f'Disclosed under consent recorded <time datetime="{recorded}"' in text
    assert "Regionens anteckning." not in text, "the note needs a notes disclosure"
    [row] = log_rows(county.patient)
    assert (row.what, row.basis, row.consent_id) == (
        "timeline",
        Basis.CONSENT,
        consent_for_coordination.pk,
    )


def test_the_social_worker_with_a_notes_disclosure_reads_the_note(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts", "notes")
    contact(county, note="Regionens anteckning.")
    assert "Regionens anteckning." in social_worker_page(client, county)


def test_medication_needs_its_own_disclosure(client, county, consent_for_coordination):
    disclose(consent_for_coordination, county, "contacts")
    drug_test(county)
    assert "Drug test (urine)" not in social_worker_page(client, county)
    disclose(consent_for_coordination, county, "medication")
    assert "Drug test (urine)" in social_worker_page(client, county)


def test_a_withdrawn_consent_takes_its_disclosed_items_away(
    client, county, consent_for_coordination
):
    """A second consent discloses the region's contacts; withdrawn, they are gone."""
    sharing = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=False
    )
    disclose(sharing, county, "contacts")
    contact(county, kind="phone")
    assert "Phone" in social_worker_page(client, county)
    sharing.withdrawn_on = timezone.localdate()
    sharing.save()
    assert "Phone" not in social_worker_page(client, county)


def test_withdrawing_the_coordination_consent_closes_the_timeline(
    client, county, consent_for_coordination
):
    consent_for_coordination.withdrawn_on = timezone.localdate()
    consent_for_coordination.save()
    log_in(client, county.social_worker, county.clinic)
    assert client.get(page_url(county)).status_code == 404
    assert client.get(latest_url(county)).status_code == 404
    assert only_refused(log_rows(county.patient))


def test_the_outsider_gets_not_found_and_nothing_is_logged(client, county):
    contact(county)
    log_in(client, county.outsider)
    assert client.get(page_url(county)).status_code == 404
    assert client.get(latest_url(county)).status_code == 404
    assert only_refused(log_rows(county.patient))


def test_emergency_access_reads_every_item_marked_as_emergency(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    contact(county, kind="phone", note="Regionens anteckning.")
    text = log_in(client, county.outsider).get(page_url(county)).text
    assert "Phone" in text and "Regionens anteckning." in text
    assert "You are reading under emergency access" in text
    assert '<span class="flag warn">Emergency access</span>' in text
    [row] = log_rows(county.patient)
    assert (row.basis, row.emergency) == (Basis.EMERGENCY, True)


def test_a_referral_is_read_under_the_coordination_consent_at_its_unit(
    client, county, consent_for_coordination
):
    referral(county)
    assert "Referral received" in social_worker_page(client, county)


def test_a_referral_at_a_unit_without_a_relationship_stays_hidden(
    client, county, consent_for_coordination
):
    """The region's referral at Mini-Maria: enrolment disclosed to the municipality, so the
    social worker reads it; without that disclosure it is absent."""
    other = f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=datetime.date(2025, 1, 10),
        closed_on=datetime.date(2025, 6, 30),
        closed_by=county.outsider,
        closure_reason=f.ClosureReasonFactory(),
    )
    f.ReferralFactory(
        unit=county.other_unit,
        registered_by=county.outsider,
        state="accepted",
        person=county.patient,
        episode=other,
        decided_at=at(9, month=1),
        received_on=datetime.date(2025, 1, 5),
        referrer="Mini-Marias remittent",
    )
    assert "Mini-Marias remittent" in social_worker_page(client, county)
    consent_for_coordination.disclosures.filter(category="enrolment").delete()
    assert "Mini-Marias remittent" not in social_worker_page(client, county)


def test_the_sip_shows_only_under_the_coordination_consent(client, county):
    version = sip_version(county, sip(county))
    log_in(client, county.nurse, county.clinic)
    assert "SIP, version" not in client.get(page_url(county)).text
    f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    assert f"SIP, version {version.number}" in client.get(page_url(county)).text


def test_the_regions_treatment_plans_need_a_plans_disclosure(
    client, county, consent_for_coordination
):
    plan_version(county)
    assert "Treatment plan, version" not in social_worker_page(client, county)
    disclose(consent_for_coordination, county, "plans")
    assert "Treatment plan, version 1" in social_worker_page(client, county)


def test_the_regions_sip_is_the_joint_plan_under_the_coordination_consent_alone(
    client, county, consent_for_coordination
):
    """As on the SIP page (hole 8): a party at the unit reads every version (the basis is
    pinned in tests/plans/test_sip_joint.py)."""
    sip_version(county, sip(county))
    assert "SIP, version" in social_worker_page(client, county)
    consent_for_coordination.withdrawn_on = consent_for_coordination.valid_from
    consent_for_coordination.save()
    log_in(client, county.nurse, county.clinic)
    assert "SIP, version" not in client.get(page_url(county)).text


def test_the_social_worker_sees_the_consents_of_the_unit_where_she_works(
    client, county, consent_for_coordination
):
    text = social_worker_page(client, county)
    assert "Consent recorded" in text
    assert "Disclosed under consent recorded" in text  # the nurse's consent, via the relationship
