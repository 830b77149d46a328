"""`ihai mapping suggest EXPORT`: a draft mapping file for an export, by matching its headers and answers.

What it matches, from the header and the first rows (at most SAMPLE_ROWS):
- schema columns by the names forms give them ("Cap waktu", "Kabupaten/Kota", "Jenis Kelamin", …; fuzzy);
- items by their key ("v1_1", "V1.1") or by the methodology's item statement inside the header (fuzzy; the
  official questionnaire is not public, so a real form's wording may not match, and is then reported);
- the answer words against the built-in label sets, per item, with near-misses ("Sangat Setju") fuzzily;
- the date format of `submitted_at`, a decimal comma in `weight`/`duration_seconds`, common words for sex
  ("Laki-laki" → L) and age groups written with "tahun".
Everything it could not match is listed on the terminal and marked `BELUM COCOK` in the draft, where a
commented-out line waits for the right header; scoring with such a draft stops with a message naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from scoring.answer_labels import label_sets, normalise_label
from scoring.dates import english_months
from scoring.ingest import open_export
from scoring.mapping import COLUMN_KEYS, normalise_header
from scoring.methodology import Methodology

SAMPLE_ROWS = 20_000
HEADER_MATCH = 85.0
STATEMENT_MATCH = 80.0
LABEL_MATCH = 85.0
# Names forms give the schema's columns (compared after `normalise_header`).
COLUMN_NAMES = {
    "respondent_id": ("id responden", "id", "nomor responden", "no responden", "kode responden", "respondent id"),
    "submitted_at": ("cap waktu", "timestamp", "waktu", "waktu pengisian", "tanggal pengisian", "tanggal", "submitted at"),
    "duration_seconds": ("durasi pengisian (detik)", "durasi (detik)", "durasi", "lama pengisian", "duration"),
    "weight": ("bobot", "weight"),
    "sex": ("jenis kelamin", "kelamin", "sex", "gender"),
    "age_group": ("kelompok umur", "kelompok usia", "umur", "usia", "age group"),
    "province": ("provinsi", "nama provinsi", "province"),
    "kabkota": ("kabupaten/kota", "kab/kota", "kabupaten kota", "kota/kabupaten", "nama kabupaten/kota", "kabkota", "kode kabupaten/kota", "kode wilayah"),
}  # fmt: skip
SEX_WORDS = {
    "L": ("laki-laki", "laki laki", "lakilaki", "pria", "l", "lk", "laki"),
    "P": ("perempuan", "wanita", "p", "pr"),
}
DATE_FORMATS = (
    "%d/%m/%Y %H.%M.%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H.%M", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H.%M.%S", "%Y/%m/%d %H:%M:%S", "%d %B %Y %H.%M", "%d %B %Y %H:%M", "%d/%m/%Y", "%m/%d/%Y %H:%M:%S",
)  # fmt: skip
_NUMBERING = re.compile(r"^\s*(?:[a-z]?\d+[.)]?\s*)+[-.:)]?\s*", re.I)
_AGE_WORDS = re.compile(r"^\s*(\d+\s*(?:-\s*\d+|\+))\s*tahun\s*$", re.I)


@dataclass
class Suggestion:
    """The draft (TOML text) and what could not be matched, for the terminal."""

    text: str
    unmatched: list[str] = field(default_factory=list)
    matched: int = 0


def _item_key_forms(key: str) -> set[str]:
    variable, _, number = key.partition("_")
    return {normalise_header(form) for form in (key, f"{variable}.{number}", f"{variable} {number}", f"{variable}{number}")}


def _match_columns(header: list[str], methodology: Methodology) -> tuple[dict[str, int], list[str]]:
    """Schema column or item -> header position, greedily by best score; and what stayed unmatched."""
    normalised = [normalise_header(name) for name in header]
    stripped = [_NUMBERING.sub("", name) for name in normalised]
    candidates: list[tuple[float, str, int]] = []
    for name, words in COLUMN_NAMES.items():
        for position, text in enumerate(normalised):
            score = 100.0 if text == name or text in words else max(fuzz.ratio(text, word) for word in words)
            if score >= HEADER_MATCH:
                candidates.append((score, name, position))
    for item in methodology.items:
        statement = normalise_header(item.statement)
        forms = _item_key_forms(item.key)
        for position, text in enumerate(normalised):
            score = 100.0 if text in forms else fuzz.token_set_ratio(stripped[position], statement)
            if score >= STATEMENT_MATCH:
                candidates.append((score, item.key, position))
    chosen: dict[str, int] = {}
    taken: set[int] = set()
    for _score, name, position in sorted(candidates, key=lambda entry: (-entry[0], entry[2])):
        if name not in chosen and position not in taken:
            chosen[name] = position
            taken.add(position)
    wanted = ["respondent_id", "submitted_at", "kabkota", *methodology.item_keys]
    return chosen, [name for name in wanted if name not in chosen]


def _answer_sets(sample: pd.DataFrame, columns: dict[str, int], methodology: Methodology) -> tuple[dict[str, str], dict[str, dict[str, int]], list[str]]:
    """Per item: the built-in set covering its words best, words added fuzzily, and words matched to nothing."""
    sets = {name: label_set.answers() for name, label_set in label_sets().items()}
    chosen: dict[str, str] = {}
    extra: dict[str, dict[str, int]] = {}
    unmatched: dict[str, list[str]] = {}
    for key in methodology.item_keys:
        if key not in columns:
            continue
        cells = sample.iloc[:, columns[key]].dropna().astype("str")
        words = {normalise_label(value): value.strip() for value in cells.unique() if value.strip() and not _numeric(value)}
        if not words:
            continue
        # Most words covered; then the set with as many answers as the item has words; then the file's order.
        best = max(sets, key=lambda name: (sum(word in sets[name] for word in words), -abs(label_sets()[name].points - len(words))))
        chosen[key] = best
        for word, original in words.items():
            if word in sets[best]:
                continue
            near = max(sets[best], key=lambda known, word=word: fuzz.ratio(word, known))
            if fuzz.ratio(word, near) >= LABEL_MATCH:
                extra.setdefault(key, {})[original] = sets[best][near]
            else:
                unmatched.setdefault(original, []).append(key)
    return chosen, extra, [f"jawaban '{word}' (butir {', '.join(keys)})" for word, keys in unmatched.items()]


def _numeric(value: str) -> bool:
    return bool(re.fullmatch(r"\s*[+-]?[0-9][0-9.,]*\s*", value))


def _date_formats(values: pd.Series) -> list[str]:
    """The format reading the most times (none when ISO 8601 reads them already)."""
    values = values.dropna().astype("str").str.strip()
    values = values[values != ""].head(2_000)
    if values.empty or pd.to_datetime(values, format="ISO8601", errors="coerce").notna().mean() >= 0.95:
        return []

    def share(fmt: str) -> float:
        cells = english_months(values) if "%b" in fmt or "%B" in fmt else values
        return float(pd.to_datetime(cells, format=fmt, errors="coerce").notna().mean())

    best = max(DATE_FORMATS, key=share)
    return [best] if share(best) >= 0.95 else []


def _decimal(sample: pd.DataFrame, columns: dict[str, int]) -> str | None:
    cells = pd.concat([sample.iloc[:, columns[name]].dropna().astype("str") for name in ("weight", "duration_seconds") if name in columns] or [pd.Series([], dtype="str")])
    return "," if cells.str.contains(",", regex=False).any() else None


def _sex_words(values: pd.Series) -> dict[str, str]:
    known = {word: code for code, words in SEX_WORDS.items() for word in words}
    return {value: known[normalise_label(value)] for value in values.dropna().astype("str").unique() if normalise_label(value) in known and value != known[normalise_label(value)]}


def _age_words(values: pd.Series) -> dict[str, str]:
    found = {}
    for value in values.dropna().astype("str").unique():
        match = _AGE_WORDS.match(value)
        if match:
            found[value] = re.sub(r"\s+", "", match.group(1))
    return found


def _toml(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def suggest_mapping(path: Path, methodology: Methodology) -> Suggestion:
    """A draft mapping for the export at `path` (see the module doc).

    Raises:
        InputFileError: the export cannot be read.
    """
    export = open_export(Path(path), methodology, mapped=True)
    pieces, read = [], 0
    for batch in export.batches():
        pieces.append(batch.head(SAMPLE_ROWS - read))
        read += len(pieces[-1])
        if read >= SAMPLE_ROWS:
            break
    sample = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=export.header)
    header = export.header
    columns, unmatched = _match_columns(header, methodology)
    sets, extra, unmatched_words = _answer_sets(sample, columns, methodology)

    lines = [
        f"# Draf pemetaan untuk {Path(path).name}, dibuat oleh `ihai mapping suggest`. Periksa sebelum dipakai.",
        f'methodology = "{methodology.id}"',
        "",
        "[columns]",
    ]
    for name in COLUMN_KEYS:
        if name in columns:
            lines.append(f"{name} = {_toml(header[columns[name]])}")
        elif name in ("respondent_id", "submitted_at"):
            lines.append(f'# {name} = "?"  # BELUM COCOK: judul kolom ini tidak ditemukan')
    lines += ["", "[region]"]
    if "province" in columns:
        lines.append(f"province = {_toml(header[columns['province']])}")
    lines.append(f"kabkota = {_toml(header[columns['kabkota']])}" if "kabkota" in columns else '# kabkota = "?"  # BELUM COCOK')
    lines += ["", "[items]"]
    for item in methodology.items:
        if item.key in columns:
            lines.append(f"{item.key} = {_toml(header[columns[item.key]])}")
        else:
            lines.append(f'# {item.key} = "?"  # BELUM COCOK: pernyataan "{item.statement[:60]}…"')
    if sets:
        common = max(set(sets.values()), key=list(sets.values()).count)
        lines += ["", "[answers]", f'set = "{common}"']
        for key in methodology.item_keys:
            own_set = sets.get(key, common)
            if own_set != common or key in extra:
                lines += ["", f"[answers.items.{key}]"]
                if own_set != common:
                    lines.append(f'set = "{own_set}"')
                if key in extra:
                    lines.append("labels = { " + ", ".join(f"{_toml(word)} = {answer}" for word, answer in extra[key].items()) + " }")
    for name, words in (
        ("sex", _sex_words(sample.iloc[:, columns["sex"]]) if "sex" in columns else {}),
        ("age_group", _age_words(sample.iloc[:, columns["age_group"]]) if "age_group" in columns else {}),
    ):
        if words:
            lines += ["", f"[values.{name}]", *(f"{_toml(word)} = {_toml(code)}" for word, code in words.items())]
    dates = _date_formats(sample.iloc[:, columns["submitted_at"]]) if "submitted_at" in columns else []
    decimal = _decimal(sample, columns)
    if dates or decimal:
        lines += ["", "[format]"]
        if dates:
            lines.append("dates = [" + ", ".join(_toml(fmt) for fmt in dates) + "]")
        if decimal:
            lines.append(f'decimal = "{decimal}"')
    matched = len([name for name in columns if name in (*methodology.item_keys, "respondent_id", "submitted_at", "kabkota")])
    return Suggestion(text="\n".join(lines) + "\n", unmatched=unmatched + unmatched_words, matched=matched)

