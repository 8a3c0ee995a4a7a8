"""The connector's settings form, for the portal's pages and the admin alike: the
secret is write-only (never sent back to the browser; left empty, the stored one
stays)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from .models import Connector


class ConnectorForm(forms.ModelForm):
    """The connector's settings; the secret is write-only (kept when left empty)."""

    secret = forms.CharField(
        label=gettext_lazy("Adgangskode eller nøgle"), required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Gemmes krypteret og vises aldrig igen. Lad feltet stå tomt "
                               "for at beholde den gemte."),
    )

    class Meta:
        model = Connector
        fields = ("name", "base_url", "username", "secret", "secret_env",
                  "remote_organisation", "options", "schedule")
        help_texts = {
            "base_url": gettext_lazy(
                "OS2KITOS: installationens adresse, fx https://kitos.dk. FK Organisation: "
                "stien til den nyeste eksportfil i mappen FK_ORG_EXPORT_DIR (til planlagt "
                "kørsel); ellers uploades filen på forbindelsens side."),
            "remote_organisation": gettext_lazy(
                "Organisationens UUID i kilden (i OS2KITOS: under Organisation)."),
            "options": gettext_lazy(
                'Valgfrit, som JSON. OS2KITOS: {"page_size": 50} læser mindre sider. '
                'FK Organisation: {"root_uuid": "<enhedens FK-UUID>"} læser kun den enhed '
                "og enhederne under den."),
        }

    def clean_secret(self):
        return self.cleaned_data.get("secret") or (
            self.instance.secret if self.instance.pk else "")

    def groups(self):
        return [("", list(self))]


FILE_KIND_UNUSED = ("username", "secret", "secret_env", "remote_organisation")


class ConnectorCreateForm(ConnectorForm):
    class Meta(ConnectorForm.Meta):
        fields = ("kind", *ConnectorForm.Meta.fields)
