from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "helhet.access"
    label = "access"
    verbose_name = _("Access and consent")

    def ready(self) -> None:
        from . import security

        security.connect()
