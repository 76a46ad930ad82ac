"""The referral pages: who sees the inbox and a referral, triage, the intake, the meeting."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, Basis, Consent
from helhet.care.models import CaseTeamMember
from helhet.intake.models import Referral
from helhet.people import identity
from helhet.people.models import Person

from .. import factories as f
from ..people.utils import log_in

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """TODAY as of each test, not of the import: a run may cross midnight."""
    global TODAY
    TODAY = timezone.localdate()


NUMBER = identity.make_personnummer(datetime.date(1990, 3, 4), 123)


def last_row() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def rows_after(before: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=before))


def referral(county, **fields) -> Referral:
    return f.ReferralFactory(**({"unit": county.clinic, "registered_by": county.nurse} | fields))


# --- The inbox ------------------------------------------------------------------------------


def test_staff_of_the_unit_see_its_open_referrals_and_the_public_link(client, county):
    referral(county, name="Nils Nyman")
    log_in(client, county.social_worker, county.clinic)
    before = last_row()
    response = client.get(reverse("intake:inbox"))
    assert response.status_code == 200
    assert "Nils Nyman" in response.text
    assert reverse("intake:self_referral", args=[county.clinic.slug]) in response.text
    [row] = rows_after(before)
    assert (row.person_id, row.basis, row.what) == (None, Basis.NONE, "referral inbox")


def test_staff_of_another_unit_do_not_see_the_clinics_referrals(client, county):
    referral(county, name="Nils Nyman")
    log_in(client, county.outsider, county.other_unit)
    response = client.get(reverse("intake:inbox"))
    assert response.status_code == 200 and "Nils Nyman" not in response.text


def test_an_administrator_has_no_inbox(client, county):
    referral(county, name="Nils Nyman")
    client.force_login(county.admin)
    before = last_row()
    response = client.get(reverse("intake:inbox"))
    assert response.status_code == 403 and "Nils Nyman" not in response.text
    assert rows_after(before) == []


def test_the_inbox_asks_anonymous_users_to_log_in(client, county):
    response = client.get(reverse("intake:inbox"))
    assert response.status_code == 302 and reverse("login") in response.url


@pytest.mark.parametrize("name", ["intake:inbox", "intake:meeting"])
def test_the_referral_lists_take_the_same_queries_however_long(
    client, county, name, django_assert_max_num_queries
):
    log_in(client, county.nurse, county.clinic)
    referral(county)
    client.get(reverse(name))  # sessions and the log head settle first
    with django_assert_max_num_queries(20) as few:
        client.get(reverse(name))
    for _ in range(15):
        someone = f.UserFactory(organisation=county.region)
        referral(county, registered_by=someone)
        referral(
            county,
            state="declined",
            decided_at=timezone.now(),
            decided_by=someone,
            redirect_unit=county.other_unit,
            decline_reason="No.",
            redirect_to="Psykiatrin",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


# --- The meeting ------------------------------------------------------------------------------


def test_the_meeting_lists_open_referrals_oldest_first_with_days_waiting(client, county):
    referral(county, name="Newer Person", received_on=TODAY - datetime.timedelta(days=3))
    referral(county, name="Older Person", received_on=TODAY - datetime.timedelta(days=40))
    referral(county, name="Waiting Person", state="waiting", received_on=TODAY)
    log_in(client, county.nurse, county.clinic)
    text = client.get(reverse("intake:meeting")).text
    assert text.index("Older Person") < text.index("Newer Person") < text.index("Waiting Person")
    assert "<td>40</td>" in text and "<td>3</td>" in text


# --- Registering a referral -------------------------------------------------------------------


def test_staff_register_a_referral_from_the_form(client, county):
    log_in(client, county.social_worker, county.clinic)
    response = client.post(
        reverse("intake:register"),
        {
            "source": "psychiatry",
            "referrer": "Dr. Berg, Vuxenpsykiatrin",
            "referrer_contact": "",
            "name": "Nils Nyman",
            "identity_number": f"{NUMBER[:8]}-{NUMBER[8:]}",
            "contact": "",
            "question": "Psychosis and amphetamine use.",
            "urgency": "urgent",
            "received_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    r = Referral.objects.get()
    assert (r.source, r.urgency, r.identity_number, r.organisation) == (
        "psychiatry",
        "urgent",
        NUMBER,
        county.municipality,
    )


def test_a_referral_without_its_referrer_is_sent_back_with_a_message(client, county):
    log_in(client, county.social_worker, county.clinic)
    response = client.post(
        reverse("intake:register"),
        {
            "source": "hospital",
            "name": "Nils Nyman",
            "question": "Detox follow-up.",
            "urgency": "routine",
            "received_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200 and "Name the referrer" in response.text
    assert not Referral.objects.exists()


# --- One referral -----------------------------------------------------------------------------


def test_a_member_reads_an_unlinked_referral_logged_without_a_person(client, county):
    r = referral(county)
    log_in(client, county.social_worker, county.clinic)
    before = last_row()
    response = client.get(reverse("intake:detail", args=[r.pk]))
    assert response.status_code == 200 and r.question in response.text
    [row] = rows_after(before)
    assert (row.person_id, row.basis) == (None, Basis.NONE)


def test_staff_of_another_unit_get_not_found_for_the_clinics_referral(client, county):
    r = referral(county)
    log_in(client, county.outsider, county.other_unit)
    before = last_row()
    assert client.get(reverse("intake:detail", args=[r.pk])).status_code == 404
    assert client.get(reverse("intake:accept", args=[r.pk])).status_code == 404
    assert client.post(reverse("intake:wait", args=[r.pk])).status_code == 404
    assert rows_after(before) == []


def accepted(county) -> Referral:
    """A referral the nurse (region) accepted for the patient: a region-owned record."""
    return referral(
        county,
        state="accepted",
        person=county.patient,
        episode=county.episode,
        decided_at=timezone.now(),
        decided_by=county.nurse,
        organisation=county.region,
    )


def test_the_nurse_reads_an_accepted_referral_on_basis_own_organisation(client, county):
    r = accepted(county)
    log_in(client, county.nurse, county.clinic)
    before = last_row()
    response = client.get(reverse("intake:detail", args=[r.pk]))
    assert response.status_code == 200 and "Tolvan Tolvansson" in response.text
    [row] = rows_after(before)
    assert (row.person_id, row.basis) == (county.patient.pk, Basis.OWN_ORGANISATION)


def test_the_social_worker_without_consent_does_not_see_an_accepted_referral(client, county):
    r = accepted(county)
    log_in(client, county.social_worker, county.clinic)
    before = last_row()
    assert client.get(reverse("intake:detail", args=[r.pk])).status_code == 404
    [row] = rows_after(before)
    assert (row.action, row.person_id, row.user_id, row.basis) == (
        "refused",
        county.patient.pk,
        county.social_worker.pk,
        Basis.NONE,
    )
    assert row.what == "request refused: intake:detail"


def test_the_social_worker_reads_an_accepted_referral_under_the_consent(
    client, county, consent_for_coordination
):
    r = accepted(county)
    log_in(client, county.social_worker, county.clinic)
    before = last_row()
    assert client.get(reverse("intake:detail", args=[r.pk])).status_code == 200
    [row] = rows_after(before)
    assert (row.person_id, row.basis, row.consent_id) == (
        county.patient.pk,
        Basis.CONSENT,
        consent_for_coordination.pk,
    )


def test_the_inbox_lists_accepted_referrals_without_names(client, county):
    accepted(county)
    log_in(client, county.social_worker, county.clinic)
    response = client.get(reverse("intake:inbox"))
    assert "Accepted" in response.text and "Nils Nyman" not in response.text
    assert "Tolvansson" not in response.text


# --- Triage through the pages -----------------------------------------------------------------


def test_a_referral_is_put_on_the_waiting_list(client, county):
    r = referral(county)
    log_in(client, county.nurse, county.clinic)
    response = client.post(reverse("intake:wait", args=[r.pk]))
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.state == "waiting"


def test_declining_without_a_redirect_is_sent_back_and_saves_nothing(client, county):
    r = referral(county)
    log_in(client, county.nurse, county.clinic)
    url = reverse("intake:decline", args=[r.pk])
    response = client.post(url, {"reason": "Not our target group."})
    assert response.status_code == 200 and "Say where the person is redirected" in response.text
    r.refresh_from_db()
    assert r.state == "received"
    response = client.post(
        url, {"reason": "Not our target group.", "redirect_unit": county.other_unit.pk}
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.state, r.redirect_unit) == ("declined", county.other_unit)


def accept_data(county, **changes):
    data = {
        "identity_number": f"{NUMBER[:8]}-{NUMBER[8:]}",
        "given_name": "Nils",
        "family_name": "Nyman",
        "municipality": county.home.pk,
        "opened_on": TODAY.isoformat(),
        "case_managers": [county.social_worker.pk],
    }
    return data | changes


def test_the_message_after_accepting_is_in_the_users_language(client, county, settings):
    """The accepted messages are extracted for translation (gettext_lazy, not an alias of it
    that makemessages does not know)."""
    r = referral(county)
    log_in(client, county.nurse, county.clinic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.post(reverse("intake:accept", args=[r.pk]), accept_data(county))
    page = client.get(response.url).text
    assert "Remissen är accepterad och inskrivningen är öppnad. Nästa steg: samtycket." in page


def test_accepting_opens_the_episode_and_goes_on_to_the_consent_form(client, county):
    r = referral(county, contact="070-111 22 33")
    log_in(client, county.nurse, county.clinic)
    form = client.get(reverse("intake:accept", args=[r.pk]))
    assert 'value="070-111 22 33"' in form.text  # the referral's details as a starting point
    response = client.post(reverse("intake:accept", args=[r.pk]), accept_data(county))
    person = Person.objects.get(identity_number=NUMBER)
    assert response.url == reverse("access:consent_new", args=[person.pk])
    assert client.get(response.url).status_code == 200
    r.refresh_from_db()
    assert (r.state, r.person) == ("accepted", person)
    assert CaseTeamMember.objects.filter(
        episode=r.episode, user=county.social_worker, role="case_manager"
    ).exists()


def test_accepting_outside_the_target_group_is_sent_back_with_the_one_refusal(client, county):
    young = identity.make_personnummer(TODAY.replace(year=TODAY.year - 15), 123)
    r = referral(county)
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        reverse("intake:accept", args=[r.pk]),
        accept_data(county, identity_number=young),
    )
    assert response.status_code == 200 and "could not be registered at" in response.text
    assert not Person.objects.filter(identity_number=young).exists()
    assert Referral.objects.get(pk=r.pk).state == "received"


def test_a_decided_referral_cannot_be_triaged_again(client, county):
    r = accepted(county)
    log_in(client, county.nurse, county.clinic)
    assert client.get(reverse("intake:accept", args=[r.pk])).status_code == 404
    assert client.get(reverse("intake:decline", args=[r.pk])).status_code == 404
    assert client.post(reverse("intake:wait", args=[r.pk])).status_code == 404


def test_the_main_menu_links_to_the_referrals(client, county):
    log_in(client, county.nurse, county.clinic)
    assert reverse("intake:inbox") in client.get(reverse("care:caseload")).text


def test_the_consent_model_is_untouched_by_accepting(client, county):
    """Accepting offers the consent form; it records no consent itself."""
    r = referral(county)
    log_in(client, county.nurse, county.clinic)
    client.post(reverse("intake:accept", args=[r.pk]), accept_data(county))
    assert not Consent.objects.filter(person__identity_number=NUMBER).exists()


def test_a_returning_person_is_recognised_when_the_referral_is_accepted(client, county):
    known = f.PersonFactory(
        identity_number=NUMBER, birth_date=datetime.date(1990, 3, 4), registered_by=county.nurse
    )
    f.EpisodeFactory(
        person=known,
        unit=county.clinic,
        opened_by=county.nurse,
        opened_on=TODAY - datetime.timedelta(days=400),
        closed_on=TODAY - datetime.timedelta(days=200),
        closed_by=county.nurse,
        closure_reason=f.ClosureReasonFactory(),
    )
    r = referral(county)
    log_in(client, county.nurse, county.clinic)
    response = client.post(reverse("intake:accept", args=[r.pk]), accept_data(county), follow=True)
    assert response.redirect_chain[-1][0] == reverse("access:consent_new", args=[known.pk])
    assert "the new episode is a reactivation" in response.text


def test_a_referral_for_someone_already_enrolled_here_leads_to_the_overview(client, county):
    r = referral(county)
    log_in(client, county.nurse, county.clinic)
    number = county.patient.formatted_identity_number
    response = client.post(
        reverse("intake:accept", args=[r.pk]), accept_data(county, identity_number=number)
    )
    assert response.url == reverse("people:overview", args=[county.patient.pk])


# --- The person's referrals -------------------------------------------------------------------


def test_the_persons_referrals_are_read_under_the_consent_across_organisations(
    client, county, consent_for_coordination
):
    accepted(county)
    log_in(client, county.social_worker, county.clinic)
    before = last_row()
    response = client.get(reverse("intake:person_referrals", args=[county.patient.pk]))
    assert "Dr. Doktorsson" in response.text
    [row] = rows_after(before)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_a_referral_received_by_the_other_organisation_is_hidden_without_consent(client, county):
    """The municipality received it; the region's nurse has no consent to read its records."""
    f.ReferralFactory(
        unit=county.clinic,
        registered_by=county.social_worker,
        referrer="Handläggare Hemlig",
        state="accepted",
        person=county.patient,
        episode=county.episode,
        decided_at=timezone.now(),
        decided_by=county.social_worker,
    )
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("intake:person_referrals", args=[county.patient.pk]))
    assert response.status_code == 200 and "Hemlig" not in response.text
    referral_id = Referral.objects.get().pk
    assert client.get(reverse("intake:detail", args=[referral_id])).status_code == 404


def test_the_overview_links_to_the_persons_referrals(client, county):
    log_in(client, county.nurse, county.clinic)
    text = client.get(reverse("people:overview", args=[county.patient.pk])).text
    assert reverse("intake:person_referrals", args=[county.patient.pk]) in text
