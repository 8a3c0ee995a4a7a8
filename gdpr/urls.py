"""Data protection pages."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "databehandleraftaler/<uuid:uuid>/",
        views.AgreementDetailView.as_view(),
        name="agreement_detail",
    ),
]
