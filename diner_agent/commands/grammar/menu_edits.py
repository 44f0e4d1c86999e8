"""What the menu is, by text: specials ("today's special: meatloaf sandwich 9.99", "special tonight pot
roast dinner 15.99 till 9"), new items ("add tuna melt 9.99 to lunch"), renames ("rename club sandwich to
turkey club") and removals ("take liver and onions off the menu for good").

Each reader starts with its own words (special / add / rename / take ... off the menu for good) and
returns None at once otherwise, so the other clause readers are not slowed down. Names the owner types
are new, so they are not resolved against the menu; an item being renamed or removed is. Adding, renaming
and removing are always confirmed with YES (model.MENU_EDIT_ACTIONS); a special is applied at once.
"""

from __future__ import annotations

import re

from diner_agent.commands.grammar.common import Context, Outcome, Problem, Reading, resolve_items
from diner_agent.commands.grammar.until import clock_today
from diner_agent.commands.item_words import key_of
from diner_agent.commands.model import AddItem, AddSpecial, NewItemValue, RemoveItem, RenameItem, SpecialValue
from diner_agent.commands.money import PriceError, check_price, format_cents
from diner_agent.commands.when import TIME_RE, WhenError

_PRICE = r"(?:for\s+|at\s+|@\s*|-\s*|:\s*|=\s*)?\$?(?P<price>\d{1,4}(?:\.\d{1,2})?)"
_SPECIAL = re.compile(
    r"^(?:(?:today'?s|todays|tonight'?s|tonights|the|our|new|daily|a|lunch|dinner|breakfast)\s+)*"
    r"specials?(?:\s+(?:today|tonight|of the day|for today|for tonight|for lunch|for dinner))?"
    r"(?:\s*(?::|-|is|=)\s*|\s+)(?P<name>[a-z][a-z0-9 '&,/-]*?)\s*" + _PRICE + r"(?:\s+(?:each|ea))?"
    r"(?:\s+(?:till|until|til|untill)\s+(?P<t>" + TIME_RE.pattern + r"))?$"
)
_ADD = re.compile(
    r"^(?:please\s+)?(?:add|new item:?|add a new item:?|add new item:?|add an item:?)\s+(?:a\s+|an\s+)?"
    r"(?P<name>[a-z][a-z0-9 '&/-]*?)\s*" + _PRICE + r"(?:\s+(?:each|ea))?"
    r"(?:\s+(?:to|in|under|on)\s+(?:the\s+)?(?P<cat>[a-z][a-z &'/-]*?)(?:\s+(?:menu|section|list))?)?"
    r"(?:\s+(?:to|on)\s+the\s+menu)?$"
)
_RENAME = (
    re.compile(r"^(?:please\s+)?rename\s+(?:the\s+)?(?P<old>.+?)\s+(?:to|as|->)\s+(?P<new>[a-z0-9][a-z0-9 '&/-]*)$"),
    re.compile(
        r"^(?:please\s+)?(?:change|switch)\s+the\s+name\s+of\s+(?:the\s+)?(?P<old>.+?)\s+to\s+"
        r"(?P<new>[a-z0-9][a-z0-9 '&/-]*)$"
    ),
    re.compile(r"^(?:the\s+)?(?P<old>.+?)\s+is\s+now\s+called\s+(?P<new>[a-z0-9][a-z0-9 '&/-]*)$"),
)
_FOR_GOOD = r"(?:for good|permanently|forever|for ever|for real|completely|entirely)"
_REMOVE = (
    re.compile(
        r"^(?:please\s+)?(?:take|remove|drop|pull|delete)\s+(?:the\s+)?(?P<x>.+?)\s+(?:off|from)\s+(?:of\s+)?"
        r"(?:the\s+|our\s+)?menu\s+" + _FOR_GOOD + r"$"
    ),
    re.compile(r"^(?:please\s+)?(?:remove|delete)\s+(?:the\s+)?(?P<x>.+?)\s+from\s+(?:the\s+|our\s+)?menu$"),
    re.compile(r"^(?:please\s+)?delete\s+(?:the\s+)?(?P<x>.+?)(?:\s+" + _FOR_GOOD + r")?$"),
    re.compile(r"^(?:the\s+)?(?P<x>.+?)\s+(?:is|are)\s+off\s+the\s+menu\s+" + _FOR_GOOD + r"$"),
)
_SMALL_WORDS = frozenset("and or of with n the a an on in to w/".split())


