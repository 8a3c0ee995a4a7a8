"""Secrets kept in the database (a webhook's signing secret, a connector's password),
encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``).

Keys: ``KITOS_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest first: a new key
goes in front, old values stay readable and are re-encrypted when next saved). Without
it a key is derived from ``SECRET_KEY`` so that the embedded default works; production
sets its own (README: Configuration), because rotating SECRET_KEY would otherwise make
every stored secret unreadable.
"""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Stored values start with this, so an unencrypted legacy value is never mistaken for a
# token and a token is never shown or sent as if it were the secret.
PREFIX = "fernet:"


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys decrypts (a key was removed)."""


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if keys:
        try:
            return MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as exc:
            raise ImproperlyConfigured(
                "KITOS_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes "
                "(python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')."
            ) from exc
    # Derived, so a fresh install needs no setting; a different purpose string than any
    # other use of SECRET_KEY keeps the derived key independent of them.
    digest = hashlib.sha256(b"kitos.crypto/v1:" + secret_key.encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(digest))])


def fernet() -> MultiFernet:
    return _fernet(tuple(getattr(settings, "KITOS_ENCRYPTION_KEYS", ()) or ()),
                   settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    """The stored form of `plain` ("" stays "": no secret set)."""
    if not plain:
        return ""
    return PREFIX + fernet().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    """The secret behind a stored value; raises ``SecretUnreadable`` for a token no key
    opens."""
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        return stored  # written before encryption, re-encrypted on the next save
    try:
        return fernet().decrypt(stored[len(PREFIX):].encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with KITOS_ENCRYPTION_KEYS.") from exc


class EncryptedTextField(models.TextField):
    """Text encrypted in the database and plain in Python. The model attribute holds the
    secret; the column holds ``fernet:<token>``. Never audited or shown: models list the
    field in ``audit_exclude``, forms use a write-only password input."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        try:
            return decrypt(value)
        except SecretUnreadable:
            # Loading the row must not fail (lists, admin); the secret reads as empty
            # and whoever uses it reports "no secret" and asks for a new one.
            return ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
