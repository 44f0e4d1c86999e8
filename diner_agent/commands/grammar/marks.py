"""Marks on a sentence that decide whether its command may be applied at all, whatever it says.

- negated ("don't take the waffles off"): a change the owner does not want; never applied.
- conditional ("if the pie runs out, 86 it", "we might run out"): a change for later; never applied now.
- wish ("I wish we closed at 2", "we used to open at 5"): a wish or a memory; never applied.
- neutral (a greeting, thanks, a reason with no item, number, day, time or negation: "ran out of buns",
  "for a staff meeting"): context around a command, ignored, so it never changes what the text means.
- corrections: "scratch that" withdraws the clause before it; "make that 3.50" replaces its price.

The words are the lexicon's; this module only says where they count.
"""

from __future__ import annotations

import re
from functools import lru_cache

from diner_agent.commands.grammar.common import Context
from diner_agent.commands.item_words import singular
from diner_agent.commands.lexicon import ENGLISH, Lexicon, alternation
from diner_agent.commands.when import MONTH_RE, WhenError, find_days

_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_PRONOUNS = frozenset("it em 'em them those these everything all both".split())


class _Marks:
    def __init__(self, lexicon: Lexicon) -> None:
        exempt = "|".join(re.escape(w) for w in lexicon.negation_exempt_next)
        negations = "|".join(re.escape(n) for n in sorted(lexicon.negations, key=len, reverse=True))
        # "3.25 not 3.00" corrects the old price: a "not" before a number negates nothing.
        self.negation = re.compile(rf"(?<![\w'])(?:{negations})(?![\w'])(?!\s+(?:{exempt})\b)(?!\s+\$?\d)")
        no = "|".join(re.escape(w) for w in lexicon.no_word) or "(?!)"
        kinds = alternation(lexicon.closing_kinds)
        nouns = alternation(lexicon.closing_nouns)
        # "no closing today after all", "no snow closing, we're staying open": a closing said not to happen.
        self.no_closing = re.compile(rf"(?<![\w'])(?:{no})\s+(?:(?:{kinds})\s+)?(?:{nouns})(?![\w'])")
        exempt_if = alternation(lexicon.conditional_exempt)
        self.conditional_exempt = re.compile(rf"\b(?:{exempt_if})\b")
        # "may" before a day number is the month ("closed may 1st"), not a maybe.
        conditionals = "|".join(
            re.escape(c) + (r"(?!\s+\d)" if re.fullmatch(MONTH_RE, c) else "")
            for c in sorted(lexicon.conditionals, key=len, reverse=True)
        )
        # At a sentence's start or after a comma ("86 it, if the pie runs out"), or "X if Y" inside it.
        self.conditional = re.compile(rf"(?:^|[,;:]\s*|\s)(?:{conditionals})\s")
        self.starts_conditional = re.compile(r"^(?:when|once|whenever|as soon as)\s")
        wishes = alternation(lexicon.wishes, longest_first=True)
        self.wish = re.compile(rf"(?<![\w'])(?:{wishes})(?![\w'])")
        refusals = alternation(lexicon.refusals)
        self.refusal = re.compile(rf"(?<![\w'])(?:{refusals})(?![\w'])")
        nearly = alternation(lexicon.nearly_out)
        gone = r"(?:out|gone|sold|done|finished|empty|run(?:ning)? out)"
        self.nearly_out = re.compile(rf"(?<![\w'])(?:{nearly})\s+(?:all\s+)?{gone}(?![\w'])")
        retract = alternation(lexicon.retractions)
        self.retraction = re.compile(
            r"(?P<prev>(?:^|(?<=[.;,\n!]))[^.;,\n!]+?)[\s,.;:!\-]*(?:(?:actually|wait|oh|no|oops|sorry|hmm)[\s,.!\-]+)*"
            rf"\b(?:{retract})\b[\s,.;:!\-]*"
        )
        replace = alternation(lexicon.replacements)
        self.replacement = re.compile(
            rf"(?:(?<=[\s,.;\-*>])|^)(?:(?:no|oops|sorry|wait|edit|actually)[\s,.:!\-]+)*(?:{replace})\b[\s,.:!\-*]*"
            r"(?=\$?\d)"
        )
        self.trailing_retraction = re.compile(
            r"(?:^|[.;,\n!])[\s,.;:!\-]*(?:(?:actually|wait|oh|no|oops|sorry|hmm|ok|okay|so)[\s,.!\-]+)*"
            rf"\b(?:{retract})\b[\s,.;:!\-]*$"
        )
        cues = (*lexicon.cue_off, *lexicon.cue_on, *lexicon.schedule_cues, *lexicon.command_verbs)
        self.cues = frozenset(c for c in cues if " " not in c) | {"86"}
        # Cheap first looks: the full patterns above scan back for the clause they correct.
        self.retraction_hint = re.compile(rf"\b(?:{retract})\b")
        self.replacement_hint = re.compile(rf"\b(?:{replace})\b[\s,.:!\-*]*\$?\d")
        self.schedule = frozenset(lexicon.schedule_cues) | frozenset(lexicon.time_words)
        self.schedule |= frozenset(lexicon.command_verbs)
        self.asides = frozenset(lexicon.asides)
        self.hedges = frozenset(c for c in lexicon.conditionals if " " not in c)
        self.not_item_heads = frozenset(lexicon.not_item_heads)


