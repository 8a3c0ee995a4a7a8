"""What the suppliers part of the landscape registers at start-up (LandscapeConfig.ready)."""


def register() -> None:
    """Nothing yet: the suppliers part has no routes, sections or hooks of its own."""
