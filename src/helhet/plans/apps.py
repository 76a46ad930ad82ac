from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "helhet.plans"
    label = "plans"
    verbose_name = _("Treatment plans and SIP")
