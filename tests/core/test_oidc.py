"""Login through an identity provider (core/oidc.py, core/oidc_views.py), against a real OpenID
provider served on 127.0.0.1 (tests/oidc_provider.py): the browser's part is played by Django's
test client (Helhet) and requests (the provider's login page), the token exchange is Helhet's
own HTTP request to the provider."""

import json
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from helhet.core.oidc import Provider, providers_from_json
from helhet.core.oidc_views import IDENTITY_PROVIDER_SESSION_KEY
from tests import factories as f
from tests.oidc_provider import ACR_HIGH, ACR_LOW, running_provider

HSA_ID = "SE2321000016-1001"
NO_ACCOUNT = "No active Helhet account for SITHS eID (Region Testland) is linked to your identity"


@pytest.fixture(scope="module")
def idp():
    with running_provider("http://testserver/accounts/oidc/siths/callback/") as provider:
        yield provider


@pytest.fixture
def configure(settings, idp, county):
    """Configure Helhet with the mock provider, serving the region (the nurse's employer)."""

    def configure(**options) -> Provider:
        provider = idp.provider(county.region, **options)
        settings.HELHET_OIDC_PROVIDERS = (provider,)
        return provider

    return configure


def linked(idp, user, sub: str = "nurse-sub", **claims) -> str:
    """USER has the HSA-id that the provider's SUB carries (with CLAIMS); returns SUB."""
    user.hsa_id = HSA_ID
    user.save()
    idp.set_user(sub, hsa_id=HSA_ID, **claims)
    return sub


def start(client, provider: Provider, next_url: str = "") -> str:
    """Helhet's login start: the provider's authorization URL it sends the browser to."""
    query = f"?next={next_url}" if next_url else ""
    response = client.get(reverse("oidc_login", args=[provider.slug]) + query)
    assert response.status_code == 302
    return response.url


