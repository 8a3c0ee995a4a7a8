"""The "Referencer" tab, the reference forms and an organisation's dead links."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from kitos.detail import add_service_errors, can_edit
from kitos.links import object_url
from kitos.views import OrganisationFromUrlMixin
from roles.models import role_target_models

from .models import (
    DEAD_STATUSES,
    REFERENCE_TARGET_LABELS,
    ExternalReference,
)
from .services import owner_field, reference_create, reference_delete, reference_update
from .tasks import check_reference_links

TAB = "referencer"
DEAD_LINKS_PAGE_SIZE = 50


def references_context(user, obj) -> dict:
    """The references of `obj` and whether the user may change them."""
    return {
        "references": list(ExternalReference.objects.about(obj).order_by("title", "pk")),
        "references_can_edit": can_edit(user, obj),
        "reference_create_url": reverse(
            "externalreference_create", args=[obj.role_target, obj.uuid]
        ),
    }


def _target_models() -> dict[str, type]:
    return {
        kind: model for kind, model in role_target_models().items()
        if model._meta.label in REFERENCE_TARGET_LABELS
    }


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = ExternalReference
        fields = ("title", "url", "external_id")
        widgets = {"url": forms.URLInput(attrs={"inputmode": "url"})}

    def groups(self):
        return [(None, self.visible_fields())]

    def _post_clean(self):
        # The service validates (uniqueness per object needs the object); the form
        # only checks each field by itself.
        pass


class ReferenceFormView(LoginRequiredMixin, TemplateView):
    """Add a reference to an object, or change one (editors of the object; others 403,
    objects the user may not see 404)."""

    template_name = "kitos/object_form.html"
    reference = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if "kind" in kwargs:
            model = _target_models().get(kwargs["kind"])
            if model is None:
                raise Http404
            self.target = get_object_or_404(
                model.objects.visible_to(request.user), uuid=kwargs["uuid"]
            )
        else:
            self.reference = reference_of(request.user, kwargs["uuid"])
            self.target = self.reference.target
        self.target.check_editable_by(request.user)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data=None):
        return ReferenceForm(data, instance=self.reference or ExternalReference())

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in ReferenceForm.Meta.fields}
            try:
                if self.reference is None:
                    reference = reference_create(actor=request.user, target=self.target, **data)
                    messages.success(request, _("Referencen “%(reference)s” er tilføjet.")
                                     % {"reference": reference})
                else:
                    reference = reference_update(
                        actor=request.user, reference=self.reference, data=data
                    )
                    messages.success(request, _("Referencen “%(reference)s” er gemt.")
                                     % {"reference": reference})
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(self.cancel_url)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    @property
    def cancel_url(self) -> str:
        return f"{object_url(self.target)}?tab={TAB}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            is_create=self.reference is None, object=self.reference,
            parent=self.target if self.reference is None else None,
            verbose_name=ExternalReference._meta.verbose_name,
            cancel_url=self.cancel_url,
        )
        return context


def reference_of(user, uuid) -> ExternalReference:
    """A reference whose object the user may see (else 404)."""
    reference = get_object_or_404(
        ExternalReference.objects.select_related("content_type"), uuid=uuid
    )
    model = reference.content_type.model_class()
    target = model.objects.visible_to(user).filter(pk=reference.object_id).first()
    if target is None:
        raise Http404
    reference.target = target
    return reference


class ReferenceDeleteView(LoginRequiredMixin, View):
    """Remove a reference (POST, editors of its object)."""

    http_method_names = ["post"]

    def post(self, request, uuid):
        reference = reference_of(request.user, uuid)
        target = reference.target
        reference_delete(actor=request.user, reference=reference)
        messages.success(request, _("Referencen “%(reference)s” er fjernet.")
                         % {"reference": reference})
        return redirect(f"{object_url(target)}?tab={TAB}")


class ReferenceCheckView(LoginRequiredMixin, View):
    """Check a reference's link now (POST, editors of its object): queued, so the page
    never waits on a slow server; without a broker it runs at once."""

    http_method_names = ["post"]

    def post(self, request, uuid):
        reference = reference_of(request.user, uuid)
        reference.check_editable_by(request.user)
        check_reference_links.delay(urls=[reference.url])
        messages.info(request, _("Linket tjekkes nu. Genindlæs siden om lidt for at se svaret."))
        return redirect(f"{object_url(reference.target)}?tab={TAB}")


class DeadLinkListView(OrganisationFromUrlMixin, TemplateView):
    """The organisation's references whose link is dead, each with its object: the list
    to work through after the weekly check."""

    template_name = "references/dead_links.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        references = (
            ExternalReference.objects.filter(
                organisation=self.organisation, check_status__in=DEAD_STATUSES
            )
            .select_related("content_type")
            .order_by("-dead_since", "title", "pk")
        )
        page = Paginator(references, DEAD_LINKS_PAGE_SIZE).get_page(self.request.GET.get("side"))
        rows = attach_targets(list(page.object_list), self.organisation.pk)
        context.update(organisation=self.organisation, page=page, rows=rows)
        return context


def attach_targets(references: list, organisation_id) -> list:
    """(reference, object, its url, its kind) for the references whose object still belongs to the
    organisation: one query per kind of object on the page."""
    ids_by_model = defaultdict(set)
    for reference in references:
        ids_by_model[reference.content_type.model_class()].add(reference.object_id)
    targets = {}
    for model, ids in ids_by_model.items():
        for obj in model._base_manager.filter(
            pk__in=ids, **{owner_field(model): organisation_id}
        ):
            targets[(model, obj.pk)] = obj
    rows = []
    for reference in references:
        obj = targets.get((reference.content_type.model_class(), reference.object_id))
        if obj is not None:
            rows.append((reference, obj, object_url(obj), obj._meta.verbose_name))
    return rows
