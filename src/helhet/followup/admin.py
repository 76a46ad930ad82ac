"""Django admin: steering groups are reference data (who follows which units up)."""

from django.contrib import admin

from .models import SteeringGroup


@admin.register(SteeringGroup)
class SteeringGroupAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["units"]
    autocomplete_fields = ["members"]
