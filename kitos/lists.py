"""The machinery of every list page: scoped rows filtered by the model's FilterSet (the
same class the API, the export and the dashboards use), sorting by whitelisted columns,
pagination, columns the user chooses (remembered in ``ListPreference``) and the export of
the filtered rows to Excel.

An entity's list is a short declaration: a ``ListView`` subclass naming the model, its
FilterSet and the ``Column``s of ``<app>/tables.py``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import django_filters
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from . import bulk
from .models import ListPreference
from .pickers import picked, picker_url
from .saved_views import ListViews, plain_url
from .tenancy import active_organisation, has_role, user_organisations

PAGE_SIZES = (25, 50, 100)
# Deadlines this close are marked "soon" in lists (the alert rules' middle threshold).
SOON_DAYS = 90
# Query parameters of the list itself; everything else belongs to the FilterSet.
LIST_PARAMETERS = ("sort", "page", "page_size", "format", "visning")
# ?format= of the report export "as shown" (ListView.report_export).
REPORT_FORMATS = ("report", "csv")
# Filters a person never sets in the panel (sync clients use them through the API).
NOT_IN_PANEL = ("changed_since",)
# A panel select with more options than this is a searchable picker (static/js/pickers.js).
PICKER_MIN_OPTIONS = 8


@dataclass(frozen=True)
class ListContext:
    """What column hooks may depend on besides the row: the user and today's date."""

    user: object
    today: datetime.date


@dataclass(frozen=True)
class Column:
    """One column of a list.

    ``value`` is a dotted attribute path ("supplier.name", "get_status_display") or a
    function of the row; ``sort`` the ORM expression the column sorts by (None: not
    sortable); ``kind`` how the value is shown (text, date, deadline, money, number, bool,
    list); ``annotate`` and ``prefetch`` are what the rows need for this column, applied
    only while it is shown (or sorted by), so that hidden columns cost nothing.
    ``total="sum"`` adds the column's sum over all filtered rows (not just the page) to
    the list's footer; it sums the ``sort`` expression (a field or the column's
    annotation), so a totalled column must be sortable. ``bulk`` (optional) gives the
    values of many rows at once, ``bulk(context, model, pks) -> {pk: value}`` in one
    query: the report export reads rows as plain values, not instances, and uses it for
    a column whose ``value`` is a function (kitos/report_rows.py).
    """

    key: str
    label: str
    value: str | Callable
    sort: str | None = None
    kind: str = "text"
    default: bool = True
    annotate: Callable[[ListContext], dict] | None = None
    prefetch: Callable[[ListContext], list] | None = None
    total: str | None = None
    bulk: Callable[[ListContext, type, list], dict] | None = None

    def __post_init__(self):
        if self.total not in (None, "sum"):
            raise ValueError(f"Column {self.key}: unknown total {self.total!r}")
        if self.total and not self.sort:
            raise ValueError(f"Column {self.key}: a totalled column needs a sort expression")

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "number")

    def cell(self, row, today: datetime.date) -> Cell:
        value = self.value(row) if callable(self.value) else _resolve(row, self.value)
        if value in ("", []):
            value = None
        return Cell(value=value, kind=self.kind, state=_deadline_state(self.kind, value, today))


# The bookkeeping columns every list ends with, hidden until chosen: the organisation a
# row belongs to (a user in several sees which) and when it last changed.
ORGANISATION_COLUMN = Column("organisation", gettext_lazy("Organisation"), "organisation.name",
                             sort="organisation__name", default=False)
UPDATED_COLUMN = Column("updated_at", gettext_lazy("Ændret"), "updated_at", sort="updated_at",
                        kind="date", default=False)


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str
    state: str | None = None  # "soon" / "overdue" for deadlines


def _resolve(row, path: str):
    value = row
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not hasattr(value, "all"):
            value = value()
    if hasattr(value, "all"):  # a related manager: its (prefetched) objects
        return list(value.all())
    return value


