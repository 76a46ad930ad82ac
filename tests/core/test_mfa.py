"""The second factor of password logins (core/mfa/): who is asked, what stays open until then,
TOTP, recovery codes, throttling, the devices' security rows and the deploy check.

Signed in through the login page (axes in front), as a browser would; HELHET_MFA_REQUIRED is on
here (tests/settings.py turns it off for the rest of the suite)."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhet.access.models import AccessLogEntry
from helhet.core.mfa import IDENTITY_PROVIDER_SESSION_KEY, checks
from helhet.core.mfa.views import new_recovery_codes
from helhet.followup.models import SteeringGroup
from tests import factories as f
from tests.core.test_oidc import configure, idp, linked  # noqa: F401  (the test provider)
from tests.core.test_oidc import log_in as oidc_log_in

pytestmark = pytest.mark.django_db
PASSWORD = "test-password-123"
MFA = "/accounts/mfa/"


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.HELHET_MFA_REQUIRED = True


def log_in(client, user, password=PASSWORD):
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302, "the password login itself failed"
    return response


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def caseload_and_person(county):
    return [reverse("care:caseload"), reverse("people:overview", args=[county.patient.pk])]


# --- who is asked, and what is refused until then ---------------------------------------------


def test_a_clinician_with_a_password_only_reaches_no_person_data(client, county):
    app_for(county.nurse)
    log_in(client, county.nurse)
    for url in caseload_and_person(county):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(MFA)
        assert "next=" in response["Location"]
    assert client.get(MFA).status_code == 200  # asked for the code


def test_after_a_correct_code_the_clinician_reaches_them(client, county):
    device = app_for(county.nurse)
    log_in(client, county.nurse)
    response = client.post(MFA, {"code": code(device), "next": reverse("care:caseload")})
    assert response.status_code == 302
    assert response["Location"] == reverse("care:caseload")
    for url in caseload_and_person(county):
        assert client.get(url).status_code == 200


def test_verifying_gives_the_session_a_new_key(client, county):
    device = app_for(county.nurse)
    log_in(client, county.nurse)
    before = client.session.session_key
    client.post(MFA, {"code": code(device)})
    assert client.session.session_key != before
    assert client.get(reverse("care:caseload")).status_code == 200


def test_a_wrong_code_is_refused(client, county):
    device = app_for(county.nurse)
    log_in(client, county.nurse)
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(MFA, {"code": wrong})
    assert response.status_code == 200
    assert "The code is wrong or has expired." in response.content.decode()
    assert client.get(reverse("care:caseload")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp's throttling is on


def test_a_throttled_device_refuses_even_the_right_code(client, county):
    device = app_for(county.nurse)
    device.throttling_failure_count = 10  # the next try is allowed in 512 s
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    log_in(client, county.nurse)
    response = client.post(MFA, {"code": code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("care:caseload")).status_code == 302


def test_a_recovery_code_works_once_only(client, county):
    app_for(county.nurse)
    first, second = new_recovery_codes(county.nurse)[:2]
    log_in(client, county.nurse)
    assert client.post(MFA, {"code": first}).status_code == 302
    assert client.get(reverse("care:caseload")).status_code == 200
    client.post(reverse("logout"))

    log_in(client, county.nurse)
    assert client.post(MFA, {"code": second.upper()}).status_code == 302  # as typed from paper
    client.post(reverse("logout"))

    log_in(client, county.nurse)
    response = client.post(MFA, {"code": first})
    assert "The code is wrong or has expired." in response.content.decode()
    assert client.get(reverse("care:caseload")).status_code == 302
    assert StaticToken.objects.filter(device__user=county.nurse).count() == 8


def test_another_users_code_does_not_verify(client, county):
    app_for(county.nurse)
    theirs = app_for(county.social_worker)
    log_in(client, county.nurse)
    client.post(MFA, {"code": code(theirs)})
    assert client.get(reverse("care:caseload")).status_code == 302


def test_an_admin_without_a_device_is_sent_to_enrolment(client, county):
    log_in(client, county.admin, "admin-password-123")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(MFA)
    response = client.get(MFA)
    assert response.status_code == 302 and response["Location"] == reverse("mfa:totp")


def test_a_clinician_without_a_device_enrols_and_gets_recovery_codes_once(client, county):
    log_in(client, county.nurse)
    response = client.get(reverse("mfa:totp"))
    page = response.content.decode()
    assert "<svg width=" in page and 'class="segno"' in page  # the QR code, drawn by the app
    device = TOTPDevice.objects.get(user=county.nurse, confirmed=False)
    assert client.get(reverse("care:caseload")).status_code == 302  # not yet

    response = client.post(reverse("mfa:totp"), {"code": code(device)})
    assert response.status_code == 200
    codes = list(StaticToken.objects.filter(device__user=county.nurse))
    assert len(codes) == 10
    page = response.content.decode()
    assert all(c.token in page for c in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("care:caseload")).status_code == 200
    # Shown once: the manage page counts them, it does not show them.
    page = client.get(MFA).content.decode()
    assert "10 unused recovery codes" in page and codes[0].token not in page


def test_enrolment_refuses_a_wrong_first_code(client, county):
    log_in(client, county.nurse)
    client.get(reverse("mfa:totp"))
    device = TOTPDevice.objects.get(user=county.nurse, confirmed=False)
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa:totp"), {"code": wrong})
    assert "The code is wrong or has expired." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=county.nurse).exists()


def test_an_unverified_user_with_a_device_cannot_add_another(client, county):
    app_for(county.nurse)
    log_in(client, county.nurse)
    response = client.get(reverse("mfa:totp"))
    assert response.status_code == 302 and response["Location"] == MFA
    response = client.post(reverse("mfa:recovery"))
    assert response.status_code == 302
    assert not StaticDevice.objects.filter(user=county.nurse).exists()


def test_a_session_from_an_identity_provider_may_add_an_app_beside_its_devices(client, county):
    """Its strong login is the verified session (the twin above: a password session with a
    device, not yet verified, may not)."""
    app_for(county.nurse)
    client.force_login(county.nurse)
    session = client.session
    session[IDENTITY_PROVIDER_SESSION_KEY] = "region-testland"
    session.save()
    response = client.get(reverse("mfa:totp"))
    assert response.status_code == 200 and "Set up an authenticator app" in response.text


def test_a_steering_group_member_is_not_asked(client, county):
    """Aggregated, suppressed figures only (no membership, no admin rights): no second factor."""
    member = f.UserFactory(username="styrgrupp", organisation=county.region)
    group = SteeringGroup.objects.create(name="Styrgrupp Testby")
    group.units.add(county.clinic)
    group.members.add(member)
    log_in(client, member)
    assert client.get(reverse("followup:index")).status_code == 200


def test_a_steering_group_member_with_a_device_is_asked(client, county):
    member = f.UserFactory(username="styrgrupp", organisation=county.region)
    SteeringGroup.objects.create(name="Styrgrupp Testby").members.add(member)
    app_for(member)
    log_in(client, member)
    assert client.get(reverse("followup:index")).status_code == 302


def test_a_session_from_an_identity_provider_is_not_asked(client, county):
    client.force_login(county.nurse)
    session = client.session
    session[IDENTITY_PROVIDER_SESSION_KEY] = "region-testland"
    session.save()
    assert client.get(reverse("care:caseload")).status_code == 200


def test_a_login_through_the_identity_provider_is_not_asked(client, configure, idp, county):  # noqa: F811
    """The real OIDC login (tests/core/test_oidc.py's provider), for a user with a device too."""
    provider = configure()
    linked(idp, county.nurse)
    app_for(county.nurse)
    oidc_log_in(client, idp, provider, "nurse-sub")
    for url in caseload_and_person(county):
        assert client.get(url).status_code == 200


def test_a_session_without_the_identity_provider_is_asked(client, county):
    client.force_login(county.nurse)
    assert client.get(reverse("care:caseload")).status_code == 302


def test_nothing_is_asked_when_the_setting_is_off(client, county, settings):
    settings.HELHET_MFA_REQUIRED = False
    log_in(client, county.nurse)
    assert client.get(reverse("care:caseload")).status_code == 200


# --- what stays open, how the rest is refused -------------------------------------------------


def test_htmx_requests_are_refused_with_a_redirect_for_the_page(client, county):
    log_in(client, county.nurse)
    response = client.get(reverse("care:caseload"), headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response["HX-Redirect"] == MFA


def test_a_post_is_refused_and_does_nothing(client, county):
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    log_in(client, county.nurse)
    response = client.post(reverse("core:switch_unit"), {"unit": county.other_unit.pk})
    assert response.status_code == 303 and response["Location"] == MFA
    assert "helhet_active_unit" not in client.session.keys() or (
        client.session.get("helhet_active_unit") != county.other_unit.pk
    )


def test_logout_language_and_login_stay_open(client, county):
    log_in(client, county.nurse)
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "sv", "next": MFA})
    assert response.status_code == 302 and response["Location"] == MFA
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_passkey_scripts_are_static_files(client, county):
    """No inline script (a CSP is coming): the library's JSON configuration block only."""
    device = app_for(county.nurse)
    log_in(client, county.nurse)
    client.post(MFA, {"code": code(device)})
    page = client.get(MFA).content.decode()
    assert "passkey-register-button" in page
    for tag in page.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening, opening


