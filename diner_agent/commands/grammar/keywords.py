"""Whole-message keywords: YES / NO / UNDO / HELP / MENU / HOURS in the ways people type them."""

from __future__ import annotations

import re

from diner_agent.commands.model import Cancel, Command, Confirm, Help, ShowHours, ShowMenu, Undo
from diner_agent.commands.normalize import clean

_WORDS: dict[type, str] = {
    Confirm: r"""yes|y|ye|yes please|yes pls|yep|yup|yeah|yea|ya|yah|sure|confirm|confirmed|ok|okay|k|kk|
        do it|go ahead|go for it|correct|that's right|thats right|right|affirmative|yes do it|ok do it|
        yes confirm|confirm it|approved|approve|sounds good|looks good|lgtm|yes that's right|si|yess|yesss""",
    Cancel: r"""no|n|nope|nah|no thanks|cancel|cancel that|cancel it|never mind|nevermind|nvm|don't|dont|
        forget it|scratch that|abort|no don't|no dont|wrong|not that|no cancel|stop that|don't do it|dont do it""",
    Undo: r"""undo|undo that|undo it|undo last|undo the last one|undo the last change|undo last change|
        undo my last change|revert|revert that|revert it|roll back|rollback|take that back|oops undo|
        whoops undo|oops|my bad undo|undo please|put it back how it was|change it back|set it back|undo!""",
    Help: r"""help|\?|h|commands|command list|what can you do|what can i do|what can i say|what can i text|
        how does this work|how do i use this|what do i text|info|options|instructions|help me|usage""",
    ShowMenu: r"""menu|show menu|show the menu|show me the menu|the menu|full menu|current menu|our menu|
        what's on the menu|whats on the menu|what is on the menu|list menu|list the menu|list items|items|
        what's available|whats available|what is available|what's sold out|whats sold out|
        what is sold out|what's 86'd|whats 86'd|whats 86d|what's 86d|86 list|the 86 list|what's out|whats out|
        prices|show prices|price list|what are the prices|what are our prices|menu please|send menu|send the menu""",
    ShowHours: r"""hours|show hours|our hours|the hours|what are our hours|what are the hours|
        what're our hours|when are we open|when do we open|when do we close|what time do we open|
        what time do we close|opening hours|store hours|schedule|show schedule|hours please|send hours""",
}
_LONGEST = 80  # no keyword phrase (with greetings and "please" around it) is longer
_KEYWORDS = re.compile(
    r"^(?:hey |hi |ok so |so |um |uh |oops |whoops |my bad |sorry |ugh )?(?:"
    + "|".join(f"(?P<{cls.__name__}>" + re.sub(r"\s*\n\s*", "", words) + ")" for cls, words in _WORDS.items())
    + r")(?: right now| now| today| currently| at the moment| rn)?(?: please| pls| plz| thanks| thx| ty)?$"
)
_BY_NAME: dict[str, type] = {cls.__name__: cls for cls in _WORDS}
_SPACES = re.compile(r"\s+")
_ACKNOWLEDGED = re.compile(r"(?:ok|okay|k|kk)\W+(?:thanks|thx|ty)\W*$")


def keyword(text: str, *, cleaned: bool = False) -> Command | None:
    """The command a whole message stands for when it is just a keyword, else None.

    `cleaned=True` says `text` already went through `clean()` and lowercasing."""
    if len(text) > _LONGEST:
        return None
    bare = (text if cleaned else clean(text).lower()).strip()
    if bare and set(bare) <= {"?"}:
        return Help()
    bare = _SPACES.sub(" ", bare.strip(" .!?,;:-*~'\"").replace("\u2019", "'"))
    match = _KEYWORDS.match(bare.strip(" .!?,;:-"))
    if match and match.lastgroup == "Confirm" and _ACKNOWLEDGED.match(bare):
        return None  # "ok ty": a thank-you for news, not a YES to what was asked
    return _BY_NAME[match.lastgroup]() if match else None  # type: ignore[index]
