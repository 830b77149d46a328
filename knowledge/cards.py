"""Region cards: one short Indonesian text per kab/kota, province and the nation, built from the results.

A card states what a reader asks first about a region — the score, its category and interval, the
weakest dimension and variable by name, coverage against the target, the rank and how far it depends on
the weights, and the region's earlier rounds with each change — so that the retrieval index answers
region questions with the figures the results hold. Cards are built from every round loaded: one per
region, from the latest round that measured it. `ihai index build`
rebuilds the cards from the results every time; the index re-embeds only the cards whose words changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.numbers import chance, count, interval, number, percent, score
from scoring.methodology import Methodology
from scoring.results import Results
from scoring.rounds import change, round_year

CARD_ID_PREFIX = "wilayah-"
SYNTHETIC_LABEL = "data sampel sintetis"


@dataclass(frozen=True)
class RegionCard:
    """`text` holds the figures; `summary` says the same in words only. The dense model reads the
    summary: it cannot compare numbers, and its vectors then survive a rescoring that only moves figures."""

    id: str
    title: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    summary: str = ""


def card_id(code: str) -> str:
    return f"{CARD_ID_PREFIX}{code}"


def _value(row: pd.Series, column: str) -> Any:
    """A cell as a plain Python value, with pandas' missing markers (NA, NaN, None) as None."""
    value = row.get(column)
    return None if value is None or pd.isna(value) else value


def _display_name(row: pd.Series) -> str:
    # Province names in the gazetteer are bare ("Kalimantan Selatan"); kab/kota names already carry
    # "Kabupaten"/"Kota".
    if row["level"] == "provinsi":
        return f"Provinsi {row['name']}"
    if row["level"] == "nasional":
        return f"{row['name']} (nasional)"
    return f"{row['name']}, {row['province_name']}"


@dataclass(frozen=True)
class _Weakest:
    """The weakest dimension and variable of a row, by the names the methodology gives them."""

    dimension: str | None
    dimension_label: str | None
    variable: str | None
    variable_label: str | None

    @classmethod
    def of(cls, row: pd.Series, methodology: Methodology) -> _Weakest:
        dimension, variable = _value(row, "weakest_dimension"), _value(row, "weakest_variable")
        names = {d.key: d.name for d in methodology.dimensions}
        return cls(
            dimension,
            None if dimension is None else names[dimension],
            variable,
            None if variable is None else f"{variable.upper()} {methodology.variable(variable).name}",
        )


def _score_sentences(row: pd.Series, weakest: _Weakest, edges: Sequence[float]) -> list[str]:
    sentences = [
        f"IHaI {row['year']}: {score(row['ihai'], edges)}, kategori {row['category']} "
        f"(selang kepercayaan 95%: {interval(row['ihai_ci_low'], row['ihai_ci_high'])})."
    ]
    if (probability := _value(row, "category_probability")) is not None:
        sentences.append(f"Keyakinan kategori: {chance(probability)}.")
    if weakest.dimension is not None:
        sentences.append(f"Dimensi terlemah: {weakest.dimension_label} ({number(row[f'dim_{weakest.dimension}'])}).")
    if weakest.variable is not None:
        sentences.append(f"Variabel terlemah: {weakest.variable_label} ({number(row[weakest.variable])}).")
    return sentences


def _framework_sentence(methodology: Methodology) -> str:
    flags = (("bobot variabel", methodology.weights_provisional), ("batas kategori", methodology.categories.provisional))
    provisional = [label for label, flag in flags if flag]
    note = f"; {' dan '.join(provisional)} masih sementara" if provisional else ""
    return f"Kerangka: {methodology.name}{note}."


def _kabkota_sentences(row: pd.Series, methodology: Methodology, counts: _MeasuredCounts) -> list[str]:
    if bool(_value(row, "target_met")):
        status = "sudah mencapai target, sehingga layak mendapat laporan hasil dari Kemendagri"
    else:
        status = "belum mencapai target, sehingga belum layak mendapat laporan hasil dari Kemendagri"
    in_province = counts.in_province.get(row["province_code"], 0)
    sentences = [
        f"Responden: {count(row['n_respondents'])} dari target {count(methodology.survey.target_respondents)}; {status}.",
        f"Peringkat {row['rank_in_province']} dari {in_province} kab/kota terukur di {row['province_name']} "
        f"dan {row['rank_national']} dari {counts.total} secara nasional.",
    ]
    low, high, stability = _value(row, "rank_low"), _value(row, "rank_high"), _value(row, "category_stability")
    if low is not None and high is not None and stability is not None:
        ranks = f"{low}–{high}" if low != high else f"{low}"
        sentences.append(
            f"Dengan pembobotan lain yang masuk akal, peringkat nasional {ranks} tergantung bobot, dan kategori "
            f"tetap pada {percent(stability)} pembobotan."
        )
    return sentences


def _aggregate_sentences(row: pd.Series, methodology: Methodology, counts: _MeasuredCounts) -> list[str]:
    eligible = "sudah" if bool(row["reporting_eligible"]) else "belum"
    sentences = [
        f"Skor ini rata-rata {row['n_kabkota_measured']} kab/kota terukur dari {row['n_kabkota_total']} kab/kota; "
        f"rentang skor kab/kota {interval(row['ihai_min'], row['ihai_max'])}.",
        f"Kab/kota yang mencapai target {count(methodology.survey.target_respondents)} responden: "
        f"{row['n_kabkota_at_target']}; total responden {count(row['n_respondents'])}.",
        f"Kelayakan laporan: {eligible} layak (semua kab/kota harus terukur dan mencapai target).",
    ]
    if row["level"] == "provinsi" and _value(row, "rank_national") is not None:
        sentences.append(f"Peringkat {row['rank_national']} dari {counts.provinces} provinsi terukur.")
    return sentences


