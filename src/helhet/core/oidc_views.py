"""Login through an identity provider: OpenID Connect's authorization code flow with PKCE, by
Authlib's Django client (state and nonce in the session, the id token's signature, issuer,
audience, expiry and nonce checked by Authlib).

The id token's claim (`Provider.claim`, e.g. the HSA-id) names an existing, active staff user of
the provider's organisation (`user_for_claims`); users and memberships are never created from
claims. A refused login returns to the login page with a message and signs no one in. A session
signed in here carries `IDENTITY_PROVIDER_SESSION_KEY`: the identity provider's strong
authentication stands in for the second factor.
"""

import logging
from functools import cache

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from joserfc.errors import JoseError

from .models import User
from .oidc import Provider

logger = logging.getLogger(__name__)

# Read by the second-factor middleware: the session was signed in through this provider.
IDENTITY_PROVIDER_SESSION_KEY = "helhet_identity_provider"
NEXT_SESSION_KEY = "helhet_oidc_next"
BACKEND = "helhet.core.backends.UserWithOrganisationBackend"
# Seconds to wait for the identity provider (discovery, token and key requests).
TIMEOUT = 10
# What can go wrong between us and the provider: its answer, the token, the network.
PROVIDER_ERRORS = (AuthlibBaseError, JoseError, requests.RequestException, RuntimeError, ValueError)


class Refused(Exception):
    """A login that is not let in: the message for the user, the reason for the server log."""

    def __init__(self, message: str, reason: str):
        super().__init__(reason)
        self.message = message


def providers() -> tuple[Provider, ...]:
    return settings.HELHET_OIDC_PROVIDERS


def provider_for(slug: str) -> Provider:
    for provider in providers():
        if provider.slug == slug:
            return provider
    raise Http404


@cache
def client_for(provider: Provider) -> DjangoOAuth2App:
    """Authlib's client for PROVIDER, one per process: it keeps the discovery document and the
    provider's signing keys (fetched again when a token names a key it does not know)."""
    oauth = OAuth()
    client = oauth.register(
        name=provider.slug,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs={
            "scope": provider.scope,
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT,
        },
    )
    assert isinstance(client, DjangoOAuth2App)
    return client


def safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_not_required
def oidc_login(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the browser to the provider's authorization endpoint."""
    provider = provider_for(slug)
    request.session[NEXT_SESSION_KEY] = safe_next(request, request.GET.get("next"))
    redirect_uri = request.build_absolute_uri(reverse("oidc_callback", args=[provider.slug]))
    extra = {"acr_values": " ".join(provider.acr_values)} if provider.acr_values else {}
    try:
        return client_for(provider).authorize_redirect(request, redirect_uri, **extra)
    except PROVIDER_ERRORS:
        logger.warning("OIDC login via %s could not start", provider.slug, exc_info=True)
        return refused(request, provider_unavailable(provider))


@login_not_required
def oidc_callback(request: HttpRequest, slug: str) -> HttpResponse:
    """The provider's answer: the code for tokens, the id token's claim to a user, login."""
    provider = provider_for(slug)
    next_url = safe_next(request, request.session.pop(NEXT_SESSION_KEY, None))
    try:
        claims = id_token_claims(request, provider)
        user = user_for_claims(provider, claims)
    except Refused as refusal:
        logger.warning("OIDC login via %s refused: %s", provider.slug, refusal)
        return refused(request, refusal.message)
    with transaction.atomic():
        auth_login(request, user, backend=BACKEND)
        request.session[IDENTITY_PROVIDER_SESSION_KEY] = provider.slug
    return HttpResponseRedirect(next_url)


def id_token_claims(request: HttpRequest, provider: Provider) -> dict:
    """The validated id token's claims (Authlib checks state, PKCE, signature and nonce)."""
    error = request.GET.get("error")
    if error:
        reason = f"the provider answered {error}: {request.GET.get('error_description')}"
        if error == "access_denied":
            raise Refused(_("The login at %(provider)s was cancelled.") % named(provider), reason)
        raise Refused(provider_unavailable(provider), reason)
    try:
        token = client_for(provider).authorize_access_token(request)
    except MismatchingStateError as e:
        raise Refused(
            _(
                "The login could not be completed: it was started in another window or too "
                "long ago. Please try again."
            ),
            "state mismatch",
        ) from e
    except PROVIDER_ERRORS as e:
        raise Refused(provider_unavailable(provider), repr(e)) from e
    claims = token.get("userinfo")
    if not claims:
        raise Refused(provider_unavailable(provider), "no id token in the token response")
    if provider.acr_values and claims.get("acr") not in provider.acr_values:
        raise Refused(
            _(
                "Your login at %(provider)s was not made at the assurance level Helhet "
                "requires. Log in with your e-ID card."
            )
            % named(provider),
            f"acr {claims.get('acr')!r} not in {provider.acr_values}",
        )
    return dict(claims)


def user_for_claims(provider: Provider, claims: dict) -> User:
    """The one active user of the provider's organisation whose `user_field` is the claim.
    Users and memberships are administered in Helhet: none is made or changed from claims.

    This is the mapping a SAML login would reuse, with its assertion's attributes as claims."""
    value = claims.get(provider.claim)
    if not isinstance(value, str) or not value:
        raise no_account(provider, f"no {provider.claim!r} claim")
    lookup = "email__iexact" if provider.user_field == "email" else provider.user_field
    users = list(User.objects.select_related("organisation").filter(**{lookup: value})[:2])
    if len(users) != 1:
        raise no_account(provider, f"{len(users)} users with {provider.user_field} {value!r}")
    user = users[0]
    if not user.is_active:
        raise no_account(provider, f"user {user.pk} is inactive")
    organisation = user.organisation
    if organisation is None or not provider.serves(
        organisation.pk, organisation.organisation_number
    ):
        raise no_account(provider, f"user {user.pk} is not of the provider's organisation")
    return user


def named(provider: Provider) -> dict[str, str]:
    return {"provider": provider.name}


def no_account(provider: Provider, reason: str) -> Refused:
    return Refused(
        _(
            "No active Helhet account for %(provider)s is linked to your identity. Contact "
            "your administrator."
        )
        % named(provider),
        reason,
    )


def provider_unavailable(provider: Provider) -> str:
    return _("The login at %(provider)s could not be completed. Please try again.") % named(
        provider
    )


def refused(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("login")
