"""Rights-holder access (rettighedshaveradgang, OS2KITOS): a supplier's own users keep
the supplier's catalog entries — the systems whose rights holder it is, and the
interfaces those systems expose — without being members of any municipality.

A user with access for a supplier (``RightsHolderAccess``, granted by a superuser in the
admin) may change the fields OS2KITOS lets a rights holder write (``SYSTEM_FIELDS``,
``INTERFACE_FIELDS``) on shared entries of that supplier, never hand an entry to another
supplier, never delete one, never touch a local entry. Everything else is 404 for such a
user: a login with no membership sees no organisation's objects and no other catalog
entry (kitos.tenancy.SharedCatalogQuerySet). Every change is audited like any other, and
the entry's history is read by every municipality that sees the entry.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

# What a rights holder may change (OS2KITOS's rights-holder request DTOs).
SYSTEM_FIELDS = frozenset({
    "name", "previous_names", "description", "business_type", "kle_numbers", "parent",
    "url", "external_reference",
})
INTERFACE_FIELDS = frozenset({
    "name", "interface_id", "version", "url", "description", "exposed_by",
})
# Cached on the user object for the request (read by querysets and permission checks).
_CACHE = "_kitos_rights_holder_suppliers"


def supplier_ids(user) -> frozenset[int]:
    """The suppliers `user` has rights-holder access for (one query per user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE, None)
    if cached is None:
        access = apps.get_model("portfolio", "RightsHolderAccess")
        cached = frozenset(
            access.objects.filter(user_id=user.pk).values_list("supplier_id", flat=True)
        )
        setattr(user, _CACHE, cached)
    return cached


def visible_q(user, path: str) -> Q | None:
    """The shared entries `user` sees as a rights holder: those whose rights holder
    (reached by `path`) is one of its suppliers. A subquery, not a query of its own: the
    lists read it in their one statement."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    access = apps.get_model("portfolio", "RightsHolderAccess")
    suppliers = access.objects.filter(user_id=user.pk).values("supplier_id")
    return Q(is_local=False, **{f"{path}__in": suppliers})


class RightsHolderEditable:
    """A catalog model its rights holder's users may edit (within `rights_holder_fields`).

    The check compares the object's values with those it was read with, so it holds for
    every path that writes through the services (pages, API, admin, import)."""

    rights_holder_fields: frozenset = frozenset()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._rights_holder_loaded = dict(zip(field_names, values, strict=True))
        return instance

    def rights_holder_of(self, values: dict) -> int | None:
        """The supplier id owning the entry with these column values."""
        raise NotImplementedError

    def _rights_holder_may(self, user) -> bool:
        loaded = getattr(self, "_rights_holder_loaded", None)
        ids = supplier_ids(user)
        if not ids or loaded is None or loaded.get("is_local", True) or self.is_local:
            return False
        current = {field.attname: getattr(self, field.attname)
                   for field in self._meta.concrete_fields}
        # The entry was theirs when read and still is after the change.
        if self.rights_holder_of(loaded) not in ids or self.rights_holder_of(current) not in ids:
            return False
        allowed = {self._meta.get_field(name).attname for name in self.rights_holder_fields
                   if not self._meta.get_field(name).many_to_many}
        changed = {name for name, value in loaded.items()
                   if name in current and current[name] != value}
        return changed <= allowed | {"updated_at"}

    def editable_as_rights_holder(self, user) -> bool:
        """Whether the user may edit this entry through rights-holder access (the page's
        edit button; kitos.detail.can_edit)."""
        return self._rights_holder_may(user)

    def check_editable_by(self, user) -> None:
        try:
            super().check_editable_by(user)
        except PermissionDenied:
            if not self._rights_holder_may(user):
                raise

    def check_deletable_by(self, user) -> None:
        # A rights holder keeps its entries up to date; removing one is for the
        # organisation that keeps the catalog (OS2KITOS: rights holders deactivate).
        super().check_editable_by(user)


def only_as_rights_holder(user, obj) -> bool:
    """Whether `user` may edit `obj` only through rights-holder access (forms then offer
    just the rights holder's fields)."""
    from kitos.tenancy import has_role

    return not has_role(user, obj.owning_organisation_id, at_least=obj.edit_role) and (
        obj.editable_as_rights_holder(user)
    )


def limit_form(form, user) -> None:
    """Disable the fields a rights holder may not change (their posted values are
    ignored: the object's own values are kept)."""
    obj = form.instance
    if obj.pk is None or not isinstance(obj, RightsHolderEditable):
        return
    if not only_as_rights_holder(user, obj):
        return
    from django import forms

    for name, field in form.fields.items():
        if name in obj.rights_holder_fields:
            continue
        field.disabled = True
        field.help_text = _("Kan ikke ændres med rettighedshaveradgang.")
        if isinstance(field, forms.ModelChoiceField):
            # The current value stays valid although the user may not see its choices
            # (a disabled field is cleaned from its initial value).
            current = form.initial.get(name)
            if isinstance(field, forms.ModelMultipleChoiceField):
                current = [getattr(value, "pk", value) for value in current or ()]
            else:
                current = [getattr(current, "pk", current)] if current else []
            field.queryset = field.queryset.model._base_manager.filter(pk__in=current)

