"""Municipal single sign-on: OpenID Connect and SAML 2.0, configured from the environment."""

SSO_APPS: list[str] = []
SSO_SESSION_MIDDLEWARE: list[str] = []
SSO_BACKENDS: list[str] = []
