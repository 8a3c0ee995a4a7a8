"""Which IdP account a kitos user is (``SsoIdentity``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SsoIdentity(models.Model):
    """A user's account at an identity provider: the provider's stable subject (OIDC
    ``sub``, SAML NameID) tied to one kitos user. Users are found by this, never by
    e-mail, so an IdP account can never take over a local (break-glass) account that
    happens to share an e-mail address."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruger"),
        on_delete=models.CASCADE,
        related_name="sso_identities",
    )
    provider = models.CharField(_("identitetsudbyder"), max_length=20)
    subject = models.CharField(_("id hos udbyderen"), max_length=255)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("sidst logget ind"), null=True, blank=True)

    audit_exclude = ("last_login_at",)

    class Meta:
        ordering = ["provider", "subject"]
        verbose_name = _("SSO-identitet")
        verbose_name_plural = _("SSO-identiteter")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="ssoidentity_unique_subject",
                violation_error_message=_(
                    "Kontoen hos identitetsudbyderen hører allerede til en bruger."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.provider}"
