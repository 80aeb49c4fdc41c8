"""Only configuration is in Django admin; no personal record is (DESIGN §2)."""

from django.contrib import admin

from .models import ScheduleRule


@admin.register(ScheduleRule)
class ScheduleRuleAdmin(admin.ModelAdmin):
    list_display = ["activity", "measure_year", "interval_days"]
    list_editable = ["interval_days"]
