"""What resolving an owner's words for an item gives: one item (and how sure), several that share the
words (a question listing them), or nothing on the menu (with the closest name, looked up only when a
reply needs it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from diner_agent.menu.records import MenuItem


class Closest(Protocol):
    """What an Unknown needs of the resolver that made it: the nearest name, for a hint."""

    def closest(self, key: str) -> MenuItem | None: ...


How = Literal["exact", "alias", "word", "fuzzy"]


@dataclass(frozen=True, slots=True)
class Match:
    item: MenuItem
    how: How

    @property
    def certain(self) -> bool:
        return self.how != "fuzzy"


@dataclass(frozen=True, slots=True)
class Ambiguous:
    phrase: str
    candidates: tuple[MenuItem, ...]


class Unknown:
    """No item matches. The closest name, offered as a hint, is only looked for when someone asks:
    most Unknowns are discarded while the grammar tries other readings of a text."""

    __slots__ = ("phrase", "everything", "_resolver", "_key", "_suggestion")

    def __init__(
        self, phrase: str, resolver: Closest | None = None, key: str = "", *, everything: bool = False
    ) -> None:
        self.phrase = phrase
        self.everything = everything
        self._resolver = resolver
        self._key = key
        self._suggestion: MenuItem | None | bool = False

    @property
    def suggestion(self) -> MenuItem | None:
        if self._suggestion is False:
            self._suggestion = self._resolver.closest(self._key) if self._resolver and self._key else None
        return self._suggestion  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"Unknown({self.phrase!r})"


Resolution = Match | Ambiguous | Unknown
