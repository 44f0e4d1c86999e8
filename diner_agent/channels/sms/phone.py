"""Phone numbers as the SMS channel sees them: normalised to E.164 for lookups, masked for logs."""

from __future__ import annotations

import phonenumbers


def to_e164(raw: str | None, default_region: str | None = None) -> str:
    """`+15555550100` from any way of writing it; the input (trimmed) when it is not a phone number."""
    raw = (raw or "").strip()
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask(phone: str) -> str:
    """Enough of a number to tell senders apart in logs without writing the number down."""
    return f"...{phone[-4:]}" if len(phone) > 4 else "..."
