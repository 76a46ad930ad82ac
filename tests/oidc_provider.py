"""A real OpenID provider for the tests: oidc-provider-mock (Authlib and Flask), served over HTTP
on 127.0.0.1 from a thread, requiring a nonce, and made to enforce PKCE (S256), which the mock
itself does not: an authorization request without a code challenge is refused, and a code is
exchanged for tokens only with the verifier of its challenge. Helhet is a registered client:
the provider answers only its client id and secret, and redirects only to its redirect URI.

Users sign in at the mock's authorization page by their `sub`; `MockProvider.set_user` gives a
subject the claims its id token carries (the HSA-id, acr, ...)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import flask
import oidc_provider_mock
import requests
import werkzeug.serving
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from helhet.core.oidc import Provider

ACR_HIGH = "http://id.elegnamnden.se/loa/1.0/loa3"
ACR_LOW = "http://id.elegnamnden.se/loa/1.0/loa2"


def enforce_pkce(app: flask.Flask) -> None:
    challenges: dict[str, str] = {}  # authorization code -> its code challenge

    @app.before_request
    def require_pkce():
        request = flask.request
        if request.path == "/oauth2/authorize" and (
            request.args.get("code_challenge_method") != "S256"
            or not request.args.get("code_challenge")
        ):
            return "PKCE with S256 is required", 400
        if request.path == "/oauth2/token" and request.form.get("grant_type") == (
            "authorization_code"
        ):
            challenge = challenges.pop(request.form.get("code", ""), None)
            verifier = request.form.get("code_verifier", "")
            if not challenge or create_s256_code_challenge(verifier) != challenge:
                return {"error": "invalid_grant", "error_description": "PKCE failed"}, 400
        return None

    @app.after_request
    def remember_challenge(response):
        request = flask.request
        if request.path == "/oauth2/authorize" and response.status_code == 302:
            code = parse_qs(urlparse(response.location).query).get("code")
            if code:
                challenges[code[0]] = request.args["code_challenge"]
        return response


@dataclass
class MockProvider:
    url: str
    client_id: str
    client_secret: str

    def set_user(self, sub: str, **claims: object) -> None:
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def provider(self, organisation, **options) -> Provider:
        """A Helhet provider setting for this server, serving ORGANISATION."""
        values: dict = {
            "slug": "siths",
            "name": "SITHS eID (Region Testland)",
            "discovery_url": f"{self.url}/.well-known/openid-configuration",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scope": "openid profile",
            "organisation_id": organisation.pk,
            "organisation_number": None,
            "claim": "hsa_id",
            "user_field": "hsa_id",
        }
        return Provider(**(values | options))


@contextmanager
def running_provider(redirect_uri: str) -> Iterator[MockProvider]:
    """The provider, with Helhet registered as a client whose one redirect URI is
    REDIRECT_URI (the provider refuses any other)."""
    app = oidc_provider_mock.app(require_nonce=True, require_client_registration=True)
    enforce_pkce(app)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        response = requests.post(
            f"{url}/oauth2/clients",
            json={
                "redirect_uris": [redirect_uri],
                "token_endpoint_auth_method": "client_secret_basic",
            },
            timeout=10,
        )
        response.raise_for_status()
        client = response.json()
        yield MockProvider(url, client["client_id"], client["client_secret"])
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
