"""People and responsibility: each organisation's unit tree, persons, role types and
role assignments, competencies. The lowest domain app: it depends on the core (where
the organisation and memberships live) and on no other app."""

from __future__ import annotations

import secrets
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitos.choices import MembershipRole
from kitos.db import name_related
from kitos.models import Organisation
from kitos.tenancy import (
    PublicIdModel,
    ScopedQuerySet,
    SharedCatalogModel,
    StandardOrOwnQuerySet,
    TenantModel,
    reference_data_errors,
)
from roles.choices import (
    COMPETENCY_LEVEL_RANK,
    CompetencyLevel,
    CompetencyTier,
    RoleTarget,
    TrainingStatus,
)


class OrganisationUnitQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "parent")

    def open(self):
        """Units not closed: the ones offered for new links (a person's unit, a new
        unit's parent)."""
        return self.filter(closed_on__isnull=True)

    def forvaltninger(self) -> list[OrganisationUnit]:
        """The forvaltninger among these units (one query): the top-level units, or, in an
        organisation whose tree has a single root standing for the organisation itself (as
        KITOS exports and the demo have it), the units right below that root."""
        units = list(
            self.filter(Q(parent__isnull=True) | Q(parent__parent__isnull=True))
            .order_by("organisation__name", "name")
        )
        roots = defaultdict(list)
        for unit in units:
            if unit.parent_id is None:
                roots[unit.organisation_id].append(unit.pk)
        single_roots = {ids[0] for ids in roots.values() if len(ids) == 1}
        return [
            unit for unit in units
            if unit.parent_id in single_roots
            or (unit.parent_id is None and unit.pk not in single_roots)
        ]


class OrganisationUnit(TenantModel):
    """A unit in an organisation's tree: forvaltning at the top, afdelinger, centre and
    teams below. ``path`` (ancestor ids) makes "this unit and its subtree" one indexed
    prefix filter, which every dashboard needs.

    A unit that no longer exists (closed in FK Organisation, merged away) is closed, not
    deleted: ``closed_on`` keeps it, and what points at it (usages, contracts, roles,
    history), while it is shown as closed and no longer offered for new links. Its name
    is free again for a new open unit beside it."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet enhed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("navn"), max_length=200)
    local_code = models.CharField(_("lokal kode"), max_length=50, blank=True)
    ean = models.CharField(_("EAN-nummer"), max_length=13, blank=True)
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)
    closed_on = models.DateField(_("lukket"), null=True, blank=True)
    # "/12/57/" for a unit with id 57 under 12; maintained by roles.services.
    path = models.CharField(max_length=500, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = OrganisationUnitQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "path"]
        verbose_name = _("organisationsenhed")
        verbose_name_plural = _("organisationsenheder")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "parent", "name"], name="unit_unique_name_per_parent",
                condition=Q(closed_on__isnull=True),
                violation_error_message=_(
                    "Der findes allerede en enhed med det navn under samme overordnede enhed."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(parent__isnull=True, closed_on__isnull=True),
                name="unit_unique_name_at_top",
                violation_error_message=_(
                    "Der findes allerede en enhed med det navn øverst i organisationen."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "local_code"],
                condition=~Q(local_code=""),
                name="unit_unique_code_per_org",
                violation_error_message=_(
                    "Der findes allerede en enhed med den lokale kode i organisationen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ean="") | Q(ean__regex=r"^[0-9]{13}$"), name="unit_ean_13_digits",
                violation_error_message=_("EAN-nummeret skal have 13 cifre."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="unit_not_own_parent",
                violation_error_message=_("En enhed kan ikke ligge under sig selv."),
            ),
            # Lets other tables reference (unit, organisation) together; PostgreSQL then
            # enforces "same organisation" with composite foreign keys (kitos.db).
            models.UniqueConstraint(
                fields=["id", "organisation"],
                name="unit_id_org_unique",
                violation_error_message=_("Enheden findes allerede i organisationen."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.parent_id:
            self.require_same_organisation(parent=self.parent)
            if self.pk and self.parent.path and f"/{self.pk}/" in self.parent.path:
                raise ValidationError({"parent": _("En enhed kan ikke ligge under sig selv.")})

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def subtree(self):
        """This unit and every unit below it."""
        return OrganisationUnit.objects.filter(
            organisation_id=self.organisation_id, path__startswith=self.path
        )

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids from the top of the tree down to this unit, read from ``path``."""
        return [int(part) for part in self.path.strip("/").split("/") if part] or [self.pk]

    def forvaltning(self) -> OrganisationUnit | None:
        """The forvaltning the unit belongs to (see ``OrganisationUnitQuerySet.
        forvaltninger``); None for a single root standing for the organisation. One
        query."""
        ancestors = set(self.ancestor_ids)
        return next(
            (unit for unit in OrganisationUnit.objects.filter(
                organisation_id=self.organisation_id).forvaltninger()
             if unit.pk in ancestors),
            None,
        )


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


