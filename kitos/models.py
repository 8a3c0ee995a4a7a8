"""The audit log: who changed which field of which object from what to what, when, and
through which channel. Written by the services (never by signals, which bulk paths skip)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitos.tenancy import TenantModel, scoped_queryset


class AuditAction(models.TextChoices):
    CREATE = "create", _("Oprettet")
    UPDATE = "update", _("Ændret")
    DELETE = "delete", _("Slettet")


class AuditSource(models.TextChoices):
    UI = "ui", _("Brugerflade")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    ADMIN = "admin", _("Administration")
    SYSTEM = "system", _("System")


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
        "roles.Organisation",
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
                condition=models.Q(action__in=AuditAction.values), name="audit_action_valid"
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
                condition=models.Q(scope__in=ApiTokenScope.values), name="apitoken_scope_valid"
            ),
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="apitoken_unique_active_name_per_user",
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
                fields=["user", "list_key"], name="listpreference_unique_per_user_and_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.list_key}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("Kører")
    VALID = "valid", _("Gennemset uden fejl")
    INVALID = "invalid", _("Fejl fundet")
    COMMITTED = "committed", _("Importeret")
    REJECTED = "rejected", _("Afvist")
    FAILED = "failed", _("Fejlede")


class ImportMode(models.TextChoices):
    PREVIEW = "preview", _("Gennemsyn")
    COMMIT = "commit", _("Import")


class ImportRunQuerySet(scoped_queryset("organisation")):
    def for_list(self):
        return self.select_related("organisation", "created_by").defer(
            "content", "marked_content", "report")


class ImportRun(TenantModel):
    """One uploaded workbook run through the importer: a preview (dry run) or a commit.

    The file's bytes are kept (``content``) so that a worker on another machine can read
    them and a valid preview can be committed without uploading again; ``report`` holds
    the ImportReport (kitos.excel.engine) as JSON, ``counts`` its totals. A commit is a
    new run that points at the preview it came from and validates everything again."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oprettet af"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    filename = models.CharField(_("filnavn"), max_length=255)
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("indhold"), editable=False)
    # A preview with errors: the file with every error marked, made by the worker once the
    # report is out (a large workbook takes openpyxl longer than a page request may).
    marked_content = models.BinaryField(
        _("fil med fejlene markeret"), editable=False, default=b"", blank=True)
    mode = models.CharField(
        _("type"), max_length=10, choices=ImportMode, default=ImportMode.PREVIEW
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus, default=ImportStatus.QUEUED,
        db_index=True,
    )
    progress_done = models.PositiveIntegerField(_("rækker behandlet"), default=0)
    progress_total = models.PositiveIntegerField(_("rækker i alt"), default=0)
    counts = models.JSONField(_("optælling"), default=dict, blank=True)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    message = models.TextField(_("besked"), blank=True)
    preview_run = models.ForeignKey(
        "self",
        verbose_name=_("gennemsyn"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commit_runs",
        help_text=_("Det gennemsyn importen blev startet fra."),
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("importkørsel")
        verbose_name_plural = _("importkørsler")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values), name="importrun_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=ImportMode.values), name="importrun_mode_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="importrun_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_mode_display()}, {self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)
