"""What the attestation part of the landscape registers at start-up (LandscapeConfig.ready)."""


def register() -> None:
    """Nothing yet: the attestation part has no routes, sections or hooks of its own."""
