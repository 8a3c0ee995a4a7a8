"""Admin for alert rules, contract subscriptions, the alert log and manual advice."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kitos.admin_base import KitosModelAdmin, SystemWrittenAdmin

from .models import Advice, AdviceSent, AlertDelivery, AlertRule, ContractSubscription

RelatedOnly = admin.RelatedOnlyFieldListFilter


@admin.register(AlertRule)
class AlertRuleAdmin(KitosModelAdmin):
    list_display = ("__str__", "kind", "days_before", "is_active", "organisation")
    list_filter = ("kind", "is_active", ("organisation", RelatedOnly))
    list_select_related = ("organisation",)


@admin.register(ContractSubscription)
class ContractSubscriptionAdmin(KitosModelAdmin):
    list_display = ("contract", "person", "organisation")
    list_filter = (("organisation", RelatedOnly),)
    search_fields = ("contract__name", "person__name", "person__email")
    list_select_related = ("contract", "person", "organisation")
    autocomplete_fields = ("contract", "person")


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(SystemWrittenAdmin):
    """The log of what was sent to whom and when: written by the alert scan only."""

    list_display = (
        "created_at", "object_repr", "rule", "deadline", "email", "without_owner",
        "sent_at", "read_at",
    )
    list_filter = ("rule__kind", "without_owner", ("organisation", RelatedOnly))
    search_fields = ("object_repr", "email")
    list_select_related = ("rule", "digest", "organisation")
    date_hierarchy = "created_at"

    @admin.display(description=_("mail sendt"))
    def sent_at(self, delivery):
        return delivery.digest.sent_at if delivery.digest else None


class AdviceSentInline(admin.TabularInline):
    model = AdviceSent
    extra = 0
    fields = ("sent_at", "due_at", "recipients", "ok", "error")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Advice)
class AdviceAdmin(SystemWrittenAdmin):
    """Manual advice, for following up: set and changed on the object's "Advis" tab
    (through alerts.advice, which plans the next send); shown here with its sent log."""

    list_display = (
        "subject", "repetition", "next_send_at", "stop_on", "is_active", "last_sent_at",
        "organisation",
    )
    list_filter = ("repetition", "is_active", ("organisation", RelatedOnly))
    search_fields = ("subject", "name")
    list_select_related = ("organisation",)
    inlines = (AdviceSentInline,)
