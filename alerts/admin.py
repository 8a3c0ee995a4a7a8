"""Admin for alert rules, contract subscriptions and the alert log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kitos.admin_base import KitosModelAdmin, SystemWrittenAdmin

from .models import AlertDelivery, AlertRule, ContractSubscription

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
