"""Column mapping: labels, regions by name, dates, decimal commas, unmapped labels in quarantine, and every
mapping error ending with a message naming the column or label and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.gazetteer import get_gazetteer
from ihai.cli import main
from scoring.answer_labels import label_sets, normalise_label
from scoring.dates import to_iso
from scoring.mapping import MappingError, load_mapping
from scoring.methodology import Methodology, load_methodology
from scoring.pipeline import run_scoring
from scoring.region_names import RegionNames


@pytest.fixture(scope="module")
def methodology() -> Methodology:
    return load_methodology("ihai-2025")


# --- labels, regions, dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [("  Sangat   SETUJU ", "sangat setuju"), ("4. Setuju", "setuju"), ("(4) Setuju", "setuju"), ("4 - Setuju", "setuju"),
     ("Ragu-ragu", "ragu ragu"), ("Setuju.", "setuju"), ("Kadang–kadang", "kadang kadang")],  # fmt: skip
)
def test_label_normalisation(written: str, key: str) -> None:
    assert normalise_label(written) == key


def test_label_sets_five_and_four_points() -> None:
    sets = label_sets()
    assert sets["setuju5"].answers()["netral"] == 3 and sets["setuju5"].answers()["sangat setuju"] == 5
    # Four-point sets skip the middle: a word scores the same as in the five-point set.
    four = sets["setuju4"].answers()
    assert sorted(set(four.values())) == [1, 2, 4, 5]
    assert all(four[word] == sets["setuju5"].answers()[word] for word in four)
    for name, label_set in sets.items():
        answers = sorted({group.answer for group in label_set.labels})
        assert answers == ([1, 2, 3, 4, 5] if label_set.points == 5 else [1, 2, 4, 5]), name


@pytest.mark.parametrize(
    ("province", "kabkota", "code"),
    [
        ("Kalimantan Selatan", "Banjar", "63.03"),  # a bare name, unique within its province
        ("KALIMANTAN SELATAN", "KAB. BANJAR", "63.03"),
        ("Kalsel", "Kota Banjarbaru", "63.72"),
        ("DKI Jakarta", "Jakarta Pusat", "31.71"),
        ("Provinsi Jawa Barat", "Kota Bekasi", "32.75"),
        ("Jawa Barat", "Bekasi", None),  # Kabupaten and Kota Bekasi are both in Jawa Barat
        ("Jawa Barat", "Kabupaten Tapin", None),  # Tapin lies in Kalimantan Selatan
        ("Atlantis", "Banjar", None),
        ("", "Banjar", None),  # no province: the name alone is ambiguous
        ("", "Kota Banjarbaru", "63.72"),
        ("63", "63.03", "63.03"),
        ("32", "63.03", None),
    ],
)
def test_region_from_province_and_name(province: str, kabkota: str, code: str | None) -> None:
    assert RegionNames(get_gazetteer()).resolve(province, kabkota) == code


def test_dates_in_indonesian_formats() -> None:
    text = pd.Series(["03/03/2025 14.05.12", "3 Maret 2025 14.05", "2025-03-03T10:00:00+08:00", "kemarin", ""], dtype="str")
    iso = to_iso(text, ["%d/%m/%Y %H.%M.%S", "%d %B %Y %H.%M"])
    assert iso.tolist() == [
        "2025-03-03T14:05:12.000000",
        "2025-03-03T14:05:00.000000",
        "2025-03-03T10:00:00+08:00",  # no format fits: left for the ISO 8601 reader
        "kemarin",
        "",
    ]


# --- a small form export through the whole pipeline ----------------------------------------------------------------


def _form_export(path: Path, methodology: Methodology, rows: int = 40) -> pd.DataFrame:
    words = {1: "Sangat Tidak Setuju", 2: "Tidak Setuju", 3: "Netral", 4: "Setuju", 5: "Sangat Setuju"}
    data = {
        "Cap waktu": [f"0{1 + index % 9}/03/2025 1{index % 10}.05.0{index % 10}" for index in range(rows)],
        "ID": [f"F{index:03d}" for index in range(rows)],
        "Provinsi": ["Kalimantan Selatan"] * rows,
        "Kab/Kota": ["Banjar" if index % 2 else "KOTA BANJARBARU" for index in range(rows)],
    }
    for number, key in enumerate(methodology.item_keys, 1):
        data[f"P{number}. {key}"] = [words[(index + number) % 5 + 1] for index in range(rows)]
    data["Bobot"] = ["1.250,5" if index == 0 else "1,5" for index in range(rows)]
    frame = pd.DataFrame(data, dtype="str")
    frame.loc[1, "P3. v1_3"] = "setuju sekali"  # a word no label covers
    frame.loc[2, "P4. v2_1"] = "7"  # a number off the scale
    frame.loc[3, "Kab/Kota"] = "Tapin Raya"
    frame.to_csv(path, index=False, sep=";")
    return frame


def _mapping_text(methodology: Methodology, **replace: str) -> str:
    items = "\n".join(f'{key} = {{ pattern = "^P{number}\\\\. " }}' for number, key in enumerate(methodology.item_keys, 1))
    text = f"""