def sign_in_at_provider(authorization_url: str, sub: str) -> str:
    """The user signs in at the provider as SUB: the provider's redirect back to Helhet."""
    response = requests.post(
        authorization_url, data={"sub": sub}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def back_at_helhet(client, callback_url: str):
    parts = urlparse(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def log_in(client, idp, provider: Provider, sub: str, next_url: str = ""):
    return back_at_helhet(client, sign_in_at_provider(start(client, provider, next_url), sub))


def refusal(client, response) -> list[str]:
    """The refusal: back at the login page, no one signed in; its messages."""
    assert response.status_code == 302 and response.url == reverse("login")
    assert SESSION_KEY not in client.session
    assert IDENTITY_PROVIDER_SESSION_KEY not in client.session
    page = client.get(response.url)
    assert page.status_code == 200
    return [str(m) for m in page.context["messages"]]


# --- a successful login ---------------------------------------------------------------------


def test_a_mapped_user_logs_in_and_the_session_names_the_provider(client, configure, idp, county):
    provider = configure()
    linked(idp, county.nurse)

    response = log_in(client, idp, provider, "nurse-sub", next_url="/tasks/")

    assert response.status_code == 302 and response.url == "/tasks/"
    assert client.session[SESSION_KEY] == str(county.nurse.pk)
    assert client.session[IDENTITY_PROVIDER_SESSION_KEY] == "siths"
    assert client.get(reverse("care:caseload")).status_code == 200
    # django-axes counts no failure and locks no one out
    assert not AccessAttempt.objects.exists()


def test_the_authorization_request_uses_pkce_a_nonce_and_the_configured_scopes(client, configure):
    provider = configure(scope="openid profile")
    query = parse_qs(urlparse(start(client, provider)).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    assert query["scope"] == ["openid profile"] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://testserver/accounts/oidc/siths/callback/"]
    assert "acr_values" not in query


def test_the_test_provider_refuses_a_request_without_pkce(idp):
    """The twin of the test above: PKCE is enforced by the provider in these tests."""
    response = requests.get(
        f"{idp.url}/oauth2/authorize",
        params={
            "client_id": idp.client_id,
            "response_type": "code",
            "scope": "openid",
            "nonce": "n",
        },
        timeout=10,
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("user_field", "claim", "value"),
    [("username", "preferred_username", "nurse"), ("email", "email", "Nurse@Example.org")],
)
def test_the_claim_may_name_the_user_name_or_the_email(
    client, configure, idp, county, user_field, claim, value
):
    county.nurse.email = "nurse@example.org"
    county.nurse.save()
    provider = configure(claim=claim, user_field=user_field, scope="openid profile email")
    idp.set_user("nurse-sub-2", **{claim: value})

    response = log_in(client, idp, provider, "nurse-sub-2")

    assert response.status_code == 302 and response.url == reverse("core:home")
    assert client.session[SESSION_KEY] == str(county.nurse.pk)


def test_the_organisation_may_be_named_by_its_organisation_number(client, configure, idp, county):
    provider = configure(
        organisation_id=None, organisation_number=county.region.organisation_number
    )
    linked(idp, county.nurse)
    log_in(client, idp, provider, "nurse-sub")
    assert client.session[SESSION_KEY] == str(county.nurse.pk)


def test_an_unsafe_next_address_is_not_followed(client, configure, idp, county):
    provider = configure()
    linked(idp, county.nurse)
    response = log_in(client, idp, provider, "nurse-sub", next_url="https://evil.example/")
    assert response.url == reverse("core:home")
    assert client.session[SESSION_KEY] == str(county.nurse.pk)


def test_a_user_locked_out_of_password_login_still_logs_in_through_the_provider(
    client, configure, idp, county, settings
):
    """The lockout guards the password; the identity provider's login is not a guess."""
    provider = configure()
    linked(idp, county.nurse)
    for _ in range(settings.HELHET_LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "nurse", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "nurse", "password": "test-password-123"})
    assert SESSION_KEY not in client.session and locked.status_code != 302

    log_in(client, idp, provider, "nurse-sub")
    assert client.session[SESSION_KEY] == str(county.nurse.pk)


# --- refused logins ---------------------------------------------------------------------------


def test_an_unknown_claim_is_refused(client, configure, idp, county):
    provider = configure()
    linked(idp, county.nurse)
    idp.set_user("stranger", hsa_id="SE2321000016-9999")
    messages = refusal(client, log_in(client, idp, provider, "stranger"))
    assert any(m.startswith(NO_ACCOUNT) for m in messages), messages
    assert not AccessAttempt.objects.exists()


def test_a_missing_claim_is_refused(client, configure, idp):
    provider = configure()
    idp.set_user("no-hsa-id", name="Utan HSA-id")
    messages = refusal(client, log_in(client, idp, provider, "no-hsa-id"))
    assert any(m.startswith(NO_ACCOUNT) for m in messages), messages


def test_a_user_of_another_organisation_is_refused(client, configure, idp, county):
    provider = configure()  # serves the region; the social worker works for the municipality
    linked(idp, county.social_worker, "social-worker-sub")
    messages = refusal(client, log_in(client, idp, provider, "social-worker-sub"))
    assert any(m.startswith(NO_ACCOUNT) for m in messages), messages


def test_a_user_without_an_organisation_is_refused(client, configure, idp, county):
    provider = configure()
    linked(idp, county.admin, "admin-sub")
    assert any(
        m.startswith(NO_ACCOUNT)
        for m in refusal(client, log_in(client, idp, provider, "admin-sub"))
    )


def test_an_inactive_user_is_refused(client, configure, idp, county):
    provider = configure()
    county.nurse.is_active = False
    linked(idp, county.nurse)
    messages = refusal(client, log_in(client, idp, provider, "nurse-sub"))
    assert any(m.startswith(NO_ACCOUNT) for m in messages), messages


def test_an_email_shared_by_two_users_names_no_one(client, configure, idp, county):
    county.nurse.email = county.coordinator.email = "shared@example.org"
    county.nurse.save()
    county.coordinator.save()
    provider = configure(claim="email", user_field="email")
    idp.set_user("shared-sub", email="shared@example.org")
    messages = refusal(client, log_in(client, idp, provider, "shared-sub"))
    assert any(m.startswith(NO_ACCOUNT) for m in messages), messages


@pytest.mark.parametrize(("acr", "admitted"), [(ACR_HIGH, True), (ACR_LOW, False), (None, False)])
def test_a_required_assurance_level_is_asked_for_and_checked(
    client, configure, idp, county, acr, admitted
):
    provider = configure(acr_values=(ACR_HIGH,))
    sub = linked(
        idp, county.nurse, f"nurse-acr-{(acr or 'none')[-4:]}", **({"acr": acr} if acr else {})
    )

    authorization_url = start(client, provider)
    assert parse_qs(urlparse(authorization_url).query)["acr_values"] == [ACR_HIGH]
    response = back_at_helhet(client, sign_in_at_provider(authorization_url, sub))

    if admitted:
        assert client.session[SESSION_KEY] == str(county.nurse.pk)
    else:
        messages = refusal(client, response)
        assert any("assurance level" in m for m in messages), messages


def test_a_tampered_state_is_refused(client, configure, idp, county):
    provider = configure()
    linked(idp, county.nurse)
    callback = urlparse(sign_in_at_provider(start(client, provider), "nurse-sub"))
    query = parse_qs(callback.query)
    response = client.get(callback.path, {"code": query["code"][0], "state": "forged"})
    messages = refusal(client, response)
    assert any("started in another window" in m for m in messages), messages


def changed(url: str, **params: str) -> str:
    """URL with its query's PARAMS replaced."""
    parts = urlparse(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | params
    return parts._replace(query=urlencode(query)).geturl()


@pytest.mark.parametrize(
    "tampered",
    [
        {"nonce": "a-nonce-helhet-did-not-send"},
        {"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"},
    ],
    ids=["nonce", "pkce"],
)
def test_a_token_for_another_nonce_or_code_challenge_is_refused(
    client, configure, idp, county, tampered
):
    """The provider issues its code for a request Helhet did not make (another nonce, another
    code challenge): the id token's nonce, or the provider's PKCE check, refuses it."""
    provider = configure()
    linked(idp, county.nurse)
    callback = sign_in_at_provider(changed(start(client, provider), **tampered), "nurse-sub")
    messages = refusal(client, back_at_helhet(client, callback))
    assert messages == [
        "The login at SITHS eID (Region Testland) could not be completed. Please try again."
    ]


def test_a_callback_is_used_once(client, configure, idp, county):
    provider = configure()
    linked(idp, county.nurse)
    callback = sign_in_at_provider(start(client, provider), "nurse-sub")
    back_at_helhet(client, callback)
    client.logout()
    messages = refusal(client, back_at_helhet(client, callback))
    assert any("started in another window" in m for m in messages), messages


def test_a_login_cancelled_at_the_provider_is_refused(client, configure):
    provider = configure()
    response = requests.post(
        start(client, provider), data={"action": "deny"}, allow_redirects=False, timeout=10
    )
    assert "error=access_denied" in response.headers["Location"]
    messages = refusal(client, back_at_helhet(client, response.headers["Location"]))
    assert messages == ["The login at SITHS eID (Region Testland) was cancelled."]


def test_a_provider_error_in_the_callback_is_refused(client, configure):
    provider = configure()
    start(client, provider)
    response = client.get(
        reverse("oidc_callback", args=["siths"]), {"error": "server_error", "state": "x"}
    )
    assert refusal(client, response) == [
        "The login at SITHS eID (Region Testland) could not be completed. Please try again."
    ]


def test_a_code_the_provider_does_not_know_is_refused(client, configure):
    provider = configure()
    state = parse_qs(urlparse(start(client, provider)).query)["state"][0]
    response = client.get(
        reverse("oidc_callback", args=["siths"]), {"code": "made-up", "state": state}
    )
    assert refusal(client, response) == [
        "The login at SITHS eID (Region Testland) could not be completed. Please try again."
    ]


def test_a_provider_that_does_not_answer_is_refused_at_the_start(client, settings, county):
    closed = Provider(
        slug="down",
        name="Nere",
        discovery_url="http://127.0.0.1:9/.well-known/openid-configuration",
        client_id="x",
        client_secret="y",
        scope="openid",
        organisation_id=county.region.pk,
        organisation_number=None,
    )
    settings.HELHET_OIDC_PROVIDERS = (closed,)
    response = client.get(reverse("oidc_login", args=["down"]))
    assert refusal(client, response) == [
        "The login at Nere could not be completed. Please try again."
    ]


def test_an_unknown_provider_is_not_found(client, configure):
    configure()
    assert client.get(reverse("oidc_login", args=["nope"])).status_code == 404
    assert client.get(reverse("oidc_callback", args=["nope"])).status_code == 404


# --- the login page ---------------------------------------------------------------------------


def test_the_login_page_shows_a_button_per_provider(client, settings, idp, county):
    settings.HELHET_OIDC_PROVIDERS = (
        idp.provider(county.region),
        idp.provider(county.municipality, slug="kommun", name="Testby kommuns e-legitimation"),
    )
    page = client.get(reverse("login") + "?next=/tasks/").content.decode()
    siths = page.index('href="/accounts/oidc/siths/login/?next=%2Ftasks%2F"')
    kommun = page.index('href="/accounts/oidc/kommun/login/?next=%2Ftasks%2F"')
    assert siths < kommun < page.index('name="password"')
    assert "Log in with SITHS eID (Region Testland)" in page
    assert "Log in with Testby kommuns e-legitimation" in page


def test_the_button_and_a_refusal_speak_swedish(client, configure, idp, settings):
    provider = configure()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get(reverse("login")).content.decode()
    assert "Logga in med SITHS eID (Region Testland)" in page
    idp.set_user("stranger", hsa_id="SE2321000016-9999")
    messages = refusal(client, log_in(client, idp, provider, "stranger"))
    assert messages == [
        "Inget aktivt Helhet-konto för SITHS eID (Region Testland) är kopplat till din "
        "identitet. Kontakta din administratör."
    ]


def test_the_login_page_without_providers_shows_only_the_password_form(client, settings, db):
    settings.HELHET_OIDC_PROVIDERS = ()
    page = client.get(reverse("login")).content.decode()
    assert "/accounts/oidc/" not in page and "Log in with" not in page
    assert 'name="password"' in page


# --- the setting ------------------------------------------------------------------------------

GOOD = {
    "slug": "siths-demoland",
    "name": "SITHS eID (Region Demoland)",
    "issuer": "https://idp.example.org/oidc/",
    "client_id": "helhet",
    "client_secret": "s3cret",
    "scopes": ["openid", "profile"],
    "organisation": "232100-0016",
    "claim": "hsa_id",
    "user_field": "hsa_id",
    "acr_values": ["http://id.elegnamnden.se/loa/1.0/loa3"],
}


def test_the_setting_is_read_from_json():
    (provider,) = providers_from_json(json.dumps([GOOD]))
    assert provider == Provider(
        slug="siths-demoland",
        name="SITHS eID (Region Demoland)",
        discovery_url="https://idp.example.org/oidc/.well-known/openid-configuration",
        client_id="helhet",
        client_secret="s3cret",
        scope="openid profile",
        organisation_id=None,
        organisation_number="232100-0016",
        claim="hsa_id",
        user_field="hsa_id",
        acr_values=("http://id.elegnamnden.se/loa/1.0/loa3",),
    )
    (minimal,) = providers_from_json(
        json.dumps(
            [
                {k: GOOD[k] for k in ("slug", "name", "issuer", "client_id", "client_secret")}
                | {"organisation": 3}
            ]
        )
    )
    assert (minimal.claim, minimal.user_field, minimal.scope) == ("sub", "hsa_id", "openid")
    assert minimal.organisation_id == 3 and minimal.acr_values == ()
    assert providers_from_json("") == () == providers_from_json("[]")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "Has Spaces"}, "slug 'Has Spaces' must be lower-case"),
        ({"client_id": ""}, "'client_id' must be a non-empty string"),
        ({"client_secret": None}, "'client_secret' must be a non-empty string"),
        ({"issuer": None}, "give 'issuer' or 'discovery_url'"),
        ({"issuer": "idp.example.org"}, "must be an http(s) address"),
        ({"scopes": ["profile"]}, "'scopes' must include 'openid'"),
        ({"organisation": "Region Demoland"}, "'organisation' must be the organisation's id"),
        ({"organisation": None}, "'organisation' must be the organisation's id"),
        ({"user_field": "first_name"}, "'user_field' must be one of"),
        ({"acr_values": [3]}, "'acr_values' must be a list of strings"),
        ({"colour": "blue"}, "unknown keys ['colour']"),
    ],
)
def test_a_bad_setting_stops_the_start_with_a_clear_message(change, message):
    entry = {k: v for k, v in (GOOD | change).items() if v is not None}
    with pytest.raises(ImproperlyConfigured, match="HELHET_OIDC_PROVIDERS") as raised:
        providers_from_json(json.dumps([entry]))
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "is not valid JSON"),
        (json.dumps(GOOD), "must be a JSON list"),
        (json.dumps([GOOD, GOOD]), "slugs must differ"),
        (json.dumps(["siths"]), "must be an object"),
    ],
)
def test_a_setting_that_is_not_a_list_of_providers_is_refused(text, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        providers_from_json(text)


def test_the_settings_module_reads_the_environment_and_a_file(tmp_path, monkeypatch):
    import importlib

    from helhet import settings as helhet_settings

    file = tmp_path / "providers.json"
    file.write_text(json.dumps([GOOD]))
    monkeypatch.setenv("HELHET_OIDC_PROVIDERS_FILE", str(file))
    try:
        assert importlib.reload(helhet_settings).HELHET_OIDC_PROVIDERS[0].slug == "siths-demoland"
        monkeypatch.delenv("HELHET_OIDC_PROVIDERS_FILE")
        monkeypatch.setenv("HELHET_OIDC_PROVIDERS", json.dumps([GOOD | {"scopes": []}]))
        with pytest.raises(ImproperlyConfigured, match="'scopes' must include 'openid'"):
            importlib.reload(helhet_settings)
    finally:
        monkeypatch.delenv("HELHET_OIDC_PROVIDERS", raising=False)
        importlib.reload(helhet_settings)


def test_the_hsa_id_is_unique_when_set(db):
    f.UserFactory(username="a", hsa_id=HSA_ID)
    f.UserFactory(username="b", hsa_id=None)
    f.UserFactory(username="c", hsa_id=None)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        f.UserFactory(username="d", hsa_id=HSA_ID)


# --- the HSA-id in the admin ------------------------------------------------------------------


@pytest.mark.usefixtures("access_changes_logged")
def test_the_admin_sets_a_users_hsa_id_and_the_change_is_a_security_event(client, county):
    """Who may log in as a user changes with the HSA-id: the change is logged as a user's
    employer, as other access changes are."""
    from tests.access.test_security_events import last_id, security_rows, user_form

    client.force_login(county.admin)
    start = last_id()
    response = client.post(
        reverse("admin:core_user_change", args=[county.nurse.pk]),
        user_form(county.nurse, hsa_id=HSA_ID),
    )
    assert response.status_code == 302, response.content
    county.nurse.refresh_from_db()
    assert county.nurse.hsa_id == HSA_ID
    [row] = security_rows(start)
    assert row.organisation_id == county.region.pk and f"hsa_id None → {HSA_ID}" in row.what

    # Another user may not take the same HSA-id; an empty one is no HSA-id (not a duplicate "").
    response = client.post(
        reverse("admin:core_user_change", args=[county.coordinator.pk]),
        user_form(county.coordinator, hsa_id=HSA_ID),
    )
    assert response.status_code == 200 and "HSA-id already exists" in response.content.decode()
    for user in (county.coordinator, county.social_worker):
        client.post(reverse("admin:core_user_change", args=[user.pk]), user_form(user, hsa_id=""))
        user.refresh_from_db()
        assert user.hsa_id is None
