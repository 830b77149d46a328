"""Every question of conversations.yaml through the real engine on the real sample results.

Expected figures are never typed in the YAML: a case names result columns, and this test reads their
values for the expected region from the results file, formats them the way an Indonesian reader
expects ("6,72", "1.302") and looks for them in the answer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from bot.engine.answer import Engine
from bot.engine.model import Answer
from core.gazetteer import Region, get_gazetteer
from scoring.results import Results, dimension_column

CASES_FILE = Path(__file__).with_name("conversations.yaml")
SYNTHETIC_LINE = "<i>Data sampel sintetis, bukan hasil resmi.</i>"
FIGURE_INTENTS = {"profil", "provinsi", "terlemah", "saran", "cakupan", "selisih_kategori", "bandingkan", "peringkat"}
# Intents about one region that become "belum_diukur" when the region has no results row.
SINGLE_REGION_INTENTS = FIGURE_INTENTS - {"bandingkan", "peringkat"}
COUNT_COLUMNS = {
    "n_respondents", "rank_in_province", "rank_national",
    "n_kabkota_total", "n_kabkota_measured", "n_kabkota_at_target",
}  # fmt: skip
_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


def _cases() -> list[Any]:
    cases = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]
    return [
        pytest.param(case.get("turns") or [case], id=f"{number:03d}-{(case.get('turns') or [case])[0]['ask'][:40]}")
        for number, case in enumerate(cases)
    ]


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _score(value: float, edges: list[float]) -> str:
    """An IHaI as the answers show it: 5.996 lies below the 6.00 edge, so it is not "6,00"."""
    decimals = 2
    while any(float(f"{value:.{decimals}f}") >= edge > value for edge in edges):
        decimals += 1
    return f"{value:.{decimals}f}".replace(".", ",")


def _count(value: int) -> str:
    return f"{int(value):,}".replace(",", ".")


@pytest.fixture(scope="module")
def table(results: Results) -> pd.DataFrame:
    return results.table.set_index("code", drop=False).rename_axis(None)


@pytest.fixture(scope="module")
def unmeasured(table: pd.DataFrame) -> Region:
    """A kab/kota of the gazetteer without a results row whose name no other region shares."""
    gazetteer = get_gazetteer()
    return next(
        region
        for region in gazetteer.kabkota()
        if region.code not in table.index and [r.code for r in gazetteer.lookup(region.name)] == [region.code]
    )


def test_the_set_is_large_enough() -> None:
    questions = sum(len(case.values[0]) for case in _cases())
    assert questions >= 200


@pytest.mark.parametrize("turns", _cases())
def test_conversation(
    turns: list[dict],
    engine: Engine,
    results: Results,
    table: pd.DataFrame,
    unmeasured: Region,
    request: pytest.FixtureRequest,
) -> None:
    session = f"yaml-{request.node.callspec.id}"
    for turn in turns:
        question = _substitute(turn["ask"], unmeasured)
        answer = engine.ask(question, session)
        context = f"{question!r} -> {answer.intent} {answer.regions}\n{answer.text}"
        _check_turn(turn, answer, unmeasured, table, results, context)


def _check_turn(
    turn: dict, answer: Answer, unmeasured: Region, table: pd.DataFrame, results: Results, context: str
) -> None:
    regions = [_substitute(code, unmeasured) for code in turn.get("regions", [])]
    intent = turn["intent"]
    if intent in SINGLE_REGION_INTENTS and regions and not any(code in table.index for code in regions):
        intent = "belum_diukur"
    assert answer.intent == intent, context
    assert answer.text.strip(), context
    _assert_telegram_html(answer.text)
    if "regions" in turn:
        assert list(answer.regions) == regions, context
    if "choices" in turn:
        assert {button.payload.removeprefix("wilayah ") for button in answer.choices} == set(turn["choices"]), context
    for code in regions:
        _check_facts(turn.get("facts", []), code, table, results, answer.text, context)
    if "ranking" in turn:
        _check_ranking(turn["ranking"], table, answer.text, context)
    for snippet in turn.get("contains", []):
        assert snippet in answer.text, context
    if "chart" in turn and answer.intent != "belum_diukur":
        assert answer.chart is not None and answer.chart.kind == turn["chart"], context
    if results.synthetic and answer.intent in FIGURE_INTENTS:
        assert answer.text.endswith(SYNTHETIC_LINE), context


def _check_facts(facts: list[str], code: str, table: pd.DataFrame, results: Results, text: str, context: str) -> None:
    if code not in table.index:
        return
    row = table.loc[code]
    if not row["publishable"]:
        assert _count(row["n_respondents"]) in text, context  # no figure published, but the n is said
        return
    for fact in facts:
        for snippet in _expected(fact, row, results):
            assert snippet in text, f"{fact} of {code}: {snippet!r} missing in\n{context}"


def _expected(fact: str, row: pd.Series, results: Results) -> list[str]:
    """The text a fact must show: formatted numbers, and names for the weakest dimension/variable."""
    methodology = results.methodology
    if fact == "weakest_dimension":
        key = row["weakest_dimension"]
        name = next(d.name for d in methodology.dimensions if d.key == key)
        return [name, _decimal(row[dimension_column(key)])]
    if fact == "weakest_variable":
        key = row["weakest_variable"]
        return [key.upper(), _decimal(row[key])]
    if fact == "gap":
        higher = [band.lower for band in methodology.categories.bands if band.lower > row["ihai"]]
        return [_decimal(higher[0] - row["ihai"])] if higher else []
    value = row[fact]
    if pd.isna(value):
        return []
    if isinstance(value, str):
        return [value]
    if fact == "ihai":
        return [_score(value, [band.lower for band in methodology.categories.bands])]
    return [_count(value) if fact in COUNT_COLUMNS else _decimal(value)]


def _check_ranking(spec: dict, table: pd.DataFrame, text: str, context: str) -> None:
    metric, scope = spec["metric"], spec["scope"]
    if scope == "provinsi":
        rows = table[(table["level"] == "provinsi") & table["publishable"]]
    else:
        rows = table[(table["level"] == "kabkota") & table["publishable"]]
        if scope:
            rows = rows[rows["province_code"] == scope]
    ordered = rows.dropna(subset=[metric]).sort_values([metric, "code"], ascending=[False, True])
    chosen = ordered.head(spec["n"]) if spec["order"] == "top" else ordered.tail(spec["n"]).iloc[::-1]
    position = 0
    for _, row in chosen.iterrows():
        found = re.compile(rf"{re.escape(row['name'])}(?!\w)").search(text, position)
        assert found is not None, f"{row['name']} missing or out of order in\n{context}"
        position = found.end()
        assert _decimal(row[metric]) in text[position : position + 40], context


def _assert_telegram_html(text: str) -> None:
    """Only <b> and <i>, balanced and properly nested."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        name = match.group(1)
        assert name in ("b", "i"), f"unsupported tag {match.group(0)}"
        if match.group(0).startswith("</"):
            assert stack and stack.pop() == name, f"unbalanced </{name}> in {text!r}"
        else:
            stack.append(name)
    assert not stack, f"unclosed tags {stack} in {text!r}"


def _substitute(text: str, unmeasured: Region) -> str:
    return text.replace("{unmeasured.code}", unmeasured.code).replace("{unmeasured}", unmeasured.name)