methodology = "ihai-2025"
[columns]
respondent_id = "id"
submitted_at = "CAP  WAKTU"
weight = "Bobot"
[region]
province = "Provinsi"
kabkota = "Kab/Kota"
[items]
{items}
[answers]
set = "setuju5"
[answers.items.v8_3]
labels = {{ "Setuju Sekali" = 5 }}
[format]
dates = ["%d/%m/%Y %H.%M.%S"]
decimal = ","
"""
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def test_form_export_scores_through_its_mapping(methodology: Methodology, tmp_path: Path) -> None:
    _form_export(tmp_path / "formulir.csv", methodology)
    (tmp_path / "pemetaan.toml").write_text(_mapping_text(methodology), encoding="utf-8")
    mapping = load_mapping(tmp_path / "pemetaan.toml", methodology, get_gazetteer())
    run = run_scoring([tmp_path / "formulir.csv"], methodology, get_gazetteer(), mapping=mapping)
    assert run.rows_read == 40 == len(run.quality.accepted) + len(run.quality.quarantine)
    reasons = dict(zip(run.quality.quarantine["ID"], run.quality.quarantine["reasons"], strict=True))
    assert reasons == {"F001": "label_tidak_dikenal", "F002": "nilai_di_luar_skala", "F003": "wilayah_tidak_dikenal"}
    # The quarantine keeps the rows exactly as the form wrote them.
    assert run.quality.quarantine.set_index("ID").loc["F001", "P3. v1_3"] == "setuju sekali"
    accepted = run.quality.accepted.set_index("respondent_id")
    assert accepted.loc["F000", "weight"] == 1250.5 and accepted.loc["F004", "weight"] == 1.5
    assert accepted.loc["F004", "kabkota"] == "63.72" and accepted.loc["F005", "kabkota"] == "63.03"
    assert accepted.loc["F000", "v1_1"] == 2.0  # "Tidak Setuju"
    assert accepted.loc["F005", "submitted_at"] == pd.Timestamp("2025-03-06 15:05:05", tz="Asia/Jakarta")
    assert run.mapping == {"path": str(tmp_path / "pemetaan.toml"), "sha256": mapping.sha256}


# --- every mapping error ----------------------------------------------------------------------------------------------


MAPPING_ERRORS = {
    "not_toml": ({"[answers]": "[answers"}, "bukan file TOML yang valid"),
    "unknown_key": ({"[format]": "[format]\nzona = 'WITA'"}, "format.zona"),
    "wrong_type": ({'decimal = ","': 'decimal = ";"'}, "format.decimal"),
    "unknown_column": ({"[columns]": "[columns]\nagama = 'Agama'"}, "kolom tidak dikenal: agama"),
    "unknown_item": ({"[items]": "[items]\nv9_1 = 'P99'"}, "butir tidak dikenal di ihai-2025: v9_1"),
    "unknown_set": ({'set = "setuju5"': 'set = "setuju7"'}, "set label 'setuju7' tidak dikenal"),
    "label_off_scale": ({'"Setuju Sekali" = 5': '"Setuju Sekali" = 6'}, "label 'Setuju Sekali' dipetakan ke 6, di luar skala 1–5"),
    "unknown_item_labels": ({"[answers.items.v8_3]": "[answers.items.x1_1]"}, "[answers.items]: butir tidak dikenal: x1_1"),
    "bad_regex": ({'v1_1 = { pattern = "^P1\\\\. " }': 'v1_1 = { pattern = "^P1(" }'}, "kolom 'v1_1': pola '^P1(' bukan regex"),
    "bad_date_format": ({'dates = ["%d/%m/%Y %H.%M.%S"]': 'dates = ["%H.%M"]'}, "format tanggal '%H.%M' tidak memuat"),
    "other_methodology": ({'methodology = "ihai-2025"': 'methodology = "ihai-2023"'}, "pemetaan ini untuk metodologi 'ihai-2023'"),
    "values_column": ({"[format]": "[values.agama]\nIslam = 'I'\n[format]"}, "[values]: kolom tidak dikenal: agama"),
    "missing_header": ({'weight = "Bobot"': 'weight = "Bobot Sampel"'}, "kolom 'weight' dipetakan ke judul 'Bobot Sampel', tetapi formulir.csv"),
    "pattern_matches_many": ({'v1_1 = { pattern = "^P1\\\\. " }': 'v1_1 = { pattern = "^P1" }'}, "kolom 'v1_1': pola '^P1' cocok dengan beberapa judul"),
    "same_header_twice": ({'respondent_id = "id"': 'respondent_id = "Bobot"'}, "kolom respondent_id, weight membaca judul yang sama 'Bobot'"),
    "required_unmapped": ({'kabkota = "Kab/Kota"': 'kabkota = "Kabupaten"'}, "kolom 'kabkota' dipetakan ke judul 'Kabupaten'"),
}  # fmt: skip


@pytest.mark.parametrize("case", MAPPING_ERRORS)
def test_every_mapping_error_names_it_and_exits_2(
    methodology: Methodology, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    replace, message = MAPPING_ERRORS[case]
    _form_export(tmp_path / "formulir.csv", methodology)
    mapping = tmp_path / "pemetaan.toml"
    text = _mapping_text(methodology)
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    mapping.write_text(text, encoding="utf-8")
    code = main(["score", str(tmp_path / "formulir.csv"), "--mapping", str(mapping), "--out", str(tmp_path / "hasil")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err and str(mapping) in err and "Traceback" not in err
    assert not (tmp_path / "hasil").exists()


def test_missing_mapping_file_and_folder(methodology: Methodology, tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="file pemetaan tidak ditemukan"):
        load_mapping(tmp_path / "hilang.toml", methodology, get_gazetteer())
    with pytest.raises(MappingError, match="folder, bukan file pemetaan"):
        load_mapping(tmp_path, methodology, get_gazetteer())


def test_all_problems_are_named_at_once(methodology: Methodology, tmp_path: Path) -> None:
    path = tmp_path / "pemetaan.toml"
    path.write_text('[items]\nv9_1 = "a"\n[answers]\nset = "x"\nlabels = { "Hebat" = 9 }\n', encoding="utf-8")
    with pytest.raises(MappingError) as error:
        load_mapping(path, methodology, get_gazetteer())
    message = str(error.value)
    assert "v9_1" in message and "set label 'x'" in message and "label 'Hebat' dipetakan ke 9" in message
