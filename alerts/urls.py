"""Alert pages: notifications, alert rules, contract subscriptions, the calendar feed and
manual advice."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "kontrakter/<uuid:uuid>/abonner/",
        views.ContractSubscriptionView.as_view(subscribe=True),
        name="contract_subscribe",
    ),
    path(
        "kontrakter/<uuid:uuid>/afmeld/",
        views.ContractSubscriptionView.as_view(subscribe=False),
        name="contract_unsubscribe",
    ),
    path("varsler/", views.NotificationListView.as_view(), name="notification_list"),
    path(
        "varsler/ny-kalenderadresse/<uuid:uuid>/",
        views.CalendarTokenRotateView.as_view(),
        name="calendar_token_rotate",
    ),
    path(
        "varsler/<int:pk>/laest/",
        views.NotificationMarkReadView.as_view(),
        name="notification_mark_read",
    ),
    path(
        "varsler/alle-laest/",
        views.NotificationMarkAllReadView.as_view(),
        name="notification_mark_all_read",
    ),
    path(
        "organisationer/<slug:slug>/varslingsregler/",
        views.AlertRuleListView.as_view(),
        name="alert_rule_list",
    ),
    path(
        "organisationer/<slug:slug>/varslingsregler/<int:pk>/skift/",
        views.AlertRuleChangeView.as_view(action="toggle"),
        name="alert_rule_toggle",
    ),
    path(
        "organisationer/<slug:slug>/varslingsregler/<int:pk>/slet/",
        views.AlertRuleChangeView.as_view(action="delete"),
        name="alert_rule_delete",
    ),
    path(
        "kalender/<str:token>.ics",
        views.PersonCalendarView.as_view(),
        name="person_calendar",
    ),
    path(
        "advis/ny/<slug:kind>/<uuid:uuid>/",
        views.AdviceFormView.as_view(),
        name="advice_create",
    ),
    path("advis/<uuid:uuid>/", views.AdviceDetailView.as_view(), name="advice_detail"),
    path(
        "advis/<uuid:uuid>/rediger/",
        views.AdviceFormView.as_view(),
        name="advice_update",
    ),
    path(
        "advis/<uuid:uuid>/slaa-fra/",
        views.AdviceDeactivateView.as_view(),
        name="advice_deactivate",
    ),
    path(
        "advis/<uuid:uuid>/slet/",
        views.AdviceDeleteView.as_view(),
        name="advice_delete",
    ),
]
