"""Credential settings as plain strings, for the SDKs that take them."""

from __future__ import annotations

from pydantic import SecretStr


def secret_value(value: SecretStr | str | None) -> str | None:
    """The plain text of a secret setting (a test may hand in a str), or None when unset or blank."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if not value or not value.strip():
        return None
    return value.strip()
