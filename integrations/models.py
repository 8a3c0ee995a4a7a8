"""Connectors, their runs and the map from outside ids to kitos objects.

A ``Connector`` is one organisation's link to one outside source (its OS2KITOS
installation, its FK Organisation export) with the source's address, login and
schedule; each run of it, a preview or an apply, is a ``SyncRun`` with its counts,
errors and duration (the admin page "last runs"). ``ExternalId`` remembers which kitos
object stands for which object of the source (by the source's UUID), so a re-run updates
instead of duplicating, a rename is recognised as a rename and a deletion in the source
finds its kitos object.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kitos.crypto import EncryptedTextField
from kitos.tenancy import ADMIN, TenantModel, scoped_queryset


class ConnectorKind(models.TextChoices):
    KITOS = "kitos", _("OS2KITOS API v2")
    FK_ORGANISATION = "fk_org", _("FK Organisation (eksportfil)")


class Schedule(models.TextChoices):
    OFF = "off", _("Kun ved start fra siden eller kommandoen")
    HOURLY = "hourly", _("Hver time")
    DAILY = "daily", _("Hver nat")


class ConnectorQuerySet(scoped_queryset("organisation")):
    def for_list(self):
        return self.select_related("organisation")


class Connector(TenantModel):
    """One organisation's connection to one outside source. The secret (a password or an
    API token) is stored encrypted (kitos.crypto) and never shown again once saved; it
    can also come from the environment variable named in ``secret_env`` (which wins), so
    an installation can keep it out of the database altogether."""

    kind = models.CharField(_("type"), max_length=10, choices=ConnectorKind)
    name = models.CharField(_("navn"), max_length=200, blank=True)
    # KITOS: the installation's address (https://kitos.dk); FK Organisation: where the
    # scheduled re-sync reads the newest export (a file path or an https address).
    base_url = models.CharField(_("adresse"), max_length=500, blank=True)
    username = models.CharField(_("brugernavn"), max_length=200, blank=True)
    secret = EncryptedTextField(_("adgangskode eller nøgle"), blank=True)
    secret_env = models.CharField(
        _("miljøvariabel med adgangskode"), max_length=100, blank=True,
        help_text=_("Navnet på en miljøvariabel, der holder adgangskoden i stedet for "
                    "databasen, fx KITOS_SYNC_PASSWORD."),
    )
    # The organisation's own id in the source (KITOS organisation UUID, the
    # municipality's FK Organisation UUID).
    remote_organisation = models.CharField(
        _("organisationens id i kilden"), max_length=100, blank=True)
    # Connector-specific options (which KITOS resources to read, ...).
    options = models.JSONField(_("indstillinger"), default=dict, blank=True)
    schedule = models.CharField(
        _("planlagt kørsel"), max_length=10, choices=Schedule, default=Schedule.OFF)
    # A delta sync reads what changed since the last successful run's start (the
    # source's changedSinceGtEq); empty: the next run reads everything.
    synced_until = models.DateTimeField(_("synkroniseret til"), null=True, blank=True)

    audit_exclude = ("secret",)
    # Reads outside systems with the organisation's login and writes its data in bulk.
    edit_role = ADMIN

    objects = ConnectorQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "kind"]
        verbose_name = _("forbindelse")
        verbose_name_plural = _("forbindelser")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="connector_one_per_kind",
                violation_error_message=_(
                    "Organisationen har allerede en forbindelse af den type."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ConnectorKind.values), name="connector_kind_valid",
                violation_error_message=_("Typen skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(schedule__in=Schedule.values), name="connector_schedule_valid",
                violation_error_message=_("Den planlagte kørsel skal være en af de mulige."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} · {self.organisation}"

    def clean(self):
        super().clean()
        # The connectors read named keys from it: anything but an object is a mistake.
        if not isinstance(self.options, dict):
            raise ValidationError({"options": _(
                'Indstillingerne skal være et JSON-objekt, fx {"page_size": 50}.')})

    def password(self) -> str:
        """The secret to log in with: the named environment variable's value, else the
        stored (decrypted) one."""
        import os

        if self.secret_env:
            return os.environ.get(self.secret_env, "")
        return self.secret


class ConnectorFileQuerySet(scoped_queryset("organisation")):
    pass


class ConnectorFile(TenantModel):
    """An export file uploaded for a connector (FK Organisation): kept so that the worker,
    possibly on another machine, reads the same bytes, and so that "apply what the
    preview showed" runs on exactly the previewed file."""

    connector = models.ForeignKey(
        Connector, verbose_name=_("forbindelse"), on_delete=models.CASCADE,
        related_name="files",
    )
    filename = models.CharField(_("filnavn"), max_length=255)
    size = models.PositiveBigIntegerField(_("størrelse (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("indhold"), editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploadet af"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )

    objects = ConnectorFileQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("eksportfil")
        verbose_name_plural = _("eksportfiler")

    def __str__(self) -> str:
        return self.filename


class RunMode(models.TextChoices):
    # Context: "Opdatering" alone is also a list heading elsewhere ("Updates").
    PREVIEW = "preview", pgettext_lazy("connector run", "Gennemsyn")
    APPLY = "apply", pgettext_lazy("connector run", "Opdatering")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Kører")
    SUCCEEDED = "succeeded", _("Gennemført")
    FAILED = "failed", _("Fejlede")


class RunTrigger(models.TextChoices):
    USER = "user", _("Startet fra siden")
    SCHEDULE = "schedule", _("Planlagt")
    COMMAND = "command", _("Kommando")


class SyncRunQuerySet(scoped_queryset("organisation")):
    def for_list(self):
        return self.select_related("organisation", "connector", "started_by").defer(
            "changes")


class SyncRun(TenantModel):
    """One run of a connector: a preview (what would change, per object and field) or an
    apply (the same, written through the audited services under the run's uuid as the
    audit group). ``counts`` has ``created``, ``updated``, ``removed``, ``unchanged`` and
    ``errors``; ``errors`` lists what could not be read or written, ``changes`` the
    preview's rows."""

    connector = models.ForeignKey(
        Connector, verbose_name=_("forbindelse"), on_delete=models.CASCADE,
        related_name="runs",
    )
    mode = models.CharField(_("type"), max_length=10, choices=RunMode)
    trigger = models.CharField(
        _("startet af"), max_length=10, choices=RunTrigger, default=RunTrigger.USER)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus, default=RunStatus.RUNNING,
        db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )
    started_at = models.DateTimeField(_("startet"))
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    counts = models.JSONField(_("optælling"), default=dict, blank=True)
    errors = models.JSONField(_("fejl"), default=list, blank=True)
    changes = models.JSONField(_("ændringer"), default=list, blank=True)
    message = models.TextField(_("besked"), blank=True)
    # The delta this run read: changes since this moment (empty: everything).
    since = models.DateTimeField(_("ændringer siden"), null=True, blank=True)
    # The uploaded export the run read (FK Organisation); empty: read from the source.
    source_file = models.ForeignKey(
        ConnectorFile, verbose_name=_("fil"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="runs",
    )

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("kørsel")
        verbose_name_plural = _("kørsler")
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=RunMode.values), name="syncrun_mode_valid",
                violation_error_message=_("Typen skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=RunStatus.values), name="syncrun_status_valid",
                violation_error_message=_("Status skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=RunTrigger.values), name="syncrun_trigger_valid",
                violation_error_message=_("Starten skal være en af de mulige."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.connector} · {self.get_mode_display()} {self.started_at:%d-%m-%Y %H:%M}"

    @property
    def duration(self):
        """How long the run took (None while it runs)."""
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at


class ExternalIdQuerySet(scoped_queryset("organisation")):
    pass


class ExternalId(models.Model):
    """The kitos object that stands for an object of an outside source: (source, the
    source's UUID) → (model, id). One row per pair, both ways: a source object maps to
    one kitos object and a kitos object to at most one object of each source."""

    organisation = models.ForeignKey(
        "kitos.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(_("kilde"), max_length=10, choices=ConnectorKind)
    external_uuid = models.UUIDField(_("id i kilden"))
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("objekttype"), on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = ExternalIdQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "source", "content_type", "object_id"]
        verbose_name = _("eksternt id")
        verbose_name_plural = _("eksterne id'er")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "content_type", "external_uuid"],
                name="externalid_unique_external",
                violation_error_message=_("Objektet i kilden er allerede knyttet til et "
                                          "objekt i kitos."),
            ),
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id"],
                name="externalid_unique_object",
                violation_error_message=_("Objektet i kitos er allerede knyttet til et "
                                          "objekt i kilden."),
            ),
        ]

    def __str__(self) -> str:
        return (f"{self.get_source_display()} {self.external_uuid} → "
                f"{self.content_type_id}:{self.object_id}")

    @property
    def owning_organisation_id(self):
        return self.organisation_id
