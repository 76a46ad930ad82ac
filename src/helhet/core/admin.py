"""Django admin: reference data only (organisations, units, users, memberships). No person data.

Every change here that alters access is logged by access/security.py. Administrators never set
a clinician's password (core/accounts.py): a new user, and any user on request, gets a link.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .accounts import NewUserForm, password_link_send
from .mfa.admin import reset_second_factor
from .models import Membership, Municipality, Organisation, Unit, User


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation_number"]
    list_filter = ["kind"]
    search_fields = ["name", "organisation_number"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "unit_type", "access_mode"]
    list_filter = ["unit_type", "access_mode"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organisations", "municipalities"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "organisation",
        "profession",
        "is_active",
    ]
    list_filter = ["organisation", "profession", "is_active", "is_staff"]
    fieldsets = tuple(BaseUserAdmin.fieldsets or ()) + (
        (_("Employment"), {"fields": ["organisation", "profession", "hsa_id"]}),
    )
    add_form = NewUserForm
    add_fieldsets = (
        (None, {"fields": ["username", "email", "first_name", "last_name"]}),
        (_("Employment"), {"fields": ["organisation", "profession", "hsa_id"]}),
    )
    actions = ["send_password_link", reset_second_factor]

    def get_fieldsets(self, request, obj=None):
        """Clinical staff (users with an employer) have no password field here."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.organisation_id is None:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def user_change_password(self, request, id, form_url=""):
        """Only accounts without an employer (administrators) may have their password set here:
        they hold no clinical access. Clinical staff set theirs through a link."""
        user = self.get_object(request, unquote(id))
        if user is not None and user.organisation_id is not None:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        # An account given an employer keeps no password an administrator may have chosen
        # while it had none: the user sets their own through the link.
        employed = change and "organisation" in form.changed_data and obj.organisation_id
        if employed and obj.has_usable_password():
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change or employed:
            password_link_send(user=obj, request=request)

    @admin.action(description=_("Send a link to set the password"))
    def send_password_link(self, request, queryset):
        sent = [user for user in queryset if password_link_send(user=user, request=request)]
        if sent:
            self.message_user(
                request,
                ngettext(
                    "A link to set the password was sent to %(count)d user.",
                    "A link to set the password was sent to %(count)d users.",
                    len(sent),
                )
                % {"count": len(sent)},
                messages.SUCCESS,
            )
        if skipped := queryset.count() - len(sent):
            self.message_user(
                request,
                ngettext(
                    "%(count)d user has no e-mail address or is inactive: no link was sent.",
                    "%(count)d users have no e-mail address or are inactive: no link was sent.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["unit", "role"]
    autocomplete_fields = ["user"]
