"""Template context of every page: the unread alert count in the header."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from kitos.tenancy import user_organisations

from .models import AlertDelivery

# The annotation on each of the user's organisations (kitos.tenancy.user_organisations).
UNREAD_ANNOTATION = "unread_alert_count"


def unread_alerts_in_organisation(user):
    """The user's unread alerts in the organisation of the row (registered with
    ``kitos.hooks.add_organisation_annotation`` from AlertsConfig.ready): summed over
    the user's organisations it is ``AlertDelivery.objects.for_user(user).unread()``,
    read in the chrome's one query instead of a count of its own."""
    unread = (
        AlertDelivery.objects.unread()
        .filter(user_id=user.pk, organisation_id=OuterRef("pk"))
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


def unread_alerts(request) -> dict:
    """The number of the user's unread alerts for the header (no query of its own; none
    for anonymous visitors)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_alert_count": 0}
    return {"unread_alert_count": sum(
        getattr(organisation, UNREAD_ANNOTATION, 0)
        for organisation in user_organisations(request)
    )}
