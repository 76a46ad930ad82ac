"""The SIP pages: the consent rule, versions, the form with its formsets, the printout."""

from pathlib import Path

from django.urls import reverse

from helhet.access.models import Basis
from helhet.contacts.models import Intervention
from helhet.plans.models import SipMeeting, SipVersion

from .. import factories as f
from ..people.utils import log_in, log_rows, only_refused
from .conftest import disclose, save_sip

CONSENT_NEEDED = "A SIP needs the person's consent"


def sip_url(county, **query):
    url = reverse("plans:sip", args=[county.patient.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- The consent rule ---------------------------------------------------------------------


def test_without_consent_the_sip_page_says_so_and_offers_the_consent_form(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.get(sip_url(county))
    assert response.status_code == 200
    assert CONSENT_NEEDED in response.text
    assert reverse("access:consent_new", args=[county.patient.pk]) in response.text
    assert reverse("plans:sip_new", args=[county.patient.pk]) not in response.text


def test_the_consent_form_is_not_offered_to_one_who_may_not_act_at_the_unit(
    client, county, coordination
):
    """The SIP stays at the clinic; the nurse working from Mini-Maria (no relationship there)
    is told a consent is needed, without a consent link she could not use."""
    save_sip(county)
    coordination.withdrawn_on = coordination.valid_from
    coordination.save()
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    log_in(client, county.nurse, county.other_unit)
    response = client.get(sip_url(county))
    assert CONSENT_NEEDED in response.text
    assert reverse("access:consent_new", args=[county.patient.pk]) not in response.text
    assert "Abstinensbehandling" not in response.text


def test_without_consent_the_form_page_offers_the_consent_form_and_no_sip_form(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("plans:sip_new", args=[county.patient.pk]))
    assert response.status_code == 200 and CONSENT_NEEDED in response.text
    assert 'name="overall_responsible"' not in response.text


def test_after_a_withdrawal_the_sip_is_no_longer_shown(client, county, coordination):
    save_sip(county)
    log_in(client, county.nurse, county.clinic)
    assert "Abstinensbehandling" in client.get(sip_url(county)).text
    coordination.withdrawn_on = coordination.valid_from
    coordination.save()
    response = client.get(sip_url(county))
    assert CONSENT_NEEDED in response.text and "Abstinensbehandling" not in response.text


# --- Reading versions ---------------------------------------------------------------------


def test_the_latest_version_is_shown_and_each_earlier_one_stays_readable(
    client, county, coordination
):
    first = save_sip(county, goal="Första målet.")
    save_sip(county, goal="Andra målet.")
    log_in(client, county.nurse, county.clinic)
    latest = client.get(sip_url(county)).text
    assert "Andra målet." in latest and "Första målet." not in latest
    assert f"?version={first.pk}" in latest
    earlier = client.get(sip_url(county, version=first.pk)).text
    assert "Första målet." in earlier and "Andra målet." not in earlier


def test_a_version_of_another_persons_sip_is_not_found_and_nothing_is_logged(
    client, county, coordination
):
    other = f.PersonFactory(registered_by=county.nurse)
    theirs = f.SipVersionFactory(
        sip=f.SipFactory(person=other, unit=county.clinic), created_by=county.nurse
    )
    log_in(client, county.nurse, county.clinic)
    assert client.get(sip_url(county, version=theirs.pk)).status_code == 404
    assert only_refused(log_rows(county.patient))


def elsewhere(county):
    """The outsider (region, Mini-Maria) with a relationship there but none at the clinic."""
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.outsider)


def test_without_a_relationship_at_its_unit_the_other_organisations_version_is_withheld(
    client, county, coordination
):
    """Not a party at the clinic: the municipality's version is any plan record to her."""
    elsewhere(county)
    save_sip(county, user=county.social_worker)
    log_in(client, county.outsider, county.other_unit)
    response = client.get(sip_url(county))
    assert "Abstinensbehandling" not in response.text
    assert "1 version written by another organisation is not disclosed" in response.text


def test_without_a_relationship_at_its_unit_a_plans_disclosure_lets_the_version_be_read(
    client, county, coordination
):
    elsewhere(county)
    disclose(coordination, county, "plans")
    save_sip(county, user=county.social_worker)
    log_in(client, county.outsider, county.other_unit)
    before = len(log_rows(county.patient))
    assert "Abstinensbehandling" in client.get(sip_url(county)).text
    [row] = log_rows(county.patient)[before:]
    assert (row.basis, row.consent_id, row.what) == (Basis.CONSENT, coordination.pk, "sip")


def test_under_the_coordination_consent_the_social_worker_reads_the_regions_version_logged(
    client, county, coordination
):
    """One joint plan (hole 8): no plans disclosure needed at the unit; still a disclosure."""
    save_sip(county)
    log_in(client, county.social_worker, county.clinic)
    before = len(log_rows(county.patient))
    response = client.get(sip_url(county))
    assert "Abstinensbehandling" in response.text and "not disclosed" not in response.text
    [row] = log_rows(county.patient)[before:]
    assert (row.basis, row.consent_id, row.what) == (Basis.CONSENT, coordination.pk, "sip")


def test_the_sip_page_reads_a_fixed_number_of_queries_however_many_versions(
    client, county, coordination, django_assert_max_num_queries
):
    log_in(client, county.nurse, county.clinic)
    save_sip(county)
    client.get(sip_url(county))
    for _ in range(5):
        save_sip(county)
    with django_assert_max_num_queries(30) as few:
        client.get(sip_url(county))
    for _ in range(5):
        save_sip(county)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(sip_url(county)).status_code == 200


# --- The form -----------------------------------------------------------------------------


def form_data(county, **overrides):
    data = {
        "version": "0",
        "goal": "Eget boende.",
        "overall_responsible": county.municipality.pk,
        "person_took_part": "on",
        "agreed_on": "2026-02-01",
        "agreed_how": "oral",
        "interventions-TOTAL_FORMS": "2",
        "interventions-INITIAL_FORMS": "0",
        "interventions-0-intervention": Intervention.objects.get(code="health_talk").pk,
        "interventions-0-responsible_organisation": county.region.pk,
        "interventions-0-responsible_staff": county.nurse.pk,
        "interventions-1-description": "",
        "measures-TOTAL_FORMS": "1",
        "measures-INITIAL_FORMS": "0",
        "measures-0-agency": "arbetsformedlingen",
        "measures-0-measure": "Arbetsträning.",
    }
    return data | overrides


def test_the_form_saves_a_version_with_its_rows(client, county, coordination):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:sip_new", args=[county.patient.pk])
    assert 'name="overall_responsible"' in client.get(url).text
    response = client.post(url, form_data(county))
    assert response.status_code == 302
    version = SipVersion.objects.get()
    assert version.interventions.get().intervention.code == "health_talk"
    assert version.measures.get().measure == "Arbetsträning."
    assert version.agreed_how == "oral"


def test_the_form_starts_from_the_latest_version(client, county, coordination):
    save_sip(county, goal="Målet från förra gången.")
    log_in(client, county.nurse, county.clinic)
    text = client.get(reverse("plans:sip_new", args=[county.patient.pk])).text
    assert "Målet från förra gången." in text and "Abstinensbehandling" in text


def test_the_form_without_overall_responsibility_says_so_and_saves_nothing(
    client, county, coordination
):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:sip_new", args=[county.patient.pk])
    response = client.post(url, form_data(county, overall_responsible=""))
    assert response.status_code == 200
    assert "the law requires one" in response.text
    assert not SipVersion.objects.exists()
    assert [r.what for r in log_rows(county.patient)] == ["sip form"]


def test_a_bad_row_in_the_form_saves_nothing(client, county, coordination):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:sip_new", args=[county.patient.pk])
    data = form_data(county, **{"interventions-0-responsible_staff": county.social_worker.pk})
    response = client.post(url, data)
    assert response.status_code == 200 and "Intervention 1" in response.text
    assert not SipVersion.objects.exists()


def test_a_tampered_formset_is_an_error_not_a_crash(client, county, coordination):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:sip_new", args=[county.patient.pk])
    data = form_data(county)
    del data["interventions-TOTAL_FORMS"]
    assert client.post(url, data).status_code == 200
    assert not SipVersion.objects.exists()


# --- Meetings and the printout ------------------------------------------------------------


def test_a_meeting_is_recorded_from_its_page_and_listed_on_the_sip(client, county, coordination):
    save_sip(county)
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:sip_meeting_new", args=[county.patient.pk])
    response = client.post(
        url,
        {
            "caller": county.social_worker.pk,
            "held_on": "2026-02-01",
            "invitees": "Tolvan\nFörsäkringskassan",
            "minutes": "Vi gick igenom planen.",
            "next_follow_up_on": "2026-04-01",
        },
    )
    assert response.status_code == 302
    assert SipMeeting.objects.count() == 1
    assert "Vi gick igenom planen." in client.get(sip_url(county)).text


def test_the_meeting_page_before_any_sip_offers_to_make_it(client, county, coordination):
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("plans:sip_meeting_new", args=[county.patient.pk]))
    assert "make it first" in response.text and 'name="minutes"' not in response.text


def test_the_printable_sip_has_the_four_elements_and_print_styles(client, county, coordination):
    version = save_sip(county)
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:sip_print", args=[county.patient.pk]) + f"?version={version.pk}"
    response = client.get(url)
    assert response.status_code == 200
    for text in ("Abstinensbehandling", "Försäkringskassan", "Testby kommun", "Tolvan"):
        assert text in response.text
    assert "plans/plans.css" in response.text and "data-print" in response.text
    css = Path(__file__).resolve().parents[2] / "src/helhet/plans/static/plans/plans.css"
    assert "@media print" in css.read_text()
    assert log_rows(county.patient)[-1].what == "sip printout"


def test_the_printouts_log_row_names_no_header_read_the_overviews_does(
    client, county, coordination
):
    """The printout is for the person and shows no header: the municipality's warning the
    header would show the nurse (a disclosure under the coordination consent) is not in the
    printout's row, only in the row of a page that shows it."""
    version = save_sip(county)  # the nurse's own: read on her organisation's basis
    f.AlertFactory(person=county.patient, unit=county.clinic, added_by=county.social_worker)
    log_in(client, county.nurse, county.clinic)
    query = f"?version={version.pk}"
    response = client.get(reverse("plans:sip_print", args=[county.patient.pk]) + query)
    assert response.status_code == 200 and "Hund i lägenheten" not in response.text
    client.get(reverse("plans:sip_pdf", args=[county.patient.pk]) + query)
    printed = [r for r in log_rows(county.patient) if r.what in ("sip printout", "sip pdf")]
    assert printed and all((r.basis, r.consent) == (Basis.OWN_ORGANISATION, None) for r in printed)

    response = client.get(reverse("people:overview", args=[county.patient.pk]))

    assert "Hund i lägenheten" in response.text
    [row] = log_rows(county.patient, what="overview")
    assert (row.basis, row.consent) == (Basis.CONSENT, coordination)


def test_the_printout_without_consent_shows_no_sip(client, county, coordination):
    save_sip(county)
    coordination.withdrawn_on = coordination.valid_from
    coordination.save()
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("plans:sip_print", args=[county.patient.pk]))
    assert CONSENT_NEEDED in response.text and "Abstinensbehandling" not in response.text


