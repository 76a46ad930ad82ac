"""The MFA pages at /accounts/mfa/: verify a password login, set up a second factor, manage the
devices (an authenticator app, recovery codes, passkeys)."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.middleware import is_verified
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from . import has_device, is_required_for, session_verified
from .forms import CodeForm, ConfirmTOTPForm

RECOVERY_CODE_COUNT = 10
# Device names are stored untranslated (the admin and the access log show them).
APP_NAME = gettext_noop("Authenticator app")
RECOVERY_NAME = gettext_noop("Recovery codes")


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def index(request):
    """Verify (a password login with a device), set up (one without), or manage the devices."""
    user = request.user
    if has_device(user) and not session_verified(request):
        return _verify(request)
    if not has_device(user) and is_required_for(user, memberships=request.memberships):
        return redirect("mfa:totp")
    return _manage(request)


def _verified_with(request, device) -> None:
    """Mark the session verified by DEVICE, under a new session key (the session gained rights)."""
    otp_login(request, device)
    request.session.cycle_key()


def _verify(request):
    form = CodeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        _verified_with(request, form.device)
        return redirect(_next_url(request) or "core:home")
    has_passkey = WebAuthnCredential.objects.filter(user=request.user, confirmed=True).exists()
    return render(
        request,
        "mfa/verify.html",
        {"form": form, "next": _next_url(request), "has_passkey": has_passkey},
    )


def _manage(request):
    devices = list(devices_for_user(request.user))
    return render(
        request,
        "mfa/manage.html",
        {
            "apps": [d for d in devices if isinstance(d, TOTPDevice)],
            "recovery": next((d for d in devices if isinstance(d, StaticDevice)), None),
            "passkeys": [d for d in devices if isinstance(d, WebAuthnCredential)],
            "verified": session_verified(request),
        },
    )


def totp(request):
    """Set up an authenticator app: the QR code and the key in text, confirmed by a code. The
    first device also gets the recovery codes, shown once."""
    user = request.user
    if has_device(user) and not session_verified(request):
        return redirect("mfa:index")  # adding a device takes a verified session
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    form = ConfirmTOTPForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        first = not has_device(user)
        with transaction.atomic():
            device.confirmed = True
            device.save()
            codes = new_recovery_codes(user) if first else []
        if not is_verified(user):
            _verified_with(request, device)
        if first:
            return _show_recovery_codes(request, codes, first=True)
        messages.success(request, _("The authenticator app is set up."))
        return redirect("mfa:index")
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "mfa/totp.html",
        {
            "form": form,
            # An SVG element, not an <img> with a data: URL: nothing for the CSP to allow.
            "qr": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, border=4)),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace USER's recovery codes with RECOVERY_CODE_COUNT new ones (each works once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _show_recovery_codes(request, codes: list[str], *, first: bool = False):
    return render(
        request,
        "mfa/recovery_codes.html",
        {"codes": codes, "codes_text": "\n".join(codes) + "\n", "first": first},
    )


@require_POST
def recovery(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not session_verified(request) or not has_device(request.user):
        return redirect("mfa:index")
    return _show_recovery_codes(request, new_recovery_codes(request.user))


def remove(request, kind: str, device_id: int):
    """Remove one of the user's devices, after a code typed again."""
    model = {"app": TOTPDevice, "passkey": WebAuthnCredential}[kind]
    device = get_object_or_404(model, pk=device_id, user=request.user, confirmed=True)
    if not session_verified(request):
        return redirect("mfa:index")
    form = CodeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        device.delete()
        messages.success(request, _("The device is removed."))
        return redirect("mfa:index")
    return render(request, "mfa/remove.html", {"form": form, "device": device})
