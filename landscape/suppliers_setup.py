"""What the suppliers part of the landscape registers at start-up (LandscapeConfig.ready):
its API routes and its entries on the landscape's front page."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from kitos.api.registry import register_routes

    from .api.suppliers import routes
    from .sections import add_section

    register_routes(routes)
    add_section(
        title=_("Leverandørafhængighed"),
        description=_("Hvor afhængige er I af hver leverandør: andel af udgifterne, "
                      "systemer, kritiske systemer, kontrakter uden exit, proprietære "
                      "snitflader og en samlet lock-in-score med udvikling over tid."),
        url_name="supplier_dependence", order=40,
    )
    add_section(
        title=_("Monopolbrud"),
        description=_("Leverandørerne med den højeste lock-in-score, og hvornår deres "
                      "kontrakter kan ophøre: vinduerne til at genudbyde."),
        url_name="monopoly_break", order=41,
    )
    add_section(
        title=_("Fælles udbud"),
        description=_("Hvilke andre organisationer på installationen har kontrakter på "
                      "de samme systemer, der udløber inden for de næste måneder, så I "
                      "kan udbyde sammen."),
        url_name="joint_procurement", order=50,
    )
