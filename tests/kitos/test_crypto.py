"""Secrets encrypted at rest (kitos.crypto)."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from kitos import crypto


def test_round_trip_and_prefix():
    stored = crypto.encrypt("hemmelig-nøgle")
    assert stored.startswith(crypto.PREFIX)
    assert "hemmelig" not in stored
    assert crypto.decrypt(stored) == "hemmelig-nøgle"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_rotation_keeps_old_values_readable():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(KITOS_ENCRYPTION_KEYS=[old]):
        stored = crypto.encrypt("s3cret")
    with override_settings(KITOS_ENCRYPTION_KEYS=[new, old]):
        assert crypto.decrypt(stored) == "s3cret"
    with override_settings(KITOS_ENCRYPTION_KEYS=[new]), pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(stored)


def test_unencrypted_legacy_value_is_read_as_is():
    assert crypto.decrypt("plain") == "plain"


def test_field_stores_ciphertext_and_reads_plain():
    field = crypto.EncryptedTextField()
    prepared = field.get_prep_value("abc")
    assert prepared.startswith(crypto.PREFIX)
    assert field.from_db_value(prepared, None, connection) == "abc"
    # A value no key opens loads as empty instead of breaking the page that lists it.
    with override_settings(KITOS_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        assert field.from_db_value(prepared, None, connection) == ""


def test_bad_key_setting_is_reported():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(KITOS_ENCRYPTION_KEYS=["not-a-key"]), pytest.raises(
            ImproperlyConfigured):
        crypto.encrypt("x")
