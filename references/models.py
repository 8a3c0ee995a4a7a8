"""External references (eksterne referencer, OS2KITOS): links from a catalog entry, a
system usage, a contract, an agreement or a processing activity to documents and pages
elsewhere (the supplier's product page, the contract in the ESDH, the DPIA on the
intranet), each checked weekly by ``references.links`` so that dead links show."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitos.safe_http import ALLOWED_SCHEMES, Outcome
from kitos.tenancy import (
    READER,
    PublicIdModel,
    SharedCatalogModel,
    organisation_ids,
    scoped_queryset,
)

# The kinds of object (their RoleTarget) that carry references: the pages that get a
# "Referencer" tab (references.apps).
REFERENCE_TARGET_LABELS = (
    "portfolio.ItSystem", "portfolio.SystemUsage", "contracts.Contract",
    "gdpr.DataProcessingAgreement", "gdpr.ProcessingActivity",
)
MAX_REFERENCES_PER_OBJECT = 50


class CheckStatus(models.TextChoices):
    UNCHECKED = "unchecked", _("Ikke tjekket endnu")
    OK = Outcome.OK, _("Virker")
    BROKEN = Outcome.BROKEN, _("Død")
    UNREACHABLE = Outcome.UNREACHABLE, _("Svarer ikke")
    REFUSED = Outcome.REFUSED, _("Tjekkes ikke (internt link)")


DEAD_STATUSES = (CheckStatus.BROKEN, CheckStatus.UNREACHABLE)


class ExternalReferenceQuerySet(scoped_queryset("organisation")):
    def about(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )

    def dead(self):
        return self.filter(check_status__in=DEAD_STATUSES)

    def visible_to(self, user):
        """The references whose object the user may see, in one query: an object owned
        by an organisation is visible to its members (the reference's own
        `organisation`, indexed), but a catalog entry is visible beyond its owner (a
        shared entry to every member, a national one without owner), so those are
        matched against the visible entries themselves (one subquery per catalog
        model, never a query per reference)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        from django.apps import apps

        models_ = [apps.get_model(label) for label in REFERENCE_TARGET_LABELS]
        catalog = ContentType.objects.get_for_models(
            *[model for model in models_ if issubclass(model, SharedCatalogModel)]
        )
        condition = Q(organisation__in=organisation_ids(user, at_least=READER)) & ~Q(
            content_type__in=list(catalog.values())
        )
        for model, content_type in catalog.items():
            condition |= Q(
                content_type=content_type,
                object_id__in=model.objects.visible_to(user).values("pk"),
            )
        return self.filter(condition)

    def for_list(self):
        """With each object's public id and kind, read in the same query (a subquery
        per kind of object; the generic relation would cost a query per kind and page)."""
        from django.apps import apps
        from django.db.models import Case, OuterRef, Subquery, UUIDField, When

        whens = []
        for label in REFERENCE_TARGET_LABELS:
            model = apps.get_model(label)
            whens.append(When(
                content_type=ContentType.objects.get_for_model(model),
                then=Subquery(model._base_manager.filter(pk=OuterRef("object_id"))
                              .order_by().values("uuid")[:1]),
            ))
        return self.select_related("content_type").annotate(
            object_uuid=Case(*whens, default=None, output_field=UUIDField())
        )


class ExternalReference(PublicIdModel):
    """A link from an object to a document or page elsewhere, with the outcome of its
    last check. Who may see or change it is decided by its object: the reference is
    read and written on the object's page, by those who may edit the object.
    `organisation` is the object's owning organisation (empty for a national catalog
    entry), kept here so that an organisation's dead links are one indexed query."""

    organisation = models.ForeignKey(
        "kitos.Organisation", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("organisation"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("objekttype"),
    )
    object_id = models.PositiveBigIntegerField(_("objekt-id"))
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("titel"), max_length=200)
    url = models.URLField(
        _("link"), max_length=1000, validators=[URLValidator(schemes=list(ALLOWED_SCHEMES))],
        help_text=_("Et http- eller https-link."),
    )
    external_id = models.CharField(
        _("dokument-id"), max_length=100, blank=True,
        help_text=_("Fx sagsnummeret i ESDH-systemet."),
    )
    check_status = models.CharField(
        _("linkstatus"), max_length=20, choices=CheckStatus, default=CheckStatus.UNCHECKED,
    )
    checked_at = models.DateTimeField(_("sidst tjekket"), null=True, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP-svar"), null=True, blank=True)
    check_detail = models.CharField(_("detalje"), max_length=300, blank=True)
    dead_since = models.DateTimeField(_("død siden"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("oprettet af"),
    )

    objects = ExternalReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("ekstern reference")
        verbose_name_plural = _("eksterne referencer")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="reference_target_idx"),
            models.Index(fields=["organisation", "check_status"], name="reference_org_status_idx"),
            # The weekly check reads the URLs checked longest ago first.
            models.Index(fields=["checked_at"], name="reference_checked_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "url"], name="reference_unique_url_per_object",
                violation_error_message=_("Objektet har allerede en reference med det link."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""), name="reference_title_required",
                violation_error_message=_("Referencen skal have en titel."),
            ),
            models.CheckConstraint(
                condition=Q(check_status__in=CheckStatus.values), name="reference_status_valid",
                violation_error_message=_("Linkstatus skal være en af de mulige."),
            ),
            models.CheckConstraint(
                condition=Q(http_status__isnull=True)
                | Q(http_status__gte=100, http_status__lte=599),
                name="reference_http_status_range",
                violation_error_message=_("HTTP-svaret skal ligge mellem 100 og 599."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_dead(self) -> bool:
        return self.check_status in DEAD_STATUSES

    @property
    def owning_organisation_id(self):
        return self.organisation_id

    def check_editable_by(self, user) -> None:
        """Whoever may edit the object may change its references (a catalog entry's:
        admins of the organisation that keeps it)."""
        target = self.target if self.content_type_id and self.object_id else None
        if target is None:
            raise ValidationError(_("Objektet findes ikke."))
        target.check_editable_by(user)

    def clean(self):
        super().clean()
        if self.content_type_id:
            label = self.content_type.model_class()._meta.label
            if label not in REFERENCE_TARGET_LABELS:
                raise ValidationError(
                    {"content_type": _("Der kan ikke sættes referencer på denne slags objekt.")}
                )
