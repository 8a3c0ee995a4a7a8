"""Login safety: lockout after failed attempts, two-factor login, session lifetime."""

LOGIN_APPS: list[str] = []
LOGIN_AUTH_MIDDLEWARE: list[str] = []
LOGIN_LAST_MIDDLEWARE: list[str] = []
LOGIN_FIRST_BACKENDS: list[str] = []
