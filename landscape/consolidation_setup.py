"""What the consolidation part of the landscape registers at start-up (LandscapeConfig.ready)."""


def register() -> None:
    """Nothing yet: the consolidation part has no routes, sections or hooks of its own."""
