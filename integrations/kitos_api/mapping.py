"""KITOS API v2 objects → the values of their kitos objects.

Pure functions: each takes one DTO as KITOS sends it (see client.py) and answers the
kitos field values, with references to other KITOS objects left as their KITOS UUIDs
(sync.py resolves them through ExternalId). A DTO without what the API documents as
required (its uuid, a name) is not a KITOS answer: ``SourceError``.

The choices follow the Excel import of OS2KITOS's exports (portfolio/importers.py,
contracts/importers.py): the local call name is the usage's local name, the local
system id its local id, validity from/to its go-live and retirement dates, the number
of expected users one of OS2KITOS's bands, the contract id the contract number.
"""

from __future__ import annotations

import datetime
import re
import uuid as uuid_module

from django.utils.translation import gettext as _

from integrations.runs import SourceError
from portfolio.choices import UserCount, YesNoUnknown


def _uuid(value, *, what: str) -> str:
    try:
        return str(uuid_module.UUID(str(value)))
    except (TypeError, ValueError, AttributeError):
        raise SourceError(_("KITOS sendte %(what)s uden gyldigt uuid.") % {
            "what": what}) from None


def _ref(value, *, what: str) -> str | None:
    """The uuid of an {uuid, name} reference, or None when there is none."""
    if not value:
        return None
    if not isinstance(value, dict):
        raise SourceError(_("KITOS sendte en ugyldig reference i %(what)s.") % {"what": what})
    return _uuid(value.get("uuid"), what=what)


def _refs(values, *, what: str) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise SourceError(_("KITOS sendte en ugyldig liste i %(what)s.") % {"what": what})
    return [_ref(value, what=what) for value in values if value]


def _section(dto: dict, key: str) -> dict:
    value = dto.get(key) or {}
    if not isinstance(value, dict):
        raise SourceError(_("KITOS sendte et ugyldigt afsnit %(key)s.") % {"key": key})
    return value