def _unpublishable_sentences(row: pd.Series, methodology: Methodology) -> list[str]:
    return [
        f"Baru {count(row['n_respondents'])} responden diterima, di bawah batas minimal "
        f"{methodology.survey.min_publishable} responden, sehingga skor IHaI belum dapat dipublikasikan.",
        f"Target responden per kab/kota: {count(methodology.survey.target_respondents)}.",
    ]


@dataclass(frozen=True)
class _MeasuredCounts:
    """How many publishable regions a rank is out of: kab/kota per province and nationally, provinces."""

    in_province: dict[str, int]
    total: int
    provinces: int

    @classmethod
    def of(cls, results: Results) -> _MeasuredCounts:
        kabkota = results.level("kabkota")
        measured = kabkota[kabkota["publishable"].astype(bool)]
        provinces = results.level("provinsi")
        return cls(
            measured.groupby("province_code").size().to_dict(),
            len(measured),
            int(provinces["publishable"].astype(bool).sum()),
        )


def _history_sentences(code: str, row: pd.Series, results: Results, earlier: Sequence[Results]) -> list[str]:
    """The region's IHaI in the earlier rounds, and each change judged against its uncertainty."""
    points = []
    for other in earlier:
        found = other.row(code)
        if found is not None and _value(found, "ihai") is not None:
            points.append((round_year(other), other.methodology, found))
    if not points or _value(row, "ihai") is None:
        return []
    points.append((round_year(results), results.methodology, row))
    listed = "; ".join(
        f"{year} {score(found['ihai'], methodology.band_edges)} ({found['category']}, kerangka {methodology.name})"
        for year, methodology, found in points
    )
    sentences = [f"Tren IHaI antarputaran: {listed}."]
    for (year, methodology, before), (later, _, after) in zip(points, points[1:], strict=False):
        step = change(before["ihai"], _value(before, "ihai_se"), after["ihai"], _value(after, "ihai_se"), methodology.z)
        judged = "lebih besar dari ketidakpastiannya" if step.significant else "masih dalam ketidakpastian"
        sentences.append(f"Perubahan {year}–{later}: {step.direction} {number(abs(step.difference))}, {judged}.")
    return sentences


def _card_text(row: pd.Series, results: Results, weakest: _Weakest, counts: _MeasuredCounts, earlier: Sequence[Results] = ()) -> str:
    methodology = results.methodology
    if not bool(row["publishable"]):
        body = _unpublishable_sentences(row, methodology)
    else:
        coverage = _kabkota_sentences if row["level"] == "kabkota" else _aggregate_sentences
        body = [
            *_score_sentences(row, weakest, methodology.band_edges),
            *coverage(row, methodology, counts),
            _framework_sentence(methodology),
            *_history_sentences(str(row["code"]), row, results, earlier),
        ]
    if results.synthetic:
        body.append(f"Catatan: angka ini berasal dari {SYNTHETIC_LABEL}, bukan hasil resmi Kemendagri.")
    return f"{_display_name(row)}. " + " ".join(body)


def _summary(row: pd.Series, weakest: _Weakest) -> str:
    parts = [_display_name(row)]
    if not bool(row["publishable"]):
        parts.append("responden belum cukup untuk skor IHaI")
    else:
        parts.append(f"kategori {row['category']}")
        if weakest.dimension_label is not None:
            parts.append(f"dimensi terlemah {weakest.dimension_label}")
        if weakest.variable_label is not None:
            parts.append(f"variabel terlemah {weakest.variable_label}")
        if row["level"] == "kabkota":
            parts.append("target responden " + ("tercapai" if bool(_value(row, "target_met")) else "belum tercapai"))
    return "; ".join(parts) + "."


def _metadata(row: pd.Series, results: Results, weakest: _Weakest) -> dict[str, Any]:
    ihai = _value(row, "ihai")
    return {
        "level": str(row["level"]),
        "code": str(row["code"]),
        "name": str(row["name"]),
        "province_code": _value(row, "province_code"),
        "province_name": _value(row, "province_name"),
        "year": int(row["year"]),
        "ihai": None if ihai is None else float(ihai),
        "category": _value(row, "category"),
        "publishable": bool(row["publishable"]),
        "dimensions": [] if weakest.dimension is None else [str(weakest.dimension)],
        "variables": [] if weakest.variable is None else [str(weakest.variable)],
        "synthetic": results.synthetic,
        "methodology": results.methodology.id,
    }


def _card(row: pd.Series, results: Results, counts: _MeasuredCounts, earlier: Sequence[Results] = ()) -> RegionCard:
    weakest = _Weakest.of(row, results.methodology)
    return RegionCard(
        id=card_id(str(row["code"])),
        title=f"IHaI {row['year']} {_display_name(row)}",
        text=_card_text(row, results, weakest, counts, earlier),
        metadata=_metadata(row, results, weakest),
        summary=_summary(row, weakest),
    )


def build_region_cards(rounds: Results | Sequence[Results]) -> list[RegionCard]:
    """One card per region of any round: the latest round's rows in the table's order, each with the region's
    earlier rounds, then the regions only earlier rounds measured, from the latest round that did."""
    ordered = sorted([rounds] if isinstance(rounds, Results) else rounds, key=round_year)
    cards: list[RegionCard] = []
    seen: set[str] = set()
    for position in range(len(ordered) - 1, -1, -1):
        results, earlier = ordered[position], ordered[:position]
        counts = _MeasuredCounts.of(results)
        for _, row in results.table.iterrows():
            if str(row["code"]) not in seen:
                seen.add(str(row["code"]))
                cards.append(_card(row, results, counts, earlier))
    return cards
