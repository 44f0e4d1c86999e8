"""What the service would make of a text, and the reply it would send, applying nothing (`diner-agent parse`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from diner_agent.commands.apply import ApplyError, preview_all
from diner_agent.commands.change_text import CONFIRM_HINT, change_lines
from diner_agent.commands.handlers import hours_text
from diner_agent.commands.language_model import LlmReader
from diner_agent.commands.model import CHANGE_ACTIONS, Command
from diner_agent.commands.replies import HELP, fit, join, menu_summary
from diner_agent.commands.understand import Understanding, understand
from diner_agent.menu.records import MenuSnapshot

_KEYWORDS = {
    "confirm": "Confirms what is waiting for a YES.",
    "cancel": "Cancels what is waiting for a YES.",
    "undo": "Reverts your last change.",
}


def preview(
    text: str, snapshot: MenuSnapshot, now: datetime, *, reader: LlmReader | None, menu_link: str | None
) -> tuple[Understanding, str]:
    meaning = understand(text, snapshot, now, llm=reader)
    if not meaning.commands:
        return meaning, fit(meaning.reply or "")
    local = now.astimezone(ZoneInfo(snapshot.tenant.timezone))
    first = meaning.commands[0]
    if first.action not in CHANGE_ACTIONS:
        return meaning, _keyword(first, snapshot, local, menu_link)
    try:
        lines = change_lines(preview_all(meaning.commands, snapshot, now, local.date()), snapshot.tenant, local)
    except ApplyError as exc:
        return Understanding(text, meaning.source, reply=str(exc)), fit(f"{exc} Nothing changed.")
    if meaning.needs_confirmation:
        lead = ["Did you mean:"] if "partial" in meaning.reasons else []
        note = [meaning.reply] if meaning.reply else []
        return meaning, fit(join([*lead, *lines, *note, CONFIRM_HINT]))
    return meaning, fit(join(lines))


def _keyword(cmd: Command, snapshot: MenuSnapshot, local: datetime, menu_link: str | None) -> str:
    if cmd.action == "show_menu":
        return menu_summary(snapshot, menu_link)
    if cmd.action == "show_hours":
        return hours_text(snapshot, local)
    if cmd.action == "help":
        return HELP
    return _KEYWORDS.get(cmd.action, "")
