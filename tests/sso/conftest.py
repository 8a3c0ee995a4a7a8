"""Shared fixtures for single sign-on: provider mappings, settings that switch a
protocol on for one test, and throwaway keys (generated per test, never committed)."""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from tests.factories import OrganisationFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def mapping(**overrides) -> dict:
    """A provider mapping as kitos/settings/sso.py builds it from the environment."""
    options = {
        "display_name": "Testkommunens login",
        "organisation": "",
        "organisation_claim": "organisation",
        "role_claim": "groups",
        "role_map": {"kitos-admins": "admin", "kitos-editors": "editor",
                     "kitos-readers": "reader"},
        "default_role": "none",
        "subject_claim": "",
        "email_claim": "email",
        "first_name_claim": "given_name",
        "last_name_claim": "family_name",
        "person_field": "email",
        "person_claim": "email",
    }
    options.update(overrides)
    return options


def backends_with(*sso_backends: str) -> list[str]:
    """The configured backends with the SSO ones before the local ModelBackend, where
    kitos/settings/sso.py puts them."""
    backends = [b for b in settings.AUTHENTICATION_BACKENDS if b != MODEL_BACKEND]
    return [*backends, *sso_backends, MODEL_BACKEND]


@pytest.fixture
def nabo(db):
    return OrganisationFactory(name="Nabo Kommune", slug="nabo", cvr="29189846")


@pytest.fixture
def demo(db):
    return OrganisationFactory(name="Demo Kommune", slug="demo", cvr="11111111")


def write_key_and_cert(directory, name: str) -> tuple[str, str]:
    """A fresh RSA key and self-signed certificate in `directory` (PEM files)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"kitos test {name}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)
