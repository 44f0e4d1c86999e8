"""Prices as owners write them ("3.25", "$3", "3 bucks", "50c", ".99") and their validation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# One amount: an optional sign, an optional $, digits, and an optional unit. Callers anchor it.
AMOUNT = (
    r"(?P<neg>-\s?)?(?P<cur>\$\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+,\d{2}(?!\d)|\d+(?:\.\d*)?|\.\d+)"
    r"(?:\s?(?P<unit>\$|dollars?|bucks?|usd|cents?|cts?|c|¢)(?![a-z]))?"
)
AMOUNT_RE = re.compile(AMOUNT)
_DECIMAL_COMMA = re.compile(r"\d+,\d{2}")
_SPELLED = {
    "a dollar": "1",
    "one dollar": "1",
    "a buck": "1",
    "a quarter": "0.25",
    "a dime": "0.10",
    "a nickel": "0.05",
    "a dollar fifty": "1.50",
    "a buck fifty": "1.50",
    "half a dollar": "0.50",
    "fifty cents": "0.50",
}
SPELLED_RE = re.compile(r"(?:" + "|".join(sorted(map(re.escape, _SPELLED), key=len, reverse=True)) + r")")


class PriceError(ValueError):
    """An amount an owner typed that cannot be a price; the message is written for the owner."""


@dataclass(frozen=True, slots=True)
class Amount:
    cents: int
    negative: bool
    explicit: bool  # written with $ or a unit, so surely money


def spelled_amount(text: str) -> Amount | None:
    value = _SPELLED.get(text.strip())
    if value is None:
        return None
    return Amount(int(Decimal(value) * 100), False, True)


def read_amount(match: re.Match[str]) -> Amount:
    """Exact cents for a matched AMOUNT; raises PriceError for more than 2 decimals."""
    num = match.group("num")
    unit = (match.group("unit") or "").lower()
    if "," in num and _DECIMAL_COMMA.fullmatch(num):
        num = num.replace(",", ".")  # "2,75": a decimal comma
    else:
        num = num.replace(",", "")
    if len(num) > 12:
        raise PriceError(f"{match.group(0).strip()[:20]} is not a price I can set.")
    try:
        amount = Decimal(num)
    except InvalidOperation:
        raise PriceError(f"I couldn't read {match.group(0).strip()!r} as a price.") from None
    if unit in ("c", "ct", "cts", "cent", "cents", "¢"):
        if amount != amount.to_integral_value():
            raise PriceError("Cents must be a whole number.")
        amount = amount / 100
    if amount != amount.quantize(Decimal("0.01")) or ("." in num and len(num.rsplit(".", 1)[1]) > 2):
        # "2.250" may be a typo for 2.25 or 22.50: ask rather than guess.
        raise PriceError(f"{match.group(0).strip()} has more than 2 decimals; prices are in cents.")
    return Amount(
        cents=int(amount * 100),
        negative=bool(match.group("neg")),
        explicit=bool(match.group("cur") or unit),
    )


def check_price(cents: int, negative: bool, max_cents: int) -> int:
    """Refuse zero, negative and above-maximum prices with a message for the owner."""
    if negative or cents <= 0:
        raise PriceError("Prices must be more than $0.00.")
    if cents > max_cents:
        raise PriceError(f"${format_cents(cents)} is above this menu's maximum of ${format_cents(max_cents)}.")
    return cents


def format_cents(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def to_cents_str(value: str) -> int:
    """Cents of a contract price string ("9.00")."""
    return int(Decimal(value) * 100)
