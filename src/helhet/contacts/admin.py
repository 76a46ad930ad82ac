"""Django admin: the intervention catalogue (reference data; no person data here)."""

from django.contrib import admin

from .models import Intervention


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_sv", "authority", "guideline_priority", "category", "active"]
    list_filter = ["authority", "category", "active"]
    search_fields = ["code", "name", "name_sv"]
    prepopulated_fields = {"code": ["name"]}
