"""Sessions people can trust (core/idle.py): a warning before the idle logout with a way to stay,
and a form sent after the session ended filled in again after signing in, for its owner only."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from helhet.contacts.models import Contact
from helhet.core import idle

from ..people.utils import log_in

NOTE = "Samtal om sömnen och veckans planering; vill träffa kuratorn igen."


def form_url(county):
    return reverse("contacts:new", args=[county.patient.pk])


def sign_in(client, user, then="/"):
    """Sign in through the login page, as a person does (it keeps the session's data)."""
    response = client.post(
        f"{reverse('login')}?next={then}",
        {"username": user.username, "password": "test-password-123"},
    )
    assert response.status_code == 302, response
    return response


def end_session(client):
    """The idle logout: the server forgets the session; the browser keeps its cookies."""
    client.session.flush()
    client.cookies.pop("sessionid", None)


def send_the_form(client, county, **headers):
    page = "http://testserver" + form_url(county)
    return client.post(
        form_url(county),
        {"kind": "visit", "note": NOTE, "duration_minutes": "45", "csrfmiddlewaretoken": "x"},
        headers={"referer": page, **headers},
    )


@pytest.fixture
def expired(client, county):
    """The nurse worked in the contact form, then her session ended."""
    log_in(client, county.nurse, county.clinic)
    assert client.get(form_url(county)).status_code == 200
    assert idle.OWNER_COOKIE in client.cookies
    end_session(client)
    return client


def test_every_page_of_a_signed_in_user_carries_the_warning_with_the_idle_limit(
    client, county, settings
):
    settings.SESSION_COOKIE_AGE = 20 * 60
    settings.HELHET_SESSION_WARNING_SECONDS = 90
    log_in(client, county.nurse, county.clinic)
    text = client.get(reverse("care:caseload")).text
    assert 'id="session-warning"' in text
    assert 'data-idle-seconds="1200"' in text and 'data-warning-seconds="90"' in text
    assert reverse("core:stay_signed_in") in text


def test_the_login_page_has_no_warning(client, db):
    assert 'id="session-warning"' not in client.get(reverse("login")).text


def test_staying_signed_in_renews_the_session(client, county, settings):
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("core:stay_signed_in"))
    assert response.status_code == 200
    assert response.json() == {"idle_seconds": settings.SESSION_COOKIE_AGE}
    assert "no-cache" in response["Cache-Control"]


def test_staying_signed_in_after_the_session_ended_sends_to_the_login_page(client, county):
    response = client.get(reverse("core:stay_signed_in"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_form_sent_after_the_idle_logout_saves_nothing_and_leads_to_the_login_page(
    expired, county
):
    response = send_the_form(expired, county)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={form_url(county)}"
    assert not Contact.objects.exists()
    kept = expired.session[idle.SESSION_KEY]
    assert kept["fields"]["note"] == [NOTE] and kept["owner"] == county.nurse.pk
    assert "csrfmiddlewaretoken" not in kept["fields"]


def test_after_signing_in_again_the_form_shows_what_was_typed_once(expired, county):
    send_the_form(expired, county)
    response = sign_in(expired, county.nurse, form_url(county))
    assert response["Location"] == form_url(county)
    page = expired.get(form_url(county))
    assert page.context["kept_form"]["fields"]["note"] == [NOTE]
    assert page.context["kept_form"]["action"] == form_url(county)
    assert 'id="helhet-kept-form"' in page.text
    assert "What you typed is filled in again" in page.text
    assert not Contact.objects.exists()  # filled in, never sent
    again = expired.get(form_url(county))
    assert "kept_form" not in again.context and NOTE not in again.text


def test_another_user_signing_in_in_the_same_browser_does_not_get_the_text(expired, county):
    send_the_form(expired, county)
    sign_in(expired, county.coordinator, form_url(county))
    page = expired.get(form_url(county))
    assert "kept_form" not in page.context and NOTE not in page.text
    assert idle.SESSION_KEY not in expired.session


def test_a_form_from_a_browser_that_named_no_user_is_not_kept(client, county):
    response = send_the_form(client, county)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={form_url(county)}"
    assert idle.SESSION_KEY not in client.session


def test_a_forged_owner_cookie_keeps_nothing(client, county):
    client.cookies[idle.OWNER_COOKIE] = f"{county.nurse.pk}:forged"
    send_the_form(client, county)
    assert idle.SESSION_KEY not in client.session


def test_a_cross_site_form_is_refused_by_the_csrf_check_before_anything_is_kept(county):
    browser = Client(enforce_csrf_checks=True)
    log_in(browser, county.nurse, county.clinic)
    browser.get(form_url(county))
    end_session(browser)
    response = send_the_form(browser, county)
    assert response.status_code == 403
    assert idle.SESSION_KEY not in browser.session


def test_a_form_sent_by_htmx_after_the_idle_logout_sends_the_whole_page_to_sign_in(expired, county):
    response = send_the_form(expired, county, **{"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('login')}?next={form_url(county)}"
    assert expired.session[idle.SESSION_KEY]["fields"]["note"] == [NOTE]


def test_a_kept_form_is_given_back_only_on_its_own_page(expired, county):
    send_the_form(expired, county)
    sign_in(expired, county.nurse, form_url(county))
    other = expired.get(reverse("care:caseload"))
    assert "kept_form" not in other.context
    assert (
        json.loads(
            expired.get(form_url(county)).context["kept_form"]["fields"]["duration_minutes"][0]
        )
        == 45
    )
