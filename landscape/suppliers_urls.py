"""The suppliers part's pages (included by landscape/urls.py)."""

urlpatterns: list = []
