"""Questions are not commands: "is the reuben 86?" must not 86 the reuben, "are we closed today?" must
not close the diner. A text phrased as a question is answered from the menu instead, with a hint of
the command that would make the change. Polite requests ("can you 86 the reuben?") stay commands.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from diner_agent.commands.model import ChangeHours, CloseEmergency, Command, Reopen, ToggleAvailable, UpdatePrice
from diner_agent.commands.replies import day_label, fit, intervals_text, money
from diner_agent.commands.resolve import resolver_for
from diner_agent.menu.hours import hours_on, is_open
from diner_agent.menu.records import MenuSnapshot

# "were" is left out on purpose: "were out of pie" is how thumbs type "we're out of pie".
_INTERROGATIVE = frozenset(
    "is are am was do does did what what's whats which how how's why when where who whose whom should "
    "shall has have had isn't aren't wasn't weren't don't doesn't didn't".split()
)
_MODAL = frozenset({"can", "could", "will", "would"})
_SUBJECTS = frozenset(
    "we you u ya y'all yall they i he she it our any anyone anybody someone somebody everyone everybody".split()
)  # a question, unless it asks "you" to do something
_WORDS = re.compile(r"[a-z0-9']+")
# A greeting or a mention ahead of the words that ask or tell: "hey @bot, can you ..." is a request.
_OPENING = re.compile(r"^(?:\s*(?:(?:hey|hi|hello|yo|ok|okay|so|oh|and|also)\b|<@\w+>)[\s,:!.\-]*)+")
_WORDS_ONLY = re.compile(r"[^\w' ]+")


def is_question(text: str) -> bool:
    """Phrased as a question: ends with '?' or opens with a question word, but is not a polite request.
    "did"/"does" never open an order ("did Sam already 86 the okra" asks, with or without its '?'); only
    "do"/"don't" can ("do the usual", "don't 86 the pie")."""
    words = _WORDS.findall(_OPENING.sub("", text.lower().replace("\u2019", "'")))
    if not words:
        return False
    if words[0] in _MODAL or (words[0] == "please" and len(words) > 1 and words[1] in _MODAL):
        start = 1 if words[0] in _MODAL else 2
        return len(words) <= start or words[start] not in ("you", "u")
    if text.rstrip().endswith("?"):
        return True
    if words[0] in ("what", "how", "have", "has") and len(words) > 1 and words[1] in ("a", "an"):
        return False  # "what a week. coffee 3.25", "have a good one": an exclamation, a wish
    if words[0] in ("do", "don't"):  # "do we have pie" asks; "do the usual with the joe" tells
        return len(words) > 1 and words[1] in _SUBJECTS
    return words[0] in _INTERROGATIVE


_ABOUT_HOURS = re.compile(r"\b(?:open|opens|opening|close|closes|closing|closed|hours|today|tomorrow)\b")


def answer_about(text: str, snapshot: MenuSnapshot, now: datetime) -> str | None:
    """A question with no command in it ("how much is the coffee?", "when do we close today?"),
    answered from the menu when it names items or asks about hours; None when it does neither."""
    items = resolver_for(snapshot).spot(_WORDS_ONLY.sub(" ", text.lower()))
    commands: list[Command] = [ToggleAvailable(target=item.name, value=item.available) for item in items]
    if not commands and _ABOUT_HOURS.search(text.lower()):
        local = now.astimezone(ZoneInfo(snapshot.tenant.timezone))
        commands.append(ChangeHours(target=[local.date().isoformat()], value="closed"))
        commands.append(Reopen())
    return answer(tuple(commands), snapshot, now) if commands else None


def answer(commands: tuple[Command, ...], snapshot: MenuSnapshot, now: datetime) -> str:
    """What is true now about what the question names, and how to change it."""
    local = now.astimezone(ZoneInfo(snapshot.tenant.timezone))
    facts: list[str] = []
    hint = None
    for cmd in commands:
        if isinstance(cmd, ToggleAvailable | UpdatePrice):
            item = snapshot.item_named(cmd.target)
            if item is None:
                continue
            state = "available" if item.available else "sold out"
            facts.append(f"{item.name} is {state}, {money(item.price_cents, snapshot.tenant.currency)}.")
            hint = hint or (f"'86 {item.name.lower()}'" if item.available else f"'{item.name.lower()} is back'")
        elif isinstance(cmd, ChangeHours):
            for key in cmd.target[:3]:
                label = day_label(key, local.date())
                intervals = (
                    snapshot.weekly.get(key, ()) if len(key) == 3 else hours_on(snapshot, date.fromisoformat(key))
                )
                facts.append(f"{label[:1].upper() + label[1:]}: {intervals_text(intervals)}.")
            hint = hint or "'close at 2 today'"
        elif isinstance(cmd, CloseEmergency | Reopen):
            closure = snapshot.closure_at(now)
            if closure is not None:
                facts.append(
                    f"{snapshot.tenant.name} is closed now" + (f" ({closure.reason})." if closure.reason else ".")
                )
            else:
                facts.append(f"{snapshot.tenant.name} is {'open' if is_open(snapshot, now) else 'closed'} now.")
            hint = hint or "'emergency close, <reason>'"
    tail = f" To change it, text a command like {hint}." if hint else ""
    return fit(" ".join(facts) + tail if facts else "That looks like a question. Text HELP for what I can change.")
