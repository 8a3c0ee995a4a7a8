from django.contrib import admin

from kitos.admin_base import SystemWrittenAdmin

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SystemWrittenAdmin):
    """Subscriptions, for following up: written on the organisation's webhook pages
    (the admin role, the secret shown once). The secret is never shown here."""

    list_display = ("name", "url", "organisation", "is_active", "consecutive_failures",
                    "disabled_at")
    list_filter = ("is_active", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "url")
    list_select_related = ("organisation",)
    exclude = ("secret",)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "started_at", "status_code", "error", "duration_ms", "succeeded")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(SystemWrittenAdmin):
    """The delivery log: each event, its status, last answer and every attempt."""

    list_display = ("event_type", "subscription", "object_repr", "status", "attempts",
                    "last_status_code", "created_at")
    list_filter = ("status", "event_type")
    search_fields = ("uuid", "object_repr", "subscription__name")
    list_select_related = ("subscription",)
    raw_id_fields = ("audit_entry",)
    inlines = (WebhookAttemptInline,)
