"""Configuration kept by the system administrator: the issuing office of a region's documents."""

from django.contrib import admin

from .models import IssuingOffice


@admin.register(IssuingOffice)
class IssuingOfficeAdmin(admin.ModelAdmin):
    list_display = ["region", "name", "prefix", "recipients"]
    search_fields = ["region__code", "region__name", "name"]
    autocomplete_fields = ["region"]
