"""The option lists (kitos.options) of a contract's record, with their standard entries.
Names follow OS2KITOS and Digitaliseringsstyrelsen's standard contracts, so a municipality
moving from OS2KITOS recognises them; each organisation's admin adapts the lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kitos.options import OptionKind

GROUP = _("Kontrakter")

CONTRACT_TEMPLATE = OptionKind(
    key="contract_template",
    label=_("Kontraktskabelon"),
    used_for=_("kontraktens skabelon"),
    group=GROUP,
    entries=(
        ("k01", "K01 Standardkontrakt for længerevarende it-projekter",
         "Digitaliseringsstyrelsens kontrakt for store udviklings- og implementeringsprojekter."),
        ("k02", "K02 Standardkontrakt for kortere it-projekter",
         "Digitaliseringsstyrelsens kontrakt for mindre og kortere projekter."),
        ("k03", "K03 Standardkontrakt for køb af standardsystemer",
         "Digitaliseringsstyrelsens kontrakt for standardsoftware med tilpasning."),
        ("k04", "K04 Standardkontrakt for drift", ""),
        ("ski", "SKI-rammeaftalens kontrakt", ""),
        ("supplier_terms", "Leverandørens standardvilkår", ""),
        ("own", "Egen skabelon", ""),
    ),
)
PROCUREMENT_STRATEGY = OptionKind(
    key="procurement_strategy",
    label=_("Genanskaffelsesstrategi"),
    used_for=_("hvad der skal ske, når kontrakten udløber"),
    group=GROUP,
    entries=(
        ("retender", "Nyt udbud"),
        ("mini_tender", "Miniudbud på rammeaftale"),
        ("direct", "Direkte tildeling"),
        ("renegotiate", "Genforhandling med nuværende leverandør"),
        ("extend", "Forlængelse med option"),
        ("insource", "Hjemtagning"),
        ("phase_out", "Udfasning uden genanskaffelse"),
    ),
)
PAYMENT_MODEL = OptionKind(
    key="payment_model",
    label=_("Betalingsmodel"),
    used_for=_("hvordan kontraktens ydelser betales"),
    group=GROUP,
    entries=(
        ("fixed", "Fast pris"),
        ("subscription", "Abonnement"),
        ("per_user", "Licens pr. bruger"),
        ("per_transaction", "Forbrugsafregnet (pr. transaktion)"),
        ("time_materials", "Medgået tid (timepris)"),
        ("milestones", "Betaling ved milepæle"),
    ),
)
PAYMENT_FREQUENCY = OptionKind(
    key="payment_frequency",
    label=_("Betalingsfrekvens"),
    used_for=_("hvor ofte der betales"),
    group=GROUP,
    entries=(
        ("monthly", "Månedlig"),
        ("quarterly", "Kvartalsvis"),
        ("half_yearly", "Halvårlig"),
        ("yearly", "Årlig"),
        ("once", "Engangsbetaling"),
    ),
)
PRICE_REGULATION = OptionKind(
    key="price_regulation",
    label=_("Prisregulering"),
    used_for=_("hvordan prisen reguleres i kontraktens løbetid"),
    group=GROUP,
    entries=(
        ("net_price_index", "Nettoprisindeks"),
        ("wage_index", "Lønindeks for den private sektor"),
        ("fixed", "Ingen regulering (fast pris)"),
        ("agreed", "Efter aftale"),
    ),
)
AGREEMENT_ELEMENT = OptionKind(
    key="agreement_element",
    label=_("Aftaleelementer"),
    used_for=_("hvad kontrakten omfatter"),
    group=GROUP,
    entries=(
        ("licence", "Licens"),
        ("operation", "Drift"),
        ("support", "Support"),
        ("maintenance", "Vedligeholdelse"),
        ("hosting", "Hosting"),
        ("development", "Udvikling"),
        ("consulting", "Konsulentydelser"),
        ("training", "Uddannelse"),
    ),
)

KINDS = (CONTRACT_TEMPLATE, PROCUREMENT_STRATEGY, PAYMENT_MODEL,
         PAYMENT_FREQUENCY, PRICE_REGULATION, AGREEMENT_ELEMENT)
