"""The option lists (kitos.options) of the system catalog, with their standard entries.
Names follow OS2KITOS, so a municipality moving from it recognises them; each
organisation's admin adapts the lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.options import OptionKind

GROUP = _("Systemer")

# -- interfaces (snitflader) ---------------------------------------------------------------

INTERFACE_TYPE = OptionKind(
    key="interface_type",
    label=_("Snitfladetype"),
    used_for=_("snitfladens teknologi (Grænseflade i OS2KITOS)"),
    group=GROUP,
    entries=(
        ("csv", "CSV"),
        ("soap", "SOAP"),
        ("rest", "REST"),
        ("oio_rest", "OIO REST"),
        ("ldap", "LDAP"),
        ("serviceplatformen", "Serviceplatformen"),
        ("beskedfordeler", "Beskedfordeler"),
        ("file", "Fil"),
        ("database", "Database"),
        ("other", "Andet"),
    ),
)
INTERFACE_DATA_TYPE = OptionKind(
    key="interface_data_type",
    label=_("Datatype"),
    used_for=_("typen af de data, en snitflade overfører"),
    group=GROUP,
    entries=(
        ("text", "Tekst"),
        ("number", "Tal"),
        ("date", "Dato"),
        ("document", "Dokument"),
        ("personal_data", "Personoplysninger"),
        ("sensitive_personal_data", "Følsomme personoplysninger"),
        ("case", "Sag"),
        ("financial", "Økonomidata"),
        ("geodata", "Geodata"),
        ("master_data", "Stamdata"),
        ("other", "Andet"),
    ),
)

INTERFACE_KINDS = (INTERFACE_TYPE, INTERFACE_DATA_TYPE)

# -- end of interfaces -----------------------------------------------------------------------

KINDS = (*INTERFACE_KINDS,)