def test_the_overview_links_to_the_plans(client, county):
    log_in(client, county.nurse, county.clinic)
    text = client.get(reverse("people:overview", args=[county.patient.pk])).text
    assert reverse("plans:sip", args=[county.patient.pk]) in text
    assert reverse("plans:plans", args=[county.patient.pk]) in text


def test_the_social_worker_without_consent_cannot_post_a_sip(client, county):
    log_in(client, county.social_worker, county.clinic)
    url = reverse("plans:sip_new", args=[county.patient.pk])
    assert client.post(url, form_data(county)).status_code == 404
    assert not SipVersion.objects.exists() and only_refused(log_rows(county.patient))


def test_the_social_worker_under_consent_posts_the_same_sip(client, county, coordination):
    """The control for the refusal above: with the consent the same post is saved."""
    disclose(coordination, county, "enrolment")
    log_in(client, county.social_worker, county.clinic)
    url = reverse("plans:sip_new", args=[county.patient.pk])
    assert client.post(url, form_data(county)).status_code == 302
    assert SipVersion.objects.get().organisation == county.municipality


def test_a_version_that_is_not_a_plain_number_shows_the_latest(client, county, coordination):
    """ "²" passes str.isdigit() but not int(): the page must not fail."""
    save_sip(county)
    log_in(client, county.nurse, county.clinic)
    for name in ("plans:sip", "plans:sip_print"):
        url = reverse(name, args=[county.patient.pk])
        assert client.get(url, {"version": "²"}).status_code == 200
