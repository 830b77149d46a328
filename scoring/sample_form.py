"""`ihai sample --style form`: the calibrated sample in the shape an online form tool exports, with its mapping.

The rows are those of `scoring.sample.generate_sample`, written as a Kesbangpol office's form tool would
hand them over: question texts as headers, answers as words ("Sangat Setuju"), the region as a province
column and a kab/kota name column, times in the Indonesian way ("03/03/2025 14.05.12", Jakarta time),
weights with a decimal comma, sex and age group as words. `form_mapping` writes the mapping file that reads
it back; scoring the two gives the same results as scoring the canonical export (tests/scoring/
test_form_sample.py), which exercises the whole mapping path end to end.

Faulty rows stay faulty: an out-of-scale number stays a number, "x" stays "x" (with word answers it is
quarantined as `label_tidak_dikenal` instead of `nilai_di_luar_skala`), and a region the canonical export
writes unresolvably ("Banjar", "99.99") goes into the kab/kota column with a blank province.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.gazetteer import Gazetteer
from scoring.answer_labels import label_sets
from scoring.methodology import Methodology
from scoring.quality import TIMEZONE
from scoring.sample import AGE_GROUPS, SampleExport

STYLE = "formulir"
ANSWER_SET = "setuju5"
DATE_FORMAT = "%d/%m/%Y %H.%M.%S"
SEX_WORDS = {"L": "Laki-laki", "P": "Perempuan"}
AGE_WORDS = {group: f"{group} tahun" for group in AGE_GROUPS}
# Column headers as a form tool writes them; items get their question text (`item_header`).
HEADERS = {
    "submitted_at": "Cap waktu",
    "respondent_id": "ID Responden",
    "province": "Provinsi",
    "kabkota": "Kabupaten/Kota",
    "duration_seconds": "Durasi pengisian (detik)",
    "weight": "Bobot",
    "sex": "Jenis Kelamin",
    "age_group": "Kelompok Umur",
}
_OFFSET = r"[+-][0-9]{2}:[0-9]{2}$"
_UPPER_FORMS = re.compile(r"^[^a-z]*[A-Z][^a-z]*$")


def item_header(number: int, statement: str) -> str:
    return f"{number}. {statement}"


def answer_words() -> dict[int, str]:
    """Answer -> the first word of the set's group ("Sangat Tidak Setuju" for 1)."""
    return {group.answer: group.words[0] for group in label_sets()[ANSWER_SET].labels}


def jakarta_times(text: pd.Series) -> pd.Series:
    """ISO 8601 sample times as Jakarta wall-clock text in DATE_FORMAT; naive ones are Jakarta time already."""
    aware = text.str.contains(_OFFSET, regex=True)
    local = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    local[aware] = pd.to_datetime(text[aware], format="ISO8601", utc=True).dt.tz_convert(TIMEZONE).dt.tz_localize(None)
    local[~aware] = pd.to_datetime(text[~aware], format="ISO8601")
    return local.dt.strftime(DATE_FORMAT)


def _regions(text: pd.Series, gazetteer: Gazetteer) -> tuple[pd.Series, pd.Series]:
    """(province name, kab/kota name) per row; an unresolvable kab/kota keeps its text and a blank province."""
    codes, distinct = pd.factorize(text)
    provinces, names = [], []
    for value in distinct:
        region = gazetteer.resolve_kabkota(value)
        if region is None:
            provinces.append("")
            names.append(value)
        else:
            provinces.append(region.province_name)
            names.append(region.name.upper() if _UPPER_FORMS.match(value) else region.name)
    return (
        pd.Series(np.array(provinces, dtype=object)[codes], index=text.index, dtype="str"),
        pd.Series(np.array(names, dtype=object)[codes], index=text.index, dtype="str"),
    )


def to_form_style(export: SampleExport, methodology: Methodology, gazetteer: Gazetteer) -> SampleExport:
    """The same rows, as a form tool exports them (see the module doc)."""
    frame = export.frame
    answers = {str(answer): word for answer, word in answer_words().items()}
    province, kabkota = _regions(frame["kabkota"], gazetteer)
    columns = {
        HEADERS["submitted_at"]: jakarta_times(frame["submitted_at"]),
        HEADERS["respondent_id"]: frame["respondent_id"],
        HEADERS["province"]: province,
        HEADERS["kabkota"]: kabkota,
    }
    for number, item in enumerate(methodology.items, start=1):
        # Per distinct value: a handful of answers. Numbers a form never offers keep their decimal comma.
        cells = frame[item.key]
        codes, distinct = pd.factorize(cells)
        written = np.array([answers.get(value, value.replace(".", ",")) for value in distinct], dtype=object)
        columns[item_header(number, item.statement)] = pd.Series(written[codes], index=frame.index, dtype="str")
    columns[HEADERS["duration_seconds"]] = frame["duration_seconds"]
    columns[HEADERS["weight"]] = frame["weight"].str.replace(".", ",", regex=False)
    columns[HEADERS["sex"]] = frame["sex"].replace(SEX_WORDS)
    columns[HEADERS["age_group"]] = frame["age_group"].replace(AGE_WORDS)
    return SampleExport(
        frame=pd.DataFrame(columns),
        calibration=export.calibration,
        methodology=export.methodology,
        year=export.year,
        style=STYLE,
        mapping=form_mapping(methodology),
    )


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def form_mapping(methodology: Methodology) -> str:
    """The mapping file that reads `to_form_style`'s export (docs/panduan-operator.md explains each part)."""
    lines = [
        "# Pemetaan kolom untuk ekspor formulir SINTETIS dari `ihai sample --style form`.",
        "# DATA SAMPEL SINTETIS — bukan hasil resmi IHaI. Pakai: ihai score <ekspor> --mapping <file ini>",
        f'methodology = "{methodology.id}"',
        'description = "Ekspor formulir sintetis: judul berupa teks pertanyaan, jawaban berupa kata"',
        "",
        "[columns]",
        *(f"{key} = {_toml_string(HEADERS[key])}" for key in ("respondent_id", "submitted_at", "duration_seconds", "weight", "sex", "age_group")),
        "",
        "[region]",
        f"province = {_toml_string(HEADERS['province'])}",
        f"kabkota = {_toml_string(HEADERS['kabkota'])}",
        "",
        "[items]",
        *(f"{item.key} = {_toml_string(item_header(number, item.statement))}" for number, item in enumerate(methodology.items, 1)),
        "",
        "[answers]",
        f'set = "{ANSWER_SET}"',
        "",
        "[values.sex]",
        *(f"{_toml_string(word)} = {_toml_string(code)}" for code, word in SEX_WORDS.items()),
        "",
        "[values.age_group]",
        *(f"{_toml_string(word)} = {_toml_string(group)}" for group, word in AGE_WORDS.items()),
        "",
        "[format]",
        f"dates = [{_toml_string(DATE_FORMAT)}]",
        'decimal = ","',
        "",
    ]
    return "\n".join(lines)
