"""The impact analysis as an Excel report: one sheet per section of the page, the same
rows in the same order (landscape/impact.py computes them once for both)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kitos.excel.writer import SheetData, build_workbook

from .impact import CONTRACT, SUPPLIER, Impact


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def _display(obj, field: str) -> str:
    return str(getattr(obj, f"get_{field}_display")()) if getattr(obj, field, "") else ""


def impact_sheets(impact: Impact) -> list[SheetData]:
    """The report's sheets: the subject and its systems first, then each section."""
    subject = SheetData(
        title=_("Konsekvensanalyse"),
        headers=[_("Emne"), _("Navn"), _("Dybde"), _("Flere integrationer længere ude")],
        rows=[[kind_label(impact.kind), _name(impact.subject), impact.depth,
               _("Ja") if impact.more_beyond else _("Nej")]],
    )
    usages = SheetData(
        title=_("Berørte systemer"),
        headers=[_("System"), _("Organisation"), _("Ansvarlig enhed"), _("Livscyklus"),
                 _("Forretningskritikalitet"), _("Antal brugere")],
        rows=[[_name(u), _name(u.organisation), _name(u.responsible_unit),
               _display(u, "lifecycle"), _display(u, "criticality"),
               _display(u, "user_count")] for u in impact.usages],
    )
    integrations = SheetData(
        title=_("Integrationer"),
        headers=[_("Integration"), _("Afsender"), _("Modtager"), _("Dybde"), _("Retning"),
                 _("Snitfladetype"), _("Frekvens")],
        rows=[[_name(h.integration), _name(h.integration.source), _name(h.integration.target),
               h.depth, str(h.direction_label), _display(h.integration, "interface_type"),
               _display(h.integration, "frequency")] for h in impact.hops],
    )
    reached = SheetData(
        title=_("Afhængige systemer"),
        headers=[_("System"), _("Dybde"), _("Retning"), _("Via"), _("Vej"),
                 _("Ansvarlig enhed"), _("Livscyklus"), _("Forretningskritikalitet")],
        rows=[[_name(r.usage), r.depth, str(r.direction_label), _name(r.via),
               " → ".join(_name(h.integration) for h in r.path),
               _name(r.usage.responsible_unit), _display(r.usage, "lifecycle"),
               _display(r.usage, "criticality")] for r in impact.reached],
    )
    activities = SheetData(
        title=_("Behandlingsaktiviteter"),
        headers=[_("Behandlingsaktivitet"), _("Ansvarlig enhed"), _("Risikoniveau")],
        rows=[[_name(a), _name(a.responsible_unit), _display(a, "risk_level")]
              for a in impact.processing_activities],
    )
    assets = SheetData(
        title=_("Dataaktiver"),
        headers=[_("Dataaktiv"), _("Sammenhæng"), _("System eller integration")],
        rows=[[_name(row.asset), str(row.relation_label), _name(row.via)]
              for row in impact.data_assets],
    )
    units = SheetData(
        title=_("Enheder og brugere"),
        headers=[_("Enhed"), _("Rolle"), _("System"), _("Antal brugere")],
        rows=[[_name(row.unit), str(row.relation_label), _name(row.usage),
               _display(row.usage, "user_count")] for row in impact.units],
    )
    contracts = SheetData(
        title=_("Kontrakter og frister"),
        headers=[_("Kontrakt"), _("Sammenhæng"), _("Leverandør"), _("Status"),
                 _("Sidste frist for opsigelse"), _("Næste mulige ophør"),
                 _("Seneste start på genudbud")],
        rows=[[_name(row.contract), str(row.relation_label), _name(row.contract.supplier),
               _display(row.contract, "status"), row.contract.notice_deadline,
               row.contract.next_end, row.contract.retender_start]
              for row in impact.contracts],
    )
    holders = SheetData(
        title=_("Rolleindehavere"),
        headers=[_("Person"), _("E-mail"), _("Rolle"), _("På")],
        rows=[[_name(h.assignment.person), h.assignment.person.email,
               _name(h.assignment.role_type), _name(h.target)] for h in impact.role_holders],
    )
    projects = SheetData(
        title=_("Projekter"),
        headers=[_("Projekt"), _("Fase"), _("Virkning"), _("På")],
        rows=[[_name(row.project), _display(row.project, "phase"),
               str(row.effect_label) if row.effect else "", _name(row.target)]
              for row in impact.projects],
    )
    return [subject, usages, integrations, reached, activities, assets, units, contracts,
            holders, projects]


def impact_workbook(impact: Impact) -> bytes:
    return build_workbook(impact_sheets(impact))


def kind_label(kind: str) -> str:
    return {SUPPLIER: _("Leverandør"), CONTRACT: _("Kontrakt")}.get(kind, _("Systemanvendelse"))
