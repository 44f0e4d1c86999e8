"""Price clauses: "coffee 3.25", "set the reuben to $13", "$3.25 for lemonade", "raise coffee by 25 cents".

The amount is taken at the end (or "$3 for X" at the start); the rest, minus price verbs and connectors,
must be menu items. Relative changes ("by", "up"/"down", "knock 50c off") become absolute prices here,
from the item's current price, so what is confirmed and applied is always a plain new price.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from diner_agent.commands.grammar.common import Context, Outcome, Problem, Reading, resolve_items
from diner_agent.commands.grammar.phrases import CONNECTORS, PRICE_LEAD_FILLER, PRICE_VERBS, PhraseTable, alts, canon
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

_TRAIL_FILLER = PhraseTable(
    filler="each|ea|now|today|tonight|starting today|starting tomorrow|starting now|from now on|going forward|"
    "a plate|a cup|a slice|a piece|an order|a bowl|a glass|an order|even|flat|on the menu|instead|for now|too|"
    "as well|also|then|per order|per plate|per item|per serving|per piece|per slice|per cup|per bowl"
)
_CONNECTOR = PhraseTable(connector=CONNECTORS)
_AMOUNT_ONLY = re.compile(AMOUNT + r"$")
_PRICE_START = re.compile(
    r"^(?:(?:we|we're|we are|we'll|we will|i'm|im|i)\s+)?(?:(?:now\s+)?(?:start\s+)?(?:charge|charging|make it|"
    r"make that|set|do|it's|its|now|asking|selling|new price|new price is|the new price is|price|price is)\s+)?"
    + AMOUNT
    + r"\s+(?:for|on|per)\s+(?P<x>.+)$"
)
_VERB_RE = re.compile(rf"^(?:(?:{alts(PRICE_VERBS)}|{alts(PRICE_LEAD_FILLER)})\b\s*)+")
_CONNECT_MARKS = "=:>@-"
_UP = r"(?:\b(?:raise|bump|increase|hike|up|add|plus|mark up)\b|\+)"
_DOWN = r"(?:\b(?:drop|lower|decrease|reduce|cut|down|knock|discount|minus|mark down|markdown|take)\b)"
_RELATIVE = re.compile(
    rf"^(?P<lead>{_UP}|{_DOWN})?\s*(?P<x>.*?)\s*(?:(?P<dir>{_UP}|{_DOWN})\s*)?(?:by\s+|\s)?"
    rf"(?P<amt>\+\s?\$?\d[\d.]*\s?%?|\$?\d[\d.]*\s?%|{AMOUNT.replace('(?P<', '(?P<r_')}|{SPELLED_RE.pattern})"
    rf"(?P<off>\s+(?:off|more|less|cheaper|extra))?$"
)


def price(clause: str, ctx: Context) -> Outcome:
    if not _HAS_AMOUNT.search(clause):
        return None  # every price clause names an amount: a digit or a spelled one ("a dollar"), or a scale
    relative = _relative(clause, ctx) if _RELATIVE_HINT.search(clause) else None
    if relative is not None:
        return relative
    start = _PRICE_START.match(clause) or _DOLLAR_FIRST.match(clause)
    if start:
        amount_match, phrase, explicit = start, start.group("x"), True
        try:
            amount = read_amount(amount_match)
        except PriceError as exc:
            return Problem(f"{exc} Nothing changed.", 3)
    else:
        ending = _amount_at_end(clause.split())
        if ending is None:
            return None
        head_words, amount_or_error = ending
        if isinstance(amount_or_error, PriceError):
            return Problem(f"{amount_or_error} Nothing changed.", 3)
        amount = amount_or_error
        head = " ".join(head_words)
        verb = _VERB_RE.match(head)
        body = head[verb.end() :] if verb else head
        phrase, connected = _drop_connectors(body)
        old = _FROM_OLD.search(phrase) or (_OLD_AMOUNT.search(phrase) if connected else None)
        if old is not None:  # "onion rings from 4.50 to 4.95", "fries 3.95 -> 4.25": the old price is a reminder
            phrase, _ = _drop_connectors(phrase[: old.start()])
            connected = True
        phrase = _POSSESSIVE_RE.sub("", phrase.strip())
        explicit = amount.explicit or verb is not None or connected
    if not phrase.strip():
        return None
    items = resolve_items(phrase, ctx)
    if items.problem is not None:
        if not explicit and items.problem.kind == "unknown" and len(phrase.split()) >= 3:
            return None  # "what should we do about table 4": a sentence with a number, not a price
        weight = items.problem.weight if explicit else min(items.problem.weight, 1)
        return Problem(items.problem.message, weight, items.problem.kind)
    try:
        cents = check_price(amount.cents, amount.negative, ctx.snapshot.tenant.max_price_cents)
    except PriceError as exc:
        return Problem(f"{exc} Nothing changed.", 3)
    commands = tuple(UpdatePrice(target=m.item.name, value=format_cents(cents)) for m in items.matches)
    return Reading(commands, tuple(items.matches))


def _amount_at_end(words: list[str]) -> tuple[list[str], Amount | PriceError] | None:
    """Split "coffee now $3.25 each" into (["coffee", "now"], 3.25): the amount is the last one to three
    words ("3.25", "$ 3", "3 dollars", "a buck fifty") once trailing fillers ("each", "today") are off."""
    keys = [canon(w) for w in words]
    end = len(words)
    while end and (filler := _TRAIL_FILLER.at_end(keys, 0, end)) is not None:
        end -= filler[1]
    for n in (1, 2, 3):
        if n > end:
            break
        tail = " ".join(words[end - n : end]).rstrip(".!")
        match = _AMOUNT_ONLY.match(tail)
        if match is not None:
            try:
                return words[: end - n], read_amount(match)
            except PriceError as exc:
                return words[: end - n], exc
        spelled = spelled_amount(tail)
        if spelled is not None:
            return words[: end - n], spelled
    return None


def _drop_connectors(head: str) -> tuple[str, bool]:
    """ "the reuben to" -> ("the reuben", True); "price of X is now" -> ("price of X", True)."""
    words = head.split()
    found = False
    while words:
        last = words[-1]
        if last.rstrip(_CONNECT_MARKS) != last:
            found = True
            words[-1] = last.rstrip(_CONNECT_MARKS)
            if not words[-1]:
                words.pop()
            continue
        keys = [canon(w) for w in words[-_CONNECTOR.longest :]]
        connector = _CONNECTOR.at_end(keys, 0, len(keys))
        if connector is None:
            break
        del words[-connector[1] :]
        found = True
    return " ".join(words), found


_MOVE_AMOUNT = AMOUNT.replace("(?P<", "(?P<m_")
_MOVE = re.compile(
    rf"^(?P<verb>knock|take|shave|cut|drop|add|put|tack)\s+(?P<amt>{_MOVE_AMOUNT}|{SPELLED_RE.pattern})"
    r"\s+(?P<prep>off(?:\s+of)?|from|to|onto|on)\s+(?P<x>.+)$"
)


def _relative(clause: str, ctx: Context) -> Outcome:
    """ "raise coffee by 25 cents", "bump the reuben up a dollar", "knock 50c off the blt", "coffee +10%"."""
    scale = _SCALE.match(clause)
    if scale is not None:
        factor = {"double": "+100%", "triple": "+200%", "halve": "-50%", "half": "-50%"}[scale.group("how")]
        return _shift(scale.group("x"), factor[1:], 1 if factor[0] == "+" else -1, ctx)
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
    small_units = _CENTS_RE.search(amount_text) or spelled_amount(amount_text) is not None
    if m.group("lead") and not has_by and not small_units and not amount_text.rstrip().endswith("%"):
        return None  # "drop coffee 3" is an absolute price; relative needs "by", "up"/"down" or cents
    phrase = m.group("x")
    if _NAMES_PRICE_RE.search(phrase.strip()):
        return None  # "raise coffee to 50 cents" names the new price
    phrase = _LEAD_FILLER_RE.sub("", phrase.strip())
    phrase = _TRAILING_PRICE_RE.sub("", phrase)
    if not phrase:
        return None
    return _shift(phrase, amount_text, sign, ctx)


def _shift(phrase: str, amount_text: str, sign: int, ctx: Context) -> Outcome:
    """New absolute prices for the items in `phrase`, each moved by an amount or a percentage."""
    phrase = _LEAD_FILLER_RE.sub("", phrase.strip())
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
        commands.append(UpdatePrice(target=match.item.name, value=format_cents(cents), based_on=match.item.price_cents))
    return Reading(tuple(commands), tuple(items.matches))


_AMOUNT_RE = re.compile(AMOUNT)
_HAS_AMOUNT = re.compile(r"\d|\b(?:double|triple|halve|half)\b|" + SPELLED_RE.pattern)
# Words and signs without which a clause cannot be a relative change; checked before the costly pattern.
_RELATIVE_HINT = re.compile(
    r"\b(?:by|up|down|off|more|less|cheaper|extra|knock|add|take|shave|tack|cut|plus|minus|raise|bump|increase|"
    r"hike|drop|lower|decrease|reduce|discount|mark|double|triple|halve|half)\b|[+%]"
)
_POSSESSIVE_RE = re.compile(r"'s$")
# "$4 fries": an amount written with "$" may come first without "for".
_DOLLAR_FIRST = re.compile(r"^" + AMOUNT.replace("(?P<cur>\\$\\s?)?", "(?P<cur>\\$\\s?)") + r"\s+(?P<x>[a-z].*)$")
_OLD_AMOUNT = re.compile(r"\s+\$?\d+(?:\.\d{1,2})?$")
_FROM_OLD = re.compile(r"\s+(?:from|was|instead of|not)\s+\$?\d[\d.,]*$")
_SCALE = re.compile(
    r"^(?P<how>double|triple|halve|half)\s+(?:the\s+)?(?:price|prices|cost)?\s*(?:of|on|for)?\s*(?P<x>.+)$"
)
_CENTS_RE = re.compile(r"(?:c|cents?|cts?|¢)$")
_NAMES_PRICE_RE = re.compile(r"(?:\b(?:to|at|is|now)|[=:>@])$")
_TRAILING_PRICE_RE = re.compile(r"\s+(?:price|prices|by)$")
_LEAD_FILLER_RE = re.compile(rf"^(?:{alts(PRICE_LEAD_FILLER)})\s+")


def _amount(text: str) -> Amount:
    m = _AMOUNT_RE.fullmatch(text.strip())
    if m is None:
        raise PriceError(f"I couldn't read {text!r} as an amount.")
    return read_amount(m)
