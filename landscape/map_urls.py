"""The map part's pages (included by landscape/urls.py)."""

urlpatterns: list = []
