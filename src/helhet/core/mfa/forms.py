"""The forms of the MFA pages: a code from an authenticator app or a recovery code."""

import re

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_CODE = re.compile(r"\d{6}")


def _code_field(help_text):
    return forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
        ),
    )


def _normalised(code: str) -> str:
    return "".join(code.split()).lower()


class CodeForm(forms.Form):
    """Verifies the user's code: six digits against their authenticator apps, anything else
    against their recovery codes (one use each). django-otp throttles each device after a wrong
    code: the wait doubles with each failure."""

    code = _code_field(
        _("The six digits your authenticator app shows, or one of your recovery codes.")
    )

    error_messages = {
        "wrong": _("The code is wrong or has expired."),
        "throttled": _("Too many wrong codes: wait a while and try again."),
    }

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = _normalised(self.cleaned_data["code"])
        kind = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
        with transaction.atomic():
            # for_verify: the devices are locked, so a recovery code cannot be used twice at once.
            devices = [d for d in devices_for_user(self.user, for_verify=True) if type(d) is kind]
            for device in devices:
                allowed, extra = device.verify_is_allowed()
                if not allowed:
                    if (extra or {}).get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                        raise forms.ValidationError(self.error_messages["throttled"])
                    continue
                if device.verify_token(code):
                    self.device = device
                    return code
        raise forms.ValidationError(self.error_messages["wrong"])


class ConfirmTOTPForm(forms.Form):
    """The first code from a newly set-up authenticator app."""

    code = _code_field(_("The six digits your authenticator app shows now."))

    def __init__(self, device: TOTPDevice, *args, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self):
        code = _normalised(self.cleaned_data["code"])
        if not (TOTP_CODE.fullmatch(code) and self.device.verify_token(code)):
            raise forms.ValidationError(CodeForm.error_messages["wrong"])
        return code
