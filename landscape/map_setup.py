"""What the map part of the landscape registers at start-up (LandscapeConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from .sections import add_section


def register() -> None:
    """The map's entry on the landscape's front page."""
    add_section(
        title=_("Landskabskort"),
        description=_("Systemerne i brug grupperet efter forvaltning eller forretningstype, "
                      "med integrationerne imellem dem. Filtrér, zoom, og eksportér som "
                      "SVG, PNG eller Excel."),
        url_name="landscape_map",
        order=10,
    )
