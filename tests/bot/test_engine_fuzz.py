"""Arbitrary text never breaks the engine, and nothing a user typed reaches Telegram as markup."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.engine import Engine
from bot.engine.model import Answer
from tests.bot.html_checks import assert_balanced

_ALLOWED_TAG = re.compile(r"</?[bi]>")

TRICKY = [
    "",
    " ",
    "\n\n",
    "<b>",
    "</i>",
    "<script>alert(1)</script>",
    "<a href='x'>klik</a>",
    "a < b > c & d",
    "**tebal** _miring_ `kode` [tautan](http://x)",
    "\x00\x1b[31m\x7f",
    "🙂🔥🇮🇩",
    "ihai <b>banjar</b>",
    "kota <i>banjarbaru",
    "wilayah 99.99",
    "wilayah 63.03",
    "wilayah",
    "63.72",
    "00.00",
    "ihai 99.99",
    "bandingkan " + "banjar " * 40,
    "peringkat 999",
    "top 0",
    "saran fkub fpk fkdm " * 5,
    "&amp;&lt;&#x27;",
    "kabupaten " * 50,
    "ihai kota " + "x" * 300,
    "Ｋａｌｓｅｌ",
    "İHAİ KALSEL",
    "ihai\u200bkalsel",
]
texts = st.one_of(
    st.text(max_size=400),
    st.sampled_from(TRICKY),
    st.builds(lambda a, b: a + b, st.sampled_from(TRICKY), st.text(max_size=80)),
    st.integers(min_value=1_000, max_value=30_000).map(lambda n: ("ihai banjarbaru <b>" * n)[:n]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts, session=st.sampled_from(["fuzz-a", "fuzz-b"]))
def test_any_text_gets_a_safe_answer(engine: Engine, text: str, session: str) -> None:
    answer = engine.ask(text, session)
    assert isinstance(answer, Answer)
    assert answer.text.strip()
    assert answer.intent != "galat", answer.text
    assert "<" not in _ALLOWED_TAG.sub("", answer.text), answer.text  # user text escaped, only <b>/<i> ours
    assert_balanced(answer.text)
    for button in (*answer.followups, *answer.choices):
        assert len(button.payload.encode()) <= 64  # Telegram's callback-data limit

