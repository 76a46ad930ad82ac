from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "helhet.governance"
    label = "governance"
    verbose_name = _("Collaboration agreements")

    def ready(self) -> None:
        from helhet.people.selectors import OVERVIEW_READS

        from .disputes import on_overview

        # the person's overview says who acts meanwhile while a dispute about them runs
        OVERVIEW_READS["disputes"] = on_overview
