from pathlib import Path

import pytest

from scoring.methodology import METHODOLOGY_DIR, MethodologyError, available_methodologies, load_methodology


def test_both_frameworks_ship_and_2025_is_default() -> None:
    assert available_methodologies() == ["ihai-2023", "ihai-2025"]
    assert load_methodology().id == "ihai-2025"


def test_2025_framework_matches_the_issue() -> None:
    m = load_methodology("ihai-2025")
    weights = {v.key: v.weight for v in m.variables}
    assert weights == {"v1": 15.0, "v2": 15.0, "v3": 11.5, "v4": 11.5, "v5": 11.0, "v6": 11.0, "v7": 12.5, "v8": 12.5}
    assert m.weights_provisional
    assert {v.key: v.dimension for v in m.variables} == {
        "v1": "ekonomi", "v2": "ekonomi", "v3": "sosial", "v4": "sosial",
        "v5": "budaya", "v6": "budaya", "v7": "keberagamaan", "v8": "keberagamaan",
    }
    assert [i.key for i in m.items if i.reverse] == ["v3_3", "v4_3", "v6_3", "v7_3"]
    assert m.item_keys[:3] == ["v1_1", "v1_2", "v1_3"] and len(m.item_keys) == 24
    assert [i.aspect for i in m.variable("v5").items] == ["persepsi", "partisipasi", "akseptabilitas"]


def test_2023_framework_has_the_published_weights() -> None:
    m = load_methodology("ihai-2023")
    assert {v.key: v.weight for v in m.variables} == {
        "x1": 15.05, "x2": 14.95, "x3": 7.88, "x4": 7.54, "x5": 7.58,
        "x6": 11.0, "x7": 11.0, "x8": 8.56, "x9": 8.15, "x10": 8.29,
    }
    assert not m.weights_provisional
    assert [i.key for i in m.items if i.reverse] == ["x3_3", "x5_3", "x7_3", "x10_3"]
    # Dimension weights are derived from the variables: 30 / 23 / 22 / 25.
    dims = {d: round(sum(v.weight for v in m.variables_of(d)), 2) for d in m.dimension_keys}
    assert dims == {"ekonomi": 30.0, "sosial": 23.0, "budaya": 22.0, "keberagamaan": 25.0}


@pytest.mark.parametrize(
    ("score", "label"),
    [(0.0, "Harmoni Rendah"), (5.9999, "Harmoni Rendah"), (6.0, "Harmoni Sedang"), (7.9999, "Harmoni Sedang"),
     (8.0, "Harmoni Tinggi"), (10.0, "Harmoni Tinggi")],
)
def test_bands_are_lower_bound_inclusive(score: float, label: str) -> None:
    assert load_methodology().category(score) == label


def test_confidence_quantile() -> None:
    assert load_methodology().z == pytest.approx(1.959964, abs=1e-6)


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = (METHODOLOGY_DIR / "ihai-2025.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_weights_not_summing_to_100_are_refused(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "weight = 15.00", "weight = 16.00")
    with pytest.raises(MethodologyError, match=r"broken\.toml.*\n.*berjumlah 101"):
        load_methodology(path)


def test_item_in_two_variables_is_refused(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, '{ key = "v2_1"', '{ key = "v1_1"')
    with pytest.raises(MethodologyError, match="v1_1"):
        load_methodology(path)


def test_dimension_without_variables_is_refused(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, '[[dimensions]]\nkey = "ekonomi"', '[[dimensions]]\nkey = "lingkungan"\nname = "Lingkungan"\n\n[[dimensions]]\nkey = "ekonomi"')
    with pytest.raises(MethodologyError, match="dimensi lingkungan tidak punya variabel"):
        load_methodology(path)


def test_unknown_dimension_and_bad_toml_are_refused(tmp_path: Path) -> None:
    with pytest.raises(MethodologyError, match="variabel v1 memakai dimensi tak dikenal"):
        load_methodology(_broken_copy(tmp_path, 'dimension = "ekonomi"', 'dimension = "ekonomy"'))
    bad = tmp_path / "bad.toml"
    bad.write_text("id = [", encoding="utf-8")
    with pytest.raises(MethodologyError, match="bad.toml"):
        load_methodology(bad)
    with pytest.raises(MethodologyError, match="tidak ditemukan"):
        load_methodology("ihai-1999")
