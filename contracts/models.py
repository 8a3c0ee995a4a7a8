"""Contracts and suppliers: who we buy from, what each contract covers, its dates,
notice terms and costs. Depends on ``roles`` and ``portfolio``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitos.options import OptionFields
from kitos.tenancy import (
    PublicIdModel,
    TenantModel,
    scoped_queryset,
)
from portfolio.choices import Criticality
from roles.choices import RoleTarget

from . import choices
from .deadlines import ContractTerms, compute_deadlines

MONEY = {"max_digits": 14, "decimal_places": 2}
# The columns the deadline engine reads and writes.
TERM_FIELDS = (
    "start_date",
    "expiry_date",
    "irrevocable_until",
    "notice_months",
    "notice_to_end_of",
    "renewal_months",
    "extension_months",
    "extensions_total",
    "extensions_used",
    "terminated_on",
    "lead_months",
)
DEADLINE_FIELDS = (
    "status",
    "next_end",
    "notice_deadline",
    "retender_start",
    "deadlines_computed_on",
)


class ContractQuerySet(scoped_queryset("organisation")):
    """Contracts; the named groups of statuses are in contracts/choices.py."""

    def needing_roles(self, today):
        """The contracts whose roles still matter (roles.responsibilities): not ended."""
        return self.running()

    def running(self):
        """Not ended: running, in notice or not started yet."""
        return self.filter(status__in=choices.RUNNING_STATUSES)

    def ended(self):
        """Expired or terminated."""
        return self.filter(status__in=choices.ENDED_STATUSES)

    def in_force(self):
        """Binding today: active or in notice."""
        return self.filter(status__in=choices.IN_FORCE_STATUSES)

    def actionable(self):
        """Running with no notice given: their deadlines still call for a decision."""
        return self.filter(status__in=choices.ACTIONABLE_STATUSES)

    def for_list(self):
        return self.select_related(
            "organisation", "supplier", "responsible_unit", "parent"
        ).prefetch_related("coverage__usage")

    def with_decision(self):
        """Annotate each contract with the decision on its current deadline (see
        ``Contract.current_deadline``): ``decision_kind`` (a ``DecisionKind`` value, None
        when undecided) and ``decision_at``. Two subqueries, no extra query per row: for
        lists such as the dashboard's "deadlines without a decision" and Min side."""
        decision = DeadlineDecision.objects.filter(
            contract=OuterRef("pk"), deadline=current_deadline_expression()
        )
        return self.annotate(
            decision_kind=Subquery(decision.values("kind")[:1]),
            decision_at=Subquery(decision.values("decided_at")[:1]),
        )

    def undecided(self):
        """Contracts whose current deadline has no decision yet (the ones alerts and
        escalations are still about)."""
        return self.exclude(
            Exists(
                DeadlineDecision.objects.filter(
                    contract=OuterRef("pk"), deadline=current_deadline_expression()
                )
            )
        )


def _option(key: str, label, **kwargs) -> models.ForeignKey:
    """A contract field choosing from option list `key` (contracts/option_lists.py)."""
    return models.ForeignKey(
        "kitos.Option", verbose_name=label, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", limit_choices_to={"kind": key}, **kwargs,
    )


