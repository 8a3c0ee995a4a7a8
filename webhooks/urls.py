"""The organisation's webhook pages (organisation admins only)."""

from django.urls import path

from . import views

_BASE = "organisationer/<slug:slug>/webhooks/"

urlpatterns = [
    path(_BASE, views.WebhookListView.as_view(), name="webhook_list"),
    path(f"{_BASE}ny/", views.WebhookFormView.as_view(), name="webhook_create"),
    path(f"{_BASE}<uuid:uuid>/", views.WebhookDetailView.as_view(), name="webhook_detail"),
    path(f"{_BASE}<uuid:uuid>/rediger/", views.WebhookFormView.as_view(),
         name="webhook_update"),
    path(f"{_BASE}<uuid:uuid>/slet/", views.WebhookDeleteView.as_view(),
         name="webhook_delete"),
    path(f"{_BASE}<uuid:uuid>/test/", views.WebhookActionView.as_view(action="test"),
         name="webhook_test"),
    path(f"{_BASE}<uuid:uuid>/genaktiver/", views.WebhookActionView.as_view(action="enable"),
         name="webhook_enable"),
    path(f"{_BASE}<uuid:uuid>/ny-hemmelighed/",
         views.WebhookActionView.as_view(action="secret"), name="webhook_secret"),
    path(f"{_BASE}<uuid:uuid>/leverancer/<uuid:delivery>/",
         views.WebhookDeliveryView.as_view(), name="webhook_delivery"),
    path(f"{_BASE}<uuid:uuid>/leverancer/<uuid:delivery>/send-igen/",
         views.WebhookActionView.as_view(action="resend"), name="webhook_resend"),
]
