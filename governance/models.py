"""Governance: the organisation's strategic goals and its IT projects and investments
(the portfolio) with their periodic status reports. Projects tie the goals to the
system usages and contracts they introduce, change or end."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kitos.tenancy import TenantModel, scoped_queryset
from portfolio.choices import BusinessType
from roles.choices import RoleTarget

from . import choices
from .querysets import (
    ArchitectureReviewQuerySet,
    BenefitDueDateQuerySet,
    BenefitMeasurementQuerySet,
    BenefitQuerySet,
    DecisionQuerySet,
    MeetingQuerySet,
    NewSystemRequestQuerySet,
    PrincipleQuerySet,
    ProjectQuerySet,
    ProjectStatusReportQuerySet,
    RequestSignOffQuerySet,
    SteeringGroupQuerySet,
    StrategicGoalQuerySet,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]
# A goal tree deeper than this is a data error, not a strategy.
MAX_GOAL_DEPTH = 20


def _at_most_one(*fields: str) -> Q:
    """A check that at most one of the nullable foreign keys `fields` is set."""
    condition = Q()
    for index, field in enumerate(fields):
        for other in fields[index + 1:]:
            condition &= Q(**{f"{field}__isnull": True}) | Q(**{f"{other}__isnull": True})
    return condition


def _exactly_one(*fields: str) -> Q:
    """A check that exactly one of the nullable foreign keys `fields` is set."""
    some = Q()
    for field in fields:
        some |= Q(**{f"{field}__isnull": False})
    return _at_most_one(*fields) & some


class StrategicGoal(TenantModel):
    """A strategic goal of the organisation, or of one forvaltning, for a period; goals
    may refine a parent goal of the same organisation. Projects say which goals they
    support."""

    title = models.CharField(_("titel"), max_length=250)
    description = models.TextField(_("beskrivelse"), blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("fra år"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    end_year = models.PositiveSmallIntegerField(
        _("til år"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    owner = models.ForeignKey(
        "roles.Person", verbose_name=_("ejer"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="owned_goals",
    )
    unit = models.ForeignKey(
        "roles.OrganisationUnit", verbose_name=_("enhed"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="goals",
        help_text=_("Forvaltningen målet gælder for. Tom: hele organisationen."),
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("overordnet mål"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="children",
    )

    objects = StrategicGoalQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("strategisk mål")
        verbose_name_plural = _("strategiske mål")
        constraints = [
            models.UniqueConstraint(
                Lower("title"), "organisation", name="strategicgoal_unique_title_per_org",
                violation_error_message=_(
                    "Der findes allerede et mål med den titel i organisationen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True) | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="strategicgoal_end_after_start",
                violation_error_message=_("Slutåret skal ligge efter startåret."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="strategicgoal_not_own_parent",
                violation_error_message=_("Et mål kan ikke ligge under sig selv."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            return _("fra %(year)s") % {"year": self.start_year}
        if self.end_year:
            return _("til %(year)s") % {"year": self.end_year}
        return ""

    def clean(self):
        super().clean()
        self.require_same_organisation(owner=self.owner, unit=self.unit, parent=self.parent)
        self._check_no_cycle()

    def _check_no_cycle(self) -> None:
        """The parent chain must not lead back to this goal (one query per level, at most
        MAX_GOAL_DEPTH)."""
        if not self.parent_id or self.pk is None:
            return
        seen, current = set(), self.parent_id
        for _level in range(MAX_GOAL_DEPTH):
            if current is None:
                return
            if current == self.pk or current in seen:
                break
            seen.add(current)
            current = (
                StrategicGoal.objects.filter(pk=current)
                .values_list("parent_id", flat=True).first()
            )
        else:
            raise ValidationError({"parent": _("Målhierarkiet er for dybt.")})
        raise ValidationError(
            {"parent": _("Et mål kan ikke ligge under et af sine egne delmål.")}
        )


class Project(TenantModel):
    """An IT project or investment: its phase, owner and manager, budget, period, the
    goals it supports and the system usages and contracts it affects. Roles (the
    specialists: it-arkitekt, udbudskonsulent ...) are held on it through the roles app."""

    role_target = RoleTarget.PROJECT
    role_unit_path = "responsible_unit__path"

    name = models.CharField(_("navn"), max_length=250)
    purpose = models.TextField(_("formål"), blank=True)
    phase = models.CharField(
        _("fase"), max_length=20, choices=choices.ProjectPhase,
        default=choices.ProjectPhase.IDEA, db_index=True,
    )
    responsible_unit = models.ForeignKey(
        "roles.OrganisationUnit", verbose_name=_("ansvarlig enhed"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="responsible_for_projects",
    )
    units = models.ManyToManyField(
        "roles.OrganisationUnit", verbose_name=_("berørte enheder"), blank=True,
        related_name="projects",
    )
    owner = models.ForeignKey(
        "roles.Person", verbose_name=_("projektejer"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="owned_projects",
    )
    manager = models.ForeignKey(
        "roles.Person", verbose_name=_("projektleder"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="managed_projects",
    )
    investment = models.DecimalField(_("investering (kr.)"), **MONEY, null=True, blank=True)
    yearly_operating_cost = models.DecimalField(
        _("årlig driftsudgift (kr.)"), **MONEY, null=True, blank=True
    )
    financing = models.CharField(_("finansiering"), max_length=500, blank=True)
    start_date = models.DateField(_("startdato"), null=True, blank=True)
    end_date = models.DateField(_("slutdato"), null=True, blank=True)
    goals = models.ManyToManyField(
        StrategicGoal, verbose_name=_("understøttede mål"), blank=True, related_name="projects"
    )
    systems = models.ManyToManyField(
        "portfolio.SystemUsage", verbose_name=_("systemer"), through="ProjectSystem",
        blank=True, related_name="projects",
    )
    contracts = models.ManyToManyField(
        "contracts.Contract", verbose_name=_("kontrakter"), through="ProjectContract",
        blank=True, related_name="projects",
    )

    # Role assignments held on the project go with it.
    role_assignments = GenericRelation("roles.RoleAssignment")

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("projekt")
        verbose_name_plural = _("projekter")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="project_unique_name_per_org",
                violation_error_message=_(
                    "Der findes allerede et projekt med det navn i organisationen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(phase__in=choices.ProjectPhase.values), name="project_phase_valid",
                violation_error_message=_("Fasen skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="project_end_after_start",
                violation_error_message=_("Slutdatoen skal ligge efter startdatoen."),
            ),
            models.CheckConstraint(
                condition=Q(investment__isnull=True) | Q(investment__gte=0),
                name="project_investment_not_negative",
                violation_error_message=_("Investeringen kan ikke være negativ."),
            ),
            models.CheckConstraint(
                condition=Q(yearly_operating_cost__isnull=True)
                | Q(yearly_operating_cost__gte=0),
                name="project_operating_cost_not_negative",
                violation_error_message=_("Den årlige driftsudgift kan ikke være negativ."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.require_same_organisation(
            responsible_unit=self.responsible_unit, owner=self.owner, manager=self.manager
        )


class ProjectLink(models.Model):
    """A row of a project's link tables; it carries the organisation so that scoping and
    the audited link deletion work as for the other apps' link tables."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, verbose_name=_("projekt"))
    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    objects = scoped_queryset("organisation").as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.organisation_id = self.project.organisation_id
        super().save(*args, **kwargs)


