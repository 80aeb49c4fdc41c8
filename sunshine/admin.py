"""Django admin is for the system administrator's configuration only: regions and schedules.

No personal-data model is registered here, and the audit log (which names persons) is removed from
the admin that django-auditlog installs (DESIGN §2: the system administrator sees no personal data).
"""

from django.contrib import admin

from .models import AuditEntry, Region

admin.site.unregister(AuditEntry)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "is_urban"]
    list_filter = ["level", "is_urban"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
