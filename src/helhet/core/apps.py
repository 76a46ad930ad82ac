from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "helhet.core"
    label = "core"
    verbose_name = _("Organisations and units")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.urls import register_converter

        from .converters import IdConverter
        from .db import use_c_timestamptz_loader
        from .mfa import checks  # noqa: F401  (registers the deploy check)

        connection_created.connect(use_c_timestamptz_loader, dispatch_uid="helhet_timestamptz")
        # `<id:…>` in every urls.py: a number too long for an id is a 404 (core/converters.py).
        register_converter(IdConverter, "id")
