"""Price clauses: "coffee 3.25", "set the reuben to $13", "$3.25 for lemonade", "raise coffee by 25 cents".

The amount is taken at the end (or "$3 for X" at the start); the rest, minus price verbs and connectors,
must be menu items. Relative changes ("by", "up"/"down", "knock 50c off") become absolute prices here,
from the item's current price, so what is confirmed and applied is always a plain new price.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from diner_agent.commands.grammar.common import Context, Outcome, Problem, Reading, resolve_items
from diner_agent.commands.grammar.phrases import CONNECTORS, PRICE_LEAD_FILLER, PRICE_VERBS
from diner_agent.commands.model import UpdatePrice
from diner_agent.commands.money import (
    AMOUNT,
    SPELLED_RE,
    Amount,
    PriceError,
    check_price,
    format_cents,
    read_amount,
    spelled_amount,
)

_TRAIL_FILLER = (
    r"(?:\s+(?:each|ea|per\s+\w+|now|today|tonight|starting today|starting tomorrow|starting now|from now on|"
    r"going forward|a (?:plate|cup|slice|piece|order|bowl|glass)|an order|even|flat|on the menu|instead|"
    r"for now|too|as well|also|then))*"
)
_PRICE_END = re.compile(r"(?:^|(?<=[\s=:>@\-]))" + AMOUNT + _TRAIL_FILLER + r"[\s.!]*$")
_SPELLED_END = re.compile(r"(?:^|\s)(?P<spelled>" + SPELLED_RE.pattern + r")" + _TRAIL_FILLER + r"$")
_PRICE_START = re.compile(
    r"^(?:(?:charge|make it|make that|set|do|it's|its|now)\s+)?" + AMOUNT + r"\s+(?:for|on|per)\s+(?P<x>.+)$"
)
_VERB_RE = re.compile(rf"^(?:(?:{PRICE_VERBS}|{PRICE_LEAD_FILLER})\b\s*)+")
_CONNECT_RE = re.compile(rf"(?:\s*(?:(?<![a-z0-9'])(?:{CONNECTORS})|[=:>@-]+))+\s*$")
_UP = r"(?:\b(?:raise|bump|increase|hike|up|add|plus|mark up)\b|\+)"
_DOWN = r"(?:\b(?:drop|lower|decrease|reduce|cut|down|knock|discount|minus|mark down|markdown|take)\b)"
_RELATIVE = re.compile(
    rf"^(?P<lead>{_UP}|{_DOWN})?\s*(?P<x>.*?)\s*(?:(?P<dir>{_UP}|{_DOWN})\s*)?(?:by\s+|\s)?"
    rf"(?P<amt>\+\s?\$?\d[\d.]*\s?%?|\$?\d[\d.]*\s?%|{AMOUNT.replace('(?P<', '(?P<r_')}|{SPELLED_RE.pattern})"
    rf"(?P<off>\s+(?:off|more|less|cheaper|extra))?$"
)


def price(clause: str, ctx: Context) -> Outcome:
    relative = _relative(clause, ctx)
    if relative is not None:
        return relative
    start = _PRICE_START.match(clause)
    if start:
        amount_match, phrase, explicit = start, start.group("x"), True
        try:
            amount = read_amount(amount_match)
        except PriceError as exc:
            return Problem(f"{exc} Nothing changed.", 3)
    else:
        end = _PRICE_END.search(clause)
        spelled = None if end else _SPELLED_END.search(clause)
        if end is None and spelled is None:
            return None
        head = clause[: (end or spelled).start()]  # type: ignore[union-attr]
        try:
            amount = read_amount(end) if end else spelled_amount(spelled.group("spelled"))  # type: ignore[union-attr, arg-type]
        except PriceError as exc:
            return Problem(f"{exc} Nothing changed.", 3)
        assert amount is not None
        verb = _VERB_RE.match(head)
        phrase = _CONNECT_RE.sub("", head[verb.end() :] if verb else head)
        phrase = re.sub(r"'s$", "", phrase.strip())
        explicit = amount.explicit or verb is not None or _CONNECT_RE.search(head) is not None
    if not phrase.strip():
        return None
    items = resolve_items(phrase, ctx)
    if items.problem is not None:
        weight = items.problem.weight if explicit else min(items.problem.weight, 1)
        return Problem(items.problem.message, weight, items.problem.kind)
    try:
        cents = check_price(amount.cents, amount.negative, ctx.snapshot.tenant.max_price_cents)
    except PriceError as exc:
        return Problem(f"{exc} Nothing changed.", 3)
    commands = tuple(UpdatePrice(target=m.item.name, value=format_cents(cents)) for m in items.matches)
    return Reading(commands, tuple(items.matches))


_MOVE_AMOUNT = AMOUNT.replace("(?P<", "(?P<m_")
_MOVE = re.compile(
    rf"^(?P<verb>knock|take|shave|cut|drop|add|put|tack)\s+(?P<amt>{_MOVE_AMOUNT}|{SPELLED_RE.pattern})"
    r"\s+(?P<prep>off(?:\s+of)?|from|to|onto|on)\s+(?P<x>.+)$"
)


def _relative(clause: str, ctx: Context) -> Outcome:
    """ "raise coffee by 25 cents", "bump the reuben up a dollar", "knock 50c off the blt", "coffee +10%"."""
    move = _MOVE.match(clause)
    if move is not None:
        down = move.group("prep").startswith(("off", "from"))
        if down == (move.group("verb") in ("add", "put", "tack")):
            return None
        return _shift(move.group("x"), move.group("amt"), -1 if down else 1, ctx)
    m = _RELATIVE.match(clause)
    if m is None:
        return None
    direction = m.group("dir") or m.group("lead")
    amount_text = m.group("amt")
    if direction is None and not amount_text.startswith("+"):
        return None
    if direction is None:
        direction = "+"
    if m.group("off") and m.group("off").strip() in ("off", "less", "cheaper"):
        direction = "down"
    sign = -1 if re.fullmatch(_DOWN, direction) else 1
    has_by = " by " in f" {clause} " or m.group("dir") is not None or amount_text.startswith("+")
    small_units = re.search(r"(?:c|cents?|cts?|¢)$", amount_text) or spelled_amount(amount_text) is not None
    if m.group("lead") and not has_by and not small_units:
        return None  # "drop coffee 3" is an absolute price; relative needs "by", "up"/"down" or cents
    phrase = m.group("x")
    if re.search(r"(?:\b(?:to|at|is|now)|[=:>@])$", phrase.strip()):
        return None  # "raise coffee to 50 cents" names the new price
    phrase = re.sub(rf"^(?:{PRICE_LEAD_FILLER})\s+", "", phrase.strip())
    phrase = re.sub(r"\s+(?:price|prices|by)$", "", phrase)
    if not phrase:
        return None
    return _shift(phrase, amount_text, sign, ctx)


def _shift(phrase: str, amount_text: str, sign: int, ctx: Context) -> Outcome:
    """New absolute prices for the items in `phrase`, each moved by an amount or a percentage."""
    phrase = re.sub(rf"^(?:{PRICE_LEAD_FILLER})\s+", "", phrase.strip())
    items = resolve_items(phrase, ctx)
    if items.problem is not None:
        return items.problem
    amount_text = amount_text.lstrip("+").strip()
    percent = amount_text.endswith("%")
    try:
        if percent:
            delta = Decimal(amount_text.rstrip("%").strip().lstrip("$")) / 100
        else:
            spelled = spelled_amount(amount_text)
            amount = spelled or _amount(amount_text)
            delta = Decimal(amount.cents) / 100
    except (PriceError, ArithmeticError, ValueError) as exc:
        return Problem(f"{exc} Nothing changed.", 3)
    commands = []
    for match in items.matches:
        old = Decimal(match.item.price_cents) / 100
        new = old * (1 + sign * delta) if percent else old + sign * delta
        cents = int((new * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
        try:
            cents = check_price(cents, cents <= 0, ctx.snapshot.tenant.max_price_cents)
        except PriceError as exc:
            return Problem(f"{match.item.name}: {exc} Nothing changed.", 3)
        commands.append(UpdatePrice(target=match.item.name, value=format_cents(cents)))
    return Reading(tuple(commands), tuple(items.matches))


_AMOUNT_RE = re.compile(AMOUNT)


def _amount(text: str) -> Amount:
    m = _AMOUNT_RE.fullmatch(text.strip())
    if m is None:
        raise PriceError(f"I couldn't read {text!r} as an amount.")
    return read_amount(m)
