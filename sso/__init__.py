"""Municipal single sign-on (OpenID Connect, SAML 2.0): a feature app on top of roles."""