# --- managing the devices ---------------------------------------------------------------------


def test_removing_a_device_takes_a_code_again(client, county):
    device = app_for(county.nurse)
    other = app_for(county.nurse)
    log_in(client, county.nurse)
    client.post(MFA, {"code": code(device)})
    url = reverse("mfa:remove_app", args=[other.pk])
    response = client.post(url, {"code": "000000" if code(device) != "000000" else "111111"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(pk=other.pk).exists()
    # A new time step is needed for the same device's code to be accepted again: use recovery.
    recovery = new_recovery_codes(county.nurse)[0]
    assert client.post(url, {"code": recovery}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=other.pk).exists()


def test_no_one_removes_another_users_device(client, county):
    device = app_for(county.nurse)
    theirs = app_for(county.social_worker)
    log_in(client, county.nurse)
    client.post(MFA, {"code": code(device)})
    recovery = new_recovery_codes(county.nurse)[0]
    url = reverse("mfa:remove_app", args=[theirs.pk])
    assert client.post(url, {"code": recovery}).status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_new_recovery_codes_replace_the_old(client, county):
    device = app_for(county.nurse)
    old = new_recovery_codes(county.nurse)
    log_in(client, county.nurse)
    client.post(MFA, {"code": code(device)})
    response = client.post(reverse("mfa:recovery"))
    new = list(
        StaticToken.objects.filter(device__user=county.nurse).values_list("token", flat=True)
    )
    assert len(new) == 10 and not set(new) & set(old)
    assert all(token in response.content.decode() for token in new)


# --- the admin's reset, a security event ------------------------------------------------------


def test_an_administrator_resets_a_users_second_factor(client, county, access_changes_logged):
    admin_device = app_for(county.admin)
    nurse_device = app_for(county.nurse)
    new_recovery_codes(county.nurse)
    log_in(client, county.admin, "admin-password-123")
    client.post(MFA, {"code": code(admin_device)})
    response = client.post(
        reverse("admin:core_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [county.nurse.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=county.nurse).exists()
    assert not StaticDevice.objects.filter(user=county.nurse).exists()
    rows = AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.SECURITY, what__contains="second factor deleted"
    )
    assert rows.count() == 2
    assert {r.organisation_id for r in rows} == {county.region.pk}
    assert all(r.user_id == county.admin.pk and "nurse" in r.what for r in rows)
    assert all(nurse_device.key not in r.what for r in rows)


def test_a_reset_ends_the_users_verified_sessions(client, county):
    device = app_for(county.nurse)
    log_in(client, county.nurse)
    client.post(MFA, {"code": code(device)})
    assert client.get(reverse("care:caseload")).status_code == 200
    TOTPDevice.objects.filter(user=county.nurse).delete()  # as the admin's reset does
    response = client.get(reverse("care:caseload"))
    assert response.status_code == 302 and response["Location"].startswith(MFA)


def test_setting_up_a_device_is_a_security_event(county, access_changes_logged):
    device = TOTPDevice.objects.create(user=county.nurse, name="Authenticator app", confirmed=False)
    device.confirmed = True
    device.save()
    whats = list(
        AccessLogEntry.objects.filter(action=AccessLogEntry.Action.SECURITY).values_list(
            "what", flat=True
        )
    )
    assert any("second factor created" in w for w in whats)
    assert any("second factor changed" in w and "confirmed False → True" in w for w in whats)
    assert all(device.key not in w for w in whats)


def test_the_admin_shows_no_device_key(client, county):
    admin_device = app_for(county.admin)
    nurse_device = app_for(county.nurse)
    log_in(client, county.admin, "admin-password-123")
    client.post(MFA, {"code": code(admin_device)})
    url = reverse("admin:otp_totp_totpdevice_change", args=[nurse_device.pk])
    page = client.get(url).content.decode()
    assert nurse_device.key not in page and "otpauth" not in page
    assert client.post(url, {"name": "x", "user": county.nurse.pk}).status_code == 403


def test_a_non_admin_cannot_reset(client, county):
    device = app_for(county.nurse)
    log_in(client, county.nurse)
    client.post(MFA, {"code": code(device)})
    response = client.post(
        reverse("admin:core_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [county.nurse.pk]},
    )
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# --- the deploy check --------------------------------------------------------------------------


def deploy_errors() -> list[str]:
    return [m.id for m in run_checks(include_deployment_checks=True) if m.id == checks.E001]


@pytest.mark.parametrize(
    ("required", "dev", "demo", "errors"),
    [
        (False, False, False, [checks.E001]),
        (False, True, False, []),
        (False, False, True, []),
        (True, False, False, []),
    ],
)
def test_the_deploy_check_refuses_mfa_off_in_production(required, dev, demo, errors):
    with override_settings(HELHET_MFA_REQUIRED=required, DEV=dev, DEMO=demo):
        assert deploy_errors() == errors
        found = [m for m in checks.second_factor_required(None) if m.id == checks.E001]
        assert all(m.is_serious() for m in found)  # an Error, not a Warning


def test_the_check_is_a_deploy_check_only():
    with override_settings(HELHET_MFA_REQUIRED=False, DEV=False, DEMO=False):
        assert checks.E001 not in [m.id for m in run_checks(include_deployment_checks=False)]


def test_the_pages_speak_swedish(client, county):
    app_for(county.nurse)
    log_in(client, county.nurse)
    client.post(reverse("set_language"), {"language": "sv", "next": MFA})
    page = client.get(MFA).content.decode()
    assert "Bekräfta din inloggning" in page
    response = client.post(MFA, {"code": "12345x"})
    assert "Koden är fel eller har gått ut." in response.content.decode()
    # The passkey script's own texts, from django-otp-webauthn's catalogue and ours.
    catalogue = client.get(reverse("otp_webauthn:js-i18n-catalog")).content.decode()
    assert "Bekr\\u00e4fta med en nyckel" in catalogue or "Bekräfta med en nyckel" in catalogue


def test_check_deploy_fails_when_production_turns_mfa_off(tmp_path):
    """The real command, with the production settings of tests/test_deploy_check.py."""
    from tests.test_deploy_check import check_deploy

    off = check_deploy(tmp_path, HELHET_MFA_REQUIRED="0")
    assert off.returncode != 0
    assert f"({checks.E001})" in off.stderr and "ERRORS:" in off.stderr
    demo = check_deploy(tmp_path, HELHET_MFA_REQUIRED="0", HELHET_DEMO="1")
    assert checks.E001 not in demo.stdout + demo.stderr