class ProjectSystem(ProjectLink):
    """A system usage a project introduces, changes or retires (a usage the project
    introduces is registered as planned, as DOMAIN.md's lifecycle has it)."""

    usage = models.ForeignKey(
        "portfolio.SystemUsage", on_delete=models.CASCADE, related_name="project_links",
        verbose_name=_("systemanvendelse"),
    )
    effect = models.CharField(_("virkning"), max_length=12, choices=choices.SystemEffect)

    class Meta:
        ordering = ["project", "usage"]
        verbose_name = _("projektets system")
        verbose_name_plural = _("projekternes systemer")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "usage"], name="projectsystem_unique",
                violation_error_message=_("Projektet er allerede knyttet til systemet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.usage} ({self.get_effect_display()})"


class ProjectContract(ProjectLink):
    """A contract a project creates, changes or ends."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="project_links",
        verbose_name=_("kontrakt"),
    )
    effect = models.CharField(_("virkning"), max_length=12, choices=choices.ContractEffect)

    class Meta:
        ordering = ["project", "contract"]
        verbose_name = _("projektets kontrakt")
        verbose_name_plural = _("projekternes kontrakter")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "contract"], name="projectcontract_unique",
                violation_error_message=_("Projektet er allerede knyttet til kontrakten."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} → {self.contract} ({self.get_effect_display()})"


class ProjectStatusReport(TenantModel):
    """A project's status for one period: a traffic light on time, cost, scope and
    benefits with a text. One report per project and period."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="status_reports",
        verbose_name=_("projekt"),
    )
    period = models.DateField(
        _("periode"), help_text=_("Den dato statusrapporten gælder (fx månedens første dag).")
    )
    time = models.CharField(_("tid"), max_length=6, choices=choices.TrafficLight)
    cost = models.CharField(_("økonomi"), max_length=6, choices=choices.TrafficLight)
    scope = models.CharField(_("omfang"), max_length=6, choices=choices.TrafficLight)
    benefits = models.CharField(_("gevinster"), max_length=6, choices=choices.TrafficLight)
    text = models.TextField(_("status"), blank=True)
    reported_by = models.ForeignKey(
        "roles.Person", verbose_name=_("rapporteret af"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="project_status_reports",
    )

    objects = ProjectStatusReportQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-period"]
        verbose_name = _("statusrapport")
        verbose_name_plural = _("statusrapporter")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"], name="projectstatusreport_one_per_period",
                violation_error_message=_(
                    "Projektet har allerede en statusrapport for den periode."
                ),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__in": choices.TrafficLight.values}),
                    name=f"projectstatusreport_{name}_valid",
                    violation_error_message=_("Vælg grøn, gul eller rød."),
                )
                for name in ("time", "cost", "scope", "benefits")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.period:%d-%m-%Y}"

    def clean(self):
        super().clean()
        if self.project_id:
            # The report belongs where its project does (forms and the API leave it out).
            if self.organisation_id is None:
                self.organisation_id = self.project.organisation_id
            self.require_same_organisation(project=self.project, reported_by=self.reported_by)