def still_working(today, prefix: str = "") -> Q:
    """People who have not left on `today`. ``Person.left_on`` is the last working day:
    the person counts until and including that day and has left from the next one
    (``prefix`` reaches the person from another model, e.g. ``"person__"``)."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": today})


class PersonQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "unit")

    def still_working(self, today):
        return self.filter(still_working(today))

    def gone(self, today):
        """People who have left by `today` (their last working day is past)."""
        return self.filter(left_on__lt=today)


class Person(TenantModel):
    """Someone who can hold a role. A login is optional: an e-mail is enough to receive
    alerts. ``left_on`` is the last working day of someone who leaves: until and
    including it they count as usual, from the next day on they have left (their roles
    need reassigning, alerts and the calendar stop)."""

    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    title = models.CharField(_("stilling"), max_length=200, blank=True)
    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("enhed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
    )
    left_on = models.DateField(_("fratrådt"), null=True, blank=True)
    external_reference = models.CharField(_("ekstern reference"), max_length=100, blank=True)
    # The secret in the person's calendar feed URL (Outlook subscribes without a login).
    calendar_token = models.CharField(
        _("kalendernøgle"), max_length=64, unique=True, default=new_calendar_token,
        editable=False,
    )

    audit_exclude = ("calendar_token",)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=~Q(email=""),
                name="person_unique_email_per_org",
                violation_error_message=_(
                    "Der findes allerede en person med den e-mailadresse i organisationen."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(user__isnull=False),
                name="person_unique_user_per_org",
                violation_error_message=_(
                    "Login'et hører allerede til en anden person i organisationen."
                ),
            ),
            models.UniqueConstraint(
                fields=["id", "organisation"],
                name="person_id_org_unique",
                violation_error_message=_("Personen findes allerede i organisationen."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def has_left(self, today) -> bool:
        """Whether the person has left by `today` (``left_on``, the last working day,
        is past)."""
        return self.left_on is not None and self.left_on < today

    @property
    def has_left_today(self) -> bool:
        """``has_left`` for the current local date (templates cannot pass a date)."""
        return self.has_left(timezone.localdate())

    def clean(self):
        super().clean()
        self.require_same_organisation(unit=self.unit)


class DisciplineQuerySet(StandardOrOwnQuerySet):
    def for_list(self):
        return self.select_related("organisation")


class Discipline(PublicIdModel):
    """A professional discipline a person can have a competency in (it-arkitektur,
    kontraktstyring, ...). Standard disciplines have no organisation; organisations may
    add their own."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="disciplines",
    )
    code = models.SlugField(_("kode"), max_length=60)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    objects = DisciplineQuerySet.as_manager()
    edit_role = MembershipRole.ADMIN

    class Meta:
        ordering = ["name"]
        verbose_name = _("fagområde")
        verbose_name_plural = _("fagområder")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                name="discipline_unique_code",
                violation_error_message=_(
                    "Der findes allerede et fagområde med den kode i organisationen."
                ),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True),
                name="discipline_unique_standard_code",
                violation_error_message=_("Der findes allerede et standardfagområde med den kode."),
                violation_error_code="unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_organisation_id(self):
        return self.organisation_id


class RoleTypeQuerySet(StandardOrOwnQuerySet):
    def for_list(self):
        return self.select_related("organisation", "discipline")


