"""What the attestation part of the landscape registers at start-up (LandscapeConfig.ready):
its API routes, its entry on the landscape's front page, the reminders (a deadline source
of the alert scan) and the gap rule for overdue attestations."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from alerts.sources import register_deadline_source
    from gdpr.gaps import register_rule
    from kitos.api.registry import register_routes

    from .api.attestation_views import routes
    from .attestation_gaps import RULE
    from .attestation_reminders import SOURCE
    from .sections import add_section

    register_routes(routes)
    # Pending attestations of open campaigns go through the alerts' rules, deliveries
    # and digest (the daily beat task scans every registered source).
    register_deadline_source(SOURCE)
    register_rule(RULE)
    add_section(
        title=_("Attestering"),
        description=_("Årlige kampagner, hvor systemejere og kontraktejere bekræfter eller "
                      "retter deres oplysninger; hvor langt hver forvaltning er."),
        url_name="attestationcampaign_list",
        order=60,
    )
