"""The base of every kitos admin page: organisation scoping, per-object edit rights and
the audited write path of ``kitos.services``.

The admin is one more client of the same rules as the views and the API, not a way
around them: lists start from ``visible_to(user)``, related-object choices are scoped the
same way, an object can only be changed or deleted by someone its edit policy allows, and
every add, change and delete goes through the services, which validate, check rights and
write the audit entry. App admins only declare columns, filters and inlines.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import router, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from kitos import services
from kitos.models import Organisation
from kitos.tenancy import ADMIN, EDITOR, READER, EditPolicy, has_role, organisation_ids

# Kept by the system, shown read-only on the change page (not on the add page, where a
# freshly generated uuid would not be the one saved).
RECORD_FIELDS = ("uuid", "created_at", "updated_at", "path", "depth")

# The organisations a user may put an object in: those where they hold the model's
# edit role (an editor for tenant data, an admin for catalog and reference data).
_ORGANISATIONS_FOR_ROLE = {
    READER: "visible_to",
    EDITOR: "editable_by",
    ADMIN: "administrable_by",
}


class ServiceRefused(Exception):
    """A service refused a write (no right, or invalid data).

    Raised out of the admin's transaction, so that everything the request wrote is rolled
    back, and turned into an error message by the view instead of a 403 or 500 page.
    """

    def __init__(self, error: PermissionDenied | ValidationError):
        super().__init__(error)
        if isinstance(error, ValidationError):
            self.messages = [
                message if field == NON_FIELD_ERRORS else f"{field}: {message}"
                for field, field_messages in _error_messages(error)
                for message in field_messages
            ]
        else:
            self.messages = [
                str(error) or str(_("Du har ikke rettigheder til at ændre dette objekt."))
            ]


def _error_messages(error: ValidationError):
    if hasattr(error, "error_dict"):
        return error.message_dict.items()
    return [(NON_FIELD_ERRORS, error.messages)]


@contextmanager
def service_call():
    """Turn a service's PermissionDenied/ValidationError into ServiceRefused. Only the
    write calls are wrapped: Django's own PermissionDenied (no model permission) must
    still give a 403."""
    try:
        yield
    except (PermissionDenied, ValidationError) as error:
        raise ServiceRefused(error) from error


def visible(queryset, user):
    """`queryset` narrowed to what `user` may see. Every kitos model's manager has
    ``visible_to``; a model without one is shown to superusers only (fail closed)."""
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    return queryset if user.is_superuser else queryset.none()


def _may_edit(user, obj) -> bool:
    if isinstance(obj, EditPolicy):
        try:
            obj.check_editable_by(user)
        except PermissionDenied:
            return False
        return True
    # Link tables (a unit using a system ...) have no edit policy of their own: editors
    # of their organisation may change them. Anything else without one: superusers.
    return has_role(user, getattr(obj, "organisation_id", None), at_least=EDITOR)


def may_edit(request, obj) -> bool:
    """Whether the request's user may change `obj`, by the check the services make.

    A change page asks this many times (the object, every inline, the buttons), so the
    answer is remembered for the request."""
    if obj.pk is None:
        return _may_edit(request.user, obj)
    cache = request.__dict__.setdefault("_kitos_may_edit", {})
    key = (obj._meta.label, obj.pk)
    if key not in cache:
        cache[key] = _may_edit(request.user, obj)
    return cache[key]


def editable_values(obj) -> dict:
    """The form-editable field values of an unsaved instance, for entity services that
    take keyword arguments (``unit_create``, ``oversight_record_create``)."""
    return {
        field.name: getattr(obj, field.name)
        for field in obj._meta.concrete_fields
        if field.editable and not field.primary_key
    }


def _form_changes(form) -> tuple[dict, dict]:
    """The changed values of a model form: concrete fields and many-to-many fields.
    (A many-to-many field with its own through model is an inline, not a form field.)"""
    opts = form.instance._meta
    concrete = {f.name for f in opts.concrete_fields if not f.primary_key}
    many = {f.name for f in opts.many_to_many}
    data = {name: form.cleaned_data[name] for name in form.changed_data if name in concrete}
    m2m = {name: form.cleaned_data[name] for name in form.changed_data if name in many}
    return data, m2m


def _new_m2m(form) -> dict:
    """The many-to-many values of an add form (empty ones left out: nothing to set)."""
    return {
        f.name: form.cleaned_data[f.name]
        for f in form.instance._meta.many_to_many
        if form.cleaned_data.get(f.name)
    }


def _adopt(obj, saved) -> None:
    """Make the admin's instance the stored one (pk and values) when the service returned
    another instance, so that inlines, ``save_related`` and the change message continue
    with what was written."""
    if saved is obj:
        return
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ScopedAdminMixin:
    """Shared by model admins and inlines: scoped lists and choices, per-object rights,
    and the service calls that write."""

    def get_queryset(self, request):
        # Django's queryset (ordering, inline permissions), narrowed to the user's scope.
        return visible(super().get_queryset(request), request.user)

    def get_field_queryset(self, db, db_field, request):
        """The choices of a foreign key or many-to-many field: what the user may see, and
        for the organisation only those where the user may edit this kind of object.
        (This is the hook both ``formfield_for_foreignkey`` and
        ``formfield_for_manytomany`` take their queryset from.)"""
        queryset = super().get_field_queryset(db, db_field, request)  # related ordering
        related = db_field.remote_field.model
        base = queryset if queryset is not None else related._default_manager.using(db)
        if related is Organisation:
            role = getattr(self.model, "edit_role", EDITOR)
            return getattr(base, _ORGANISATIONS_FOR_ROLE[role])(request.user)
        if related is get_user_model() and not request.user.is_superuser:
            # Logins of the organisations the user edits, not every account's username.
            return base.filter(
                memberships__organisation__in=organisation_ids(request.user, at_least=EDITOR)
            ).distinct()
        if hasattr(base, "visible_to"):
            return base.visible_to(request.user)
        return queryset  # users, content types: not tenant data

    def has_change_permission(self, request, obj=None):
        # For an inline, `obj` is the parent: changing its rows means changing it.
        return super().has_change_permission(request, obj) and (
            obj is None or may_edit(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or may_edit(request, obj)
        )

    # The writes. Admins override these to call an entity service with its own rules;
    # an admin with a link set inline (LinkSetFormSet) takes its rows as keyword
    # arguments (``links``) for that service.

    def create(self, actor, obj, m2m, **links):
        if links:
            raise NotImplementedError(f"{type(self).__name__}.create must write {set(links)}")
        return services.create_object(actor=actor, instance=obj, m2m=m2m or None)

    def update(self, actor, obj, data, m2m, **links):
        if links:
            raise NotImplementedError(f"{type(self).__name__}.update must write {set(links)}")
        return services.update_object(actor=actor, instance=obj, data=data, m2m=m2m or None)

    def remove(self, actor, obj) -> None:
        if not isinstance(obj, EditPolicy):
            services.delete_link(actor=actor, instance=obj)  # a link table row
            return
        services.delete_object(actor=actor, instance=obj)

    def write(self, actor, obj, form, change: bool, links: dict | None = None):
        """Save a validated form's instance through the services (with the rows of its
        link sets, `links`, when it has any). For a change, the stored object is reloaded
        and given the changed values, so the audit entry has the real before and after."""
        if not isinstance(obj, EditPolicy):
            return form.save()  # a link table, see remove()
        links = links or {}
        if change:
            data, m2m = _form_changes(form)
            if not data and not m2m and not links:
                return obj
            stored = type(obj)._default_manager.get(pk=obj.pk)
            saved = self.update(actor, stored, data, m2m, **links)
        else:
            saved = self.create(actor, obj, _new_m2m(form), **links)
        _adopt(obj, saved)
        return obj


class KitosModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The model admin every kitos model uses."""

    list_per_page = 50
    show_full_result_count = False  # a second COUNT(*) over the unfiltered scope

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is None:
            return readonly
        names = {f.name for f in self.model._meta.concrete_fields}
        return readonly + tuple(n for n in RECORD_FIELDS if n in names and n not in readonly)

    def has_link_sets(self) -> bool:
        """Whether an inline holds link rows that the object's own service writes."""
        return any(issubclass(inline.formset, LinkSetFormSet) for inline in self.inlines)

    def save_model(self, request, obj, form, change):
        if self.has_link_sets():
            return  # written in save_related, together with its link sets
        with service_call():
            self.write(request.user, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # save_model (or, with link sets, the write below) wrote the form's many-to-many
        # fields through the service (audited), so unlike Django's default there is no
        # form.save_m2m() here.
        if self.has_link_sets():
            links = {}
            for formset in formsets:
                if isinstance(formset, LinkSetFormSet):
                    links.update(formset.links())
            with service_call():
                self.write(request.user, form.instance, form, change, links=links)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        formset.actor = request.user
        with service_call():
            formset.save()

    def delete_model(self, request, obj):
        with service_call():
            self.remove(request.user, obj)

    def delete_queryset(self, request, queryset):
        # One audited delete per object; response_action's transaction makes the whole
        # action all or nothing.
        with service_call():
            for obj in queryset:
                self.remove(request.user, obj)

    # A refused write rolls back the view's transaction and comes back as a message.

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ServiceRefused as refused:
            return self.refused(request, refused)

    def delete_view(self, request, *args, **kwargs):
        try:
            return super().delete_view(request, *args, **kwargs)
        except ServiceRefused as refused:
            return self.refused(request, refused)

    def response_action(self, request, queryset):
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().response_action(request, queryset)
        except ServiceRefused as refused:
            return self.refused(request, refused)

    def refused(self, request, refused: ServiceRefused):
        for message in refused.messages:
            self.message_user(request, message, messages.ERROR)
        # Only POSTs write, so this GET of the same page cannot be refused again.
        return HttpResponseRedirect(request.get_full_path())


class LinkTableAdmin(KitosModelAdmin):
    """A link table (a unit using a system, a contract covering a usage ...) is listed
    for search and clean-up, but rows are added and changed on the parent's page, where
    the parent's service writes them. Deleting stays allowed: deleting a parent cascades
    to its rows, and Django asks for delete permission on each."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SystemWrittenAdmin(KitosModelAdmin):
    """Rows kitos writes itself (the audit log, alert deliveries, import runs, KLE from
    its import): listed and shown for following up, never added, changed or deleted
    here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KitosInlineFormSet(BaseInlineFormSet):
    """Inline rows written through the inline admin's service calls, and checked to point
    only at objects of the parent's organisation."""

    writer: ScopedAdminMixin | None = None  # the inline admin (KitosInline.get_formset)
    actor = None  # the request's user (KitosModelAdmin.save_formset)

    def clean(self):
        super().clean()
        organisation_id = getattr(self.instance, "owning_organisation_id", None)
        if organisation_id is None:
            return  # a new organisation, or a parent form with errors of its own
        relations = [f for f in self.model._meta.concrete_fields if f.is_relation and f != self.fk]
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            for field in relations:
                if field.name not in form.fields or field.name not in form.cleaned_data:
                    continue
                other = getattr(form.cleaned_data[field.name], "organisation_id", None)
                if other is not None and other != organisation_id:
                    form.add_error(field.name, _("Skal høre til samme organisation."))

    def save_new(self, form, commit=True):
        if not commit:
            return super().save_new(form, commit=False)
        setattr(form.instance, self.fk.name, self.instance)
        return self.writer.write(self.actor, form.instance, form, change=False)

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=False)
        return self.writer.write(self.actor, obj, form, change=True)

    def delete_existing(self, obj, commit=True):
        if commit:
            self.writer.remove(self.actor, obj)


