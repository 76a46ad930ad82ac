"""`check --deploy`: the second factor may be off only in development or a demo."""

from django.conf import settings
from django.core.checks import Error, Tags, register

E001 = "helhet_mfa.E001"


@register(Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    if settings.HELHET_MFA_REQUIRED or settings.DEV or settings.DEMO:
        return []
    return [
        Error(
            "HELHET_MFA_REQUIRED is off: password logins need no second factor.",
            hint="Unset HELHET_MFA_REQUIRED (it is on by default); only a development or demo "
            "server (HELHET_DEV or HELHET_DEMO) may turn it off.",
            id=E001,
        )
    ]
