"""SAML 2.0 end to end against pysaml2's own IdP (``saml2.server.Server``) with keys
generated for the test: kitos publishes its metadata, the IdP reads it, kitos sends a
signed AuthnRequest by redirect, the IdP answers with a signed (and encrypted)
assertion posted to the ACS, and the attributes become user, membership and person.

Needs xmlsec1 (pysaml2 signs and verifies with it); without it the tests skip, unless
KITOS_REQUIRE_XMLSEC=1 (CI), where a missing xmlsec1 is a failure."""

from __future__ import annotations

import base64
import os
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
import saml2
from django.conf import settings
from django.test import override_settings
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from kitos.models import Membership
from sso.models import SsoIdentity
from tests.factories import PersonFactory

from .conftest import backends_with, mapping, write_key_and_cert

XMLSEC = shutil.which("xmlsec1")
if XMLSEC is None and os.environ.get("KITOS_REQUIRE_XMLSEC") == "1":
    raise RuntimeError("KITOS_REQUIRE_XMLSEC=1 but xmlsec1 is not installed (apt: xmlsec1)")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        XMLSEC is None,
        reason="xmlsec1 is not installed (apt install xmlsec1); SAML signatures need it. "
        "Set KITOS_REQUIRE_XMLSEC=1 to make this a failure.",
    ),
]

IDP_ENTITY_ID = "https://idp.test.example/saml/metadata"
IDP_SSO_URL = "https://idp.test.example/saml/sso"
AUTHN = {"class_ref": saml2.saml.AUTHN_PASSWORD_PROTECTED, "authn_auth": IDP_ENTITY_ID}


def idp_config_dict(key: str, cert: str, sp_metadata: str | None) -> dict:
    config = {
        "entityid": IDP_ENTITY_ID,
        "xmlsec_binary": XMLSEC,
        "key_file": key,
        "cert_file": cert,
        "service": {
            "idp": {
                "name": "Test-IdP",
                "endpoints": {
                    "single_sign_on_service": [(IDP_SSO_URL, saml2.BINDING_HTTP_REDIRECT)],
                },
                "policy": {"default": {"lifetime": {"minutes": 15},
                                       "name_form": saml2.saml.NAME_FORMAT_BASIC}},
                "want_authn_requests_signed": True,
            },
        },
    }
    if sp_metadata:
        config["metadata"] = {"local": [sp_metadata]}
    return config


@pytest.fixture
def saml_on(tmp_path, client, nabo, demo):
    """SAML configured as KITOS_SAML_* would, against a pysaml2 IdP; yields the IdP."""
    idp_key, idp_cert = write_key_and_cert(tmp_path, "idp")
    sp_key, sp_cert = write_key_and_cert(tmp_path, "sp")
    idp_metadata = tmp_path / "idp-metadata.xml"
    idp_conf = IdPConfig()
    idp_conf.load(idp_config_dict(idp_key, idp_cert, None))
    idp_metadata.write_text(create_metadata_string(None, config=idp_conf).decode())
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "djangosaml2.middleware.SamlSessionMiddleware",
    )
    with override_settings(
        KITOS_SAML={
            "idp_metadata": str(idp_metadata), "idp_metadata_cert": "", "entity_id": "",
            "base_url": "", "sp_key": sp_key, "sp_cert": sp_cert, "name_id_format": "",
            "want_response_signed": True, "want_assertions_signed": True,
            "xmlsec_binary": XMLSEC,
        },
        SAML_CONFIG_LOADER="sso.saml.config_loader",
        SAML_DEFAULT_BINDING=saml2.BINDING_HTTP_REDIRECT,
        MIDDLEWARE=middleware,
        AUTHENTICATION_BACKENDS=backends_with("sso.saml.KitosSaml2Backend"),
        SSO_PROVIDERS={"saml": mapping(
            organisation="nabo", organisation_claim="",
            first_name_claim="givenName", last_name_claim="sn",
        )},
    ):
        # The IdP learns kitos from the metadata kitos publishes (as KOMBIT would).
        metadata = client.get("/sso/saml/metadata/")
        assert metadata.status_code == 200
        sp_metadata = tmp_path / "sp-metadata.xml"
        sp_metadata.write_bytes(metadata.content)
        conf = IdPConfig()
        conf.load(idp_config_dict(idp_key, idp_cert, str(sp_metadata)))
        yield Server(config=conf)


def saml_login(client, idp: Server, *, name_id: str, attributes: dict, next_url: str = "/",
               encrypt: bool = True):
    start = client.get(f"/sso/saml/log-ind/?next={next_url}")
    assert start.status_code == 302
    location = urlsplit(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_SSO_URL
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert "Signature" in query  # kitos signs its AuthnRequest
    # The IdP checks the redirect signature against the certificate in kitos's metadata.
    request = idp.parse_authn_request(
        query["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT, relay_state=query.get("RelayState"),
        sigalg=query["SigAlg"], signature=query["Signature"],
    )
    response_args = idp.response_args(request.message)
    response = idp.create_authn_response(
        identity=attributes,
        userid=name_id,
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=name_id),
        authn=AUTHN,
        sign_response=True,
        sign_assertion=True,
        encrypt_assertion=encrypt,
        encrypted_advice_attributes=False,
        **response_args,
    )
    if encrypt:  # as KOMBIT sends it: only kitos's key can read the assertion
        assert "EncryptedAssertion" in str(response)
    acs = urlsplit(response_args["destination"])
    assert acs.path == "/sso/saml/acs/"
    return client.post(acs.path, {
        "SAMLResponse": base64.b64encode(str(response).encode()).decode(),
        "RelayState": query.get("RelayState", ""),
    })


def test_signed_assertion_creates_user_membership_and_person(client, saml_on, nabo):
    person = PersonFactory(organisation=nabo, name="Signe Saml", email="signe@nabo.dk")

    response = saml_login(client, saml_on, name_id="signe-persistent-id", attributes={
        "email": ["signe@nabo.dk"], "givenName": ["Signe"], "sn": ["Saml"],
        "groups": ["kitos-editors"],
    })

    assert response.status_code == 302, response.content[:500]
    identity = SsoIdentity.objects.get(provider="saml", subject="signe-persistent-id")
    user = identity.user
    assert (user.first_name, user.last_name, user.email) == ("Signe", "Saml", "signe@nabo.dk")
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role) == (nabo, "editor")
    person.refresh_from_db()
    assert person.user == user
    assert client.get("/organisationer/nabo/oversigt/").status_code == 200
    assert client.get("/organisationer/demo/oversigt/").status_code == 404


def test_tampered_assertion_is_refused(client, saml_on):
    start = client.get("/sso/saml/log-ind/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    request = saml_on.parse_authn_request(
        query["SAMLRequest"], saml2.BINDING_HTTP_REDIRECT, relay_state=query.get("RelayState"),
        sigalg=query["SigAlg"], signature=query["Signature"],
    )
    args = saml_on.response_args(request.message)
    response = str(saml_on.create_authn_response(
        identity={"email": ["mallory@nabo.dk"], "groups": ["kitos-readers"]},
        userid="mallory", name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text="mallory"),
        authn=AUTHN, sign_response=True, sign_assertion=True, **args,
    ))
    tampered = response.replace("kitos-readers", "kitos-admins")
    assert tampered != response

    answer = client.post("/sso/saml/acs/", {
        "SAMLResponse": base64.b64encode(tampered.encode()).decode(),
    })

    assert answer.status_code == 302 and answer["Location"] == "/konto/log-ind/"
    assert not SsoIdentity.objects.exists()
    assert "_auth_user_id" not in client.session
