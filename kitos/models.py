"""The core's models: the tenant (``Organisation``) and a user's access to it
(``Membership``); the audit log (who changed which field of which object from what to
what, when, and through which channel, written by the services, never by signals, which
bulk paths skip); API tokens and per-user list preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitos.tenancy import EditPolicy, PublicIdModel, ScopedQuerySet, scoped_queryset

from .choices import MembershipRole


class OrganisationQuerySet(ScopedQuerySet):
    organisation_path = "pk"



class Organisation(PublicIdModel):
    """A municipality or other public body: the tenant everything else belongs to. It
    lives in the core, below every app, because every app's data belongs to one."""

    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kort navn"), max_length=60, unique=True)
    cvr = models.CharField(_("CVR-nummer"), max_length=8, blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        # Created by the roles app before the layers were split; the table kept its name.
        db_table = "roles_organisation"
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        constraints = [
            models.UniqueConstraint(
                fields=["cvr"], condition=~Q(cvr=""), name="organisation_cvr_unique",
                violation_error_message=_(
                    "Der findes allerede en organisation med det CVR-nummer."
                ),
                violation_error_code="unique",
            ),
            models.CheckConstraint(
                condition=Q(cvr="") | Q(cvr__regex=r"^[0-9]{8}$"),
                name="organisation_cvr_8_digits",
                violation_error_message=_("CVR-nummeret skal have 8 cifre."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_organisation_id(self):
        return self.pk

    edit_role = MembershipRole.ADMIN


class Membership(EditPolicy, models.Model):
    """A login user's access to one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(
        _("rettighed"), max_length=10, choices=MembershipRole, default=MembershipRole.READER
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    edit_role = MembershipRole.ADMIN

    class Meta:
        db_table = "roles_membership"
        ordering = ["organisation", "user"]
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique_user_org",
                violation_error_message=_("Brugeren er allerede medlem af organisationen."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid",
                violation_error_message=_("Rettigheden skal være en af de mulige."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"

    @property
    def owning_organisation_id(self):
        return self.organisation_id


class AuditAction(models.TextChoices):
    CREATE = "create", _("Oprettet")
    UPDATE = "update", _("Ændret")
    DELETE = "delete", _("Slettet")
    # Not a change of the object: a security event on a user (kitos.login.lockout).
    LOCKOUT = "lockout", _("Log ind spærret")


class AuditSource(models.TextChoices):
    UI = "ui", _("Brugerflade")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    ADMIN = "admin", _("Administration")
    SYSTEM = "system", _("System")
    # A connector's run (integrations: OS2KITOS sync, FK Organisation import).
    SYNC = "sync", _("Synkronisering")


class AuditEntryQuerySet(scoped_queryset("organisation")):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )

    def for_list(self):
        return self.select_related("actor", "content_type")


class AuditEntry(models.Model):
    """One create, update or delete of one object. ``changes`` maps each changed field
    to ``[before, after]``; ``group_id`` ties together the entries of one request or one
    import run."""

    timestamp = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text so the entry still says who it was after the user is deleted.
    actor_repr = models.CharField(_("bruger (tekst)"), max_length=200, blank=True)
    # No database constraint and no cascade: the history outlives a deleted organisation
    # and keeps its id, so it stays visible to that organisation's members (none left)
    # and superusers only, never to everyone.
    organisation = models.ForeignKey(
        "kitos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # see content_type
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("handling"), max_length=10, choices=AuditAction)
    source = models.CharField(_("kanal"), max_length=10, choices=AuditSource)
    group_id = models.UUIDField(_("handlings-id"), db_index=True)
    # Both indexed by the composite indexes below (their first column): a single-column
    # index as well would only be kept up to date, with every change written.
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("objekttype"), on_delete=models.PROTECT, db_index=False
    )
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    object_uuid = models.UUIDField(_("objektets offentlige id"), null=True, blank=True)
    object_repr = models.CharField(_("objekt"), max_length=300)
    changes = models.JSONField(_("ændringer"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("logpost")
        verbose_name_plural = _("ændringslog")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["organisation", "timestamp"], name="audit_org_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values), name="audit_action_valid",
                violation_error_message=_(
                    "Handlingen skal være oprettet, ændret, slettet eller spærret."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.actor_repr})"


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Kun læse")
    READ_WRITE = "read_write", _("Læse og skrive")


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now):
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A user's key for the REST API. Only a SHA-256 hash is stored; the key is shown
    once when created. The token acts as its user (same memberships), limited to reading
    when its scope says so, until it expires or is revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("bruger"),
    )
    name = models.CharField(_("navn"), max_length=100)
    # The first characters of the key, shown in lists so users recognise their keys.
    prefix = models.CharField(_("begynder med"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        _("rettighed"), max_length=12, choices=ApiTokenScope, default=ApiTokenScope.READ
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    expires_at = models.DateTimeField(_("udløber"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("sidst brugt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=ApiTokenScope.values), name="apitoken_scope_valid",
                violation_error_message=_("Nøglens rettighed skal være en af de mulige."),
            ),
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="apitoken_unique_active_name_per_user",
                violation_error_message=_("Brugeren har allerede en aktiv API-nøgle med det navn."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == ApiTokenScope.READ_WRITE


class ListPreference(models.Model):
    """The columns a user chose for one list page (``list_key`` is the list's URL name,
    e.g. ``contract_list``), so that the choice survives logging out and other devices."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_preferences",
        verbose_name=_("bruger"),
    )
    list_key = models.CharField(_("liste"), max_length=60)
    columns = models.JSONField(_("kolonner"), default=list)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        ordering = ["user", "list_key"]
        verbose_name = _("listevalg")
        verbose_name_plural = _("listevalg")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_key"], name="listpreference_unique_per_user_and_list",
                violation_error_message=_("Brugeren har allerede et kolonnevalg for denne liste."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.list_key}"



class SavedViewQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Views of the user's organisations that are the user's own or shared there."""
        return super().visible_to(user).filter(Q(owner_id=user.pk) | Q(shared=True))


class SavedView(PublicIdModel):
    """A list as someone arranged it: its filters, sort and page size (``query``, the
    list URL's query string without page, format and empty parameters) and its columns,
    under a name. Private to its owner, or shared with the organisation it was saved in,
    whose admins may make one shared view per list the organisation's default."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ejer"), on_delete=models.CASCADE,
        related_name="saved_views",
    )
    list_key = models.CharField(_("liste"), max_length=60)
    name = models.CharField(_("navn"), max_length=100)
    query = models.CharField(_("filtre"), max_length=2000, blank=True)
    columns = models.JSONField(_("kolonner"), default=list, blank=True)
    shared = models.BooleanField(_("delt med organisationen"), default=False)
    is_default = models.BooleanField(_("organisationens standard"), default=False)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("gemt visning")
        verbose_name_plural = _("gemte visninger")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "organisation", "list_key", "name"],
                name="savedview_unique_name_per_owner_and_list",
                violation_error_message=_("Du har allerede en visning med det navn."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "list_key"], condition=Q(is_default=True),
                name="savedview_one_default_per_list",
                violation_error_message=_("Listen har allerede en standardvisning."),
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(shared=True),
                name="savedview_default_is_shared",
                violation_error_message=_(
                    "En standardvisning skal være delt med organisationen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.list_key})"

    @property
    def owning_organisation_id(self):
        return self.organisation_id


class OptionQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def visible_to(self, user):
        """The shared lists are every signed-in user's to read (what an organisation
        is offered: kitos.options)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self


class Option(PublicIdModel):
    """One entry of a shared option list (valgmulighed): a contract's payment model, an
    interface's type, an archive location ... Which lists exist, and their standard
    entries, each app declares (kitos.options.OptionKind); the entries are loaded with
    the reference data and kept by superusers. An organisation adapts a list through
    LocalOption: it switches entries off, adds its own description and order. Objects
    point at an entry with a foreign key, so renaming one renames it everywhere."""

    kind = models.CharField(_("valgliste"), max_length=60, db_index=True)
    code = models.SlugField(_("kode"), max_length=60)
    name = models.CharField(_("navn"), max_length=150)
    description = models.TextField(_("beskrivelse"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sortering"), default=100)
    is_enabled = models.BooleanField(
        _("i brug"), default=True,
        help_text=_("Slået fra er valgmuligheden væk for alle organisationer; eksisterende "
                    "registreringer beholder den."),
    )
    is_obligatory = models.BooleanField(
        _("obligatorisk"), default=False,
        help_text=_("Kan ikke slås fra af den enkelte organisation."),
    )

    objects = OptionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "sort_order", "name"]
        verbose_name = _("valgmulighed")
        verbose_name_plural = _("valgmuligheder")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], name="option_unique_code_per_kind",
                violation_error_message=_("Valglisten har allerede en valgmulighed med den kode."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="option_name_not_blank",
                violation_error_message=_("Valgmuligheden skal have et navn."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owning_organisation_id(self):
        # Shared by every organisation: only superusers change the standard list.
        return None


class LocalOption(models.Model):
    """An organisation's adaptation of one shared option: switched off (no longer offered
    for new registrations), described in its own words, or placed elsewhere in the list.
    Without a row the shared entry applies as it is."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="local_options",
    )
    option = models.ForeignKey(
        Option, verbose_name=_("valgmulighed"), on_delete=models.CASCADE,
        related_name="local_options",
    )
    is_active = models.BooleanField(_("tilbydes"), default=True)
    description = models.TextField(_("lokal beskrivelse"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("lokal sortering"), null=True, blank=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)

    class Meta:
        ordering = ["organisation", "option"]
        verbose_name = _("lokal valgmulighed")
        verbose_name_plural = _("lokale valgmuligheder")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "option"], name="localoption_unique_per_org",
                violation_error_message=_(
                    "Organisationen har allerede en lokal tilpasning af valgmuligheden."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.option}"
