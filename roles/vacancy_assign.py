"""*Ledige roller* in bulk: tick vacant roles on many objects, choose one person, see
what will happen, confirm: one ``role_assign`` per object in one transaction (one audit
group). A role filled by someone else since the preview is refused, not doubled."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from kitos.bulk import MAX_ROWS, Refused, apply_each, report
from kitos.links import parse_uuids

from . import responsibilities as queries
from .bulk_actions import current_holders, give_role
from .models import role_target_models
from .responsibility_forms import VacancyAssignForm
from .views import ActiveOrganisationMixin


@dataclass
class Pick:
    """One ticked vacancy: a role type on an object, and whether it is still vacant."""

    role_type: object
    target: object
    holders: list

    @property
    def key(self) -> str:
        return f"{self.role_type.uuid}:{self.target.uuid}"

    @property
    def holder_names(self) -> str:
        return ", ".join(str(assignment.person) for assignment in self.holders)

    def __str__(self) -> str:
        return f"{self.role_type.name} – {self.target}"


def resolve(organisation, values, *, today) -> tuple[list[Pick], int]:
    """The ticked "<role type uuid>:<object uuid>" pairs of the organisation, and how
    many were not (malformed, another organisation's, a role of another kind). A fixed
    number of queries: the role types, one per kind of object, and the holders."""
    pairs, ignored = [], 0
    for value in dict.fromkeys(values):
        role_part, _sep, object_part = value.partition(":")
        (ids, bad) = parse_uuids([role_part, object_part])
        if bad or len(ids) != 2:
            ignored += 1
        else:
            pairs.append(tuple(ids))
    role_types = {
        str(rt.uuid): rt
        for rt in queries.role_types(organisation).filter(uuid__in={r for r, _o in pairs})
    }
    wanted = defaultdict(set)
    for role_uuid, object_uuid in pairs:
        if role_uuid in role_types:
            wanted[role_types[role_uuid].applies_to].add(object_uuid)
    models, targets = role_target_models(), {}
    for kind, uuids in wanted.items():
        model = models.get(kind)
        if model is None:
            continue
        for obj in model.objects.in_organisation(organisation.pk).filter(uuid__in=uuids):
            targets[(kind, str(obj.uuid))] = obj
    picks = []
    for role_uuid, object_uuid in pairs:
        role_type = role_types.get(role_uuid)
        target = role_type and targets.get((role_type.applies_to, object_uuid))
        if target is None:
            ignored += 1
        else:
            picks.append(Pick(role_type=role_type, target=target, holders=[]))
    held = defaultdict(list)
    if picks:
        assignments = queries.in_force(today).filter(
            organisation=organisation,
            role_type__in={pick.role_type.pk for pick in picks},
            object_id__in={pick.target.pk for pick in picks},
        ).select_related("person", "content_type")
        for assignment in assignments:
            held[(assignment.role_type_id, assignment.content_type_id,
                  assignment.object_id)].append(assignment)
    for pick in picks:
        content_type = ContentType.objects.get_for_model(type(pick.target))
        pick.holders = held[(pick.role_type.pk, content_type.pk, pick.target.pk)]
    return picks, ignored


class VacancyAssignView(ActiveOrganisationMixin, View):
    """POST only: the report's ticked vacancies → preview → *Bekræft*."""

    http_method_names = ["post"]

    def post(self, request):
        if not self.can_assign:
            raise PermissionDenied(_("Du har ikke rettigheder til at tildele roller."))
        back = request.POST.get("next", "")
        if not back.startswith("/roller/ledige/"):
            back = "/roller/ledige/"
        values = request.POST.getlist("vacancy")
        if len(values) > MAX_ROWS:
            messages.error(request, _("Højst %(max)s roller ad gangen.") % {"max": MAX_ROWS})
            return redirect(back)
        picks, ignored = resolve(self.organisation, values, today=self.today)
        if ignored:
            messages.warning(request, ngettext(
                "%(count)s markeret rolle findes ikke i organisationen og er udeladt.",
                "%(count)s markerede roller findes ikke i organisationen og er udeladt.",
                ignored,
            ) % {"count": ignored})
        if not picks:
            messages.error(request, _("Vælg mindst én ledig rolle."))
            return redirect(back)
        form = VacancyAssignForm(request.POST, organisation=self.organisation)
        # Confirmed for the person the preview showed (not one chosen after it).
        if (
            form.is_valid()
            and request.POST.get("step") == "confirm"
            and request.POST.get("previewed") == str(form.cleaned_data["person"].uuid)
        ):
            person = form.cleaned_data["person"]

            def assign(pick):
                # The object is locked and its holders read again inside the transaction:
                # a role filled since the preview (or by the first of two submits, or by
                # someone else at the same moment) is refused, not given twice.
                target = pick.target
                type(target).objects.select_for_update().filter(pk=target.pk).exists()
                holders = current_holders(type(target), [target], pick.role_type,
                                          self.today,
                                          organisation_id=self.organisation.pk)[target.pk]
                if holders:
                    raise Refused(_("Rollen er besat: %(holders)s.") % {
                        "holders": Pick(pick.role_type, target, holders).holder_names
                    })
                give_role(actor=request.user, target=target, role_type=pick.role_type,
                          person=person, replace=False, today=self.today)

            report(request, apply_each(picks, assign))
            return redirect(back)
        return TemplateResponse(request, "roles/vacancies_assign.html", {
            "organisation": self.organisation,
            "form": form,
            "picks": picks,
            "vacant": sum(1 for pick in picks if not pick.holders),
            "back": back,
        }, status=400 if form.errors else 200)
