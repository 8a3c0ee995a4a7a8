"""Security headers (Content-Security-Policy) and the health endpoints' settings."""

HEADER_APPS: list[str] = []
HEADER_MIDDLEWARE: list[str] = []
