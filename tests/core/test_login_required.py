"""Login is required by default (LoginRequiredMiddleware): every URL pattern of the project,
asked anonymously, redirects to the login page, except the few marked public."""

import re
import uuid

import pytest
from django.conf import settings
from django.contrib.admindocs.views import simplify_regex
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, resolve, reverse
from django.urls.resolvers import RoutePattern

# The public views: anonymous visitors reach them (each marked @login_not_required).
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "intake:self_referral",
    "intake:self_referral_thanks",
    "admin:login",
    "oidc_login",
    "oidc_callback",
    "bookings:feed",  # a private token in the address (bookings/feeds.py)
    # the surveys' ways in without login (surveys/public.py): the kiosk, the one-time code
    "surveys:kiosk",
    "surveys:kiosk_answer",
    "surveys:kiosk_thanks",
    "surveys:code_enter",
    "surveys:code_answer",
    "surveys:code_thanks",
}
# A value for each URL argument, by name, else by converter.
VALUES = {"app_label": "core", "uidb64": "MQ", "token": "set-password"}
BY_CONVERTER = {
    "int": "1",
    "id": "1",
    "slug": "x",
    "str": "x",
    "path": "x",
    "uuid": str(uuid.uuid4()),
}
ROUTE_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def url_patterns(resolver=None, namespace="", parts=()):
    """(name, pattern, the pattern strings from the root) for every URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner, (*parts, entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name or entry.pattern}"
            yield name, entry, (*parts, entry.pattern)


def example_path(parts) -> str:
    """A path that the patterns PARTS match, arguments filled in."""
    path = ""
    for part in parts:
        if isinstance(part, RoutePattern):
            text = ROUTE_ARGUMENT.sub(
                lambda m: VALUES.get(m[2], BY_CONVERTER[m[1] or "str"]), str(part)
            )
        else:
            text = re.sub(r"<(\w+)>", lambda m: VALUES.get(m[1], "1"), simplify_regex(str(part)))
            text = text.lstrip("/")
        path += text
    return "/" + path.lstrip("/")


def every_url():
    """Each named pattern with a path that resolves back to that very pattern."""
    urls = []
    for name, pattern, parts in url_patterns():
        path = example_path(parts)
        assert resolve(path).func == pattern.callback, f"{name}: {path} resolves elsewhere"
        urls.append((name, path))
    return urls


URLS = every_url()


def test_the_walk_finds_the_project_and_the_admin_urls():
    names = {name for name, _path in URLS}
    assert {"care:caseload", "people:overview", "admin:index", "login"} <= names
    assert PUBLIC <= names, PUBLIC - names


@pytest.mark.parametrize(("name", "path"), [u for u in URLS if u[0] not in PUBLIC])
def test_an_anonymous_request_is_sent_to_the_login_page(client, db, name, path):
    """The admin site's own pages (index, logout) send to its login page, the rest (its
    model pages among them) to the project's, as Django does."""
    logins = {resolve_url(settings.LOGIN_URL)} | (
        {reverse("admin:login")} if name.startswith("admin:") else set()
    )
    response = client.get(path)
    assert response.status_code == 302, name
    login, _sep, next_path = response.url.partition("?next=")
    assert login in logins and next_path, name


@pytest.mark.parametrize(
    "name",
    ["login", "password_reset", "password_reset_done", "password_reset_complete", "admin:login"],
)
def test_a_public_page_answers_an_anonymous_visitor(client, db, name):
    assert client.get(reverse(name)).status_code == 200


def test_a_link_to_set_a_password_answers_an_anonymous_visitor(client, db):
    response = client.get(dict(URLS)["password_reset_confirm"])
    assert response.status_code == 200 and response.context["validlink"] is False


def test_the_self_referral_pages_answer_an_anonymous_visitor(client, county):
    slug = county.clinic.slug
    assert client.get(reverse("intake:self_referral", args=[slug])).status_code == 200
    assert client.get(reverse("intake:self_referral_thanks", args=[slug])).status_code == 200


def test_an_anonymous_visitor_may_change_the_language(client, db):
    response = client.post(reverse("set_language"), {"language": "sv", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"


def test_an_unknown_address_answers_not_found_to_an_anonymous_visitor(client, db):
    assert client.get("/no-such-page/").status_code == 404


def undecorated(request):
    return HttpResponse("a view that forgot to ask for a login")


urlpatterns = [path("forgotten/", undecorated), path("", include("helhet.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_a_view_without_any_decorator_still_requires_a_login(client, db):
    response = client.get("/forgotten/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")
