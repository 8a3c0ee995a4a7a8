"""What the impact part of the landscape registers at start-up (LandscapeConfig.ready):
its API routes, its entry on the landscape's front page, and a "Konsekvensanalyse" link
on the pages of system usages, suppliers and contracts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LINK_LABEL = _("Konsekvensanalyse")


def _impact_url(route: str):
    """The impact page of an object; the page itself checks what the user sees."""
    return lambda user, obj: reverse(route, kwargs={"uuid": obj.uuid})


def register() -> None:
    from kitos import hooks
    from kitos.api.registry import register_routes

    from .api.impact_views import routes
    from .sections import add_section

    register_routes(routes)
    add_section(
        title=_("Konsekvensanalyse"),
        description=_("Hvad rammes, hvis et system, en leverandør eller en kontrakt "
                      "forsvinder: integrationer, data, enheder, kontrakter, roller og "
                      "projekter."),
        url_name="impact_home", order=20,
    )
    for model_label, route in (
        ("portfolio.SystemUsage", "impact_usage"),
        ("portfolio.Supplier", "impact_supplier"),
        ("contracts.Contract", "impact_contract"),
    ):
        hooks.add_object_link(model_label, LINK_LABEL, _impact_url(route))
