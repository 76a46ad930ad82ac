"""Warnings in the person header: added and ended by staff who may act at the unit, read as
enrolment records (the owner organisation; the other organisation at the unit under the
coordination consent), each write logged in its transaction."""

import pytest
from django.urls import reverse

from helhet.access.models import AccessLogEntry, Basis
from helhet.alerts.models import Alert

from .. import factories as f
from ..people.test_header import header
from ..people.utils import log_in, log_rows

pytestmark = pytest.mark.django_db

DATA = {"kind": Alert.Kind.LARO, "text": "Hämtar metadon dagligen på mottagningen."}


def new_url(county):
    return reverse("alerts:new", args=[county.patient.pk])


def end_url(county, alert):
    return reverse("alerts:end", args=[county.patient.pk, alert.pk])


def overview(client, county):
    return client.get(reverse("people:overview", args=[county.patient.pk]))


def test_the_nurse_adds_a_warning_shown_in_the_header_and_logged(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(new_url(county), DATA)
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert (alert.organisation, alert.unit, alert.added_by) == (
        county.region,
        county.clinic,
        county.nurse,
    )
    assert log_rows(county.patient, action=AccessLogEntry.Action.CREATE)[0].what == (
        "warning added: laro"
    )
    shown = header(client.get(reverse("contacts:list", args=[county.patient.pk])))
    assert "LARO" in shown and "Hämtar metadon" in shown


def test_a_warning_without_text_is_refused_in_swedish_and_nothing_saved(client, county):
    log_in(client, county.nurse, county.clinic)
    client.cookies["django_language"] = "sv"
    response = client.post(new_url(county), {"kind": "laro", "text": "   "})
    assert response.status_code == 200 and "Detta fält måste fyllas i" in response.text
    assert not Alert.objects.exists()
    assert not log_rows(county.patient, action=AccessLogEntry.Action.CREATE)


def test_a_warning_of_unknown_kind_is_refused(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(new_url(county), {"kind": "gossip", "text": "x"})
    assert response.status_code == 200 and not Alert.objects.exists()


def test_the_social_worker_under_the_coordination_consent_reads_the_nurses_warning(
    client, county, consent_for_coordination
):
    f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    log_in(client, county.social_worker, county.clinic)
    assert "Risk to staff on home visits" in header(overview(client, county))


def test_the_social_worker_without_consent_gets_not_found_and_no_warning(client, county):
    f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    log_in(client, county.social_worker, county.clinic)
    assert overview(client, county).status_code == 404
    assert client.post(new_url(county), DATA).status_code == 404
    assert not Alert.objects.filter(organisation=county.municipality).exists()


def test_another_organisations_warning_kept_at_another_unit_is_not_shown(client, county):
    """A municipal warning at Mini-Maria: the region's nurse at the clinic has no consent
    disclosing the municipality's enrolment records, so it is not hers to read."""
    elsewhere = f.UserFactory(organisation=county.municipality)
    f.AlertFactory(
        person=county.patient, unit=county.other_unit, added_by=elsewhere, text="Hemlig varning"
    )
    log_in(client, county.nurse, county.clinic)
    assert "Hemlig varning" not in overview(client, county).text


def test_emergency_access_reads_the_warning_but_cannot_add_or_end_one(client, county):
    alert = f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    log_in(client, county.outsider, county.other_unit)
    assert "Risk to staff on home visits" in header(overview(client, county))
    assert client.post(new_url(county), DATA).status_code == 404
    assert client.post(end_url(county, alert), {}).status_code == 404
    assert Alert.objects.get().ended_on is None


def test_an_outsider_and_a_steering_group_member_get_not_found(client, county):
    alert = f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    for user in (county.outsider, county.admin):
        client.force_login(user)
        assert client.get(new_url(county)).status_code == 404
        assert client.get(end_url(county, alert)).status_code == 404


def test_the_nurse_ends_her_organisations_warning_and_it_leaves_the_header(client, county):
    alert = f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    log_in(client, county.coordinator, county.clinic)  # the same organisation
    assert client.post(end_url(county, alert), {}).status_code == 302
    alert.refresh_from_db()
    assert alert.ended_on is not None and alert.ended_by == county.coordinator
    assert "Risk to staff on home visits" not in header(overview(client, county))
    [row] = log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)
    assert row.what == "warning ended: home_visit_risk"


def test_the_other_organisation_cannot_end_the_nurses_warning(
    client, county, consent_for_coordination
):
    alert = f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    log_in(client, county.social_worker, county.clinic)
    assert client.post(end_url(county, alert), {}).status_code == 404
    assert Alert.objects.get().ended_on is None


def test_a_warning_is_ended_once(client, county):
    alert = f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    log_in(client, county.nurse, county.clinic)
    client.post(end_url(county, alert), {})
    assert client.post(end_url(county, alert), {}).status_code == 404  # no longer in force
    assert len(log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)) == 1


