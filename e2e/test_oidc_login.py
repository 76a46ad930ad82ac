"""Login through an identity provider in the browser: the login page's button, the provider's
own login page (oidc-provider-mock on 127.0.0.1, tests/oidc_provider.py, with the live server's
callback as its registered redirect URI), and back in Helhet, signed in."""

import pytest
from playwright.sync_api import expect

from tests.oidc_provider import ACR_HIGH, running_provider

HSA_ID = "SE2321000016-1001"
SUB = "nurse-siths-card"


@pytest.fixture(scope="module")
def idp(live_server):
    with running_provider(f"{live_server.url}/accounts/oidc/siths/callback/") as provider:
        yield provider


def without_cdn(ui) -> None:
    """The provider's page asks a CDN for its stylesheet: answered here, nothing leaves the
    machine."""
    ui.context.route(
        "https://cdn.jsdelivr.net/**",
        lambda route: route.fulfill(status=200, content_type="text/css", body=""),
    )


def test_a_nurse_logs_in_with_siths_through_the_identity_provider(site, idp, settings, ui):
    settings.HELHET_OIDC_PROVIDERS = (idp.provider(site.region, acr_values=(ACR_HIGH,)),)
    site.nurse.hsa_id = HSA_ID
    site.nurse.save()
    idp.set_user(SUB, hsa_id=HSA_ID, acr=ACR_HIGH)
    without_cdn(ui)

    page = ui.goto("/accounts/login/?next=/tasks/")
    button = page.get_by_role("link", name="Log in with SITHS eID (Region Testland)")
    expect(button).to_be_visible()
    ui.check("login page with an identity provider")

    button.click()
    page.wait_for_url(f"{idp.url}/oauth2/authorize?*")
    page.get_by_placeholder("sub").fill(SUB)
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert page.url == f"{site.url}/tasks/"
    ui.check("signed in through the identity provider")


def test_a_user_the_provider_knows_but_helhet_does_not_is_sent_back_to_the_login_page(
    site, idp, settings, ui
):
    settings.HELHET_OIDC_PROVIDERS = (idp.provider(site.region),)
    idp.set_user("stranger", hsa_id="SE2321000016-9999")
    without_cdn(ui)
    page = ui.goto("/accounts/login/")
    page.get_by_role("link", name="Log in with SITHS eID (Region Testland)").click()
    page.get_by_placeholder("sub").fill("stranger")
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_text("No active Helhet account for SITHS eID")).to_be_visible()
    assert page.url == f"{site.url}/accounts/login/"
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    ui.check("login refused")
