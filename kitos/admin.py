"""The admin site's titles and the read-only audit log."""

import json

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from kitos import options
from kitos.models import AuditAction, AuditEntry, Membership, Option, Organisation

from .admin_base import KitosInline, KitosModelAdmin, SystemWrittenAdmin

admin.site.site_header = _("kitos administration")
admin.site.site_title = _("kitos administration")
admin.site.index_title = _("Oversigt")

RelatedOnly = admin.RelatedOnlyFieldListFilter


def _shown(value) -> str:
    """An audited value as people read it (the log stores JSON)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@admin.register(AuditEntry)
class AuditEntryAdmin(SystemWrittenAdmin):
    """The log is written by the services only: nobody adds, changes or deletes here."""

    list_display = (
        "timestamp",
        "action",
        "object_repr",
        "content_type",
        "changed_fields",
        "actor_repr",
        "organisation",
        "source",
    )
    list_filter = (
        "action",
        "source",
        ("content_type", RelatedOnly),
        ("organisation", RelatedOnly),
    )
    search_fields = ("object_repr", "actor_repr")
    list_select_related = ("content_type", "organisation")
    date_hierarchy = "timestamp"
    fields = (
        "timestamp",
        "action",
        "source",
        "actor",
        "actor_repr",
        "organisation",
        "content_type",
        "object_link",
        "object_id",
        "object_uuid",
        "request_link",
        "changes_table",
    )
    readonly_fields = fields

    @admin.display(description=_("ændrede felter"))
    def changed_fields(self, entry):
        return ", ".join(sorted(entry.changes or {}))

    @admin.display(description=_("objekt"))
    def object_link(self, entry):
        if entry.action == AuditAction.DELETE:
            return entry.object_repr
        ct = entry.content_type
        try:
            url = reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[entry.object_id])
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=_("handlings-id"))
    def request_link(self, entry):
        """Every change made by the same request or import run."""
        url = reverse("admin:kitos_auditentry_changelist")
        return format_html('<a href="{}?group_id={}">{}</a>', url, entry.group_id, entry.group_id)

    @admin.display(description=_("ændringer"))
    def changes_table(self, entry):
        model = entry.content_type.model_class()
        rows = []
        for name, change in sorted((entry.changes or {}).items()):
            if isinstance(change, list) and len(change) == 2:
                before, after = change
            else:  # not the usual [before, after]: show it whole
                before, after = None, change
            rows.append((self._field_label(model, name), _shown(before), _shown(after)))
        if not rows:
            return "–"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("felt"),
            _("før"),
            _("efter"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @staticmethod
    def _field_label(model, name: str) -> str:
        try:
            return f"{model._meta.get_field(name).verbose_name} ({name})"
        except (AttributeError, FieldDoesNotExist):  # model gone, or not a field
            return name


class MembershipInline(KitosInline):
    model = Membership
    fields = ("user", "role")
    raw_id_fields = ("user",)  # never list every login of every organisation
    list_select_related = ("user", "organisation")


@admin.register(Organisation)
class OrganisationAdmin(KitosModelAdmin):
    list_display = ("name", "slug", "cvr", "updated_at")
    search_fields = ("name", "slug", "cvr")
    # Nothing on an organisation is worth filtering by; search finds it.
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)

    # New tenants, and removing one, are a superuser's decision (organisation_create);
    # an organisation's admins may edit its name and memberships.
    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Membership)
class MembershipAdmin(KitosModelAdmin):
    list_display = ("user", "organisation", "role", "updated_at")
    list_filter = ("role", ("organisation", RelatedOnly))
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "organisation__name",
    )
    list_select_related = ("user", "organisation")
    raw_id_fields = ("user",)


@admin.register(Option)
class OptionAdmin(KitosModelAdmin):
    """The shared option lists (superusers): new entries, renames, and switching an entry
    off for every organisation. Each organisation adapts the lists on its own page."""

    list_display = ("name", "kind", "code", "sort_order", "is_enabled", "is_obligatory")
    list_filter = ("kind", "is_enabled", "is_obligatory")
    search_fields = ("name", "code", "description")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def remove(self, actor, obj) -> None:
        # Deleting an option in use would silently drop it from objects' many-to-many
        # fields (the single ones are protected): switch it off ("i brug") instead.
        if options.in_use(obj):
            raise ValidationError(_(
                "Valgmuligheden er i brug og kan ikke slettes. Slå “i brug” fra i stedet: "
                "så kan den ikke vælges mere, og eksisterende registreringer beholder den."))
        super().remove(actor, obj)

    def has_view_permission(self, request, obj=None):
        # Staff may read the shared lists (their organisation adapts them on its own
        # page); only superusers change them.
        return request.user.is_superuser or super().has_view_permission(request, obj)
