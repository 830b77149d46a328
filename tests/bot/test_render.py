"""Indonesian number formatting and Telegram HTML splitting."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine import render
from tests.bot.html_checks import TAG, assert_balanced


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(6.7234, 2, "6,72"), (6.725, 2, "6,72"), (6.0, 2, "6,00"), (1302.5, 2, "1.302,50"), (322770, 0, "322.770"),
     (0.0, 2, "0,00"), (-0.356, 2, "-0,36"), (None, 2, "–"), (float("nan"), 2, "–")],
)  # fmt: skip
def test_number(value: float | None, decimals: int, expected: str) -> None:
    assert render.number(value, decimals) == expected


def test_count_percent_interval() -> None:
    assert render.count(1302) == "1.302"
    assert render.count(1250) == "1.250"
    assert render.count(30) == "30"
    assert render.percent(1302 / 1250) == "104%"
    assert render.percent(0.5, 1) == "50,0%"
    assert render.interval(6.5123, 6.9) == "6,51–6,90"


def test_escape_leaves_no_markup() -> None:
    assert render.escape("<b>Tom & Jerry</b>") == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"


def test_short_message_is_one_part() -> None:
    assert render.split_message("<b>halo</b>") == ["<b>halo</b>"]


def test_split_prefers_line_breaks_and_keeps_tags_balanced() -> None:
    lines = [f"<b>Baris {i}</b> <i>{'teks ' * 30}</i>" for i in range(200)]
    text = "\n".join(lines)
    parts = render.split_message(text)
    assert len(parts) > 1
    for part in parts:
        assert len(part) <= render.TELEGRAM_LIMIT
        assert_balanced(part)
        assert part.startswith("<b>Baris")  # every cut fell on a line break
    assert "\n".join(parts) == text


def test_split_inside_an_open_tag_closes_and_reopens_it() -> None:
    text = "<b>" + "kata " * 2000 + "</b>"
    parts = render.split_message(text, limit=500)
    assert all(len(part) <= 500 and part.startswith("<b>") and part.endswith("</b>") for part in parts)
    assert _words(parts) == _words([text])


def test_split_never_cuts_an_entity() -> None:
    text = "&amp;" * 3000
    parts = render.split_message(text, limit=1001)
    assert all(re.fullmatch(r"(&amp;)+", part) for part in parts)


_fragment = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="<>&"), max_size=60),
    st.sampled_from(["\n", " ", "&amp;", "&lt;", "\n\n"]),
    st.builds(lambda t: f"<b>{t}</b>", st.text(alphabet="abc \n", max_size=300)),
    st.builds(lambda t: f"<i>x <b>{t}</b> y</i>", st.text(alphabet="de \n", max_size=300)),
)


@settings(max_examples=150, deadline=None)
@given(fragments=st.lists(_fragment, max_size=120), limit=st.integers(min_value=60, max_value=700))
def test_split_property(fragments: list[str], limit: int) -> None:
    text = "".join(fragments)
    parts = render.split_message(text, limit)
    for part in parts:
        assert len(part) <= limit
        assert_balanced(part)
    assert _words(parts) == _words([text])


def _words(parts: list[str]) -> str:
    return "".join("".join(TAG.sub("", part).split()) for part in parts)



def test_chance_never_rounds_up_to_certainty() -> None:
    assert render.chance(0.9996) == "lebih dari 99%"
    assert render.chance(0.9949) == "99%"
    assert render.chance(0.8412) == "84%"


def test_a_score_is_never_rounded_onto_a_category_edge_it_lies_below() -> None:
    edges = (6.0, 8.0)
    assert render.score(6.7234, edges) == "6,72"
    assert render.score(5.996, edges) == "5,996"
    assert render.score(5.9996, edges) == "5,9996"
    assert render.score(7.9951, edges) == "7,995"
    assert render.score(6.0, edges) == "6,00"  # on the edge is in the upper band: no extra decimals
    assert render.score(8.004, edges) == "8,00"
    assert render.score(5.99999999, edges) == "5,999999"


@given(st.floats(min_value=0, max_value=10, allow_nan=False))
def test_a_shown_score_stays_in_its_band(value: float) -> None:
    edges = (6.0, 8.0)
    shown = float(render.score(value, edges).replace(".", "").replace(",", "."))
    assert all((shown >= edge) == (value >= edge) for edge in edges)
