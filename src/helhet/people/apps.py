from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "helhet.people"
    label = "people"
    verbose_name = _("Persons")

    def ready(self) -> None:
        from helhet.access import policy

        from .header import read_header

        policy.PAGE_READS.append(read_header)
