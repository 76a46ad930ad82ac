"""Sessions people can trust: what was typed survives an idle logout.

The session ends after `HELHET_SESSION_IDLE_MINUTES` without a request (settings.py). Every
page of a signed-in user warns before that (base.html's `#session-warning`, helhet.js) and
offers to stay signed in (`stay_signed_in`, which only renews the session). A form sent after
the session has ended is not lost: `LoginRequiredMiddleware` here keeps its fields in the new,
anonymous session and sends the person to sign in, then back to the page the form was on,
where `kept_form` (a context processor) hands the fields to helhet.js, which fills them in
again — never sends them — and says so.

The fields are given back only to the user who typed them: every response to a signed-in user
carries a signed cookie naming them (`OWNER_COOKIE`), and a form arriving without a session is
kept only with that cookie, for that user, for `KEPT_FOR_SECONDS`. Hidden fields (the CSRF
token, a form's version or one-time key) are not kept: the page shown again has its own.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

SESSION_KEY = "helhet_kept_form"
OWNER_COOKIE = "helhet_owner"
OWNER_SALT = "helhet.core.idle.owner"
KEPT_FOR_SECONDS = 60 * 60
# Never kept: Django's CSRF token and the fields a page renders afresh.
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "submission", "version", "next"})


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's: a view needs a signed-in user unless marked @login_not_required. A form sent
    after the session ended is kept for its owner, who is sent back to the form's page."""

    def handle_no_permission(self, request, view_func):
        back_to = None
        if request.method == "POST":
            back_to = _keep_form(request)
        if back_to is not None:
            response = redirect_to_login(
                back_to, settings.LOGIN_URL, self.get_redirect_field_name(view_func)
            )
        else:
            response = super().handle_no_permission(request, view_func)
        if request.headers.get("HX-Request"):
            # htmx would swap the login page into a fragment: send the whole page there.
            redirect = HttpResponse(status=204)
            redirect["HX-Redirect"] = response["Location"]
            return redirect
        return response


def _keep_form(request) -> str | None:
    """Keep the fields of REQUEST's form for the user named by the owner cookie; the path of
    the page the form was on (where they are filled in again), or None when not kept."""
    owner = owner_of(request)
    if owner is None:
        return None
    page = _form_page(request)
    fields = {
        name: [value[:100_000] for value in request.POST.getlist(name)]
        for name in request.POST
        if name not in NOT_KEPT
    }
    if not fields:
        return None
    request.session[SESSION_KEY] = {
        "owner": owner,
        "page": page,
        "action": request.path,
        "fields": fields,
        "at": time.time(),
    }
    return page


def _form_page(request) -> str:
    """The page the form was sent from (its Referer, when it is this site's), else its action."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def owner_of(request) -> int | None:
    """The user named by the request's owner cookie, if its signature holds."""
    owner = request.get_signed_cookie(OWNER_COOKIE, default=None, salt=OWNER_SALT)
    return int(owner) if owner and owner.isdigit() else None


class OwnerCookieMiddleware:
    """Name the signed-in user in a signed cookie (for `_keep_form`), and drop a kept form that
    another user signed in to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        if user_id and request.session.get(SESSION_KEY, {}).get("owner") not in (None, user_id):
            del request.session[SESSION_KEY]
        response = self.get_response(request)
        if user_id and owner_of(request) != user_id:
            response.set_signed_cookie(
                OWNER_COOKIE,
                str(user_id),
                salt=OWNER_SALT,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def kept_form(request) -> dict:
    """Context processor: the fields kept for this page and this user (taken once)."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated) or request.method != "GET":
        return {}
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("owner") != user.pk or kept.get("page") != request.get_full_path():
        return {}
    del request.session[SESSION_KEY]
    if time.time() - kept.get("at", 0) > KEPT_FOR_SECONDS:
        return {}
    return {"kept_form": {"action": kept["action"], "fields": kept["fields"]}}


def session_timing(request) -> dict:
    """Context processor: the idle limit and the warning before it, for helhet.js."""
    return {
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": min(
            settings.HELHET_SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE // 2
        ),
    }


@require_GET
@never_cache
def stay_signed_in(request):
    """Renew the session (every request does: SESSION_SAVE_EVERY_REQUEST); say how long it
    lasts now. Signed out, LoginRequiredMiddleware answers with a redirect to the login page."""
    return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})
