"""External references: forms on an object's Referencer tab and the dead links list."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "referencer/ny/<slug:kind>/<uuid:uuid>/",
        views.ReferenceFormView.as_view(),
        name="externalreference_create",
    ),
    path(
        "referencer/<uuid:uuid>/rediger/",
        views.ReferenceFormView.as_view(),
        name="externalreference_update",
    ),
    path(
        "referencer/<uuid:uuid>/slet/",
        views.ReferenceDeleteView.as_view(),
        name="externalreference_delete",
    ),
    path(
        "referencer/<uuid:uuid>/tjek/",
        views.ReferenceCheckView.as_view(),
        name="externalreference_check",
    ),
    path(
        "organisationer/<slug:slug>/doede-links/",
        views.DeadLinkListView.as_view(),
        name="externalreference_list",
    ),
]
