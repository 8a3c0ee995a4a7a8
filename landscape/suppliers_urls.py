"""The suppliers part's pages (included by landscape/urls.py)."""

from django.urls import path

from . import suppliers_views as views

urlpatterns = [
    path("landskab/leverandoerafhaengighed/", views.SupplierDependenceView.as_view(),
         name="supplier_dependence"),
    path("landskab/leverandoerafhaengighed/<uuid:uuid>/",
         views.SupplierDependenceDetailView.as_view(), name="supplier_dependence_detail"),
    path("landskab/monopolbrud/", views.MonopolyBreakView.as_view(), name="monopoly_break"),
    path("landskab/faelles-udbud/", views.JointProcurementView.as_view(),
         name="joint_procurement"),
    path("landskab/faelles-udbud/deling/", views.ProcurementSharingView.as_view(),
         name="procurement_sharing"),
]
