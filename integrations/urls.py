"""The connectors' pages under the organisation."""

from django.urls import path

from . import views

urlpatterns = [
    path("organisationer/<slug:slug>/forbindelser/", views.ConnectorListView.as_view(),
         name="connector_list"),
    path("organisationer/<slug:slug>/forbindelser/ny/", views.ConnectorFormView.as_view(),
         name="connector_create"),
    path("organisationer/<slug:slug>/forbindelser/<uuid:uuid>/",
         views.ConnectorDetailView.as_view(), name="connector_detail"),
    path("organisationer/<slug:slug>/forbindelser/<uuid:uuid>/rediger/",
         views.ConnectorFormView.as_view(), name="connector_update"),
    path("organisationer/<slug:slug>/forbindelser/<uuid:uuid>/koer/",
         views.ConnectorRunView.as_view(), name="connector_run"),
    path("organisationer/<slug:slug>/koersler/<uuid:uuid>/",
         views.SyncRunDetailView.as_view(), name="syncrun_detail"),
    path("organisationer/<slug:slug>/koersler/<uuid:uuid>/udfoer/",
         views.SyncRunApplyView.as_view(), name="syncrun_apply"),
]
