"""The second factor of password logins (django-otp: TOTP and recovery codes; django-otp-webauthn:
passkeys).

Who is asked: every signed-in user with clinical access (a membership of a unit) or admin rights
(staff or superuser), and anyone who has set up a device of their own accord, unless the session
signed in through an identity provider (the OIDC login sets IDENTITY_PROVIDER_SESSION_KEY) or
HELHET_MFA_REQUIRED is off. A steering-group member without a membership sees aggregated,
suppressed figures only (followup/access.py) and is not asked; they may set up a device.

Until the session is verified, `middleware.SecondFactorMiddleware` lets such a user reach only
the MFA pages (`/accounts/mfa/`), logging out, the language switch and the public pages.
"""

from django.conf import settings
from django.http import HttpRequest
from django_otp import user_has_device
from django_otp.middleware import is_verified

# Set by the login through an identity provider (the provider's slug): such a session has
# passed the provider's own strong authentication.
from helhet.core.oidc_views import IDENTITY_PROVIDER_SESSION_KEY  # noqa: E402

__all__ = ["IDENTITY_PROVIDER_SESSION_KEY", "needs_second_factor", "session_verified"]


def needs_second_factor(request: HttpRequest) -> bool:
    """Whether REQUEST's signed-in user must verify a second factor in this session (and has
    not yet)."""
    user = request.user
    if not user.is_authenticated or session_verified(request):
        return False
    return is_required_for(user, memberships=getattr(request, "memberships", None))


def session_verified(request: HttpRequest) -> bool:
    """A second factor verified in this session, or a login through an identity provider."""
    return bool(request.session.get(IDENTITY_PROVIDER_SESSION_KEY)) or is_verified(request.user)


def is_required_for(user, *, memberships=None) -> bool:
    """Whether USER's password logins need a second factor (while HELHET_MFA_REQUIRED is on):
    clinical access, admin rights, or a device of their own."""
    if not settings.HELHET_MFA_REQUIRED:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if memberships is None:
        memberships = user.memberships.all()
    return bool(memberships) or has_device(user)


def has_device(user) -> bool:
    return user_has_device(user, confirmed=True)
