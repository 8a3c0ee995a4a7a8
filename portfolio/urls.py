"""Portfolio pages."""

from django.urls import path  # noqa: F401 - the portal's pages add their routes here

from . import views  # noqa: F401

urlpatterns = []
