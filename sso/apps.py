from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    """Municipal single sign-on (OpenID Connect, SAML 2.0): a feature app on top of the
    core and ``roles``; nothing imports it."""

    name = "sso"
    verbose_name = _("Single sign-on")