class LinkSetFormSet(KitosInlineFormSet):
    """An inline of link rows that the parent's own create/update service writes as one
    set, in the same call as the parent (and audits on the parent): subclasses implement
    ``service_arguments``, the keyword arguments of that service for the kept rows
    (``{"usages": [...], "main_for": [...]}``), which the parent's admin passes to its
    ``create``/``update`` (KitosModelAdmin.save_related)."""

    def service_arguments(self, rows: list[dict]) -> dict:
        raise NotImplementedError

    def links(self) -> dict:
        """The service arguments for the kept rows; none when the rows did not change."""
        if not self.has_changed():
            return {}
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        return self.service_arguments(kept)

    def save(self, commit=True):
        # The rows were written with the parent; this only tells the admin's change
        # message (LogEntry) what changed.
        self.new_objects = [
            form.instance
            for form in self.extra_forms
            if form.has_changed() and not self._should_delete_form(form)
        ]
        self.changed_objects = [
            (form.instance, form.changed_data)
            for form in self.initial_forms
            if form.has_changed() and not self._should_delete_form(form)
        ]
        self.deleted_objects = [f.instance for f in self.deleted_forms if f.instance.pk]
        return self.new_objects + [obj for obj, _changed in self.changed_objects]


class KitosInline(ScopedAdminMixin, admin.TabularInline):
    """The inline every kitos parent page uses. ``list_select_related`` names what the
    rows' text needs (each row prints its object)."""

    formset = KitosInlineFormSet
    extra = 0
    list_select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.writer = self  # a fresh class per call: safe to set
        return formset

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and (obj is None or may_edit(request, obj))


class LinkInline(KitosInline):
    """Rows of a link table on the parent's page. Their organisation is always the
    parent's (the model's save() sets it), so it is not a form field."""

    exclude = ("organisation",)
