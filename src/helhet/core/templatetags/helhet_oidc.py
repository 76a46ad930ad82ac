"""The login page's buttons, one per configured identity provider (core/oidc_views.py)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from helhet.core.oidc_views import providers

register = template.Library()


@register.inclusion_tag("registration/identity_providers.html")
def identity_provider_buttons(next_url: str = "") -> dict:
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return {
        "providers": [
            (provider.name, reverse("oidc_login", args=[provider.slug]) + query)
            for provider in providers()
        ]
    }
