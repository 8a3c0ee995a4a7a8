from django.contrib import admin

from kitos.admin_base import SystemWrittenAdmin

from .models import ExternalReference


@admin.register(ExternalReference)
class ExternalReferenceAdmin(SystemWrittenAdmin):
    """External references, for following up: written on their object's "Referencer"
    tab (the service checks the object's edit rights), the link columns by the weekly
    check."""

    list_display = ("title", "url", "check_status", "checked_at", "dead_since", "organisation")
    list_filter = ("check_status", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "url", "external_id")
    list_select_related = ("organisation",)
