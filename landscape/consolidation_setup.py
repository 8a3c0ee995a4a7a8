"""What the consolidation part of the landscape registers at start-up (LandscapeConfig.ready):
its API routes and its two pages on the landscape's front page."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from kitos.api.registry import register_routes

    from .api.consolidation import routes
    from .sections import add_section

    register_routes(routes)
    add_section(
        title=_("Dubletter og konsolidering"),
        description=_("Systemer, som flere forvaltninger bruger til de samme KLE-opgaver "
                      "eller den samme forretningstype, sandsynlige dubletter i kataloget "
                      "og den årlige udgift, en konsolidering kan røre ved."),
        url_name="landscape_duplicates", order=30,
    )
    add_section(
        title=_("KLE-dækning"),
        description=_("Hvilke KLE-opgaver har intet system i brug, og hvilke har flere."),
        url_name="kle_coverage", order=31,
    )
