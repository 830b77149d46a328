"""Telegram-safe HTML (with the Indonesian number formatting re-exported): escaping, a few tags, splitting long messages.

Every channel shows `Answer.text` as Telegram's HTML parse mode understands it, so the engine only ever
emits `<b>` and `<i>` and escapes everything else (user text included) with `escape`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from core.numbers import chance, count, interval, number, percent, score

__all__ = ["bullet_lines", "chance", "count", "escape", "interval", "number", "percent", "score", "split_message"]

TELEGRAM_LIMIT = 4096

# A tag, an entity, or any single character: the units a message may be cut between.
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|[\s\S]")
_OPEN_TAG = re.compile(r"<([a-zA-Z][\w-]*)(?:\s[^<>]*)?>")
_CLOSE_TAG = re.compile(r"</([a-zA-Z][\w-]*)\s*>")
_TAG = re.compile(r"<[^<>]*>")


def escape(text: str) -> str:
    """Text safe for Telegram HTML: only `<`, `>` and `&` need entities there."""
    return html.escape(text, quote=False)


def bullet_lines(lines: Iterable[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut an HTML message into parts of at most `limit` characters, each with balanced tags.

    Cuts prefer a line break, then a space, and never fall inside a tag or an entity; a tag open at a
    cut is closed at the end of one part and reopened at the start of the next.
    """
    if len(text) <= limit:
        return [text]
    return _Splitter(limit).split(_TOKEN.findall(text))


class _Splitter:
    """Greedy cutter over tokens, remembering the cut points seen and the tags open at each."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.current: list[str] = []
        self.length = 0
        self.breaks: list[tuple[int, list[tuple[str, str]]]] = []  # (cut index, open tags there)

    def split(self, tokens: list[str]) -> list[str]:
        stack: list[tuple[str, str]] = []  # (name, opening tag) of the tags open after `current`
        for token in tokens:
            after = _apply(stack, token)
            while self.current and self.length + len(token) + _closing_length(after) > self.limit:
                before = self.length
                self._flush(stack)
                if self.length >= before:
                    break  # reopened tags alone leave no room: accept an oversized part rather than loop
            self.current.append(token)
            self.length += len(token)
            stack = after
            if token in ("\n", " "):
                self.breaks.append((len(self.current), list(stack)))
        self.parts.append("".join(self.current))
        return [part for part in self.parts if _TAG.sub("", part).strip()]

    def _flush(self, stack: list[tuple[str, str]]) -> None:
        # Prefer the last line break, then the last space, then a hard cut at the current position.
        lines = [item for item in self.breaks if self.current[item[0] - 1] == "\n"]
        cut, open_tags = (lines or self.breaks or [(len(self.current), list(stack))])[-1]
        if cut <= _reopen_count(self.current):
            cut, open_tags = len(self.current), list(stack)
        head, tail = self.current[:cut], self.current[cut:]
        self.parts.append("".join(head).rstrip() + "".join(f"</{name}>" for name, _ in reversed(open_tags)))
        reopened = [opening for _, opening in open_tags]
        self.current = reopened + tail
        self.length = sum(len(token) for token in self.current)
        self.breaks = [(index - cut + len(reopened), tags) for index, tags in self.breaks if index > cut]


def _apply(stack: list[tuple[str, str]], token: str) -> list[tuple[str, str]]:
    """The open-tag stack after `token`."""
    if closing := _CLOSE_TAG.fullmatch(token):
        names = [name for name, _ in stack]
        if closing.group(1) in names:
            index = len(names) - 1 - names[::-1].index(closing.group(1))
            return stack[:index]
        return stack
    if opening := _OPEN_TAG.fullmatch(token):
        return [*stack, (opening.group(1), token)]
    return stack


def _closing_length(stack: list[tuple[str, str]]) -> int:
    return sum(len(name) + 3 for name, _ in stack)


def _reopen_count(current: list[str]) -> int:
    """How many leading tokens are opening tags (reopened at the start of a part)."""
    index = 0
    while index < len(current) and _OPEN_TAG.fullmatch(current[index]):
        index += 1
    return index
