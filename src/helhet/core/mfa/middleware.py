"""Until a password login that needs a second factor is verified, only the MFA pages answer."""

from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import needs_second_factor

# Open to a signed-in user who has not yet verified: the MFA pages, passkey verification, the
# passkey script's texts, logging out, staying signed in. (Public views, marked
# @login_not_required — the login page, the language switch, the self-referral page, the
# identity providers' login — stay open too.)
OPEN_NAMESPACES = frozenset({"mfa"})
OPEN_VIEWS = frozenset(
    {
        "logout",
        "core:stay_signed_in",  # the idle warning's button (core/idle.py): renews the session
        "admin:logout",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)


def is_open(request, view_func) -> bool:
    if getattr(view_func, "login_required", True) is False:
        return True
    match = request.resolver_match
    return match is not None and (
        match.view_name in OPEN_VIEWS or bool(set(match.namespaces) & OPEN_NAMESPACES)
    )


class SecondFactorMiddleware:
    """After AuthenticationMiddleware, OTPMiddleware and ActiveUnitMiddleware.

    A refused request is sent to /accounts/mfa/ (a GET with the page to return to; a POST with
    303, so that it is not repeated and nothing is done); an htmx request gets 403 with
    HX-Redirect, so the whole page goes there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_open(request, view_func) or not needs_second_factor(request):
            return None
        url = reverse("mfa:index")
        if request.htmx:
            response = HttpResponse(status=403)
            response["HX-Redirect"] = url
            return response
        if request.method in ("GET", "HEAD"):
            return HttpResponseRedirect(url + "?" + urlencode({"next": request.get_full_path()}))
        return HttpResponseRedirect(url, status=303)
