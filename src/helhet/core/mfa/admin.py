"""The admin's view of the second factor: administrators see and remove users' devices (a reset,
logged as a security event by access/security.py), never add or change one, and never see a key
(django-otp's own TOTP admin shows the key's QR code)."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

DEVICE_MODELS = (TOTPDevice, StaticDevice, WebAuthnCredential)


class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "confirmed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


for model in DEVICE_MODELS:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, DeviceAdmin)


@admin.action(
    description=_("Reset the second factor (remove every device)"), permissions=["change"]
)
def reset_second_factor(modeladmin, request, queryset):
    """The users must set up a second factor again at their next password login."""
    with transaction.atomic():
        removed = sum(
            model.objects.filter(user__in=queryset).delete()[1].get(model._meta.label, 0)
            for model in DEVICE_MODELS
        )
    modeladmin.message_user(
        request,
        ngettext("%(count)d device removed.", "%(count)d devices removed.", removed)
        % {"count": removed},
        messages.SUCCESS,
    )
