"""The words the reader knows, kept apart from the logic that uses them.

A second language is a second `Lexicon` (a module like `en.py` filling the same fields), not a second
reader: channel formatting, clause marks (negation, conditionals, corrections), neutral asides and cue
words all read their phrases from here. See docs/reader.md.
"""

from __future__ import annotations

from diner_agent.commands.lexicon.en import ENGLISH
from diner_agent.commands.lexicon.model import Lexicon
from diner_agent.commands.lexicon.patterns import alternation

__all__ = ["ENGLISH", "Lexicon", "alternation"]
