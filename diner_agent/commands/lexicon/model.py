"""What a language gives the reader: plain tables of words and phrases, no patterns of logic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class Lexicon:
    """One language's words for the reader's stages (each a tuple of lowercase phrases unless said)."""

    # Channel formatting: Slack emoji shortcodes (and emoji characters) that carry a meaning.
    emoji_off: tuple[str, ...]
    emoji_on: tuple[str, ...]
    # Transcripts: spoken fillers dropped wherever they stand, and shorthand spelled out.
    fillers: tuple[str, ...]
    shorthand: dict[str, str]
    # Lead-ins naming who said it or framing the text: "per Maria -", "Luis says", "quick one:".
    clipped: dict[str, str]  # shorthand owners write for menu words: "chx" -> "chicken", "oj" -> "orange juice"
    relay_verbs: tuple[str, ...]
    lead_ins: tuple[str, ...]
    # Header lines that give their action to the list below them ("sold out:", "back on:").
    header_off: tuple[str, ...]
    header_on: tuple[str, ...]
    header_plain: tuple[str, ...]
    # Clause marks.
    negations: tuple[str, ...]  # "don't", "do not": a change the owner does not want
    negation_exempt_next: tuple[str, ...]  # "don't have": sold out, not a negation of the change
    conditional_exempt: tuple[str, ...]  # "lmk if", "idk when": a question or a hedge, not a condition
    conditionals: tuple[str, ...]  # "if", "unless": a change for later, never applied now
    nearly_out: tuple[str, ...]  # "almost" in "almost out of cider": not sold out yet, nothing to change
    wishes: tuple[str, ...]  # "I wish", "we used to": a wish or a memory, never a change
    memories: tuple[str, ...]  # those of the wishes that tell the past: "it used to be 6.75, it's 7.25 now"
    refusals: tuple[str, ...]  # "but I said no", "hold off": a change someone decided against or put off
    retractions: tuple[str, ...]  # "scratch that": the clause before is withdrawn
    replacements: tuple[str, ...]  # "make that", "I meant": the clause before is replaced
    asides: tuple[str, ...]  # what alone is only framing: "hi", "thanks", "appreciate it"
    command_verbs: tuple[str, ...]  # a clause with one of these is never an aside
    # Words that make a clause more than an aside: hours and closures need no item to act on.
    schedule_cues: tuple[str, ...]
    time_words: tuple[str, ...]
    # Cue words for a proposed reading of a clause the grammar could not read whole.
    cue_off: tuple[str, ...]
    cue_on: tuple[str, ...]
    # Nouns that make the menu word before them a modifier, not the item: "waffle iron", "shake machine",
    # "fish guy", "pancake batter". A story about the equipment or the supplier is not about the dish.
    not_item_heads: tuple[str, ...] = ()
    # Things that are left open or shut: "somebody left the walk in door open again" is not the diner.
    opened_things: tuple[str, ...] = ()
    # "no closing today", "no snow closing": the word for "no", the kinds of closing it may name between, and
    # the closing words themselves.
    no_word: tuple[str, ...] = ()
    closing_kinds: tuple[str, ...] = ()
    closing_nouns: tuple[str, ...] = ()
