"""Standard data categories (GDPR kinds and common sub-types). Idempotent; shared by a
data migration and the ``load_reference_data`` command."""

from __future__ import annotations

# (code, name, kind, parent code)
DATA_CATEGORIES = (
    ("ikke-personoplysninger", "Ikke personoplysninger", "non_personal", ""),
    ("almindelige", "Almindelige personoplysninger", "ordinary", ""),
    ("kontaktoplysninger", "Kontaktoplysninger", "ordinary", "almindelige"),
    ("oekonomiske-forhold", "Økonomiske forhold", "ordinary", "almindelige"),
    ("sociale-problemer", "Væsentlige sociale problemer", "ordinary", "almindelige"),
    ("ansaettelsesforhold", "Ansættelsesforhold", "ordinary", "almindelige"),
    ("foelsomme", "Følsomme personoplysninger", "sensitive", ""),
    ("helbred", "Helbredsoplysninger", "sensitive", "foelsomme"),
    ("etnisk-oprindelse", "Race eller etnisk oprindelse", "sensitive", "foelsomme"),
    ("religion", "Religiøs eller filosofisk overbevisning", "sensitive", "foelsomme"),
    ("fagforening", "Fagforeningsmæssigt tilhørsforhold", "sensitive", "foelsomme"),
    ("seksuelle-forhold", "Seksuelle forhold eller orientering", "sensitive", "foelsomme"),
    ("biometri", "Biometriske data", "sensitive", "foelsomme"),
    ("cpr", "CPR-nummer", "cpr", ""),
    ("strafbare-forhold", "Strafbare forhold", "criminal", ""),
)


def ensure_data_categories(apps) -> None:
    DataCategory = apps.get_model("gdpr", "DataCategory")
    created = {}
    for code, name, kind, parent in DATA_CATEGORIES:
        created[code], _ = DataCategory.objects.get_or_create(
            organisation=None,
            code=code,
            defaults={"name": name, "kind": kind, "parent": created.get(parent)},
        )
