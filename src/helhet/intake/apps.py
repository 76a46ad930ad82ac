from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "helhet.intake"
    label = "intake"
    verbose_name = _("Referrals and intake")
