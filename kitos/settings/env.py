"""Reading settings from the environment (shared by every settings module)."""

from __future__ import annotations

import os


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else int(value)


def env_str(name: str, default: str | None = "") -> str | None:
    """The variable's text; ``default`` when it is unset *or empty*, so that compose can
    pass ``${NAME:-}`` for every setting without overriding the code's default."""
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value