@lru_cache(maxsize=4)
def _marks(lexicon: Lexicon) -> _Marks:
    return _Marks(lexicon)


def negated(sentence: str, lexicon: Lexicon = ENGLISH) -> bool:
    marks = _marks(lexicon)
    return marks.negation.search(sentence) is not None or marks.no_closing.search(sentence) is not None


def conditional(sentence: str, lexicon: Lexicon = ENGLISH) -> bool:
    """ "if the pie runs out, 86 it", "86 it unless ...", "maybe"; "when"/"once" only opening the sentence
    ("idk when we'll be back" is a hedge about the end, not a condition)."""
    marks = _marks(lexicon)
    if marks.conditional.search(" " + sentence) is None:
        return False  # the common case: no conditional word at all
    sentence = marks.conditional_exempt.sub(" ", sentence)
    found = marks.conditional.search(" " + sentence)
    if found is None:
        return False
    word = found.group(0).strip(" ,;:")
    opening_only = word in ("when", "once", "whenever", "as soon as")
    return not opening_only or marks.starts_conditional.match(sentence) is not None


def wish(sentence: str, lexicon: Lexicon = ENGLISH) -> bool:
    """ "I wish we closed at 2 on fridays", "we used to open at 5", "remember when pie was 3 bucks": a wish
    or a memory told with times and prices in it, never a change. A memory set against now is the change
    itself, told with the old value first ("it used to be 6.75, it's 7.25 now")."""
    found = _marks(lexicon).wish.search(sentence)
    if found is None:
        return False
    memory = " ".join(found.group(0).split()) in lexicon.memories
    return not (memory and _NOW.search(sentence, found.end()))


def nearly_out(clause: str, lexicon: Lexicon = ENGLISH) -> bool:
    """ "almost out of cider", "pie's nearly gone": not sold out yet, so no change (and no story to drop)."""
    return _marks(lexicon).nearly_out.search(clause) is not None


def refused(sentence: str, lexicon: Lexicon = ENGLISH) -> bool:
    """ "Gary wants coffee at 3 but I said no", "pie 6.50, hold off till Monday": a change told, then
    decided against or put off: never applied."""
    return _marks(lexicon).refusal.search(sentence) is not None


def held_back(sentence: str, lexicon: Lexicon = ENGLISH) -> str | None:
    """Why a sentence is never applied, whatever it says (an `Unread.why`), or None."""
    if negated(sentence, lexicon):
        return "negated"
    if conditional(sentence, lexicon):
        return "conditional"
    if wish(sentence, lexicon):
        return "wish"
    return "refused" if refused(sentence, lexicon) else None