class RoleType(PublicIdModel):
    """A named responsibility held on one kind of object (Systemejer on a system usage,
    Kontraktejer on a contract, ...). Standard types have no organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_types",
    )
    code = models.SlugField(_("kode"), max_length=60)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    applies_to = models.CharField(_("gælder for"), max_length=40, choices=RoleTarget)
    is_specialist = models.BooleanField(_("specialistrolle"), default=False)
    is_required = models.BooleanField(
        _("påkrævet"),
        default=False,
        help_text=_("Objekter af denne type bør altid have rollen besat."),
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("fagområde"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="role_types",
        help_text=_("Det fagområde rollen kræver kompetencer i."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sortering"), default=100)

    objects = RoleTypeQuerySet.as_manager()
    edit_role = MembershipRole.ADMIN

    class Meta:
        ordering = ["applies_to", "sort_order", "name"]
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "applies_to", "code"], name="roletype_unique_code",
                violation_error_message=_(
                    "Der findes allerede en rolle med den kode for den type objekt."
                ),
            ),
            models.UniqueConstraint(
                fields=["applies_to", "code"],
                condition=Q(organisation__isnull=True),
                name="roletype_unique_standard_code",
                violation_error_message=_(
                    "Der findes allerede en standardrolle med den kode for den type objekt."
                ),
            ),
            models.CheckConstraint(
                condition=Q(applies_to__in=RoleTarget.values), name="roletype_applies_to_valid",
                violation_error_message=_("Rollen skal gælde for en af de mulige typer objekter."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = reference_data_errors(
            organisation_id=self.organisation_id,
            discipline=self.discipline if self.discipline_id else None,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def owning_organisation_id(self):
        return self.organisation_id


class RoleAssignmentQuerySet(ScopedQuerySet):
    def current(self, today):
        """Assignments in force on `today` (an end date in the past stops counting)."""
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=today),
            Q(end_date__isnull=True) | Q(end_date__gte=today),
        )

    def on(self, obj):
        """Assignments held on `obj` (any model with role assignments)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )

    def for_list(self):
        """With the targets prefetched: one query per kind of target, whatever the count."""
        targets = [
            model.objects.select_related(*name_related(model))
            for model in role_target_models().values()
        ]
        return self.select_related(
            "organisation", "person", "role_type", "content_type"
        ).prefetch_related(GenericPrefetch("target", targets))


