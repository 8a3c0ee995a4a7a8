"""The option lists (kitos.options) of the system catalog (interfaces) and of a system
usage's record, with their standard entries. Names follow OS2KITOS (interfaces,
archiving) and the GDPR (art. 9 categories), so a municipality moving from OS2KITOS
recognises them; each organisation's admin adapts the lists."""

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

# -- the usage record ------------------------------------------------------------------------

ARCHIVE_TYPE = OptionKind(
    key="archive_type",
    label=_("Arkivtype"),
    used_for=_("hvordan systemets data afleveres til arkiv"),
    group=GROUP,
    entries=(
        ("archival_version", "Arkiveringsversion (aflevering til arkiv)",
         "Data afleveres som arkiveringsversion efter Rigsarkivets bekendtgørelse."),
        ("continuous", "Løbende aflevering", ""),
        ("periodic", "Periodisk aflevering", ""),
        ("esdh", "Aflevering via ESDH-system", ""),
        ("paper", "Papirarkiv", ""),
        ("other", "Andet", ""),
    ),
)
ARCHIVE_LOCATION = OptionKind(
    key="archive_location",
    label=_("Arkiveringssted"),
    used_for=_("hvor systemets data arkiveres"),
    group=GROUP,
    entries=(
        ("rigsarkivet", "Rigsarkivet"),
        ("municipal_archive", "Eget kommunalt arkiv"),
        ("shared_archive", "Fælleskommunalt arkiv"),
        ("city_archive", "Stadsarkiv"),
        ("other", "Andet"),
    ),
)
ARCHIVE_TEST_LOCATION = OptionKind(
    key="archive_test_location",
    label=_("Arkiveringsteststed"),
    used_for=_("hvor arkiveringsversionen testes"),
    group=GROUP,
    entries=(
        ("rigsarkivet", "Rigsarkivet"),
        ("municipal_archive", "Eget kommunalt arkiv"),
        ("shared_archive", "Fælleskommunalt arkiv"),
        ("supplier", "Leverandøren"),
        ("other", "Andet"),
    ),
)
SENSITIVE_PERSONAL_DATA_TYPE = OptionKind(
    key="sensitive_personal_data_type",
    label=_("Følsomme personoplysninger"),
    used_for=_("hvilke følsomme personoplysninger (GDPR art. 9) systemet indeholder"),
    group=GROUP,
    entries=(
        ("ethnic_origin", "Race eller etnisk oprindelse"),
        ("political_opinions", "Politisk overbevisning"),
        ("religion", "Religiøs eller filosofisk overbevisning"),
        ("trade_union", "Fagforeningsmæssigt tilhørsforhold"),
        ("genetic", "Genetiske data"),
        ("biometric", "Biometriske data med henblik på entydig identifikation"),
        ("health", "Helbredsoplysninger"),
        ("sex_life", "Seksuelle forhold eller seksuel orientering"),
    ),
)

USAGE_KINDS = (
    ARCHIVE_TYPE, ARCHIVE_LOCATION, ARCHIVE_TEST_LOCATION, SENSITIVE_PERSONAL_DATA_TYPE,
)

KINDS = (*INTERFACE_KINDS, *USAGE_KINDS)
