"""Project-wide guarantees: migrations, the admin's reach, login lockout, sessions, language,
and no third-party resources on the pages."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import helhet.settings as production_settings

from . import factories as f

PASSWORD = "test-password-123"  # tests.factories.UserFactory's password


def test_no_model_change_is_missing_a_migration(db):
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit:  # --check exits 1 when a migration would be written
        pytest.fail(f"A migration is pending (exit {exit.code}):\n{out.getvalue()}")


def test_the_django_admin_shows_no_person_data():
    # Persons, episodes, consents and the access log are reached only through the access
    # policy; the admin would bypass it (and its log). Reference data only.
    allowed_apps = {"core", "auth", "axes"}
    registered = {f"{m._meta.app_label}.{m.__name__}" for m in admin.site._registry}
    reference_models = {"contacts.Intervention", "followup.SteeringGroup"}
    # Agreements are created there (their content is versioned and approved in Helhet), and
    # the municipalities' populations for a cost key: no person in either.
    reference_models |= {"governance.Agreement", "governance.Population"}
    # Staff accounts' second-factor devices (core/mfa/admin.py: listed and removed, no key).
    reference_models |= {
        "otp_totp.TOTPDevice",
        "otp_static.StaticDevice",
        "django_otp_webauthn.WebAuthnCredential",
    }
    outside = {
        label
        for label in registered
        if label.split(".")[0] not in allowed_apps and label not in reference_models
    }
    assert outside == set(), f"Registered in the Django admin: {sorted(outside)}"


# --- Login lockout (django-axes) ----------------------------------------------------------------


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in_after_fewer_failures_than_the_limit(client, db):
    user = f.UserFactory(username="kim")
    for _ in range(settings.HELHET_LOGIN_FAILURE_LIMIT - 1):
        assert log_in(client, user.username, "wrong-password").status_code == 200
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 302 and is_logged_in(client)


def test_after_the_failure_limit_even_the_right_password_is_refused(client, db):
    user = f.UserFactory(username="kim")
    for _ in range(settings.HELHET_LOGIN_FAILURE_LIMIT):
        log_in(client, user.username, "wrong-password")
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code != 302
    assert not is_logged_in(client)


def test_a_lockout_of_one_user_name_does_not_lock_out_another(client, db):
    f.UserFactory(username="kim")
    other = f.UserFactory(username="alex")
    for _ in range(settings.HELHET_LOGIN_FAILURE_LIMIT):
        log_in(client, "kim", "wrong-password")
    assert log_in(client, other.username, PASSWORD).status_code == 302


# --- Sessions ------------------------------------------------------------------------------------


def test_a_session_lasts_at_most_an_hour_of_inactivity_and_every_request_renews_it():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


def test_each_request_pushes_the_session_expiry_forward(client, county):
    client.force_login(county.nurse)
    session = Session.objects.get(pk=client.session.session_key)
    session.expire_date = timezone.now() + datetime.timedelta(seconds=30)
    session.save()

    client.get(reverse("people:search"))

    renewed = Session.objects.get(pk=session.pk).expire_date
    expected = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(renewed - expected) < datetime.timedelta(seconds=60)


def test_an_expired_session_is_sent_back_to_the_login_page(client, county):
    client.force_login(county.nurse)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("people:search"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# --- Language and static files ------------------------------------------------------------------


def test_the_login_page_is_swedish_when_swedish_is_chosen(client, db):
    client.cookies["django_language"] = "sv"
    response = client.get(reverse("login"))
    assert '<html lang="sv">' in response.text


@override_settings(LANGUAGE_CODE=production_settings.LANGUAGE_CODE)
def test_the_login_page_is_swedish_by_default_in_production(client, db):
    response = client.get(reverse("login"))
    assert '<html lang="sv">' in response.text


_LINKS = re.compile(r"""(?:src|href|action)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def test_the_login_page_loads_nothing_from_another_site(client, db):
    # Person data must not leak to CDNs through Referer headers or scripts: everything is
    # served by Helhet itself.
    text = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="sv").text
    links = _LINKS.findall(text)
    assert links, "found no src/href at all: the check itself is broken"
    external = [u for u in links if re.match(r"^(?:https?:)?//", u.strip(), re.IGNORECASE)]
    assert external == []


def test_a_logged_in_page_loads_nothing_from_another_site(client, county):
    client.force_login(county.nurse)
    text = client.get(reverse("care:caseload")).text
    external = [
        u for u in _LINKS.findall(text) if re.match(r"^(?:https?:)?//", u.strip(), re.IGNORECASE)
    ]
    assert external == []