class RoleAssignment(TenantModel):
    """Person × role type × the object the role is held on (generic target).

    One table for every kind of responsibility answers both "everything person X is
    responsible for" (filter on person) and "who holds role R on object O" (filter on
    content type and object id, indexed)."""

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role_type = models.ForeignKey(
        RoleType,
        verbose_name=_("rolle"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("objekttype"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    target = GenericForeignKey("content_type", "object_id")
    start_date = models.DateField(_("fra"), null=True, blank=True)
    end_date = models.DateField(_("til"), null=True, blank=True)
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role_type__sort_order", "person__name"]
        verbose_name = _("rolletildeling")
        verbose_name_plural = _("rolletildelinger")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="roleassign_target_idx"),
            # The daily alert scan asks which assignments began or ended since its last
            # run (alerts.services): date ranges, not a read of the whole table.
            models.Index(fields=["start_date"], name="roleassign_start_idx"),
            models.Index(fields=["end_date"], name="roleassign_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="roleassignment_end_after_start",
                violation_error_message=_("Slutdatoen skal ligge efter startdatoen."),
            ),
            models.UniqueConstraint(
                fields=["person", "role_type", "content_type", "object_id"],
                condition=Q(end_date__isnull=True),
                name="roleassignment_unique_open",
                violation_error_message=_(
                    "Personen har allerede rollen på objektet (uden slutdato)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_type}: {self.person}"

    def clean(self):
        super().clean()
        if self.person_id:
            self.require_same_organisation(person=self.person)
        if self.role_type_id and self.role_type.organisation_id not in (
            None,
            self.organisation_id,
        ):
            raise ValidationError({"role_type": _("Rollen hører til en anden organisation.")})
        if self.content_type_id and self.object_id:
            target = self.target
            if target is None:
                raise ValidationError({"object_id": _("Objektet findes ikke.")})
            if not target_usable_by(target, self.organisation_id):
                raise ValidationError(
                    {"object_id": _("Objektet hører til en anden organisation.")}
                )
            if self.role_type_id and target_kind(target) != self.role_type.applies_to:
                raise ValidationError(
                    {"role_type": _("Rollen kan ikke bruges på denne type objekt.")}
                )


def target_usable_by(target, organisation_id) -> bool:
    """Whether an organisation may hold roles on `target`: its own objects, and the
    shared catalog entries (systems, suppliers) it may use, which have no single owner
    — each organisation then keeps its own roles on the same entry."""
    if isinstance(target, SharedCatalogModel):
        return target.usable_by(organisation_id)
    return getattr(target, "owning_organisation_id", None) == organisation_id


def target_kind(obj) -> str | None:
    """The RoleTarget of an object, declared by its model as ``role_target``."""
    return getattr(type(obj), "role_target", None)


def role_target_models() -> dict[str, type[models.Model]]:
    """RoleTarget value -> the model of that kind of object (models declaring
    ``role_target``; most live in apps that depend on this one)."""
    return {
        model.role_target: model
        for model in apps.get_models()
        if getattr(model, "role_target", None)
    }


OrganisationUnit.role_target = RoleTarget.ORGANISATION_UNIT
OrganisationUnit.role_unit_path = "path"
Organisation.role_target = RoleTarget.ORGANISATION


class CompetencyQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "person", "discipline")


class Competency(TenantModel):
    """What a person can do in a discipline: understand it, do it, or teach it."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="competencies"
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("fagområde"),
        on_delete=models.PROTECT,
        related_name="competencies",
    )
    level = models.CharField(_("niveau"), max_length=20, choices=CompetencyLevel)
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    objects = CompetencyQuerySet.as_manager()

    class Meta:
        ordering = ["person__name", "discipline__name"]
        verbose_name = _("kompetence")
        verbose_name_plural = _("kompetencer")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "discipline"], name="competency_unique_person_discipline",
                violation_error_message=_("Personen har allerede en kompetence i dette fagområde."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=CompetencyLevel.values), name="competency_level_valid",
                violation_error_message=_("Niveauet skal være et af de mulige."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.discipline} ({self.get_level_display()})"

    def clean(self):
        super().clean()
        if self.person_id:
            self.require_same_organisation(person=self.person)
        if self.discipline_id and self.discipline.organisation_id not in (
            None,
            self.organisation_id,
        ):
            raise ValidationError({"discipline": _("Fagområdet hører til en anden organisation.")})


def level_meets(level: str | None, target: str) -> bool:
    """Whether a competency `level` (None: none) reaches `target` (forståelse <
    færdighed < underviser)."""
    return bool(level) and COMPETENCY_LEVEL_RANK[level] >= COMPETENCY_LEVEL_RANK[target]


class CompetencyTargetQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "discipline", "unit", "role_type")


class CompetencyTarget(TenantModel):
    """The level a discipline should be held at (Aabenraa: "lederne til et
    forståelsesniveau … færdighedsniveau hos de udførende"): either by the people of a
    unit and the units below it, or by the people holding a role type. The gap view
    (roles.competence_gaps) compares it with their competencies."""

    discipline = models.ForeignKey(
        Discipline, verbose_name=_("fagområde"), on_delete=models.PROTECT,
        related_name="targets",
    )
    level = models.CharField(_("målniveau"), max_length=20, choices=CompetencyLevel)
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("enhed"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="competency_targets",
        help_text=_("Målet gælder enhedens og underliggende enheders personer."),
    )
    role_type = models.ForeignKey(
        RoleType, verbose_name=_("rolle"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="competency_targets",
        help_text=_("Målet gælder de personer, der har rollen i dag."),
    )
    tier = models.CharField(_("niveau i organisationen"), max_length=20,
                            choices=CompetencyTier, blank=True)
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    objects = CompetencyTargetQuerySet.as_manager()

    class Meta:
        ordering = ["discipline__name", "unit__path", "role_type__name"]
        verbose_name = _("kompetencemål")
        verbose_name_plural = _("kompetencemål")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, role_type__isnull=True)
                | Q(unit__isnull=True, role_type__isnull=False),
                name="competencytarget_unit_or_role_type",
                violation_error_message=_(
                    "Et kompetencemål gælder enten en enhed eller en rolle (én af dem)."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "discipline", "unit"],
                condition=Q(unit__isnull=False),
                name="competencytarget_unique_unit",
                violation_error_message=_(
                    "Enheden har allerede et kompetencemål i dette fagområde."
                ),
            ),
            models.UniqueConstraint(
                fields=["organisation", "discipline", "role_type"],
                condition=Q(role_type__isnull=False),
                name="competencytarget_unique_role_type",
                violation_error_message=_(
                    "Rollen har allerede et kompetencemål i dette fagområde."
                ),
            ),
            models.CheckConstraint(
                condition=Q(level__in=CompetencyLevel.values),
                name="competencytarget_level_valid",
                violation_error_message=_("Niveauet skal være et af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(tier="") | Q(tier__in=CompetencyTier.values),
                name="competencytarget_tier_valid",
                violation_error_message=_("Niveauet i organisationen skal være et af de mulige."),
            ),
        ]

    def __str__(self) -> str:
        holder = self.unit or self.role_type
        return f"{self.discipline} – {holder}: {self.get_level_display()}"

    @property
    def applies_to_label(self) -> str:
        return str(self.unit or self.role_type or "")

    def clean(self):
        super().clean()
        self.require_same_organisation(unit=self.unit if self.unit_id else None)
        errors = reference_data_errors(
            organisation_id=self.organisation_id,
            discipline=self.discipline if self.discipline_id else None,
            role_type=self.role_type if self.role_type_id else None,
        )
        if errors:
            raise ValidationError(errors)


class TrainingPlanItemQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "person", "person__unit", "discipline")

    def open(self):
        return self.filter(status__in=(TrainingStatus.PLANNED, TrainingStatus.IN_PROGRESS))


class TrainingPlanItem(TenantModel):
    """Who should reach which level in a discipline by when (the training plan). When
    it is marked done the person's competency is raised to the level
    (roles.services.training_plan_item_update)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="training_plan_items",
    )
    discipline = models.ForeignKey(
        Discipline, verbose_name=_("fagområde"), on_delete=models.PROTECT,
        related_name="training_plan_items",
    )
    target_level = models.CharField(_("målniveau"), max_length=20, choices=CompetencyLevel)
    due_date = models.DateField(_("senest"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TrainingStatus,
                              default=TrainingStatus.PLANNED, db_index=True)
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    objects = TrainingPlanItemQuerySet.as_manager()

    class Meta:
        ordering = [F("due_date").asc(nulls_last=True), "person__name", "discipline__name"]
        verbose_name = _("uddannelsesplanpunkt")
        verbose_name_plural = _("uddannelsesplan")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_level__in=CompetencyLevel.values),
                name="trainingplanitem_level_valid",
                violation_error_message=_("Niveauet skal være et af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=TrainingStatus.values),
                name="trainingplanitem_status_valid",
                violation_error_message=_("Status skal være en af de mulige."),
            ),
            models.UniqueConstraint(
                fields=["person", "discipline", "target_level"],
                condition=Q(status__in=["planned", "in_progress"]),
                name="trainingplanitem_unique_open",
                violation_error_message=_(
                    "Personen har allerede et åbent punkt i uddannelsesplanen for det "
                    "fagområde og niveau."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.discipline} ({self.get_target_level_display()})"

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_date is not None
            and self.status in (TrainingStatus.PLANNED, TrainingStatus.IN_PROGRESS)
            and self.due_date < timezone.localdate()
        )

    def clean(self):
        super().clean()
        if self.person_id:
            self.require_same_organisation(person=self.person)
        errors = reference_data_errors(
            organisation_id=self.organisation_id,
            discipline=self.discipline if self.discipline_id else None,
        )
        if errors:
            raise ValidationError(errors)


class RoleGuidelineQuerySet(ScopedQuerySet):
    def for_list(self):
        return self.select_related("organisation", "role_type")


class RoleGuideline(TenantModel):
    """An organisation's guidelines and goals for a (specialist) role type, versioned:
    a change is a new version and the old ones are kept (roles.services.
    role_guideline_publish)."""

    role_type = models.ForeignKey(
        RoleType, verbose_name=_("rolle"), on_delete=models.CASCADE, related_name="guidelines"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    guidelines = models.TextField(_("retningslinjer"))
    goals = models.TextField(_("mål"), blank=True)
    valid_from = models.DateField(_("gældende fra"), default=timezone.localdate)

    objects = RoleGuidelineQuerySet.as_manager()
    edit_role = MembershipRole.ADMIN

    class Meta:
        ordering = ["role_type__name", "-version"]
        verbose_name = _("retningslinjer for rolle")
        verbose_name_plural = _("retningslinjer for roller")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "role_type", "version"],
                name="roleguideline_unique_version",
                violation_error_message=_("Rollen har allerede retningslinjer i den version."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="roleguideline_version_positive",
                violation_error_message=_("Versionen skal være 1 eller derover."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_type} v{self.version}"

    def clean(self):
        super().clean()
        errors = reference_data_errors(
            organisation_id=self.organisation_id,
            role_type=self.role_type if self.role_type_id else None,
        )
        if errors:
            raise ValidationError(errors)
