"""The core's views: the organisation from the URL (the mixin of every page about one
organisation), the organisation switcher, the redirect to the page of the organisation
the user works in and the 404 page (the health endpoints: kitos/health.py)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.defaults import page_not_found

from kitos.api.problems import problem_response
from kitos.models import Organisation

from .tenancy import (
    EDITOR,
    READER,
    active_organisation,
    has_role,
    set_active_organisation,
    user_organisations,
)


def visible_organisation_or_404(user, slug: str) -> Organisation:
    """The organisation with `slug` among those `user` may see; any other is 404 (like
    every object of another organisation: its existence is none of the user's business)."""
    return get_object_or_404(Organisation.objects.visible_to(user), slug=slug)


class OrganisationFromUrlMixin(LoginRequiredMixin):
    """Pages about one organisation, named by its slug in the URL (``<slug:slug>``).

    An organisation the user may not see is 404. ``required_role`` is what the whole page
    needs and ``edit_role`` what its writes need (``can_edit`` for the template,
    ``require_edit()`` in the handler); a member with less gets 403 with
    ``permission_denied_message``.
    """

    organisation_url_kwarg = "slug"
    required_role = READER
    edit_role = EDITOR
    permission_denied_message = _("Du har ikke rettigheder til at ændre dette.")

    @cached_property
    def organisation(self) -> Organisation:
        # The user's organisations are read for the page header anyway (one query,
        # cached on the request): the same set visible_to gives, so no query of its own.
        slug = self.kwargs[self.organisation_url_kwarg]
        for organisation in user_organisations(self.request):
            if organisation.slug == slug:
                return organisation
        raise Http404

    def has_organisation_role(self, role: str) -> bool:
        return has_role(self.request.user, self.organisation.pk, at_least=role)

    @cached_property
    def can_edit(self) -> bool:
        return self.has_organisation_role(self.edit_role)

    def require_edit(self) -> None:
        if not self.can_edit:
            raise PermissionDenied(self.get_permission_denied_message())

    def dispatch(self, request, *args, **kwargs):
        # Every member may see the organisation (readers included): only a stricter
        # requirement costs a check before the page.
        if request.user.is_authenticated and self.required_role != READER:
            if not self.has_organisation_role(self.required_role):
                raise PermissionDenied(self.get_permission_denied_message())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        return context


class ActiveOrganisationRedirectView(LoginRequiredMixin, View):
    """``/oversigt/`` and the like: the page of the organisation the user works in (the
    header's switcher), keeping the query string."""

    route = ""

    def get(self, request, *args, **kwargs):
        organisation = active_organisation(request)
        if organisation is None:
            return redirect("home")
        url = reverse(self.route, args=[organisation.slug])
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"{url}?{query}" if query else url)


class SwitchOrganisationView(LoginRequiredMixin, View):
    """The header's organisation switcher (POST): work in another of the user's
    organisations. One the user may not see is 404."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        organisation = visible_organisation_or_404(
            request.user, request.POST.get("organisation", "")
        )
        set_active_organisation(request, organisation)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("home")
        return HttpResponseRedirect(_after_switch(target, organisation))


def _after_switch(target: str, organisation) -> str:
    """Pages that name an organisation in their path (``/organisationer/<slug>/...``)
    follow the switch to the same page of the new organisation; a unit of the old one
    (``?within=``) means nothing there and is dropped."""
    prefix = "/organisationer/"
    if not target.startswith(prefix):
        return target
    rest = target[len(prefix):].split("/", 1)
    if len(rest) < 2:
        return target
    path = rest[1].split("?", 1)[0]
    return f"{prefix}{organisation.slug}/{path}"


def handler404(request, exception):
    """API clients get JSON, people get the page."""
    if request.path.startswith("/api/"):
        return problem_response(404, _("Ikke fundet."), code="not_found")
    return page_not_found(request, exception)
