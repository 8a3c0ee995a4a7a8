"""The landscape's front page: its analyses, each with what it answers."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .sections import sections


class LandscapeHomeView(LoginRequiredMixin, TemplateView):
    """The analyses across the inventory of the user's organisation(s)."""

    template_name = "landscape/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=sections(), **kwargs)
