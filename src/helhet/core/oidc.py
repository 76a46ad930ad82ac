"""Login through the organisations' identity providers (OpenID Connect): the providers' settings.

`HELHET_OIDC_PROVIDERS` (or the file `HELHET_OIDC_PROVIDERS_FILE`) is a JSON list with one object
per provider, read by `providers_from_json` when the settings load, so that a mistake stops the
start with a message naming it. This module imports nothing of the app registry: settings.py
imports it. The login itself (Authlib's Django client, the claim to user mapping) is in
`oidc_views.py`.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# The user fields a claim may be matched against (each identifies one user).
USER_FIELDS = ("hsa_id", "username", "email")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,48}$")
ORGANISATION_NUMBER = re.compile(r"^\d{6}-\d{4}$")
DISCOVERY_PATH = "/.well-known/openid-configuration"
KEYS = {
    "slug",
    "name",
    "issuer",
    "discovery_url",
    "client_id",
    "client_secret",
    "scopes",
    "organisation",
    "claim",
    "user_field",
    "acr_values",
}


@dataclass(frozen=True)
class Provider:
    """One identity provider, serving the staff of one organisation."""

    slug: str
    name: str
    discovery_url: str
    client_id: str
    client_secret: str
    scope: str
    # The organisation it serves: its id or its organisation number, whichever the JSON gave.
    organisation_id: int | None
    organisation_number: str | None
    claim: str = "sub"
    user_field: str = "hsa_id"
    # Accepted assurance levels (acr), in order of preference; empty: none required.
    acr_values: tuple[str, ...] = ()

    def serves(self, organisation_id: int, organisation_number: str) -> bool:
        if self.organisation_id is not None:
            return organisation_id == self.organisation_id
        return organisation_number == self.organisation_number


def providers_from_json(text: str) -> tuple[Provider, ...]:
    """The providers a JSON list describes; ImproperlyConfigured names what is wrong."""
    try:
        entries = json.loads(text or "[]")
    except ValueError as e:
        raise ImproperlyConfigured(f"HELHET_OIDC_PROVIDERS is not valid JSON: {e}") from e
    if not isinstance(entries, list):
        raise ImproperlyConfigured("HELHET_OIDC_PROVIDERS must be a JSON list of providers.")
    providers = tuple(_provider(i, entry) for i, entry in enumerate(entries))
    slugs = [p.slug for p in providers]
    if len(set(slugs)) != len(slugs):
        raise ImproperlyConfigured(f"HELHET_OIDC_PROVIDERS: slugs must differ, got {slugs}.")
    return providers


def _provider(index: int, entry: Any) -> Provider:
    where = f"HELHET_OIDC_PROVIDERS[{index}]"
    if not isinstance(entry, dict):
        raise ImproperlyConfigured(f"{where} must be an object.")
    unknown = set(entry) - KEYS
    if unknown:
        raise ImproperlyConfigured(f"{where}: unknown keys {sorted(unknown)}.")

    def text(key: str, default: str | None = None) -> str:
        value = entry.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ImproperlyConfigured(f"{where}: {key!r} must be a non-empty string.")
        return value.strip()

    slug = text("slug")
    if not SLUG.match(slug):
        raise ImproperlyConfigured(
            f"{where}: slug {slug!r} must be lower-case letters, digits and hyphens."
        )
    where = f"{where} ({slug})"
    if "discovery_url" in entry:
        discovery_url = text("discovery_url")
    elif "issuer" in entry:
        discovery_url = text("issuer").rstrip("/") + DISCOVERY_PATH
    else:
        raise ImproperlyConfigured(f"{where}: give 'issuer' or 'discovery_url'.")
    if not discovery_url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"{where}: the discovery URL must be an http(s) address.")

    scopes = entry.get("scopes", ["openid"])
    if isinstance(scopes, str):
        scopes = scopes.split()
    if not isinstance(scopes, list) or not all(isinstance(s, str) and s for s in scopes):
        raise ImproperlyConfigured(f"{where}: 'scopes' must be a list of strings.")
    if "openid" not in scopes:
        raise ImproperlyConfigured(f"{where}: 'scopes' must include 'openid'.")

    organisation = entry.get("organisation")
    organisation_id = organisation_number = None
    if isinstance(organisation, int) and not isinstance(organisation, bool) and organisation > 0:
        organisation_id = organisation
    elif isinstance(organisation, str) and ORGANISATION_NUMBER.match(organisation):
        organisation_number = organisation
    else:
        raise ImproperlyConfigured(
            f"{where}: 'organisation' must be the organisation's id (a number) or its "
            f"organisation number (NNNNNN-NNNN), got {organisation!r}."
        )

    user_field = text("user_field", "hsa_id")
    if user_field not in USER_FIELDS:
        raise ImproperlyConfigured(f"{where}: 'user_field' must be one of {list(USER_FIELDS)}.")

    acr_values = entry.get("acr_values", [])
    if isinstance(acr_values, str):
        acr_values = [acr_values]
    if not isinstance(acr_values, list) or not all(isinstance(a, str) and a for a in acr_values):
        raise ImproperlyConfigured(f"{where}: 'acr_values' must be a list of strings.")

    return Provider(
        slug=slug,
        name=text("name"),
        discovery_url=discovery_url,
        client_id=text("client_id"),
        client_secret=text("client_secret"),
        scope=" ".join(dict.fromkeys(scopes)),
        organisation_id=organisation_id,
        organisation_number=organisation_number,
        claim=text("claim", "sub"),
        user_field=user_field,
        acr_values=tuple(acr_values),
    )
