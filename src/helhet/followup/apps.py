from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "helhet.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .templatetags.followup import remember_steering_seat

        user_logged_in.connect(remember_steering_seat, dispatch_uid="followup_steering_seat")