# -- benefits (gevinster) ------------------------------------------------------------------

MEASURE = {"max_digits": 16, "decimal_places": 2}


class Benefit(TenantModel):
    """A benefit a project is to realise (gevinst): what kind, how it is measured, from
    which baseline to which target by when, who owns it and which goals it serves. Its
    measurements over time say how much is realised (BenefitQuerySet.with_realisation)."""

    role_target = RoleTarget.BENEFIT
    role_unit_path = "project__responsible_unit__path"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="benefits", verbose_name=_("projekt")
    )
    title = models.CharField(_("titel"), max_length=250)
    kind = models.CharField(
        _("type"), max_length=12, choices=choices.BenefitKind,
        default=choices.BenefitKind.ECONOMIC, db_index=True,
    )
    measure = models.TextField(_("måling"), blank=True,
                               help_text=_("Hvordan gevinsten måles."))
    unit_of_measure = models.CharField(
        _("måleenhed"), max_length=50, blank=True, help_text=_("Fx kr., timer, procent.")
    )
    baseline = models.DecimalField(_("udgangspunkt"), **MEASURE, null=True, blank=True)
    target = models.DecimalField(_("mål"), **MEASURE)
    owner = models.ForeignKey(
        "roles.Person", verbose_name=_("gevinstejer"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="owned_benefits",
    )
    due_date = models.DateField(_("forfaldsdato"), null=True, blank=True, db_index=True,
                                help_text=_("Hvornår gevinsten skal være realiseret."))
    goals = models.ManyToManyField(
        StrategicGoal, verbose_name=_("understøttede mål"), blank=True,
        related_name="benefits",
    )
    notes = models.TextField(_("noter"), blank=True)

    objects = BenefitQuerySet.as_manager()

    class Meta:
        ordering = ["project", "title"]
        verbose_name = _("gevinst")
        verbose_name_plural = _("gevinster")
        constraints = [
            models.UniqueConstraint(
                Lower("title"), "project", name="benefit_unique_title_per_project",
                violation_error_message=_(
                    "Projektet har allerede en gevinst med den titel."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=choices.BenefitKind.values), name="benefit_kind_valid",
                violation_error_message=_("Typen skal være en af de mulige."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.project_id:
            # The benefit belongs where its project does (forms and the API leave it out).
            if self.organisation_id is None:
                self.organisation_id = self.project.organisation_id
            self.require_same_organisation(project=self.project, owner=self.owner)


class BenefitMeasurement(TenantModel):
    """One measurement of a benefit: the value on a date (one per benefit and date)."""

    benefit = models.ForeignKey(
        Benefit, on_delete=models.CASCADE, related_name="measurements",
        verbose_name=_("gevinst"),
    )
    measured_on = models.DateField(_("målt den"))
    value = models.DecimalField(_("værdi"), **MEASURE)
    note = models.TextField(_("note"), blank=True)
    measured_by = models.ForeignKey(
        "roles.Person", verbose_name=_("målt af"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="benefit_measurements",
    )

    objects = BenefitMeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["benefit", "-measured_on"]
        verbose_name = _("gevinstmåling")
        verbose_name_plural = _("gevinstmålinger")
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "measured_on"], name="benefitmeasurement_one_per_date",
                violation_error_message=_("Gevinsten er allerede målt den dato."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit}: {self.measured_on:%d-%m-%Y}"

    def clean(self):
        super().clean()
        if self.benefit_id:
            if self.organisation_id is None:
                self.organisation_id = self.benefit.organisation_id
            self.require_same_organisation(benefit=self.benefit, measured_by=self.measured_by)


class BenefitDueDate(TenantModel):
    """A point at which a benefit is to be measured (a måletidspunkt), with the value
    expected by then. A benefit has as many as its plan says; its own ``due_date`` stays
    the final one. Each is met once the benefit has a measurement dated no earlier than
    MEASURED_WINDOW_DAYS before it (a measurement taken for it, or any later one); the
    owner is reminded before each one that is not met (governance.benefit_reminders)."""

    # A measurement this many days before a due date, or later, counts for it: the
    # owner may measure when the reminder arrives, a month ahead at the most.
    MEASURED_WINDOW_DAYS = 30

    benefit = models.ForeignKey(
        Benefit, on_delete=models.CASCADE, related_name="due_dates",
        verbose_name=_("gevinst"),
    )
    date = models.DateField(_("forfaldsdato"))
    expected_value = models.DecimalField(
        _("forventet værdi"), **MEASURE, null=True, blank=True,
        help_text=_("Den værdi gevinsten forventes at have nået på datoen."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = BenefitDueDateQuerySet.as_manager()

    class Meta:
        ordering = ["benefit", "date"]
        verbose_name = _("forfaldsdato for gevinstmåling")
        verbose_name_plural = _("forfaldsdatoer for gevinstmålinger")
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "date"], name="benefitduedate_one_per_date",
                violation_error_message=_("Gevinsten har allerede en forfaldsdato den dag."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit}: {self.date:%d-%m-%Y}"

    def clean(self):
        super().clean()
        if self.benefit_id:
            if self.organisation_id is None:
                self.organisation_id = self.benefit.organisation_id
            self.require_same_organisation(benefit=self.benefit)


# -- steering groups, meetings and decisions ------------------------------------------------


class SteeringGroup(TenantModel):
    """A steering group (fx *Den Digitale Styregruppe*): its mandate, its scope (the whole
    organisation or one forvaltning and the units under it) and its members."""

    name = models.CharField(_("navn"), max_length=250)
    mandate = models.TextField(_("mandat"), blank=True)
    unit = models.ForeignKey(
        "roles.OrganisationUnit", verbose_name=_("enhed"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="steering_groups",
        help_text=_("Forvaltningen styregruppen dækker. Tom: hele organisationen."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    members = models.ManyToManyField(
        "roles.Person", verbose_name=_("medlemmer"), through="SteeringGroupMember",
        blank=True, related_name="steering_groups",
    )

    objects = SteeringGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("styregruppe")
        verbose_name_plural = _("styregrupper")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="steeringgroup_unique_name_per_org",
                violation_error_message=_(
                    "Der findes allerede en styregruppe med det navn i organisationen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.require_same_organisation(unit=self.unit)


class SteeringGroupMember(models.Model):
    """A person's seat in a steering group with the role held there."""

    group = models.ForeignKey(
        SteeringGroup, on_delete=models.CASCADE, verbose_name=_("styregruppe"),
        related_name="memberships",
    )
    person = models.ForeignKey(
        "roles.Person", on_delete=models.CASCADE, verbose_name=_("person"),
        related_name="steering_memberships",
    )
    role = models.CharField(
        _("rolle"), max_length=10, choices=choices.MemberRole,
        default=choices.MemberRole.MEMBER,
    )
    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    objects = scoped_queryset("organisation").as_manager()

    class Meta:
        ordering = ["group", "role", "person"]
        verbose_name = _("styregruppemedlem")
        verbose_name_plural = _("styregruppemedlemmer")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"], name="steeringgroupmember_unique",
                violation_error_message=_("Personen er allerede medlem af styregruppen."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=choices.MemberRole.values),
                name="steeringgroupmember_role_valid",
                violation_error_message=_("Rollen skal være formand, medlem eller sekretær."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.organisation_id = self.group.organisation_id
        super().save(*args, **kwargs)


class Meeting(TenantModel):
    """A meeting of a steering group."""

    group = models.ForeignKey(
        SteeringGroup, on_delete=models.CASCADE, related_name="meetings",
        verbose_name=_("styregruppe"),
    )
    date = models.DateField(_("dato"))
    place = models.CharField(_("sted"), max_length=250, blank=True)
    notes = models.TextField(_("noter"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["group", "-date"]
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "date"], name="meeting_one_per_group_and_day",
                violation_error_message=_("Styregruppen har allerede et møde den dag."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.date:%d-%m-%Y}"

    def clean(self):
        super().clean()
        if self.group_id:
            if self.organisation_id is None:
                self.organisation_id = self.group.organisation_id
            self.require_same_organisation(group=self.group)


class Decision(TenantModel):
    """A steering group's decision on a project, a contract's deadline or a free-text
    matter: its outcome, rationale, the units it binds and its follow-up."""

    group = models.ForeignKey(
        SteeringGroup, on_delete=models.CASCADE, related_name="decisions",
        verbose_name=_("styregruppe"),
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions",
        verbose_name=_("møde"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
        verbose_name=_("projekt"),
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, null=True, blank=True,
        related_name="steering_decisions", verbose_name=_("kontrakt"),
    )
    request = models.ForeignKey(
        "NewSystemRequest", on_delete=models.PROTECT, null=True, blank=True,
        related_name="decisions", verbose_name=_("anmodning"),
    )
    principle = models.ForeignKey(
        "Principle", on_delete=models.PROTECT, null=True, blank=True,
        related_name="decisions", verbose_name=_("princip"),
    )
    title = models.CharField(_("titel"), max_length=250)
    outcome = models.CharField(
        _("udfald"), max_length=10, choices=choices.DecisionOutcome, db_index=True
    )
    rationale = models.TextField(_("begrundelse"), blank=True)
    binding_units = models.ManyToManyField(
        "roles.OrganisationUnit", verbose_name=_("bindende for"), blank=True,
        related_name="binding_decisions",
    )
    decided_on = models.DateField(_("besluttet den"), db_index=True)
    follow_up_date = models.DateField(_("opfølgningsdato"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("opfølgning udført"), default=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "title"]
        verbose_name = _("beslutning")
        verbose_name_plural = _("beslutninger")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=choices.DecisionOutcome.values),
                name="decision_outcome_valid",
                violation_error_message=_("Udfaldet skal være et af de mulige."),
            ),
            models.CheckConstraint(
                condition=_at_most_one("project", "contract", "request", "principle"),
                name="decision_one_subject",
                violation_error_message=_(
                    "En beslutning kan handle om ét projekt, én anmodning, én kontrakt "
                    "eller ét princip, ikke flere."
                ),
            ),
            models.CheckConstraint(
                condition=Q(follow_up_date__isnull=True)
                | Q(follow_up_date__gte=F("decided_on")),
                name="decision_follow_up_after_decision",
                violation_error_message=_(
                    "Opfølgningsdatoen kan ikke ligge før beslutningsdatoen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_kind(self) -> str:
        if self.project_id:
            return choices.DecisionSubject.PROJECT
        if self.request_id:
            return choices.DecisionSubject.REQUEST
        if self.contract_id:
            return choices.DecisionSubject.CONTRACT
        if self.principle_id:
            return choices.DecisionSubject.PRINCIPLE
        return choices.DecisionSubject.FREE

    def clean(self):
        super().clean()
        if self.group_id:
            if self.organisation_id is None:
                self.organisation_id = self.group.organisation_id
            self.require_same_organisation(
                group=self.group, meeting=self.meeting, project=self.project,
                contract=self.contract, request=self.request, principle=self.principle,
            )
            if self.meeting_id and self.meeting.group_id != self.group_id:
                raise ValidationError(
                    {"meeting": _("Mødet skal være et af styregruppens egne møder.")}
                )


# -- new-system requests (the buying process) -----------------------------------------------


class NewSystemRequest(TenantModel):
    """A request for a new IT system (the buying process): what is needed, for which KLE
    tasks and business type, which goals it serves and which principles it is reviewed
    against. Specialists sign it off (RequestSignOff); a steering group decides
    (Decision.request); an approved request becomes a project of the portfolio."""

    title = models.CharField(_("titel"), max_length=250)
    need = models.TextField(_("behov"), help_text=_("Hvad skal systemet løse, og for hvem?"))
    business_type = models.CharField(
        _("forretningstype"), max_length=30, choices=BusinessType, blank=True
    )
    kle_numbers = models.ManyToManyField(
        "portfolio.KleNumber", verbose_name=_("KLE-numre"), blank=True,
        related_name="system_requests",
    )
    unit = models.ForeignKey(
        "roles.OrganisationUnit", verbose_name=_("enhed"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="system_requests",
        help_text=_("Forvaltningen eller afdelingen, der har behovet."),
    )
    requested_by = models.ForeignKey(
        "roles.Person", verbose_name=_("anmodet af"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="system_requests",
    )
    goals = models.ManyToManyField(
        StrategicGoal, verbose_name=_("strategiske mål"), blank=True,
        related_name="system_requests",
    )
    principles = models.ManyToManyField(
        "Principle", verbose_name=_("principper"), blank=True,
        related_name="system_requests",
        help_text=_("De principper anmodningen skal vurderes imod."),
    )
    expected_investment = models.DecimalField(
        _("forventet investering (kr.)"), **MONEY, null=True, blank=True
    )
    expected_yearly_cost = models.DecimalField(
        _("forventet årlig driftsudgift (kr.)"), **MONEY, null=True, blank=True
    )
    needed_by = models.DateField(_("behov fra"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=choices.RequestStatus,
        default=choices.RequestStatus.DRAFT, db_index=True,
    )
    submitted_on = models.DateField(_("indsendt den"), null=True, blank=True)
    project = models.OneToOneField(
        Project, verbose_name=_("projekt"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="origin_request",
        help_text=_("Projektet i porteføljen, som den godkendte anmodning blev til."),
    )

    objects = NewSystemRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "title"]
        verbose_name = _("anmodning om nyt system")
        verbose_name_plural = _("anmodninger om nye systemer")
        constraints = [
            models.UniqueConstraint(
                Lower("title"), "organisation", name="newsystemrequest_unique_title_per_org",
                violation_error_message=_(
                    "Der findes allerede en anmodning med den titel i organisationen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=choices.RequestStatus.values),
                name="newsystemrequest_status_valid",
                violation_error_message=_("Status skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(expected_investment__isnull=True) | Q(expected_investment__gte=0),
                name="newsystemrequest_investment_not_negative",
                violation_error_message=_("Investeringen kan ikke være negativ."),
            ),
            models.CheckConstraint(
                condition=Q(expected_yearly_cost__isnull=True)
                | Q(expected_yearly_cost__gte=0),
                name="newsystemrequest_yearly_cost_not_negative",
                violation_error_message=_("Driftsudgiften kan ikke være negativ."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in choices.OPEN_REQUEST_STATUSES

    def clean(self):
        super().clean()
        self.require_same_organisation(
            unit=self.unit, requested_by=self.requested_by, project=self.project
        )


class RequestSignOff(TenantModel):
    """One specialist's sign-off of a new-system request: the role signing (it-arkitekt,
    kontraktansvarlig, udbudskonsulent, økonomikonsulent, DPO), who signed, the verdict
    and its comment. One per role per request."""

    request = models.ForeignKey(
        NewSystemRequest, on_delete=models.CASCADE, related_name="sign_offs",
        verbose_name=_("anmodning"),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=choices.SignOffRole)
    person = models.ForeignKey(
        "roles.Person", verbose_name=_("person"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="request_sign_offs",
    )
    verdict = models.CharField(
        _("vurdering"), max_length=12, choices=choices.SignOffVerdict,
        default=choices.SignOffVerdict.PENDING,
    )
    comment = models.TextField(_("bemærkning"), blank=True)
    signed_on = models.DateField(_("dato"), null=True, blank=True)

    objects = RequestSignOffQuerySet.as_manager()

    class Meta:
        ordering = ["request", "role"]
        verbose_name = _("specialistvurdering")
        verbose_name_plural = _("specialistvurderinger")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "role"], name="requestsignoff_one_per_role",
                violation_error_message=_("Anmodningen har allerede en vurdering fra den rolle."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=choices.SignOffRole.values),
                name="requestsignoff_role_valid",
                violation_error_message=_("Rollen skal være en af specialistrollerne."),
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=choices.SignOffVerdict.values),
                name="requestsignoff_verdict_valid",
                violation_error_message=_("Vurderingen skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(verdict="pending") | Q(signed_on__isnull=False),
                name="requestsignoff_signed_has_date",
                violation_error_message=_("En afgivet vurdering skal have en dato."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_role_display()} ({self.get_verdict_display()})"

    def clean(self):
        super().clean()
        if self.request_id:
            if self.organisation_id is None:
                self.organisation_id = self.request.organisation_id
            self.require_same_organisation(request=self.request, person=self.person)


# -- principles and architecture reviews ----------------------------------------------------


class Principle(TenantModel):
    """A principle for IT architecture, data or contract/supplier management: its text,
    rationale and implications. A principle is versioned: a new version points at the
    one it replaces (`previous`), and reviews refer to the version they were made
    against."""

    code = models.CharField(
        _("nummer"), max_length=20, blank=True, help_text=_("Fx A3 eller D1."),
    )
    title = models.CharField(_("titel"), max_length=250)
    area = models.CharField(_("område"), max_length=15, choices=choices.PrincipleArea)
    text = models.TextField(_("princip"))
    rationale = models.TextField(_("begrundelse"), blank=True)
    implications = models.TextField(_("konsekvenser"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("gælder fra"), null=True, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    owner = models.ForeignKey(
        "roles.Person", verbose_name=_("ejer"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="owned_principles",
    )
    previous = models.OneToOneField(
        "self", verbose_name=_("forrige version"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="replaced_by",
    )

    objects = PrincipleQuerySet.as_manager()

    class Meta:
        ordering = ["area", "code", "title", "-version"]
        verbose_name = _("princip")
        verbose_name_plural = _("principper")
        constraints = [
            models.UniqueConstraint(
                Lower("title"), "version", "organisation",
                name="principle_unique_title_version_per_org",
                violation_error_message=_(
                    "Der findes allerede et princip med den titel og version i organisationen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(area__in=choices.PrincipleArea.values),
                name="principle_area_valid",
                violation_error_message=_("Området skal være et af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="principle_version_positive",
                violation_error_message=_("Versionen skal være 1 eller mere."),
            ),
            models.CheckConstraint(
                condition=~Q(previous=F("pk")), name="principle_not_own_previous",
                violation_error_message=_("Et princip kan ikke erstatte sig selv."),
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.code} {self.title}".strip()
        return f"{label} (v{self.version})" if self.version > 1 else label

    def clean(self):
        super().clean()
        self.require_same_organisation(owner=self.owner, previous=self.previous)


class ArchitectureReview(TenantModel):
    """A review of one project, request or system usage against one principle:
    complies, deviation accepted (with its reason) or not compliant. One review per
    principle version and subject; a new review replaces the verdict (the audit log
    keeps the history)."""

    principle = models.ForeignKey(
        Principle, on_delete=models.PROTECT, related_name="reviews",
        verbose_name=_("princip"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews",
        verbose_name=_("projekt"),
    )
    request = models.ForeignKey(
        NewSystemRequest, on_delete=models.CASCADE, null=True, blank=True,
        related_name="reviews", verbose_name=_("anmodning"),
    )
    usage = models.ForeignKey(
        "portfolio.SystemUsage", on_delete=models.CASCADE, null=True, blank=True,
        related_name="architecture_reviews", verbose_name=_("systemanvendelse"),
    )
    verdict = models.CharField(_("vurdering"), max_length=20, choices=choices.ReviewVerdict)
    reason = models.TextField(
        _("begrundelse"), blank=True,
        help_text=_("Påkrævet, når en afvigelse accepteres."),
    )
    reviewed_on = models.DateField(_("vurderet den"))
    reviewer = models.ForeignKey(
        "roles.Person", verbose_name=_("vurderet af"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="architecture_reviews",
    )

    objects = ArchitectureReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-reviewed_on", "principle"]
        verbose_name = _("arkitekturvurdering")
        verbose_name_plural = _("arkitekturvurderinger")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one("project", "request", "usage"),
                name="architecturereview_one_subject",
                violation_error_message=_(
                    "En vurdering gælder netop ét projekt, én anmodning eller én "
                    "systemanvendelse."
                ),
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=choices.ReviewVerdict.values),
                name="architecturereview_verdict_valid",
                violation_error_message=_("Vurderingen skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=~Q(verdict="deviation_accepted") | ~Q(reason=""),
                name="architecturereview_deviation_has_reason",
                violation_error_message=_("En accepteret afvigelse skal have en begrundelse."),
            ),
            models.UniqueConstraint(
                fields=["principle", "project"], condition=Q(project__isnull=False),
                name="architecturereview_one_per_project",
                violation_error_message=_("Projektet er allerede vurderet mod princippet."),
            ),
            models.UniqueConstraint(
                fields=["principle", "request"], condition=Q(request__isnull=False),
                name="architecturereview_one_per_request",
                violation_error_message=_("Anmodningen er allerede vurderet mod princippet."),
            ),
            models.UniqueConstraint(
                fields=["principle", "usage"], condition=Q(usage__isnull=False),
                name="architecturereview_one_per_usage",
                violation_error_message=_(
                    "Systemanvendelsen er allerede vurderet mod princippet."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.principle} ({self.get_verdict_display()})"

    @property
    def subject(self):
        return self.project or self.request or self.usage

    @property
    def subject_kind(self) -> str:
        if self.project_id:
            return choices.ReviewSubject.PROJECT
        if self.request_id:
            return choices.ReviewSubject.REQUEST
        return choices.ReviewSubject.USAGE

    def clean(self):
        super().clean()
        self.require_same_organisation(
            principle=self.principle if self.principle_id else None, project=self.project,
            request=self.request, usage=self.usage, reviewer=self.reviewer,
        )
