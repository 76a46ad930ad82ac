"""Django admin: agreements are created here (their name and units; the content is proposed and
approved in Helhet), and the municipalities' populations for the population key."""

from django.contrib import admin

from .models import Agreement, Population


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["units"]
    fields = ["name", "units"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["municipality", "year", "population"]
    list_filter = ["year"]
