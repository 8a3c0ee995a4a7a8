from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KitosConfig(AppConfig):
    """The core: organisations and memberships, the audit log, API tokens, list
    preferences, and the machinery every app uses. Imports no app (README: Architecture)."""

    name = "kitos"
    verbose_name = _("Organisationer, adgang og historik")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # The lockout's audit entry is written by a receiver of django-axes' signal.
        from kitos.login import lockout  # noqa: F401
        from kitos.login.two_factor import forget_device_state

        # Whether a user has an authenticator is cached (kitos.login.two_factor): any
        # change to a device, from the portal, the admin or a shell, forgets the answer.
        post_save.connect(forget_device_state, sender=TOTPDevice,
                          dispatch_uid="kitos-2fa-device-saved")
        post_delete.connect(forget_device_state, sender=TOTPDevice,
                            dispatch_uid="kitos-2fa-device-deleted")
        # Asked once at login, so that the first page after it costs what every page
        # costs.
        from django.contrib.auth.signals import user_logged_in

        from kitos.login.two_factor import remember_device_state

        user_logged_in.connect(remember_device_state, dispatch_uid="kitos-2fa-device-login")

        # The option lists' standard entries (each app declares its lists, see
        # kitos.options), with the other reference data.
        from django.apps import apps
        from django.utils.translation import gettext

        from kitos import hooks, options
        from kitos.models import Option

        post_save.connect(options.forget_standard_choices, sender=Option,
                          dispatch_uid="kitos-option-saved")
        post_delete.connect(options.forget_standard_choices, sender=Option,
                            dispatch_uid="kitos-option-deleted")
        hooks.add_reference_loader(lambda: _new_options_note(
            options.ensure_options(apps, options.kinds()), gettext))


def _new_options_note(created: int, gettext) -> str | None:
    return gettext("%(count)s nye valgmuligheder") % {"count": created} if created else None
