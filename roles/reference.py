"""Standard reference data: disciplines and role types every organisation starts with.

Functions take an app registry so that a data migration (historical models) and the
``load_reference_data`` command (current models) share one definition. Idempotent."""

from __future__ import annotations

# (code, name) — the disciplines the municipal strategy papers name.
DISCIPLINES = (
    ("it-arkitektur", "It-arkitektur"),
    ("kontraktstyring", "Kontrakt- og leverandørstyring"),
    ("it-udbud", "It-udbud"),
    ("arbejdsgangsanalyse", "Arbejdsgangsanalyse (BPMN)"),
    ("beslutningsregler", "Beslutningsregler (DMN)"),
    ("datamodellering", "Begrebs- og datamodellering (UML)"),
    ("databeskyttelse", "Databeskyttelse"),
    ("projektledelse", "Projektledelse"),
    ("gevinstrealisering", "Gevinstrealisering"),
    ("oekonomi", "Økonomi og budget"),
    ("it-drift", "It-drift og -infrastruktur"),
)

# (code, name, applies_to, is_specialist, is_required, discipline code, sort order)
# Names are Danish: they are shown as they are in the Danish UI (the role the strategy
# papers call "contract manager" is the Kontraktansvarlig).
ROLE_TYPES = (
    ("systemejer", "Systemejer", "system_usage", False, True, "", 10),
    ("systemansvarlig", "Systemansvarlig", "system_usage", False, False, "", 20),
    ("forretningsejer", "Forretningsejer", "system_usage", False, False, "", 30),
    ("dataejer", "Dataejer", "system_usage", False, False, "databeskyttelse", 40),
    ("sikkerhedsansvarlig", "Sikkerhedsansvarlig", "system_usage", False, False, "", 50),
    ("it-arkitekt", "It-arkitekt", "system_usage", True, False, "it-arkitektur", 60),
    (
        "proceskonsulent",
        "Proces-/forretningskonsulent",
        "system_usage",
        True,
        False,
        "arbejdsgangsanalyse",
        70,
    ),
    ("kontraktejer", "Kontraktejer", "contract", False, True, "", 10),
    ("contract-manager", "Kontraktansvarlig", "contract", True, False, "kontraktstyring", 20),
    ("budgetansvarlig", "Budgetansvarlig", "contract", False, False, "oekonomi", 30),
    ("udbudskonsulent", "Udbudskonsulent", "contract", True, False, "it-udbud", 40),
    ("oekonomikonsulent", "Økonomikonsulent", "contract", True, False, "oekonomi", 50),
    (
        "behandlingsansvarlig",
        "Ansvarlig for behandlingsaktivitet",
        "processing_activity",
        False,
        True,
        "databeskyttelse",
        10,
    ),
    (
        "dba-ansvarlig",
        "Ansvarlig for databehandleraftale",
        "data_processing_agreement",
        False,
        True,
        "databeskyttelse",
        10,
    ),
    ("enhedsleder", "Leder", "organisation_unit", False, False, "", 10),
    ("dpo", "Databeskyttelsesrådgiver (DPO)", "organisation", False, True, "databeskyttelse", 10),
    ("it-chef", "It-chef", "organisation", False, False, "", 20),
    # The seed's It drift, and roles on the other objects people answer for (roles 0006).
    ("it-drift", "It drift", "system_usage", True, False, "it-drift", 80),
    ("integrationsansvarlig", "Integrationsansvarlig", "integration", False, False,
     "it-arkitektur", 10),
    ("dataejer", "Dataejer", "data_asset", False, False, "databeskyttelse", 10),
    ("dataansvarlig", "Dataansvarlig", "data_asset", False, False, "datamodellering", 20),
    ("leverandoeransvarlig", "Leverandøransvarlig", "supplier", False, False,
     "kontraktstyring", 10),
    ("katalogansvarlig", "Katalogansvarlig", "it_system", False, False, "", 10),
    ("gevinstejer", "Gevinstejer", "benefit", False, False, "gevinstrealisering", 10),
)


def ensure_disciplines_and_role_types(apps) -> None:
    Discipline = apps.get_model("roles", "Discipline")
    RoleType = apps.get_model("roles", "RoleType")
    disciplines = {}
    for code, name in DISCIPLINES:
        disciplines[code], _ = Discipline.objects.get_or_create(
            organisation=None, code=code, defaults={"name": name}
        )
    # An earlier data migration runs with a RoleType that does not know the later kinds
    # of target (integration, supplier ...); those come with the migration adding them.
    kinds = {value for value, _label in RoleType._meta.get_field("applies_to").choices}
    for code, name, applies_to, specialist, required, discipline, order in ROLE_TYPES:
        if applies_to not in kinds:
            continue
        RoleType.objects.get_or_create(
            organisation=None,
            applies_to=applies_to,
            code=code,
            defaults={
                "name": name,
                "is_specialist": specialist,
                "is_required": required,
                "discipline": disciplines.get(discipline),
                "sort_order": order,
            },
        )