def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _date(value, *, what: str) -> datetime.date | None:
    """KITOS sends dates as UTC date-times ("2024-01-01T00:00:00Z"); kitos keeps the
    date."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise SourceError(_("KITOS sendte en ugyldig dato i %(what)s: %(value)s") % {
            "what": what, "value": str(value)[:40]}) from None


def _name(dto: dict, *, what: str) -> str:
    name = _text(dto.get("name"), 250)
    if not name:
        raise SourceError(_("KITOS sendte %(what)s uden navn.") % {"what": what})
    return name


def _choice(value) -> str:
    """An API enum as a lower-case word ("Yes", "yes" → "yes")."""
    return str(value or "").strip().lower()


def user_count(interval) -> str:
    """OS2KITOS's expected users {lowerBound, upperBound} → kitos's band."""
    if not isinstance(interval, dict) or interval.get("lowerBound") is None:
        return ""
    try:
        lower = int(interval["lowerBound"])
    except (TypeError, ValueError):
        return ""
    for bound, band in ((500, UserCount.FROM_500), (100, UserCount.FROM_100),
                        (50, UserCount.FROM_50), (10, UserCount.FROM_10)):
        if lower >= bound:
            return band
    return UserCount.BELOW_10


def yes_no_unknown(value) -> str:
    return {"yes": YesNoUnknown.YES, "no": YesNoUnknown.NO}.get(
        _choice(value), YesNoUnknown.UNKNOWN)


def _months(option) -> int:
    """A notice period option ("3", "3 måneder") → its number of months (0: none)."""
    if not isinstance(option, dict):
        return 0
    match = re.search(r"\d+", str(option.get("name") or ""))
    return min(int(match.group()), 120) if match else 0


def _ean(value) -> str:
    return "" if value in (None, "") else str(value).strip()


def roles(dto: dict, *, what: str) -> list[dict]:
    """Role assignments of a usage, contract or registration: [{role, user_uuid,
    user_name, email}]."""
    result = []
    for assignment in dto.get("roles") or []:
        if not isinstance(assignment, dict):
            raise SourceError(_("KITOS sendte en ugyldig rolle i %(what)s.") % {"what": what})
        role = assignment.get("role") or {}
        user = assignment.get("user") or {}
        result.append({
            "role": _name(role, what=what),
            "user_uuid": _uuid(user.get("uuid"), what=what),
            "user_name": _name(user, what=what),
            "email": _text(user.get("email"), 254),
        })
    return result


def unit(dto: dict) -> dict:
    what = _("en organisationsenhed")
    return {
        "uuid": _uuid(dto.get("uuid"), what=what),
        "name": _name(dto, what=what)[:200],
        "parent_uuid": _ref(dto.get("parentOrganizationUnit"), what=what),
        "fields": {
            "ean": _ean(dto.get("ean")),
            "local_code": _text(dto.get("unitId"), 50),
        },
    }


def usage(dto: dict) -> dict:
    what = _("en systemanvendelse")
    general = _section(dto, "general")
    validity = general.get("validity") or {}
    system = dto.get("systemContext") or {}
    organisation_usage = _section(dto, "organizationUsage")
    return {
        "uuid": _uuid(dto.get("uuid"), what=what),
        "system_uuid": _uuid(system.get("uuid"), what=what),
        "system_name": _name(system, what=what)[:200],
        "responsible_unit_uuid": _ref(
            organisation_usage.get("responsibleOrganizationUnit"), what=what),
        "using_unit_uuids": _refs(organisation_usage.get("usingOrganizationUnits"), what=what),
        "main_contract_uuid": _ref(general.get("mainContract"), what=what),
        "fields": {
            "local_name": _text(general.get("localCallName"), 200),
            "local_id": _text(general.get("localSystemId"), 100),
            "version": _text(general.get("systemVersion"), 100),
            "notes": _text(general.get("notes"), 100_000),
            "user_count": user_count(general.get("numberOfExpectedUsers")),
            "go_live_date": _date(validity.get("validFrom"), what=what),
            "retirement_date": _date(validity.get("validTo"), what=what),
            "contains_ai": yes_no_unknown(general.get("containsAITechnology")),
        },
        "roles": roles(dto, what=what),
    }


def _organisation(value) -> dict | None:
    """A supplier / data processor {uuid, name, cvr}."""
    if not isinstance(value, dict) or not value.get("name"):
        return None
    cvr = re.sub(r"\D", "", str(value.get("cvr") or ""))
    return {"uuid": value.get("uuid"), "name": _text(value["name"], 200),
            "cvr": cvr if len(cvr) == 8 else ""}


def contract(dto: dict) -> dict:
    what = _("en kontrakt")
    general = _section(dto, "general")
    validity = general.get("validity") or {}
    supplier = _section(dto, "supplier")
    responsible = _section(dto, "responsible")
    period = _section(dto, "agreementPeriod")
    termination = _section(dto, "termination")
    terms = termination.get("terms") or {}
    return {
        "uuid": _uuid(dto.get("uuid"), what=what),
        "supplier": _organisation(supplier.get("organization")),
        "responsible_unit_uuid": _ref(responsible.get("organizationUnit"), what=what),
        "usage_uuids": _refs(dto.get("systemUsages"), what=what),
        "fields": {
            "name": _name(dto, what=what),
            "contract_number": _text(general.get("contractId"), 100),
            "notes": _text(general.get("notes"), 100_000),
            "start_date": _date(validity.get("validFrom"), what=what),
            "expiry_date": _date(validity.get("validTo"), what=what),
            "customer_signed_by": _text(responsible.get("signedBy"), 200),
            "customer_signed_on": _date(responsible.get("signedAt"), what=what),
            "supplier_signed_by": _text(supplier.get("signedBy"), 200),
            "supplier_signed_on": _date(supplier.get("signedAt"), what=what),
            "irrevocable_until": _date(period.get("irrevocableUntil"), what=what),
            "notice_months": _months(terms.get("noticePeriodMonths")),
            "terminated_on": _date(termination.get("terminatedAt"), what=what),
        },
        "roles": roles(dto, what=what),
    }


def data_processing_registration(dto: dict) -> dict:
    what = _("en databehandling")
    general = _section(dto, "general")
    processors = [p for p in map(_organisation, general.get("dataProcessors") or []) if p]
    return {
        "uuid": _uuid(dto.get("uuid"), what=what),
        "processor": processors[0] if processors else None,
        "contract_uuid": _ref(general.get("mainContract"), what=what),
        "usage_uuids": _refs(dto.get("systemUsages"), what=what),
        "fields": {
            "name": _name(dto, what=what),
            "concluded_on": _date(general.get("agreementConcludedAt"), what=what),
            "third_country_transfer": _choice(
                general.get("transferToInsecureThirdCountries")) == "yes",
        },
        "roles": roles(dto, what=what),
    }


# The delta feed's entity types (TrackedEntityTypeChoice, by name or number).
ENTITY_TYPES = {
    "itsystemusage": "usage", "1": "usage",
    "itcontract": "contract", "3": "contract",
    "dataprocessingregistration": "dpr", "4": "dpr",
    "organizationunit": "unit", "6": "unit",
}


def deletion(event: dict) -> tuple[str, str] | None:
    """(resource, uuid) of a deleted-entities event the connector maps; None for the
    others (systems, interfaces)."""
    resource = ENTITY_TYPES.get(str(event.get("entityType", "")).lower())
    if resource is None:
        return None
    return resource, _uuid(event.get("entityUuid"), what=_("en sletning"))