def _values(query, key: str) -> list[str]:
    """The values of `key` in a query string, "?a=x,y" and "?a=x&a=y" alike."""
    return [part for raw in query.getlist(key) for part in raw.split(",") if part]


def _grouped(chips: list[dict]) -> list[tuple[str, str]]:
    """(label, values) of the chips, the values of one parameter together."""
    grouped: list[tuple[str, str]] = []
    previous = None
    for chip in chips:
        if chip["key"] == previous:
            grouped[-1] = (chip["label"], f"{grouped[-1][1]}, {chip['value']}")
        else:
            grouped.append((chip["label"], chip["value"]))
        previous = chip["key"]
    return grouped


def _deadline_state(kind: str, value, today: datetime.date) -> str | None:
    if kind != "deadline" or not isinstance(value, datetime.date):
        return None
    if value < today:
        return "overdue"
    if (value - today).days <= SOON_DAYS:
        return "soon"
    return None


def count_of(queryset, outer: str):
    """The number of rows of `queryset` whose `outer` is the list's row, as a subquery:
    unlike Count() over a join, filters on the same relation never multiply it."""
    return Coalesce(
        Subquery(
            queryset.filter(**{outer: OuterRef("pk")})
            .order_by()
            .values(outer)
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


# Columns that higher apps add to a lower app's list: model label -> [(after, column)].
# E.g. the unit list counts the systems each unit is responsible for; the systems live
# in the portfolio app, which registers that column from its AppConfig.ready().
_added_columns: dict[str, list[tuple[str, Column]]] = {}


def add_column(model_label: str, column: Column, *, after: str) -> None:
    """Show `column` in the list of `model_label`, right after the column `after`."""
    added = _added_columns.setdefault(model_label, [])
    if all(existing.key != column.key for _after, existing in added):
        added.append((after, column))


def columns_of(model, declared: Iterable[Column]) -> tuple[Column, ...]:
    """The declared columns of `model`'s list with those other apps added."""
    columns = list(declared)
    for after, column in _added_columns.get(model._meta.label, ()):
        keys = [existing.key for existing in columns]
        columns.insert(keys.index(after) + 1 if after in keys else len(columns), column)
    return tuple(columns)


@dataclass(frozen=True)
class PanelFilter:
    """One filter of the FilterSet as the panel shows it."""

    name: str
    label: str
    widget: str  # checkboxes, select, boolean, daterange, text
    field: object  # the form's BoundField (errors, value)
    options: tuple = ()
    selected: tuple = ()
    after: str = ""
    before: str = ""
    multiple: bool = False  # several values (?name=a&name=b)
    picker: bool = False  # searchable (static/js/pickers.js)
    picker_url: str = ""  # the options are searched there (kitos/pickers.py)


class ListView(LoginRequiredMixin, View):
    """A list page. Subclasses declare ``model``, ``filterset_class``, ``columns``,
    ``title`` and, optionally, ``export_entity`` (key of kitos.excel.exporter),
    ``filter_options`` (filter name → function(request) giving (value, label) pairs for
    filters by public id), ``panel_first``, ``default_sort`` and ``create_label``."""

    model = None
    filterset_class = None
    columns: tuple[Column, ...] = ()
    title = ""
    create_label = ""
    export_entity: str | None = None
    filter_options: dict[str, Callable] = {}
    # Filters shown first in the panel, in this order (the rest follow as declared).
    panel_first: tuple[str, ...] = ()
    # The column sorted by when the URL names none (default: the first sortable one).
    default_sort: str | None = None
    # Filters the panel leaves out (links and the API still use them), e.g. the exact
    # unit where the panel offers "the unit or one below it": one unit filter a list.
    panel_hidden: tuple[str, ...] = ()
    # Filters whose options are searched as the user types instead of all rendered:
    # filter name -> picker kind (kitos/pickers.py); the panel renders the chosen ones.
    filter_pickers: dict[str, str] = {}
    template_name = "kitos/list.html"
    partial_template_name = "kitos/_list_results.html"
    # The htmx target the partial replaces.
    results_id = "list-results"

    # -- names -------------------------------------------------------------------------

    @property
    def list_key(self) -> str:
        return self.request.resolver_match.url_name

    def route(self, suffix: str) -> str:
        return f"{self.list_key.removesuffix('_list')}_{suffix}"

    # -- rows --------------------------------------------------------------------------

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).for_list()

    def get_filterset(self):
        return self.filterset_class(
            self.request.GET, queryset=self.get_queryset(), request=self.request
        )

    @cached_property
    def all_columns(self) -> tuple[Column, ...]:
        return columns_of(self.model, self.columns)

    @cached_property
    def saved_views(self) -> ListViews:
        return ListViews(self.request, self.list_key)

    def chosen_columns(self) -> list[Column]:
        by_key = {column.key: column for column in self.all_columns}
        # An open saved view (?visning=) brings its columns; else the user's choice.
        open_view = self.saved_views.current
        preference = open_view.columns if open_view else (
            ListPreference.objects.filter(user=self.request.user, list_key=self.list_key)
            .values_list("columns", flat=True)
            .first()
        )
        # Keys of columns that no longer exist are ignored, not an error.
        chosen = [by_key[key] for key in preference or () if key in by_key]
        return chosen or [column for column in self.all_columns if column.default]

    def sort_column(self) -> tuple[Column, bool]:
        sortable = [column for column in self.all_columns if column.sort]
        requested = self.request.GET.get("sort", "")
        descending = requested.startswith("-")
        for column in sortable:
            if column.key == requested.removeprefix("-"):
                return column, descending
        # An unknown key is not an error: the list falls back to its default order.
        default = self.default_sort or sortable[0].key
        return next(column for column in sortable if column.key == default), False

    def rows_queryset(self, filterset, shown: list[Column], sort: Column, descending):
        context = ListContext(user=self.request.user, today=timezone.localdate())
        queryset = filterset.qs
        annotations = {}
        for column in {*shown, sort}:
            if column.annotate:
                annotations.update(column.annotate(context))
        queryset = queryset.annotate(**annotations)
        for column in shown:
            if column.prefetch:
                queryset = queryset.prefetch_related(*column.prefetch(context))
        expression = F(sort.sort)
        expression = (
            expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        )
        # pk last: rows with equal values keep one order from page to page.
        return queryset.order_by(expression, "pk")

    # -- requests ----------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        default_view_url = self.saved_views.default_redirect()
        if default_view_url:
            return redirect(default_view_url)
        cleaned_url = self.cleaned_url()
        if cleaned_url and not request.headers.get("HX-Request"):
            return redirect(cleaned_url)
        filterset = self.get_filterset()
        valid = filterset.is_valid()
        shown = self.chosen_columns()
        sort, descending = self.sort_column()
        queryset = self.rows_queryset(filterset, shown, sort, descending)
        if not valid:
            queryset = queryset.none()
        if request.GET.get("format") in REPORT_FORMATS:
            if valid:
                return self.report_export(filterset, queryset, shown, request.GET["format"])
            messages.error(request, _("Listen kan ikke eksporteres, før filtrene er rettet."))
        if request.GET.get("format") == "xlsx" and self.export_entity:
            if valid:
                return self.export(queryset)
            messages.error(request, _("Listen kan ikke eksporteres, før filtrene er rettet."))
        partial = bool(request.headers.get("HX-Request")) and not request.headers.get(
            "HX-History-Restore-Request"
        )
        context = self.get_context_data(
            filterset=filterset, queryset=queryset, shown=shown, sort=sort,
            descending=descending,
        )
        context["partial"] = partial
        template = self.partial_template_name if partial else self.template_name
        response = TemplateResponse(
            request, template, context, status=200 if valid else 400
        )
        if cleaned_url:
            # The panel pushes its URL into the history: the one without "a=&b=".
            response["HX-Push-Url"] = cleaned_url
        patch_vary_headers(response, ("HX-Request",))
        return response

    def cleaned_url(self) -> str | None:
        """The URL without its empty parameters ("Alle", an empty search) when it has
        any: a submitted panel leaves one for every control it did not set."""
        query = self.request.GET
        if all(value for _key, values in query.lists() for value in values):
            return None
        kept = query.copy()
        for key, values in query.lists():
            if any(values):
                kept.setlist(key, [value for value in values if value])
            else:
                del kept[key]
        return f"{self.request.path}?{kept.urlencode()}" if kept else self.request.path

    def post(self, request, *args, **kwargs):
        """Save the columns the user ticked (any member may: it is their own view), or
        carry out an action of the saved views' menu (kitos/saved_views.py), or run a bulk
        action on ticked rows (kitos/bulk.py checks the rights)."""
        if "view_action" in request.POST:
            return self.saved_views.handle_post(
                columns=[column.key for column in self.chosen_columns()]
            )
        if "bulk_action" in request.POST:
            return bulk.handle(self, request)
        if request.POST.get("action") == "reset":
            ListPreference.objects.filter(user=request.user, list_key=self.list_key).delete()
        else:
            known = [column.key for column in self.all_columns]
            ticked = [key for key in request.POST.getlist("columns") if key in known]
            if ticked:
                ListPreference.objects.update_or_create(
                    user=request.user, list_key=self.list_key, defaults={"columns": ticked}
                )
            else:
                messages.error(request, _("Vælg mindst én kolonne."))
        if request.GET.get("visning"):
            # The chosen columns replace the open view's: the list is no longer the view.
            return redirect(plain_url(request.path, request.GET))
        # The form posts to the list's own URL, so its query string keeps the filters.
        return redirect(request.get_full_path())

    def export(self, queryset) -> HttpResponse:
        from kitos.excel.exporter import export_queryset
        from kitos.excel.writer import workbook_response

        content = export_queryset(
            entity=self.export_entity,
            queryset=queryset,
            organisation=active_organisation(self.request),
        )
        filename = f"{self.export_entity}-{timezone.localdate().isoformat()}.xlsx"
        return workbook_response(content, filename)

    # Rows fetched per query by the report export (with their prefetches per chunk).
    report_chunk_size = 2000

    def report_export(self, filterset, queryset, shown: list[Column], kind: str):
        """The filtered rows "as shown" (``?format=report``: .xlsx; ``?format=csv``): the
        chosen columns in their order with the list's values, the active filters above
        the table and a totals row; streamed (rows read by kitos/report_rows.py, written
        by kitos/excel/as_shown.py)."""
        from django.http import StreamingHttpResponse

        from kitos.excel import as_shown
        from kitos.report_rows import report_rows

        today = timezone.localdate()
        columns = [
            as_shown.ReportColumn(label=str(column.label), kind=column.kind,
                                  total=column.total == "sum")
            for column in shown
        ]
        rows = report_rows(
            queryset, shown, context=ListContext(user=self.request.user, today=today),
            convert=as_shown.shown_value, resolve=_resolve,
            chunk_size=self.report_chunk_size,
        )
        report = as_shown.Report(
            title=str(self.title),
            filters=as_shown.filters_text(self.active_filters(filterset)),
            columns=columns,
            rows=rows,
        )
        stem = f"{slugify(str(self.title)) or 'liste'}-{today.isoformat()}"
        if kind == "csv":
            response = StreamingHttpResponse(
                as_shown.csv_lines(report), content_type=as_shown.CSV_CONTENT_TYPE
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        else:
            from kitos.excel.writer import XLSX_CONTENT_TYPE

            response = StreamingHttpResponse(
                as_shown.xlsx_chunks(report), content_type=XLSX_CONTENT_TYPE
            )
            response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response

    def active_filters(self, filterset) -> list[tuple[str, str]]:
        """The filters in effect as (label, shown values) pairs, labels of options
        instead of their ids: what the report writes above its table."""
        return _grouped(self.chips(filterset))

    def chips(self, filterset) -> list[dict]:
        """One chip per value of a filter in effect: its label, the value as shown (the
        option's label, not its id) and the URL of the list without that value. The one
        place that names the active filters: chips, page title and report header."""
        chips = []
        query = self.request.GET.get("q", "").strip()
        if query:
            chips.append(self._chip("q", "", _("Søgning"), query))
        panel = self.panel(filterset)
        for entry in panel:
            if entry.widget == "daterange":
                if entry.after:
                    chips.append(self._chip(f"{entry.name}_after", entry.after, entry.label,
                                            _("fra %(date)s") % {"date": entry.after}))
                if entry.before:
                    chips.append(self._chip(f"{entry.name}_before", entry.before, entry.label,
                                            _("til %(date)s") % {"date": entry.before}))
                continue
            if entry.widget == "boolean":
                labels = {"true": _("Ja"), "false": _("Nej")}
            else:
                labels = {value: label.strip() for value, label in entry.options}
            for value in entry.selected:
                if value:
                    chips.append(self._chip(entry.name, value, entry.label,
                                            labels.get(value, value)))
        for kept in self.kept_filters(filterset, exclude={entry.name for entry in panel}):
            name = kept["name"]
            labels = self.option_labels(name, kept["values"])
            for value in kept["values"]:
                chips.append(self._chip(kept["key"], value, kept["label"],
                                        labels.get(value, value)))
        return chips

    def _chip(self, key: str, value: str, label: str, shown: str) -> dict:
        """`value` of the parameter `key` as a chip; an empty `value`: the whole key."""
        without = self.request.GET.copy()
        remaining = []
        for raw in without.getlist(key) if value else ():
            parts = raw.split(",")
            if raw == value:
                continue
            if value in parts:  # one of "?a=x,y"
                remaining.extend(part for part in parts if part and part != value)
            else:
                remaining.append(raw)
        if remaining:
            without.setlist(key, remaining)
        else:
            without.pop(key, None)
        without.pop("page", None)
        url = f"{self.request.path}?{without.urlencode()}" if without else self.request.path
        return {"key": key, "label": label, "value": str(shown), "remove_url": url}

    def option_labels(self, name: str, values: list[str]) -> dict[str, str]:
        """The shown labels of `values` of a filter outside the panel (value -> label)."""
        if name in self.filter_pickers:
            return dict(picked(self.filter_pickers[name], self.request.user, values))
        if name in self.filter_options:
            return {
                str(value): str(label).strip()
                for value, label in self.filter_options[name](self.request)
                if str(value) in values
            }
        return {}

    # -- context -----------------------------------------------------------------------

    def row_url(self, row) -> str:
        """The row's own page (the first column links to it)."""
        return reverse(self.route("detail"), kwargs={"uuid": row.uuid})

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("page_size", PAGE_SIZES[0]))
        except ValueError:
            return PAGE_SIZES[0]
        return size if size in PAGE_SIZES else PAGE_SIZES[0]

    def totals(self, queryset, shown: list[Column]) -> dict:
        """The row count and the sums of the shown totalled columns over all filtered
        rows, in one aggregate query (the annotations the columns need are already on
        `queryset`; Django leaves out those the aggregate does not use)."""
        sums = {
            f"total_{column.key}": Sum(column.sort) for column in shown if column.total
        }
        return queryset.aggregate(row_count=Count("pk"), **sums)

    def footer(self, totals: dict, shown: list[Column]) -> dict:
        """The footer row: a label with the row count and one cell per shown column
        (the totals formatted as the column's cells are)."""
        count = totals["row_count"]
        meta = self.model._meta
        noun = meta.verbose_name if count == 1 else meta.verbose_name_plural
        return {
            "label": _("I alt (%(count)s %(noun)s)") % {
                "count": formats.number_format(count, force_grouping=True), "noun": noun,
            },
            "cells": [
                Cell(value=totals[f"total_{column.key}"], kind=column.kind)
                if column.total else None
                for column in shown
            ],
        }

    def get_context_data(self, *, filterset, queryset, shown, sort, descending) -> dict:
        request, today = self.request, timezone.localdate()
        paginator = Paginator(queryset, self.page_size())
        # The count the paginator needs comes with the totals: one query for both.
        totals = self.totals(queryset, shown)
        paginator.count = totals["row_count"]
        page = paginator.get_page(request.GET.get("page"))
        bulk_bar = bulk.list_context(self)
        rows = [
            {
                "uuid": row.uuid if bulk_bar else None,
                "url": self.row_url(row),
                "cells": [column.cell(row, today) for column in shown],
            }
            for row in page.object_list
        ]
        panel = self.panel(filterset)
        in_panel = {entry.name for entry in panel}
        chips = self.chips(filterset)
        return {
            "view": self,
            "title": self.title,
            "chips": chips,
            "heading_filters": _grouped(chips),
            "clear_url": self.clear_url(),
            "list_key": self.list_key,
            "results_id": self.results_id,
            "rows": rows,
            "footer": self.footer(totals, shown),
            "page": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "ellipsis": paginator.ELLIPSIS,
            "page_sizes": PAGE_SIZES,
            "page_size": paginator.per_page,
            "headers": self.headers(shown, sort, descending),
            "column_choices": [
                {"column": column, "checked": column in shown} for column in self.all_columns
            ],
            "panel": panel,
            "kept_filters": self.kept_filters(filterset, exclude=in_panel),
            "filter_errors": not filterset.is_valid(),
            "filtered": any(
                key not in LIST_PARAMETERS and value for key, value in request.GET.items()
            ),
            "sort": request.GET.get("sort", ""),  # kept when the panel is submitted
            "create_url": self.create_url(),
            "create_label": self.create_label,
            "can_export": bool(self.export_entity),
            "saved_views": self.saved_views,
            "bulk": bulk_bar,
        }

    def clear_url(self) -> str:
        """The list without filters (its sorting and page size kept)."""
        kept = {key: self.request.GET[key] for key in ("sort", "page_size")
                if self.request.GET.get(key)}
        return f"{self.request.path}?{urlencode(kept)}" if kept else self.request.path

    def headers(self, shown, sort, descending) -> list[dict]:
        headers = []
        for column in shown:
            current = column == sort
            next_descending = current and not descending
            headers.append({
                "column": column,
                "sortable": bool(column.sort),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "sort_param": f"{'-' if next_descending else ''}{column.key}",
            })
        return headers

    def create_url(self) -> str | None:
        """The "Ny ..." button: for members who may create in the active organisation."""
        organisation = active_organisation(self.request)
        edit_role = getattr(self.model, "edit_role", "editor")
        if organisation is None or not has_role(
            self.request.user, organisation.pk, at_least=edit_role
        ):
            return None
        try:
            return reverse(self.route("create"))
        except NoReverseMatch:
            return None

    # -- filter panel ------------------------------------------------------------------

    def panel(self, filterset) -> list[PanelFilter]:
        """The FilterSet's own filters as form controls (the names and values are the
        FilterSet's, so the panel, the API and the dashboards' links agree). Built once
        a request: the chips, the title and the report read it too."""
        cached = getattr(self, "_panel", None)
        if cached is not None and cached[0] is filterset:
            return cached[1]
        entries = self._panel_entries(filterset)
        self._panel = (filterset, entries)
        return entries

    def _panel_entries(self, filterset) -> list[PanelFilter]:
        entries = []
        form = filterset.form
        data = self.request.GET
        names = [*self.panel_first, *(n for n in filterset.filters if n not in self.panel_first)]
        for name in names:
            filter_ = filterset.filters[name]
            if name in NOT_IN_PANEL or name == "q" or name in self.panel_hidden:
                continue
            widget, options = self.widget_for(name, filter_)
            if widget is None:
                continue
            options = tuple((str(value), str(label)) for value, label in options)
            multiple = widget == "select" and isinstance(filter_, django_filters.BaseInFilter)
            kind = self.filter_pickers.get(name)
            entries.append(PanelFilter(
                name=name,
                label=capfirst(str(filter_.label or name)),
                widget=widget,
                field=form[name],
                options=options,
                selected=tuple(_values(data, name) if multiple else data.getlist(name)),
                after=data.get(f"{name}_after", ""),
                before=data.get(f"{name}_before", ""),
                multiple=multiple,
                picker=widget == "select" and (
                    bool(kind) or multiple or len(options) > PICKER_MIN_OPTIONS),
                picker_url=(picker_url(kind) or "") if kind else "",
            ))
        return entries

    def widget_for(self, name: str, filter_) -> tuple[str | None, Iterable]:
        if name in self.filter_pickers:
            # Only the chosen options: the rest are searched (kitos/pickers.py).
            values = _values(self.request.GET, name)
            return "select", picked(self.filter_pickers[name], self.request.user, values)
        if name in self.filter_options:
            return "select", self.options_of(self.filter_options[name])
        if name == "organisation":
            if len(user_organisations(self.request)) < 2:
                return None, ()
            return "select", [(o.uuid, o.name) for o in user_organisations(self.request)]
        if isinstance(filter_, django_filters.DateFromToRangeFilter):
            return "daterange", ()
        if isinstance(filter_, django_filters.BooleanFilter):
            return "boolean", ()
        if isinstance(filter_, django_filters.ModelChoiceFilter):
            field = filter_.field
            return "select", [
                (field.prepare_value(obj), field.label_from_instance(obj))
                for obj in field.queryset
            ]
        if isinstance(filter_, django_filters.MultipleChoiceFilter | django_filters.ChoiceFilter):
            choices = filter_.extra.get("choices")
            if choices:
                widget = (
                    "checkboxes"
                    if isinstance(filter_, django_filters.MultipleChoiceFilter)
                    else "select"
                )
                return widget, choices
        if isinstance(filter_, django_filters.CharFilter):
            return "text", ()
        # Filters by public id without a list of options (person, target, ...) still
        # work from links (the dashboards use them); they are not typed by hand.
        return None, ()

    def options_of(self, options) -> list:
        """The choices `options(request)` gives, read once a request: several filters
        of a list offer the same choices (the responsible unit and ``within`` both list
        the units), and each would otherwise run the same query again."""
        cache = self.__dict__.setdefault("_options", {})
        if options not in cache:
            cache[options] = list(options(self.request))
        return cache[options]

    def kept_filters(self, filterset, *, exclude: set[str]) -> list[dict]:
        """Filters set in the URL that the panel does not show (from a dashboard link):
        kept as hidden fields when the panel is submitted, and named with a way out."""
        kept = []
        names = {
            f"{name}{suffix}": name
            for name in filterset.filters
            for suffix in ("", "_after", "_before", "_min", "_max")
        }
        for key in self.request.GET:
            name = names.get(key)
            if name is None or name in exclude or name == "q":
                continue
            without = self.request.GET.copy()
            without.pop(key)
            without.pop("page", None)
            kept.append({
                "key": key,
                "name": name,
                "values": (
                    _values(self.request.GET, key)
                    if isinstance(filterset.filters[name], django_filters.BaseInFilter)
                    else self.request.GET.getlist(key)
                ),
                "label": capfirst(str(filterset.filters[name].label or name)),
                "remove_url": f"{self.request.path}?{without.urlencode()}",
            })
        return kept
