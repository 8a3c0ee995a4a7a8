"""Browsing KLE, the national taxonomy of municipal tasks: main groups → groups → topics,
each with the processing activities and systems of the user's organisation that carry
it. KLE is national; what is linked to it is scoped to the organisation the user works
in. The pages live here, above both the catalog (portfolio) and the processing
activities they show."""

from __future__ import annotations

import re
from collections import Counter

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from kitos.tenancy import active_organisation
from portfolio.models import ItSystem, KleNumber, SystemUsage

from .models import ProcessingActivity

KLE_NUMBER = re.compile(r"^[0-9]{2}(\.[0-9]{2}){0,2}$")
SEARCH_LIMIT = 200


def _prefixes(number: str) -> list[str]:
    """"15.00.05" -> ["15", "15.00", "15.00.05"]."""
    parts = number.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


class KleMixin(LoginRequiredMixin):
    @cached_property
    def organisation(self):
        return active_organisation(self.request)

    def linked_counts(self) -> tuple[Counter, Counter]:
        """How many of the organisation's processing activities and system usages carry
        each KLE node or a node below it (two queries, counted up the tree here)."""
        activities, usages = Counter(), Counter()
        if self.organisation is None:
            return activities, usages
        user = self.request.user
        through = ProcessingActivity.kle_numbers.through
        activity_rows = through.objects.filter(
            processingactivity__in=ProcessingActivity.objects
            .visible_to(user).in_organisation(self.organisation)
        ).values_list("klenumber__number", "processingactivity_id")
        usage_rows = (
            SystemUsage.objects.visible_to(user)
            .in_organisation(self.organisation)
            .filter(system__kle_numbers__isnull=False)
            .values_list("system__kle_numbers__number", "pk")
        )
        for counter, rows in ((activities, activity_rows), (usages, usage_rows)):
            seen = set()
            for number, pk in rows:
                for prefix in _prefixes(number):
                    if (prefix, pk) not in seen:
                        seen.add((prefix, pk))
                        counter[prefix] += 1
        return activities, usages

    def annotate(self, nodes):
        activities, usages = self.linked_counts()
        for node in nodes:
            node.activity_count = activities[node.number]
            node.usage_count = usages[node.number]
        return nodes


class KleListView(KleMixin, TemplateView):
    """The tree of main groups and groups, or the topics matching a search."""

    template_name = "gdpr/kle_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:100]
        if q:
            is_number = re.fullmatch(r"[0-9.]+", q) is not None
            found = KleNumber.objects.visible_to(self.request.user).filter(
                Q(number__startswith=q) if is_number else Q(title__icontains=q)
            )
            results = list(found.select_related("parent__parent")[: SEARCH_LIMIT + 1])
            context["results"] = self.annotate(results[:SEARCH_LIMIT])
            context["truncated"] = len(results) > SEARCH_LIMIT
        else:
            nodes = list(
                KleNumber.objects.visible_to(self.request.user).filter(
                    number__regex=r"^[0-9]{2}(\.[0-9]{2})?$"
                )
            )
            self.annotate(nodes)
            groups = {}
            for node in nodes:
                if "." in node.number:
                    groups.setdefault(node.number.split(".")[0], []).append(node)
            main_groups = [n for n in nodes if "." not in n.number]
            for main in main_groups:
                main.groups = groups.get(main.number, [])
            context["main_groups"] = main_groups
        context.update(q=q, organisation=self.organisation)
        return context


class KleDetailView(KleMixin, TemplateView):
    """One KLE node: where it sits, what is below it, and the organisation's processing
    activities and systems carrying it or a node below it."""

    template_name = "gdpr/kle_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.kwargs["number"]
        if not KLE_NUMBER.match(number):
            raise Http404
        user = self.request.user
        path = {
            node.number: node
            for node in KleNumber.objects.visible_to(user).filter(number__in=_prefixes(number))
        }
        if number not in path:
            raise Http404
        node = path[number]
        children = self.annotate(list(KleNumber.objects.filter(parent=node)))
        subtree = Q(number=number) | Q(number__startswith=f"{number}.")
        kle_subtree = KleNumber.objects.filter(subtree)
        context.update(
            node=node,
            ancestors=[path[p] for p in _prefixes(number)[:-1] if p in path],
            children=children,
            organisation=self.organisation,
            catalog_systems=list(
                ItSystem.objects.visible_to(user)
                .filter(kle_numbers__in=kle_subtree)
                .distinct()
                .order_by("name")[:100]
            ),
        )
        if self.organisation is not None:
            context["activities"] = list(
                ProcessingActivity.objects.visible_to(user)
                .in_organisation(self.organisation)
                .filter(kle_numbers__in=kle_subtree)
                .distinct()
                .order_by("name")
            )
            context["usages"] = list(
                SystemUsage.objects.visible_to(user)
                .in_organisation(self.organisation)
                .filter(system__kle_numbers__in=kle_subtree)
                .select_related("system")
                .distinct()
            )
        return context
