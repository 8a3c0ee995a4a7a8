"""Searchable pickers: a JSON endpoint (``/vaelg/<kind>/?q=...&page=``) that answers a
picker's search with a page of the user's own objects, and the registry of the kinds it
knows. The apps register their kinds from ``AppConfig.ready()`` (the core names none).

The page works without it: every ``<select>`` is rendered with its options; the endpoint
only lets ``static/js/pickers.js`` search large sets as the user types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views import View

from .filtersets import search
from .links import parse_uuids

# Results per page, and the last page a picker may ask for: enough to scroll through,
# never the whole table in one answer.
PAGE_SIZE = 20
MAX_PAGE = 50
# The chosen values a page labels at most (a URL may name any number).
MAX_PICKED = 100


@dataclass(frozen=True)
class Picker:
    """``queryset(user)`` the objects the user may pick (scoped, ordered, with what the
    label needs); ``search_fields`` what the typed words are matched against; ``label``
    the text shown for an object. The value is the object's public id."""

    queryset: Callable
    search_fields: tuple[str, ...]
    label: Callable = str


_pickers: dict[str, Picker] = {}


def add_picker(kind: str, *, queryset: Callable, search_fields: tuple[str, ...],
               label: Callable = str) -> None:
    _pickers.setdefault(kind, Picker(queryset=queryset, search_fields=tuple(search_fields),
                                     label=label))


def picker_url(kind: str) -> str | None:
    """The endpoint of `kind`, or None when no app registered it."""
    return reverse("picker", kwargs={"kind": kind}) if kind in _pickers else None


def picked(kind: str, user, values) -> list[tuple[str, str]]:
    """(value, label) of the objects among `values` (public ids) that the user may pick:
    what a picker shows as chosen. Values that are no id of such an object are left out."""
    picker = _pickers.get(kind)
    ids, _bad = parse_uuids([str(value) for value in values])
    if picker is None or not ids:
        return []
    return [
        (str(obj.uuid), str(picker.label(obj)))
        for obj in picker.queryset(user).filter(uuid__in=ids[:MAX_PICKED])
    ]


def _page(value: str | None) -> int:
    try:
        page = int(value or 1)
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


class PickerView(LoginRequiredMixin, View):
    """``{"results": [{"value": uuid, "text": label}], "more": bool}``: the objects of
    the kind the user sees whose search fields contain every typed word."""

    def get(self, request, kind: str):
        picker = _pickers.get(kind)
        if picker is None:
            raise Http404
        queryset = picker.queryset(request.user)
        queryset = search(queryset, picker.search_fields, request.GET.get("q", ""))
        start = (_page(request.GET.get("page")) - 1) * PAGE_SIZE
        # One row more than shown says whether there is a next page, without a count.
        found = list(queryset[start:start + PAGE_SIZE + 1])
        response = JsonResponse({
            "results": [
                {"value": str(obj.uuid), "text": str(picker.label(obj))}
                for obj in found[:PAGE_SIZE]
            ],
            "more": len(found) > PAGE_SIZE,
        })
        response["Cache-Control"] = "private, no-store"
        return response
