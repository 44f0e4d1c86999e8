"""Build the collaborators from settings: the store, the LLM reader (through the AI gateway) and the
command service. Shared by `create_app` and the CLI so both wire things the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from diner_agent.commands.llm import LlmReader
from diner_agent.commands.service import CommandService
from diner_agent.config import Settings
from diner_agent.menu.store import MenuStore


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_llm(settings: Settings, store: MenuStore) -> tuple[LlmReader | None, Callable[[], None]]:
    """The LLM reader for free-form texts, or None when no provider is configured."""
    return None, lambda: None


def build_service(
    settings: Settings, *, use_llm: bool = True, clock: Callable[[], datetime] = utc_now
) -> tuple[CommandService, Callable[[], None]]:
    """A command service over the configured store; call the returned function to release resources."""
    store = MenuStore.from_url(settings.database_url, clock=clock)
    llm, close_llm = build_llm(settings, store) if use_llm else (None, lambda: None)
    service = CommandService(store, llm=llm, clock=clock, public_base_url=settings.public_base_url)

    def close() -> None:
        close_llm()
        store.close()

    return service, close
