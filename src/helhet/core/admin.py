"""Django admin: reference data only (organisations, units, users, memberships). No person data."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

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
        (_("Employment"), {"fields": ["organisation", "profession"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Employment"), {"fields": ["organisation", "profession"]}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["unit", "role"]
    autocomplete_fields = ["user"]
