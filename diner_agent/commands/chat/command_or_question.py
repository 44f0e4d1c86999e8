"""Which chat messages are commands for the menu, and which are questions for the assistant.

The grammar reads owner texts, and in chat people also ask questions. Read as commands, some questions
would change the menu: "are we closed today?" reads as closing the diner today, and "do we close at 3
today?" as new hours; others earn a command error ("is the reuben sold out?" -> '"is the reuben" is not on
the menu'). So a message phrased as a question never changes anything from chat: it goes to the assistant,
which sees the live menu and can name the command to type. Keywords (YES, NO, UNDO, HELP, MENU, HOURS)
and polite requests ("can you 86 the reuben?") are still commands.
"""

from __future__ import annotations

from datetime import datetime

from diner_agent.commands import grammar
from diner_agent.commands.model import CHANGE_ACTIONS
from diner_agent.commands.normalize import MAX_GRAMMAR_CHARS
from diner_agent.commands.questions import is_question
from diner_agent.menu.records import MenuSnapshot

# A problem this sure was meant as a command ("86 the pie" -> which pie?); weaker ones are chatter.
COMMAND_PROBLEM_WEIGHT = 2


def is_command(text: str, snapshot: MenuSnapshot, now: datetime) -> bool:
    """Whether the command service should answer this chat message (else the assistant does)."""
    if not text.strip() or len(text) > MAX_GRAMMAR_CHARS:
        return False
    result = grammar.read(text, snapshot, now)
    if result.commands:
        changes = any(c.action in CHANGE_ACTIONS for c in result.commands)
        return not (changes and is_question(text))
    problem = result.problem
    return problem is not None and problem.weight >= COMMAND_PROBLEM_WEIGHT and not is_question(text)