class Contract(OptionFields, TenantModel):
    """An IT contract of one organisation: dates, notice terms, extension and renewal
    options, money, the system usages and integrations it covers, and the record
    OS2KITOS users keep (signatures, payment terms, template, procurement plan)."""

    option_fields = {
        "contract_template": "contract_template",
        "procurement_strategy": "procurement_strategy",
        "payment_model": "payment_model",
        "payment_frequency": "payment_frequency",
        "price_regulation": "price_regulation",
        "agreement_elements": "agreement_element",
    }
    role_target = RoleTarget.CONTRACT
    role_unit_path = "responsible_unit__path"
    audit_exclude = ("deadlines_computed_on",)

    name = models.CharField(_("navn"), max_length=250)
    contract_number = models.CharField(_("kontraktnummer"), max_length=100, blank=True)
    contract_type = models.CharField(
        _("kontrakttype"), max_length=20, choices=choices.ContractType, blank=True
    )
    supplier = models.ForeignKey(
        "portfolio.Supplier",
        verbose_name=_("leverandør"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    # On PostgreSQL the composite same-organisation keys (migration 0004, kitos/db.py)
    # check these columns, so the plain foreign keys would only check them twice: each
    # check costs, 100,000 times in a large import. SQLite relies on the services.
    responsible_unit = models.ForeignKey(
        "roles.OrganisationUnit",
        verbose_name=_("ansvarlig enhed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for_contracts",
        db_constraint=False,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet kontrakt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_constraint=False,
    )
    procurement_form = models.CharField(
        _("udbudsform"), max_length=20, choices=choices.ProcurementForm, blank=True
    )
    criticality = models.CharField(
        _("kritikalitet"), max_length=10, choices=Criticality, blank=True
    )
    notes = models.TextField(_("noter"), blank=True)
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)
    contract_template = _option("contract_template", _("kontraktskabelon"))
    agreement_elements = models.ManyToManyField(
        "kitos.Option", verbose_name=_("aftaleelementer"), blank=True, related_name="+",
        limit_choices_to={"kind": "agreement_element"},
    )

    # Signatures: who signed for the organisation and for the supplier, and when.
    customer_signed_by = models.CharField(_("underskrevet af (kunden)"), max_length=200,
                                          blank=True)
    customer_signed_on = models.DateField(_("kundens underskriftsdato"), null=True, blank=True)
    supplier_signed_by = models.CharField(_("underskrevet af (leverandøren)"), max_length=200,
                                          blank=True)
    supplier_signed_on = models.DateField(_("leverandørens underskriftsdato"), null=True,
                                          blank=True)

    # Procurement: what happens when the contract runs out, and when it is planned.
    procurement_strategy = _option("procurement_strategy", _("genanskaffelsesstrategi"))
    procurement_plan_year = models.PositiveSmallIntegerField(
        _("genanskaffelse planlagt (år)"), null=True, blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    procurement_plan_quarter = models.PositiveSmallIntegerField(
        _("genanskaffelse planlagt (kvartal)"), null=True, blank=True,
        choices=choices.Quarter,
    )

    # Payment terms.
    payment_model = _option("payment_model", _("betalingsmodel"))
    payment_frequency = _option("payment_frequency", _("betalingsfrekvens"))
    price_regulation = _option("price_regulation", _("prisregulering"))

    # Dates and terms (the input of contracts/deadlines.py).
    concluded_on = models.DateField(_("indgået"), null=True, blank=True)
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    expiry_date = models.DateField(
        _("udløbsdato"),
        null=True,
        blank=True,
        help_text=_("Sidste dag i den aktuelle periode, inkl. brugte optioner. Tom: løbende."),
    )
    irrevocable_until = models.DateField(_("uopsigelig til"), null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField(
        _("opsigelsesvarsel (måneder)"), default=0, validators=[MaxValueValidator(120)]
    )
    notice_to_end_of = models.CharField(
        _("opsigelse til udgangen af"), max_length=10, choices=choices.NoticeToEndOf, blank=True
    )
    extension_months = models.PositiveSmallIntegerField(
        _("option: forlængelse (måneder)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    extensions_total = models.PositiveSmallIntegerField(_("antal optioner"), default=0)
    extensions_used = models.PositiveSmallIntegerField(_("brugte optioner"), default=0)
    renewal_months = models.PositiveSmallIntegerField(
        _("stiltiende fornyelse (måneder)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    terminated_on = models.DateField(_("opsagt til"), null=True, blank=True)
    lead_months = models.PositiveSmallIntegerField(
        _("udbudstid (måneder)"), default=0, validators=[MaxValueValidator(120)]
    )

    # Money, DKK.
    acquisition_cost = models.DecimalField(
        _("anskaffelsespris"), **MONEY, null=True, blank=True
    )
    yearly_cost = models.DecimalField(_("årlig driftsudgift"), **MONEY, null=True, blank=True)
    currency = models.CharField(_("valuta"), max_length=3, default="DKK")

    # Computed from the terms by contracts/deadlines.py whenever the contract is saved and
    # nightly (they move with "today"); stored and indexed so that lists, dashboards and
    # alerts work in SQL.
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.ContractStatus,
        default=choices.ContractStatus.ACTIVE,
        editable=False,
        db_index=True,
    )
    next_end = models.DateField(
        _("næste mulige ophør"), null=True, blank=True, editable=False, db_index=True
    )
    notice_deadline = models.DateField(
        _("sidste frist for opsigelse"), null=True, blank=True, editable=False, db_index=True
    )
    retender_start = models.DateField(
        _("seneste start på genudbud"), null=True, blank=True, editable=False, db_index=True
    )
    deadlines_computed_on = models.DateField(
        _("frister beregnet"), null=True, blank=True, editable=False
    )

    usages = models.ManyToManyField(
        "portfolio.SystemUsage",
        verbose_name=_("systemanvendelser"),
        through="ContractCoverage",
        blank=True,
        related_name="contracts",
    )
    integrations = models.ManyToManyField(
        "portfolio.Integration",
        verbose_name=_("integrationer"),
        blank=True,
        related_name="contracts",
    )

    role_assignments = GenericRelation("roles.RoleAssignment")

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kontrakt")
        verbose_name_plural = _("kontrakter")
        # The contracts in the list's order (name, then id as the lists' tie-breaker):
        # a list page and the search's first hits read the index in order and stop,
        # where a municipality with 40,000 contracts otherwise sorted all of them, on
        # disk, for every page.
        indexes = [models.Index(fields=["name", "id"], name="contract_list_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "contract_number"],
                condition=~Q(contract_number=""),
                name="contract_unique_number_per_org",
                violation_error_message=_(
                    "Der findes allerede en kontrakt med det kontraktnummer i organisationen."
                ),
            ),
            models.UniqueConstraint(
                Lower("name"), "organisation", name="contract_unique_name_per_org",
                violation_error_message=_(
                    "Der findes allerede en kontrakt med det navn i organisationen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(expiry_date__gte=F("start_date")),
                name="contract_expiry_after_start",
                violation_error_message=_("Udløbsdatoen skal ligge efter startdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(irrevocable_until__isnull=True)
                | Q(start_date__isnull=True)
                | Q(irrevocable_until__gte=F("start_date")),
                name="contract_irrevocable_after_start",
                violation_error_message=_("»Uopsigelig til« skal ligge efter startdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(extensions_used__lte=F("extensions_total")),
                name="contract_extensions_used_le_total",
                violation_error_message=_("Der kan ikke være brugt flere optioner end der er."),
            ),
            models.CheckConstraint(
                condition=Q(extensions_total=0) | Q(extension_months__isnull=False),
                name="contract_extensions_need_length",
                violation_error_message=_("Optioner kræver en forlængelse i måneder."),
            ),
            models.CheckConstraint(
                condition=Q(acquisition_cost__isnull=True) | Q(acquisition_cost__gte=0),
                name="contract_acquisition_cost_not_negative",
                violation_error_message=_("Anskaffelsesprisen kan ikke være negativ."),
            ),
            models.CheckConstraint(
                condition=Q(yearly_cost__isnull=True) | Q(yearly_cost__gte=0),
                name="contract_yearly_cost_not_negative",
                violation_error_message=_("Den årlige driftsudgift kan ikke være negativ."),
            ),
            models.CheckConstraint(
                condition=Q(procurement_plan_year__isnull=True)
                | Q(procurement_plan_year__gte=2000, procurement_plan_year__lte=2100),
                name="contract_procurement_plan_year_range",
                violation_error_message=_("Året for genanskaffelsen skal ligge mellem 2000 og "
                                          "2100."),
            ),
            models.CheckConstraint(
                condition=Q(procurement_plan_quarter__isnull=True)
                | Q(procurement_plan_quarter__gte=1, procurement_plan_quarter__lte=4,
                    procurement_plan_year__isnull=False),
                name="contract_procurement_plan_quarter_needs_year",
                violation_error_message=_("Et kvartal for genanskaffelsen skal være 1–4 og "
                                          "kræver et år."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="contract_not_own_parent",
                violation_error_message=_("En kontrakt kan ikke ligge under sig selv."),
            ),
            models.UniqueConstraint(
                fields=["id", "organisation"],
                name="contract_id_org_unique",
                violation_error_message=_("Kontrakten findes allerede i organisationen."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_deadline(self) -> datetime.date | None:
        """The date a decision about the contract is due: its notice deadline, or its
        end when there is nothing to give notice on (a contract that simply expires)."""
        return self.notice_deadline or self.next_end

    def terms(self) -> ContractTerms:
        """The contract's terms as the deadline engine takes them."""
        return ContractTerms(
            start=self.start_date,
            expiry=self.expiry_date,
            irrevocable_until=self.irrevocable_until,
            notice_months=self.notice_months or 0,
            notice_to_end_of=self.notice_to_end_of or None,
            renewal_months=self.renewal_months,
            extension_months=self.extension_months,
            extensions_total=self.extensions_total or 0,
            extensions_used=self.extensions_used or 0,
            terminated_on=self.terminated_on,
            lead_months=self.lead_months or 0,
        )

    def apply_deadlines(self, today: datetime.date | None = None) -> bool:
        """Recompute the stored deadlines for `today`; True when any of them changed."""
        today = today or timezone.localdate()
        result = compute_deadlines(self.terms(), today=today)
        new = {
            "status": result.status,
            "next_end": result.next_end,
            "notice_deadline": result.notice_deadline,
            "retender_start": result.retender_start,
        }
        changed = any(getattr(self, name) != value for name, value in new.items())
        for name, value in new.items():
            setattr(self, name, value)
        self.deadlines_computed_on = today
        return changed

    def save(self, *args, **kwargs):
        # The stored deadlines must never disagree with the terms just saved. (Bulk paths
        # call contracts.services.refresh_deadlines, which uses apply_deadlines too.)
        self.apply_deadlines()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | set(DEADLINE_FIELDS)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.require_same_organisation(
            responsible_unit=self.responsible_unit,
            parent=self.parent if self.parent_id else None,
        )
        if self.supplier_id and not self.supplier.usable_by(self.organisation_id):
            raise ValidationError(
                {"supplier": _("Leverandøren er lokal for en anden organisation.")}
            )


class ContractCoverage(models.Model):
    """A system usage covered by a contract; at most one contract is a usage's main
    contract (the one that decides whether the usage is active)."""

    # Checked by the composite same-organisation keys on PostgreSQL (see
    # Contract.responsible_unit for why not twice).
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="coverage", verbose_name=_("kontrakt"),
        db_constraint=False,
    )
    usage = models.ForeignKey(
        "portfolio.SystemUsage",
        on_delete=models.CASCADE,
        related_name="contract_links",
        verbose_name=_("systemanvendelse"),
        db_constraint=False,
    )
    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    is_main = models.BooleanField(_("hovedkontrakt for systemet"), default=False)

    objects = scoped_queryset("organisation").as_manager()

    class Meta:
        ordering = ["contract", "usage"]
        verbose_name = _("kontraktdækning")
        verbose_name_plural = _("kontraktdækninger")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "usage"],
                name="coverage_unique",
                violation_error_message=_("Kontrakten dækker allerede systemanvendelsen."),
            ),
            models.UniqueConstraint(
                fields=["usage"], condition=Q(is_main=True), name="coverage_one_main_per_usage",
                violation_error_message=_("Systemanvendelsen har allerede en hovedkontrakt."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} → {self.usage}"

    def save(self, *args, **kwargs):
        self.organisation_id = self.contract.organisation_id
        super().save(*args, **kwargs)


class CostLineQuerySet(scoped_queryset("contract__organisation")):
    def for_list(self):
        return self.select_related("contract", "unit")


class CostLine(PublicIdModel):
    """A contract's cost for one year, optionally for one unit (who pays what)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="cost_lines", verbose_name=_("kontrakt")
    )
    unit = models.ForeignKey(
        "roles.OrganisationUnit",
        verbose_name=_("enhed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cost_lines",
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    kind = models.CharField(
        _("art"), max_length=15, choices=choices.CostKind, default=choices.CostKind.OPERATION
    )
    amount = models.DecimalField(_("beløb (kr.)"), **MONEY)
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)
    # The economy stream's bookkeeping (OS2KITOS: kontering and revision).
    accounting_entry = models.CharField(_("kontering"), max_length=100, blank=True)
    audit_status = models.CharField(
        _("revisionsstatus"), max_length=12, choices=choices.AuditStatus,
        default=choices.AuditStatus.NOT_AUDITED,
    )
    audited_on = models.DateField(_("revideret"), null=True, blank=True)

    objects = CostLineQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "year", "unit"]
        verbose_name = _("omkostningslinje")
        verbose_name_plural = _("omkostningslinjer")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="costline_amount_not_negative",
                violation_error_message=_("Beløbet kan ikke være negativt."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="costline_year_range",
                violation_error_message=_("Året skal ligge mellem 1990 og 2100."),
            ),
            models.CheckConstraint(
                condition=Q(audit_status__in=choices.AuditStatus.values),
                name="costline_audit_status_valid",
                violation_error_message=_("Revisionsstatus skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(audited_on__isnull=True) | ~Q(audit_status="not_audited"),
                name="costline_audit_date_needs_status",
                violation_error_message=_("En revisionsdato kræver en revisionsstatus."),
            ),
            models.UniqueConstraint(
                fields=["contract", "unit", "year", "kind"],
                name="costline_unique_per_unit_year_kind",
                violation_error_message=_(
                    "Kontrakten har allerede en omkostningslinje for den enhed, det år og den art."
                ),
            ),
            # NULLs are distinct in a unique index, so "no unit" needs its own constraint.
            models.UniqueConstraint(
                fields=["contract", "year", "kind"],
                condition=Q(unit__isnull=True),
                name="costline_unique_per_year_kind_no_unit",
                violation_error_message=_(
                    "Kontrakten har allerede en omkostningslinje uden enhed for det år og den art."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.year}: {self.amount} kr."

    @property
    def owning_organisation_id(self):
        return self.contract.organisation_id if self.contract_id else None

    def clean(self):
        super().clean()
        if self.unit_id and self.contract_id and (
            self.unit.organisation_id != self.contract.organisation_id
        ):
            raise ValidationError({"unit": _("Skal høre til samme organisation.")})


def main_contract_not_in_force():
    """A usage whose main contract is not in force (not started, or ended) is out of use
    (DOMAIN.md); registered with portfolio.querysets.add_usage_out_of_use."""
    return Exists(
        ContractCoverage.objects.filter(usage=OuterRef("pk"), is_main=True).exclude(
            contract__in=Contract.objects.in_force()
        )
    )


def current_deadline_expression(prefix: str = "") -> Coalesce:
    """``Contract.current_deadline`` in SQL (`prefix` reaches the contract from another
    model, e.g. ``"contract__"``); inside a subquery, against the outer contract."""
    if prefix:
        return Coalesce(F(f"{prefix}notice_deadline"), F(f"{prefix}next_end"))
    return Coalesce(OuterRef("notice_deadline"), OuterRef("next_end"))


class DeadlineDecisionQuerySet(scoped_queryset("organisation")):
    def for_list(self):
        return self.select_related("organisation", "contract", "decided_by")

    def for_current_deadlines(self):
        """Decisions about the deadline their contract has now (not about a deadline
        that has passed or moved): what the dashboard and Min side show as decided."""
        return self.filter(deadline=current_deadline_expression("contract__"))


class DeadlineDecision(TenantModel):
    """What the owner decided about one deadline of a contract (renew, use an option,
    terminate, re-tender, other), with a note, by whom and when. One decision per
    contract and deadline: changing one updates it (audited). A decided deadline gets no
    more alerts; a moved deadline (another date) needs a decision of its own."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="decisions",
        verbose_name=_("kontrakt"),
    )
    deadline = models.DateField(
        _("frist"), help_text=_("Den frist beslutningen gælder (normalt opsigelsesfristen).")
    )
    kind = models.CharField(_("beslutning"), max_length=12, choices=choices.DecisionKind)
    note = models.TextField(_("begrundelse"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("besluttet af"), editable=False,
    )
    decided_at = models.DateTimeField(_("besluttet"), editable=False)

    objects = DeadlineDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-deadline", "contract"]
        verbose_name = _("beslutning om frist")
        verbose_name_plural = _("beslutninger om frister")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "deadline"], name="deadlinedecision_one_per_deadline",
                violation_error_message=_(
                    "Der er allerede truffet en beslutning om denne frist for kontrakten."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=choices.DecisionKind.values),
                name="deadlinedecision_kind_valid",
                violation_error_message=_("Beslutningen skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=~Q(note="") | ~Q(kind=choices.DecisionKind.OTHER),
                name="deadlinedecision_other_needs_note",
                violation_error_message=_("Beskriv beslutningen, når den er »Andet«."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract}: {self.get_kind_display()} ({self.deadline:%d-%m-%Y})"

    def check_editable_by(self, user) -> None:
        """Whoever may edit the contract decides about its deadlines."""
        self.contract.check_editable_by(user)

    def clean(self):
        super().clean()
        if self.contract_id:
            # The decision belongs where its contract does (forms leave it to us).
            if self.organisation_id is None:
                self.organisation_id = self.contract.organisation_id
            self.require_same_organisation(contract=self.contract)
