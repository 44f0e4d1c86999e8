"""Prices as the store keeps them (integer cents) and as the contracts write them ("2.50")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def price_text(cents: int) -> str:
    """ "2.50" for 250: the public menu's and the parse output's form (no currency symbol)."""
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def cents_of(value: object) -> int:
    """Exact cents from "2.50", "$2.50", 2.5 or 3; refuses more than two decimals, zero and negatives."""
    try:
        amount = Decimal(str(value).strip().lstrip("$"))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a price") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"{value!r}: a price must be more than 0")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{value!r}: a price has at most 2 decimals")
    return int(amount * 100)
