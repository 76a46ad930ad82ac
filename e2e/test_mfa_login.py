"""The second factor in a browser (core/mfa/): a password login asked for the code of its
authenticator app, a first login setting one up and getting its recovery codes, and a passkey
registered and used through Chromium's virtual authenticator. axe on every MFA page."""

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from .conftest import PASSWORD


@pytest.fixture
def mfa_site(site, settings, live_server):
    settings.HELHET_MFA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return site


def current_code(key: bytes) -> str:
    return f"{totp(key):06d}"


def password_login(ui, user):
    page = ui.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return page


def test_a_password_login_is_asked_for_the_code(mfa_site, ui):
    device = TOTPDevice.objects.create(user=mfa_site.nurse, name="Authenticator app")
    page = password_login(ui, mfa_site.nurse)
    expect(page.get_by_role("heading", name="Verify your login")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)
    ui.check("verify")

    page.get_by_role("textbox", name="Code").fill(
        "000000" if current_code(device.bin_key) != "000000" else "1"
    )
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("The code is wrong or has expired.").first).to_be_visible()
    ui.check("wrong-code")

    # The wrong code throttled the device for a second (tests/core/test_mfa.py): lifted here,
    # so that the test waits for nothing.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()
    page.get_by_role("textbox", name="Code").fill(current_code(device.bin_key))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name=re.compile("Today"))).to_be_visible()
    ui.check("home")


def test_a_first_login_sets_up_an_app_and_gets_recovery_codes(mfa_site, ui):
    page = password_login(ui, mfa_site.social_worker)
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code with the key for your authenticator app")
    ).to_be_visible()
    ui.check("enrol")

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_role("textbox", name="Code").fill(current_code(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by mfa.js
    ui.check("recovery-codes")

    page.get_by_role("link", name="Continue to Helhet").click()
    expect(page.get_by_role("heading", name=re.compile("Today"))).to_be_visible()


def test_a_passkey_is_registered_and_verifies_a_login(mfa_site, ui):
    device = TOTPDevice.objects.create(user=mfa_site.nurse, name="Authenticator app")
    page = ui.page
    cdp = ui.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    password_login(ui, mfa_site.nurse)
    page.get_by_role("textbox", name="Code").fill(current_code(device.bin_key))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name=re.compile("Today"))).to_be_visible()

    ui.goto("/accounts/mfa/")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("link", name=re.compile("^Remove"))).to_have_count(2)  # app, passkey
    assert WebAuthnCredential.objects.filter(user=mfa_site.nurse, confirmed=True).count() == 1
    ui.check("passkey-added")
    page.get_by_role("link", name=re.compile("^Remove Passkey")).click()
    expect(page.get_by_role("heading", name=re.compile("Remove a device"))).to_be_visible()
    ui.check("remove")
    page.get_by_role("link", name="Cancel").click()

    ui.log_out()
    password_login(ui, mfa_site.nurse)
    page.get_by_role("button", name="Verify with a passkey").click()
    expect(page.get_by_role("heading", name=re.compile("Today"))).to_be_visible()