def title(name: str) -> str:
    """How a typed name is shown: "liver and onions" -> "Liver and Onions" (the text arrives lower-cased)."""
    words = " ".join(name.strip(" ,.-:").split()).split(" ")
    out = [w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(out)


def _price(text: str, ctx: Context) -> str | Problem:
    try:
        cents = round(float(text) * 100)
        return format_cents(check_price(cents, False, ctx.snapshot.tenant.max_price_cents))
    except PriceError as exc:
        return Problem(f"{exc} Nothing changed.", 3)


def _taken(name: str, ctx: Context) -> Problem | None:
    key = key_of(name)
    for item in ctx.snapshot.items:
        if key_of(item.name) == key or any(key_of(a) == key for a in item.aliases):
            hint = f"'{item.name.lower()} <price>'" if not item.special else f"'86 {item.name.lower()}'"
            return Problem(f"{item.name} is already on the menu (text {hint} to change it). Nothing changed.", 3)
    return None


def special(clause: str, ctx: Context) -> Outcome:
    if "special" not in clause:
        return None
    m = _SPECIAL.match(clause)
    if m is None:
        return None
    name = title(m.group("name"))
    if not name:
        return Problem("What is the special? e.g. 'today's special: meatloaf sandwich 9.99'. Nothing changed.", 2)
    price = _price(m.group("price"), ctx)
    if isinstance(price, Problem):
        return price
    taken = _taken(name, ctx)
    if taken is not None:
        return taken
    until = None
    if m.group("t"):
        try:
            until = clock_today(ctx, m.group("t"))
        except WhenError as exc:
            return Problem(f"{exc} Nothing changed.", 3)
    return Reading((AddSpecial(target=name, value=SpecialValue(price=price, until=until)),))


def categories(ctx: Context) -> list[str]:
    seen: list[str] = []
    for item in ctx.snapshot.items:
        if item.category and not item.special and item.category not in seen:
            seen.append(item.category)
    return seen


def add_item(clause: str, ctx: Context) -> Outcome:
    if not clause.startswith(("add", "new item", "please add")):
        return None
    m = _ADD.match(clause)
    if m is None:
        return None
    name = title(m.group("name"))
    price = _price(m.group("price"), ctx)
    if isinstance(price, Problem):
        return price
    taken = _taken(name, ctx)
    if taken is not None:
        return taken
    category = None
    if m.group("cat"):
        wanted = key_of(m.group("cat"))
        known = categories(ctx)
        category = next((c for c in known if key_of(c) == wanted), None)
        if category is None:
            listed = ", ".join(known) or "none yet"
            return Problem(
                f'Which section for {name}? "{m.group("cat")}" is not one of: {listed}. Nothing changed.',
                3,
                "ambiguous",  # a question to ask first, like "which pie?"
            )
    return Reading((AddItem(target=name, value=NewItemValue(price=price, category=category)),))


def rename_item(clause: str, ctx: Context) -> Outcome:
    if "rename" not in clause and "name" not in clause and "called" not in clause:
        return None
    m = next((p.match(clause) for p in _RENAME if p.match(clause)), None)
    if m is None:
        return None
    items = resolve_items(m.group("old"), ctx)
    if items.problem is not None:
        return items.problem
    if len(items.matches) != 1:
        return Problem("I rename one item at a time. Nothing changed.", 3)
    [match] = items.matches
    new = title(m.group("new"))
    if key_of(new) != key_of(match.item.name):
        taken = _taken(new, ctx)
        if taken is not None:
            return taken
    return Reading((RenameItem(target=match.item.name, value=new),), (match,))


def remove_item(clause: str, ctx: Context) -> Outcome:
    if "menu" not in clause and "delete" not in clause:
        return None
    m = next((p.match(clause) for p in _REMOVE if p.match(clause)), None)
    if m is None:
        return None
    items = resolve_items(m.group("x"), ctx)
    if items.problem is not None:
        return items.problem
    commands = tuple(RemoveItem(target=match.item.name) for match in items.matches)
    return Reading(commands, tuple(items.matches))


# Tried before the other clause readers: each returns None at once unless the clause opens with its words.
PARSERS = (special, add_item, rename_item, remove_item)
