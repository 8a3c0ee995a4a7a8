"""SSO identities, read only: they are written by the login itself (sso.services)."""

from django.contrib import admin

from .models import SsoIdentity


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "subject", "created_at", "last_login_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "user__email", "subject"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
