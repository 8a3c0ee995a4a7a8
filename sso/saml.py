"""SAML 2.0 with djangosaml2 (pysaml2): the service provider's configuration built
from ``settings.KITOS_SAML``, a backend that hands the verified assertion's attributes
to ``sso.services.sso_login``, and the djangosaml2 views behind a 404 until SAML is
configured.

djangosaml2/pysaml2 rather than our own XML handling: signature checks (xmlsec1),
replay and audience checks and the bindings are exactly where hand-written SAML goes
wrong; KOMBIT's Adgangsstyring is a standard SAML 2.0 IdP (OIOSAML profile).
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time

import saml2
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from djangosaml2 import views as saml_views
from djangosaml2.backends import Saml2Backend
from saml2.config import SPConfig

from .mapping import first_claim
from .providers import get_provider
from .services import sso_login
from .views import login_failed

# Remote IdP metadata is fetched when the configuration loads; djangosaml2 loads it on
# every request, so the loaded configuration is kept for a while per process.
CONFIG_CACHE_SECONDS = 60 * 60
_config_cache: dict[str, tuple[float, SPConfig]] = {}
_config_lock = threading.Lock()


def sp_config_dict(*, options: dict, base_url: str) -> dict:
    """The pysaml2 configuration of kitos as service provider (absolute URLs under
    `base_url`)."""
    acs = base_url + reverse("saml2_acs")
    metadata_url = base_url + reverse("saml2_metadata")
    source = options["idp_metadata"]
    if source.startswith(("https://", "http://")):
        remote = {"url": source}
        if options.get("idp_metadata_cert"):
            remote["cert"] = options["idp_metadata_cert"]
        metadata = {"remote": [remote]}
    else:
        metadata = {"local": [source]}
    signing = bool(options.get("sp_key") and options.get("sp_cert"))
    sp = {
        "name": "kitos",
        "endpoints": {
            "assertion_consumer_service": [(acs, saml2.BINDING_HTTP_POST)],
            "single_logout_service": [
                (base_url + reverse("saml2_ls"), saml2.BINDING_HTTP_REDIRECT),
                (base_url + reverse("saml2_ls_post"), saml2.BINDING_HTTP_POST),
            ],
        },
        # Only answers to requests kitos sent (IdP-initiated logins are refused).
        "allow_unsolicited": False,
        "authn_requests_signed": signing,
        "logout_requests_signed": signing,
        "want_assertions_signed": options.get("want_assertions_signed", True),
        "want_response_signed": options.get("want_response_signed", False),
    }
    if options.get("name_id_format"):
        sp["name_id_format"] = options["name_id_format"]
    config = {
        "entityid": options.get("entity_id") or metadata_url,
        "xmlsec_binary": options["xmlsec_binary"],
        # Attribute names are kept as the IdP sends them (KOMBIT: URIs), so the mapping
        # names them the same way.
        "allow_unknown_attributes": True,
        "service": {"sp": sp},
        "metadata": metadata,
        "debug": False,
    }
    if signing:
        config["key_file"] = options["sp_key"]
        config["cert_file"] = options["sp_cert"]
        # The same pair decrypts encrypted assertions (KOMBIT encrypts them).
        config["encryption_keypairs"] = [
            {"key_file": options["sp_key"], "cert_file": options["sp_cert"]}
        ]
    return config


def config_loader(request) -> SPConfig:
    """djangosaml2's ``SAML_CONFIG_LOADER``: the configuration for this site."""
    options = getattr(settings, "KITOS_SAML", None)
    if not options:
        raise Http404
    base_url = options.get("base_url") or request.build_absolute_uri("/").rstrip("/")
    config = sp_config_dict(options=options, base_url=base_url)
    key = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()
    now = time.monotonic()
    with _config_lock:
        cached = _config_cache.get(key)
        if cached and now - cached[0] < CONFIG_CACHE_SECONDS:
            return cached[1]
    sp_config = SPConfig()
    sp_config.load(copy.deepcopy(config))
    with _config_lock:
        _config_cache[key] = (now, sp_config)
    return sp_config


class KitosSaml2Backend(Saml2Backend):
    """Authenticates a verified SAML assertion; the user is whoever ``sso_login`` maps
    the NameID (or the configured subject attribute) to."""

    def authenticate(self, request, session_info=None, attribute_mapping=None,
                     create_unknown_user=True, assertion_info=None, **kwargs):
        provider = get_provider("saml")
        if provider is None or not session_info or "ava" not in session_info:
            return None
        claims = {name: list(values) for name, values in session_info["ava"].items()}
        if provider.subject_claim:
            subject = first_claim(claims, provider.subject_claim)
        else:
            name_id = session_info.get("name_id")
            subject = getattr(name_id, "text", "") or ""
        outcome = sso_login(provider=provider, subject=subject.strip(), claims=claims)
        if request is not None:
            request.sso_refusal = outcome.refusal
        return outcome.user


class _Enabled:
    """404 until SAML is configured."""

    def setup(self, request, *args, **kwargs):
        if get_provider("saml") is None or not getattr(settings, "KITOS_SAML", None):
            raise Http404
        super().setup(request, *args, **kwargs)


class SamlLoginView(_Enabled, saml_views.LoginView):
    pass


class SamlAcsView(_Enabled, saml_views.AssertionConsumerServiceView):
    def handle_acs_failure(self, request, exception=None, status=403, **kwargs):
        return login_failed(request, get_provider("saml"))


class SamlMetadataView(_Enabled, saml_views.MetadataView):
    pass


class SamlLogoutView(_Enabled, saml_views.LogoutView):
    pass