_NOW = re.compile(r"\b(?:now|from now on|anymore|these days|starting (?:today|now|tomorrow))\b")


def corrected(text: str, lexicon: Lexicon = ENGLISH) -> str:
    """The text with withdrawn clauses dropped and "make that 3.50" said as "make it 3.50" (which the
    grammar reads as a new price for the item just named; the later price of an item wins)."""
    marks = _marks(lexicon)
    if marks.replacement_hint.search(text):  # first: "wait no make that 2.45" replaces, it does not withdraw
        text = marks.replacement.sub("make it ", text)
    if marks.retraction_hint.search(text):
        text = _past_the_story(text, marks)
        text = marks.retraction.sub("", text).strip(" ,.;")
    return text


def _past_the_story(text: str, marks: _Marks) -> str:
    """ "86 the fish. wait, Sam found another case. never mind": a retraction ending the text withdraws the
    last clause with a command in it, past the story told between (no digit, no cue word)."""
    end = marks.trailing_retraction.search(text)
    if end is None:
        return text
    clauses = re.split(r"(?<=[.;,!])(?=\s)|(?<=\n)", text[: end.start() + 1])
    story = 0
    while len(clauses) > story + 1 and _story(clauses[-1 - story], marks):
        story += 1
    if story == 0:
        return text
    return "".join(clauses[: -1 - story]).strip(" ,.;")


def _story(clause: str, marks: _Marks) -> bool:
    words = _WORD.findall(clause.lower())
    return not any(ch.isdigit() for ch in clause) and marks.cues.isdisjoint(words)


_FUNCTION_WORDS = frozenset("you you're youre ur u the a an so very much really too we it's its that is are".split())


def lone_aside(word: str, lexicon: Lexicon = ENGLISH) -> bool:
    """Only framing: a greeting or thanks from the lexicon, or nothing but function words ("you're the")."""
    phrase = " ".join(word.strip(" ,.!?-").split())
    return phrase in _marks(lexicon).asides or bool(phrase) and set(phrase.split()) <= _FUNCTION_WORDS


def neutral(clause: str, ctx: Context, lexicon: Lexicon = ENGLISH) -> bool:
    """Context and nothing else: no digit, no word of the menu (or a typo of one), no day, time or
    schedule word, no pronoun that could point at an item, no negation and no conditional."""
    if lone_aside(clause, lexicon):
        return True
    if any(ch.isdigit() for ch in clause):
        return False
    marks = _marks(lexicon)
    vocabulary = ctx.resolver.vocabulary
    words = _WORD.findall(clause)
    if len(words) > 10:
        return False
    for k, word in enumerate(words):
        key = singular(word.replace("'", ""))
        if word in _PRONOUNS or word in marks.schedule or key in marks.schedule or word == "86":
            return False
        if word in marks.hedges:  # "will text when": whatever follows is for later
            return False
        if key in vocabulary or (len(key) >= 4 and ctx.resolver.near(key)):
            heads = k + 1 < len(words) and words[k + 1].removesuffix("'s") in marks.not_item_heads
            if heads and key in vocabulary:
                continue  # "the waffle iron's broken": a story about the equipment, not the dish
            return False
    # The costlier looks last, on the few clauses still neutral by their words: "almost out" is the
    # point, not a story; "presidents day" is the day the command is for.
    if nearly_out(clause, lexicon) or _names_a_day(clause, ctx):
        return False
    return not negated(clause, lexicon) and not conditional(clause, lexicon)


def _names_a_day(clause: str, ctx: Context) -> bool:
    """A day other than today: dropped as context, it would leave the command on the wrong day."""
    try:
        days = find_days(clause, ctx.today)[0]
    except WhenError:
        return True  # a day that does not exist is still a day word
    return bool(days) and days != [ctx.today.isoformat()]
