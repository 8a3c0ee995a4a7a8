"""Contract pages."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "kontrakter/<uuid:uuid>/", views.ContractDetailView.as_view(), name="contract_detail"
    ),
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
]
