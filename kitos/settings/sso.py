"""Municipal single sign-on: OpenID Connect and SAML 2.0, configured from the environment.

Each protocol is off until its environment variables are set (README: Single sign-on).
When off it adds no backend, no middleware and no third-party app, so local login works
exactly as without it; the ``sso`` app itself is always installed (its routes answer 404
and its login buttons are empty while nothing is configured).

``SSO_PROVIDERS`` holds, per protocol, how the IdP's claims/attributes map to the user:
the organisation, the membership role and the person (read by ``sso.providers``).
"""

from __future__ import annotations

import shutil

from .env import env_bool, env_int, env_list, env_str

SSO_APPS: list[str] = ["sso"]
SSO_SESSION_MIDDLEWARE: list[str] = []
SSO_BACKENDS: list[str] = []
SSO_PROVIDERS: dict[str, dict] = {}


def _role_map(name: str) -> dict[str, str]:
    """``group=role,group=role`` → {group: role}; roles are validated by ``sso.providers``."""
    pairs = (item.split("=", 1) for item in env_list(name) if "=" in item)
    return {group.strip(): role.strip() for group, role in pairs}


def _mapping(prefix: str, *, display_name: str, email: str, first_name: str, last_name: str,
             role: str, subject: str) -> dict:
    """The mapping settings both protocols share, read from ``KITOS_<prefix>_*``."""
    return {
        "display_name": env_str(f"KITOS_{prefix}_DISPLAY_NAME", display_name),
        # A fixed organisation (slug), or the claim carrying its CVR number or slug.
        "organisation": env_str(f"KITOS_{prefix}_ORGANISATION", ""),
        "organisation_claim": env_str(f"KITOS_{prefix}_ORGANISATION_CLAIM", ""),
        "role_claim": env_str(f"KITOS_{prefix}_ROLE_CLAIM", role),
        "role_map": _role_map(f"KITOS_{prefix}_ROLE_MAP"),
        # "reader", "editor", "admin", or "none": without a mapped group, no access.
        "default_role": env_str(f"KITOS_{prefix}_DEFAULT_ROLE", "reader"),
        "subject_claim": env_str(f"KITOS_{prefix}_SUBJECT_CLAIM", subject),
        "email_claim": env_str(f"KITOS_{prefix}_EMAIL_CLAIM", email),
        "first_name_claim": env_str(f"KITOS_{prefix}_FIRST_NAME_CLAIM", first_name),
        "last_name_claim": env_str(f"KITOS_{prefix}_LAST_NAME_CLAIM", last_name),
        # Which Person field identifies the user's person, and the claim holding it.
        "person_field": env_str(f"KITOS_{prefix}_PERSON_FIELD", "email"),
        "person_claim": env_str(f"KITOS_{prefix}_PERSON_CLAIM", email),
    }


# --- OpenID Connect (mozilla-django-oidc) ---------------------------------------------
KITOS_OIDC_ISSUER = env_str("KITOS_OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("KITOS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("KITOS_OIDC_CLIENT_SECRET", "")
# Explicit endpoints win; those left empty come from the issuer's discovery document,
# fetched on first use (sso.oidc), never while settings load.
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("KITOS_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("KITOS_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("KITOS_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("KITOS_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("KITOS_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("KITOS_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = env_bool("KITOS_OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("KITOS_OIDC_TIMEOUT", 10)
if OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET and (KITOS_OIDC_ISSUER or all((
    OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT,
    OIDC_OP_JWKS_ENDPOINT,
))):
    SSO_BACKENDS.append("sso.oidc.KitosOIDCBackend")
    SSO_PROVIDERS["oidc"] = _mapping(
        "OIDC", display_name="OpenID Connect", email="email", first_name="given_name",
        last_name="family_name", role="groups", subject="sub",
    )

# --- SAML 2.0 (djangosaml2, pysaml2) --------------------------------------------------
# KOMBIT's Adgangsstyring (OIOSAML) names attributes by URI; the defaults below are the
# plain names most IdPs send, each one can be set to the URI the IdP uses.
KITOS_SAML_IDP_METADATA = env_str("KITOS_SAML_IDP_METADATA", "")
if KITOS_SAML_IDP_METADATA:
    KITOS_SAML = {
        "idp_metadata": KITOS_SAML_IDP_METADATA,
        "idp_metadata_cert": env_str("KITOS_SAML_IDP_METADATA_CERT", ""),
        # Defaults to <KITOS_BASE_URL or the requested site>/sso/saml/metadata/.
        "entity_id": env_str("KITOS_SAML_ENTITY_ID", ""),
        "base_url": env_str("KITOS_BASE_URL", "").rstrip("/"),
        "sp_key": env_str("KITOS_SAML_SP_KEY", ""),
        "sp_cert": env_str("KITOS_SAML_SP_CERT", ""),
        "name_id_format": env_str("KITOS_SAML_NAME_ID_FORMAT", ""),
        "want_response_signed": env_bool("KITOS_SAML_WANT_RESPONSE_SIGNED", False),
        "want_assertions_signed": env_bool("KITOS_SAML_WANT_ASSERTIONS_SIGNED", True),
        "xmlsec_binary": env_str("KITOS_SAML_XMLSEC_BINARY")
        or shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
    }
    SAML_CONFIG_LOADER = "sso.saml.config_loader"
    SAML_SESSION_COOKIE_NAME = "kitos_saml_session"
    # Redirect binding for the AuthnRequest: no auto-submitting inline script (CSP).
    SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    SSO_APPS.append("djangosaml2")
    SSO_SESSION_MIDDLEWARE.append("djangosaml2.middleware.SamlSessionMiddleware")
    SSO_BACKENDS.append("sso.saml.KitosSaml2Backend")
    SSO_PROVIDERS["saml"] = _mapping(
        "SAML", display_name="SAML", email="email", first_name="givenName",
        last_name="sn", role="groups", subject="",  # empty: the assertion's NameID
    )
