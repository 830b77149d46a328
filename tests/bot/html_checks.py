"""Assertions about Telegram HTML shared by the render and fuzz tests."""

from __future__ import annotations

import re

TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


def assert_balanced(text: str) -> None:
    """Every opened tag is closed, in order: Telegram rejects a message with unbalanced HTML."""
    stack: list[str] = []
    for match in TAG.finditer(text):
        if match.group(0).startswith("</"):
            assert stack and stack.pop() == match.group(1), text
        else:
            stack.append(match.group(1))
    assert not stack, text