def test_reading_the_other_organisations_warning_is_logged_as_a_disclosure(
    client, county, consent_for_coordination
):
    """The header is read before the page's log row (`policy.PAGE_READS`): the nurse reading
    the municipality's warning under the coordination consent is logged with that consent."""
    f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.social_worker)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("contacts:list", args=[county.patient.pk]))
    assert "Risk to staff on home visits" in header(response)
    [row] = log_rows(county.patient, what="contacts")
    assert (row.basis, row.consent) == (Basis.CONSENT, consent_for_coordination)


def test_a_page_asked_for_as_htmx_shows_no_warning_it_did_not_log(
    client, county, consent_for_coordination
):
    """Whether the header is read before the log row follows the request (htmx or not), which
    the client says: a whole page asked for as htmx shows no header, so no warning is shown
    without the disclosure in the page's row."""
    f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.social_worker)
    log_in(client, county.nurse, county.clinic)
    url = reverse("people:changes", args=[county.patient.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert "Risk to staff on home visits" not in response.text
    [row] = log_rows(county.patient, what="change history")
    assert (row.basis, row.consent) == (Basis.OWN_ORGANISATION, None)


def test_without_the_other_organisations_warning_the_row_is_own_organisation(
    client, county, consent_for_coordination
):
    f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.nurse)
    log_in(client, county.nurse, county.clinic)
    client.get(reverse("contacts:list", args=[county.patient.pk]))
    [row] = log_rows(county.patient, what="contacts")
    assert (row.basis, row.consent) == (Basis.OWN_ORGANISATION, None)


LARO_TEXT = "Metadon 90 mg dagligen, hämtas på mottagningen"
SUICIDE_TEXT = "Suicidförsök i mars, bedömd av psykiatrin"


def the_regions_warnings(county):
    for kind, text in (
        (Alert.Kind.HOME_VISIT_RISK, "Hund i bostaden, gå två"),
        (Alert.Kind.LARO, LARO_TEXT),
        (Alert.Kind.SUICIDE_RISK, SUICIDE_TEXT),
    ):
        f.AlertFactory(
            person=county.patient, unit=county.clinic, added_by=county.nurse, kind=kind, text=text
        )


def coordination_only(county):
    return f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )


def test_under_coordination_only_the_municipality_sees_the_safety_warning_not_laro_or_suicide(
    client, county
):
    """A warning crosses as the category it reveals (`CATEGORY_OF_KIND`): the home-visit risk
    is the shared layer, LARO is medication, suicide risk a note, neither disclosed here."""
    coordination_only(county)
    the_regions_warnings(county)
    log_in(client, county.social_worker, county.clinic)
    shown = header(overview(client, county))
    assert "Hund i bostaden" in shown
    assert LARO_TEXT not in shown and SUICIDE_TEXT not in shown


def test_with_medication_disclosed_the_laro_warning_is_shown_and_logged_under_that_consent(
    client, county
):
    consent = coordination_only(county)
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.region,
        to_organisation=county.municipality,
        category="medication",
    )
    the_regions_warnings(county)
    log_in(client, county.social_worker, county.clinic)
    response = client.get(reverse("contacts:list", args=[county.patient.pk]))
    shown = header(response)
    assert LARO_TEXT in shown and SUICIDE_TEXT not in shown
    [row] = log_rows(county.patient, what="contacts")
    assert (row.basis, row.consent) == (Basis.CONSENT, consent)


def test_the_region_reads_its_own_laro_and_suicide_warnings(client, county):
    the_regions_warnings(county)
    log_in(client, county.nurse, county.clinic)
    shown = header(overview(client, county))
    assert LARO_TEXT in shown and SUICIDE_TEXT in shown
