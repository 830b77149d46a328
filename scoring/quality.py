"""Data-quality rules: split the raw export into accepted respondents and a quarantine.

The rules, in `REASONS` order:
- duplikat: a respondent_id sent more than once; the latest submitted_at wins (ties: the later row).
- waktu_tidak_valid: submitted_at blank or not ISO 8601. Without a valid time the duplicate rule cannot
  order the row, so it counts as the oldest submission of its respondent_id.
- id_kosong: respondent_id blank. Such a row cannot be traced or deduplicated (blank ids are not
  duplicates of one another).
- wilayah_tidak_dikenal: kabkota is not the code or official name of exactly one kab/kota.
- nilai_di_luar_skala: an answer that is neither blank nor an integer on the scale ("4.0" is 4).
- variabel_kosong: all items of some variable blank.
- terlalu_cepat: duration_seconds below the framework's minimum (no duration: nothing to judge).
- pola_seragam: every item answered with the same value (straight-lining).
- bobot_tidak_valid: weight given but not a positive finite number (no weight: 1.0).
- baris_rusak: a CSV row whose cell count differs from the header's (cut off, or a stray delimiter);
  `scoring.ingest` keeps it instead of refusing the file.
- rumus_tanpa_nilai: an XLSX formula cell saved without a computed value (a blank would be a guess).
- label_tidak_dikenal: with a mapping that gives an item's answers as words, a cell that is neither blank,
  a number nor one of those words (a number off the scale stays `nilai_di_luar_skala`).
- kategori_tidak_dikenal: with population weighting, a weighting variable (sex, age_group) blank or not one
  of the population table's categories: the respondent cannot be placed in a weighting cell.

Every rule is evaluated on every row, so a quarantined row carries all its reasons at once and a
survey team fixes each submission in one pass. Rows in = accepted + quarantined, always.
Everything but `duplikat` looks at one row at a time (`check_rows`, run batch by batch); `duplikat`
compares all rows (`settle`). Everything is vectorised: text columns are parsed per distinct value
(answers have a handful, regions a few hundred) and mapped back, so 340,000 rows take well under a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from scoring.answer_labels import normalise_label
from scoring.ingest import FORMULA_FLAG, MALFORMED_FLAG, is_blank
from scoring.methodology import Methodology

if TYPE_CHECKING:
    from core.gazetteer import Gazetteer

TIMEZONE = "Asia/Jakarta"
REASONS_COLUMN = "reasons"

REASON_DESCRIPTIONS: dict[str, str] = {
    "duplikat": "respondent_id yang sama dikirim lebih dari sekali; hanya kiriman terakhir yang dipakai",
    # Without a valid time a duplicate cannot be ordered, so such a row counts as the oldest submission.
    "waktu_tidak_valid": "submitted_at kosong atau bukan waktu ISO 8601; urutan kiriman tidak dapat ditentukan",
    # Without an id a submission cannot be traced or checked for duplicates.
    "id_kosong": "respondent_id kosong, sehingga kiriman tidak dapat dilacak atau diperiksa gandanya",
    "wilayah_tidak_dikenal": "kabkota bukan kode/nama resmi satu kabupaten/kota (kosong, kode provinsi, nama ambigu)",
    "nilai_di_luar_skala": "ada jawaban yang bukan bilangan bulat dalam rentang skala",
    "variabel_kosong": "ketiga butir suatu variabel tidak dijawab",
    "terlalu_cepat": "durasi pengisian di bawah batas minimum metodologi",
    "pola_seragam": "semua butir dijawab dengan nilai yang sama",
    "bobot_tidak_valid": "weight terisi tetapi bukan bilangan positif",
    "baris_rusak": "jumlah sel baris tidak sama dengan jumlah kolom judul (baris terpotong atau pemisah salah)",
    "rumus_tanpa_nilai": "ada sel berisi rumus Excel tanpa nilai tersimpan; buka file di Excel lalu simpan ulang",
    "label_tidak_dikenal": "ada jawaban berupa kata yang tidak ada di pemetaan label (file pemetaan --mapping)",
    "kategori_tidak_dikenal": "sex atau age_group kosong atau bukan kategori tabel populasi (hanya bila --weighting)",
}
REASONS: tuple[str, ...] = tuple(REASON_DESCRIPTIONS)

_OPTIONAL_TEXT = ("sex", "age_group")
# A time with a UTC offset ("…10:00:00+08:00", "…10:00Z"); the rest are local Jakarta times.
# No \s or \d: with those pandas leaves Arrow's fast regex engine for Python's, 20 times slower.
_HAS_OFFSET = r"[T ][0-9]{2}(?::?[0-9]{2}){0,2}(?:[.,][0-9]+)? *(?:[zZ]|[+-][0-9]{2}(?::?[0-9]{2})?)$"
# Excel stores a code typed as 63.10 as the number 63.1; kab/kota codes always have two digits after the dot.
_TRIMMED_CODE = re.compile(r"^(\d{2}\.\d)$")
# Times outside this window cannot be held as datetime64[ns]; they are typos anyway.
_EARLIEST, _LATEST = pd.Timestamp("1700-01-01"), pd.Timestamp("2200-01-01")


@dataclass(frozen=True)
class QualityOutcome:
    """Accepted respondents (typed), quarantined rows (as read, plus `reasons`), and rows per reason."""

    accepted: pd.DataFrame
    quarantine: pd.DataFrame
    reason_counts: dict[str, int]


# Answers are kept as int8 between the row checks and the accepted table (an eighth of float64), with this
# value for a blank; an answer that int8 cannot hold fails `nilai_di_luar_skala` and is never kept.
_BLANK_ANSWER = np.int8(-128)
# A row's failed rules as bits, bit i for REASONS[i].
_BIT = {reason: np.uint32(1 << index) for index, reason in enumerate(REASONS)}
# An invalid or missing time sorts before every real one in the duplicate rule.
_NO_TIME = np.iinfo(np.int64).min


@dataclass(frozen=True)
class _Coded:
    """A text column as codes into its distinct values (-1 = missing): a few bytes a row instead of a string."""

    codes: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, text: pd.Series) -> _Coded:
        codes, values = pd.factorize(text)
        return cls(codes.astype(np.int32), np.asarray(values, dtype=object))

    def text(self, rows: np.ndarray) -> pa.Array:
        codes = self.codes[rows]
        dictionary = pa.array(self.values.tolist() or [""], pa.string())
        return pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), dictionary).cast(pa.string())


@dataclass(frozen=True)
class RowChecks:
    """The rules that need one row only, applied to a batch of raw rows, and the typed values kept per row.

    `failed` holds each row's failed rules as bits (see `_BIT`); `duplikat` is decided later by `settle`,
    which compares all rows. A file of any size is checked batch by batch, keeping only these compact
    arrays (about 80 bytes a row) for all its rows.
    """

    failed: np.ndarray  # uint32 bits
    ids: pd.Series  # stripped text
    id_hash: np.ndarray  # uint64 hash of each id, to find repeated ids without holding every id twice
    id_blank: np.ndarray
    instants: np.ndarray  # submitted_at as int64 ns since the epoch (UTC); _NO_TIME when invalid
    regions: _Coded  # gazetteer kab/kota codes
    answers: np.ndarray  # rows × items, int8, _BLANK_ANSWER = blank
    weight: np.ndarray
    duration: np.ndarray
    optional: dict[str, _Coded]

    def __len__(self) -> int:
        return len(self.failed)


def check_rows(
    raw: pd.DataFrame,
    methodology: Methodology,
    gazetteer: Gazetteer,
    labelled: frozenset[str] = frozenset(),
    categories: dict[str, frozenset[str]] | None = None,
) -> RowChecks:
    """Apply every rule but `duplikat` to a batch of raw rows (from `scoring.ingest`).

    `labelled` names the items whose answers a mapping gives as words; `categories` holds, per weighting
    variable, the population table's categories (keys of `category_key`), when weighting is asked for.
    """
    raw = raw.reset_index(drop=True)
    ids = raw["respondent_id"].astype("str").str.strip()
    id_blank = is_blank(ids).to_numpy()
    instants = _parse_instants(raw["submitted_at"])
    regions = _Coded.of(_resolve_regions(raw["kabkota"], gazetteer))
    answers = _Answers.of(raw, methodology, labelled)
    optional = {name: _Coded.of(_optional_text(raw, name)) for name in _OPTIONAL_TEXT}
    duration = _optional_numbers(raw, "duration_seconds")
    weight = _optional_numbers(raw, "weight")

    checks = {
        "waktu_tidak_valid": instants == _NO_TIME,
        "id_kosong": id_blank,
        "wilayah_tidak_dikenal": regions.codes < 0,
        "nilai_di_luar_skala": answers.out_of_scale,
        "variabel_kosong": _empty_variable(answers.blank, methodology),
        "terlalu_cepat": duration.value < methodology.survey.min_duration_seconds,
        "pola_seragam": answers.uniform,
        "bobot_tidak_valid": ~weight.blank & ~(np.isfinite(weight.value) & (weight.value > 0)),
        "baris_rusak": _flag(raw, MALFORMED_FLAG),
        "rumus_tanpa_nilai": _flag(raw, FORMULA_FLAG),
        "label_tidak_dikenal": answers.unknown_label,
        "kategori_tidak_dikenal": _outside_categories(optional, categories or {}),
    }
    failed = np.zeros(len(raw), dtype=np.uint32)
    for reason, rows in checks.items():
        failed[rows] |= _BIT[reason]
    return RowChecks(
        failed=failed,
        ids=ids,
        id_hash=text_hashes(ids),
        id_blank=id_blank,
        instants=instants,
        regions=regions,
        answers=answers.kept,
        weight=np.where(weight.blank, 1.0, weight.value),
        duration=duration.value,
        optional=optional,
    )


def settle(parts: list[RowChecks]) -> np.ndarray:
    """Failed-rule bits of all rows of all batches together: the row checks plus `duplikat`."""
    failed = np.concatenate([part.failed for part in parts])
    failed[_superseded(parts)] |= _BIT["duplikat"]
    return failed


def accepted_respondents(parts: list[RowChecks], keep: np.ndarray, methodology: Methodology) -> pd.DataFrame:
    """The accepted-respondent table (docs/CONTRACTS.md) of the rows where `keep` is True.

    Item answers are float32 (NaN = blank): exact for answers on any integer scale, and half the memory of
    float64 for the millions of respondents a large export holds; the estimator computes in float64.
    `parts` is emptied as its rows are copied into arrays allocated once, so that the respondents are never
    held twice.
    """
    answers = np.empty((int(keep.sum()), len(methodology.items)), dtype=np.float32)
    ids, regions, instants, weight, duration = [], [], [], [], []
    optional: dict[str, list[pa.Array]] = {name: [] for name in _OPTIONAL_TEXT}
    start = filled = 0
    while parts:
        part = parts.pop(0)
        rows = np.flatnonzero(keep[start : start + len(part)])
        start += len(part)
        kept = part.answers[rows]
        block = answers[filled : filled + len(rows)]
        block[...] = kept
        block[kept == _BLANK_ANSWER] = np.nan
        filled += len(rows)
        ids.append(pa.array(part.ids.iloc[rows].array, pa.large_string()))
        regions.append(part.regions.text(rows))
        instants.append(part.instants[rows])
        weight.append(part.weight[rows])
        duration.append(part.duration[rows])
        for name, coded in part.optional.items():
            optional[name].append(coded.text(rows))

    def text(chunks: list[pa.Array]) -> pd.Series:
        return pa.chunked_array(chunks, chunks[0].type if chunks else pa.string()).to_pandas()

    times = pd.Series(np.concatenate(instants).view("datetime64[ns]")).dt.tz_localize("UTC").dt.tz_convert(TIMEZONE)
    return pd.concat(
        [
            pd.DataFrame({"respondent_id": text(ids), "submitted_at": times, "kabkota": text(regions)}),
            pd.DataFrame(answers, columns=methodology.item_keys, copy=False),  # pandas copies by default
            pd.DataFrame(
                {
                    "weight": np.concatenate(weight),
                    "duration_seconds": np.concatenate(duration),
                    **{name: text(chunks) for name, chunks in optional.items()},
                }
            ),
        ],
        axis=1,
    )


def quarantine_rows(raw: pd.DataFrame, failed: np.ndarray) -> pd.DataFrame:
    """Rejected raw rows exactly as read (reader flags dropped: the reasons say it), plus `reasons`."""
    rejected = failed != 0
    flags = [name for name in (FORMULA_FLAG, MALFORMED_FLAG) if name in raw.columns]
    quarantine = raw[rejected].drop(columns=flags).reset_index(drop=True)
    quarantine[REASONS_COLUMN] = reason_labels(failed[rejected])
    return quarantine


def reason_counts(failed: np.ndarray) -> dict[str, int]:
    """Rows failing each rule, in `REASONS` order."""
    return {reason: int(np.count_nonzero(failed & bit)) for reason, bit in _BIT.items()}


def reason_labels(failed: np.ndarray) -> np.ndarray:
    """"duplikat;pola_seragam"-style labels, built once per distinct combination of failed rules."""
    distinct, inverse = np.unique(failed, return_inverse=True)
    labels = [";".join(reason for reason, bit in _BIT.items() if code & bit) for code in distinct]
    return np.array(labels, dtype=object)[inverse.reshape(-1)]


def category_key(text: str) -> str:
    """Weighting categories compare like answer labels: " l " = "L", "17 - 24" = "17-24"."""
    return normalise_label(text)


def _outside_categories(optional: dict[str, _Coded], categories: dict[str, frozenset[str]]) -> np.ndarray:
    outside = np.zeros(len(next(iter(optional.values())).codes), dtype=bool)
    for name, allowed in categories.items():
        coded = optional[name]
        known = np.array([category_key(value) in allowed for value in coded.values] + [False])
        outside |= ~known[coded.codes]  # code -1 (blank) picks the appended False
    return outside


def apply_quality_rules(
    raw: pd.DataFrame,
    methodology: Methodology,
    gazetteer: Gazetteer,
    labelled: frozenset[str] = frozenset(),
    categories: dict[str, frozenset[str]] | None = None,
) -> QualityOutcome:
    """Apply the rules of `REASONS` to a raw export held in memory (from `scoring.ingest`) and split it.

    `accepted` follows the accepted-respondent schema of docs/CONTRACTS.md; `quarantine` holds the
    rejected rows exactly as read, plus a `reasons` column (reasons joined by ";" in `REASONS` order).
    `scoring.pipeline` runs the same steps batch by batch for files too large to hold.
    """
    raw = raw.reset_index(drop=True)
    parts = [check_rows(raw, methodology, gazetteer, labelled, categories)]
    failed = settle(parts)
    return QualityOutcome(
        accepted=accepted_respondents(parts, failed == 0, methodology),
        quarantine=quarantine_rows(raw, failed),
        reason_counts=reason_counts(failed),
    )


@dataclass(frozen=True)
class _Numbers:
    """A text column read as numbers: `blank` cells, and `value` (NaN where blank or not a number)."""

    blank: np.ndarray
    value: np.ndarray


def _factorized(text: pd.Series) -> tuple[np.ndarray, pd.Index | np.ndarray]:
    """Codes of a text column into its distinct values (-1 for a missing cell). Arrow-backed text (every
    export is read through Arrow) is dictionary-encoded by Arrow itself, a third faster than pandas'
    factorize, which wraps the same kernel."""
    text = text.astype("str")
    chunked = getattr(text.array, "_pa_array", None)
    if chunked is None:
        return pd.factorize(text)
    encoded = pc.dictionary_encode(chunked, null_encoding="mask").combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    return codes, encoded.dictionary.to_numpy(zero_copy_only=False)


# splitmix64's finaliser constants, and the longest id hashed as whole words (longer ones: Python strings).
_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
_WORD_HASH_MAX_BYTES = 64


def text_hashes(text: pd.Series) -> np.ndarray:
    """A 64-bit hash of each cell of a text column; equal texts hash equal (a missing cell as "").

    Respondent ids are ASCII in every export seen: padded by Arrow to one width, they are read as a matrix
    of 64-bit words straight from Arrow's buffer and mixed with whole-array operations (splitmix64 on each
    word, combined by position), ten times faster than hashing Python strings. Other ids fall back to
    `pd.util.hash_array`. Callers that must tell distinct texts apart compare the texts of rows whose hashes
    repeat (`_superseded` does)."""
    text = text.astype("str")
    array = pa.array(text.fillna(""), type=pa.string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    width = -(-max(pc.max(pc.binary_length(array)).as_py() or 0, 1) // 8) * 8
    if width > _WORD_HASH_MAX_BYTES or not pc.all(pc.string_is_ascii(array)).as_py():
        return pd.util.hash_array(text.fillna("").to_numpy(dtype=object))
    padded = pc.utf8_rpad(array, width=width, padding=" ")
    words = np.frombuffer(padded.buffers()[2], dtype=np.uint64).reshape(len(array), width // 8)
    lengths = pc.binary_length(array).to_numpy(zero_copy_only=False).astype(np.uint64)
    hashes = lengths + (np.uint64(width) << np.uint64(32))  # "x" and "x " pad alike: their lengths differ
    with np.errstate(over="ignore"):
        for column in range(words.shape[1]):
            hashes = _mixed(hashes ^ _mixed(words[:, column] + np.uint64(column)))
    return hashes


def _mixed(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, element-wise (uint64 arithmetic wraps)."""
    values = values ^ (values >> np.uint64(30))
    values *= _MIX[0]
    values ^= values >> np.uint64(27)
    values *= _MIX[1]
    return values ^ (values >> np.uint64(31))


def _distinct_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of a text column into its distinct values, and per distinct value: blank, number (NaN if none).

    Accepts a decimal comma ("1,5", as Excel writes in an Indonesian locale) and surrounding spaces. The
    last slot stands for a missing cell, so that code -1 picks it.
    """
    codes, distinct = _factorized(text)
    stripped = pd.Series(distinct, dtype="str").str.strip()
    parsed = pd.to_numeric(stripped.str.replace(",", ".", regex=False), errors="coerce").astype(float)
    return codes, np.append(stripped.eq("").to_numpy(), True), np.append(parsed.to_numpy(), np.nan)


def _numbers(text: pd.Series) -> _Numbers:
    """Read a text column as numbers, parsing each distinct value once."""
    codes, blank, value = _distinct_numbers(text)
    return _Numbers(blank=blank[codes], value=value[codes])


@dataclass(frozen=True)
class _Answers:
    """The item answers of a batch, judged per distinct value of each item column."""

    blank: np.ndarray  # items × rows
    out_of_scale: np.ndarray  # rows: some answer neither blank nor an integer on the scale ("4.0" is 4)
    unknown_label: np.ndarray  # rows: some answer of a labelled item is a word no label covers
    uniform: np.ndarray  # rows: every item answered with the same number ("4" and "4.0" are the same)
    kept: np.ndarray  # rows × items int8, _BLANK_ANSWER where blank or not on the scale

    @classmethod
    def of(cls, raw: pd.DataFrame, methodology: Methodology, labelled: frozenset[str]) -> _Answers:
        """Every rule is judged once per distinct value of a column, then looked up row by row: each item
        costs a few one-dimensional look-ups, and no items × rows matrix but `blank` and `kept` is made."""
        scale = methodology.scale
        n_items, n_rows = len(methodology.items), len(raw)
        blank = np.empty((n_items, n_rows), dtype=bool)
        kept = np.empty((n_items, n_rows), dtype=np.int8)
        out_of_scale = np.zeros(n_rows, dtype=bool)
        unknown_label = np.zeros(n_rows, dtype=bool)
        answered = np.ones(n_rows, dtype=bool)
        same = np.ones(n_rows, dtype=bool)
        first = np.empty(0)
        for item, key in enumerate(methodology.item_keys):
            codes, is_blank_value, value = _distinct_numbers(raw[key])
            on_scale = (value == np.floor(value)) & (value >= scale.min) & (value <= scale.max) & (np.abs(value) < 128)
            is_word = ~is_blank_value & np.isnan(value) if key in labelled else np.zeros(len(value), dtype=bool)
            blank[item] = is_blank_value[codes]
            out_of_scale |= (~is_blank_value & ~on_scale & ~is_word)[codes]
            unknown_label |= is_word[codes]
            answered &= (~is_blank_value & np.isfinite(value))[codes]
            row_values = value[codes]
            if item == 0:
                first = row_values
            else:
                same &= row_values == first
            kept[item] = np.where(on_scale, np.nan_to_num(value), _BLANK_ANSWER).astype(np.int8)[codes]
        return cls(
            blank=blank,
            out_of_scale=out_of_scale,
            unknown_label=unknown_label,
            uniform=answered & same,
            kept=np.ascontiguousarray(kept.T),
        )


def _flag(raw: pd.DataFrame, name: str) -> np.ndarray:
    if name not in raw.columns:
        return np.zeros(len(raw), dtype=bool)
    return raw[name].fillna(False).to_numpy(dtype=bool)


def _optional_numbers(raw: pd.DataFrame, name: str) -> _Numbers:
    if name in raw.columns:
        return _numbers(raw[name])
    return _Numbers(blank=np.ones(len(raw), dtype=bool), value=np.full(len(raw), np.nan))


def _optional_text(raw: pd.DataFrame, name: str) -> pd.Series:
    if name not in raw.columns:
        return pd.Series(pd.NA, index=raw.index, dtype="str")
    text = raw[name].astype("str").str.strip()
    return text.mask(text.eq(""))


def _parse_instants(text: pd.Series) -> np.ndarray:
    """ISO 8601 times as UTC instants (int64 ns): offsets are converted, naive times are taken as Jakarta
    time. _NO_TIME where blank, unparseable or outside the representable range."""
    stripped = text.astype("str").str.strip()
    has_offset = stripped.str.contains(_HAS_OFFSET, regex=True).to_numpy()
    instants = np.full(len(text), _NO_TIME, dtype=np.int64)
    if has_offset.any():
        aware = pd.to_datetime(stripped[has_offset], format="ISO8601", utc=True, errors="coerce")
        instants[has_offset] = _as_instants(_within_range(aware.dt.tz_localize(None)).dt.tz_localize("UTC"))
    if (~has_offset).any():
        naive = pd.to_datetime(stripped[~has_offset], format="ISO8601", errors="coerce")
        instants[~has_offset] = _as_instants(_within_range(naive).dt.tz_localize(TIMEZONE))
    return instants


def _as_instants(times: pd.Series) -> np.ndarray:
    utc = times.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    return np.where(utc.isna().to_numpy(), _NO_TIME, utc.to_numpy().view(np.int64))


def _within_range(naive: pd.Series) -> pd.Series:
    return naive.where(naive.between(_EARLIEST, _LATEST)).astype("datetime64[ns]")


def _resolve_regions(text: pd.Series, gazetteer: Gazetteer) -> pd.Series:
    """Gazetteer kab/kota codes ("63.03"), <NA> where the text names no single kab/kota."""
    codes, distinct = pd.factorize(text.astype("str"))
    cleaned = pd.Series(distinct, dtype="str").str.strip().str.replace(_TRIMMED_CODE, r"\g<1>0", regex=True)
    resolved = gazetteer.resolve_kabkota_codes(cleaned).astype(object)
    lookup = np.append(resolved.where(resolved.notna(), None).to_numpy(), None)
    return pd.Series(lookup[codes], index=text.index, dtype="str")


def _superseded(parts: list[RowChecks]) -> np.ndarray:
    """Rows replaced by a later submission of the same respondent_id.

    The latest `submitted_at` wins; an invalid time counts as the oldest; ties go to the later row.
    Rows without an id are left to `id_kosong`: they are not duplicates of one another.

    Repeated ids are found through 64-bit hashes (8 bytes a row rather than a second copy of every id);
    the few rows whose hash repeats are then grouped by their actual text, so a hash collision can never
    make two respondents one.
    """
    hashes = np.concatenate([part.id_hash for part in parts])
    present = ~np.concatenate([part.id_blank for part in parts])
    seen = np.sort(hashes[present])
    repeated = np.unique(seen[1:][seen[1:] == seen[:-1]])
    rows = np.flatnonzero(present & np.isin(hashes, repeated))
    superseded = np.zeros(len(hashes), dtype=bool)
    if not len(rows):
        return superseded
    group, _ = pd.factorize(_take(parts, rows, lambda part, local: part.ids.iloc[local]))
    instants = _take(parts, rows, lambda part, local: pd.Series(part.instants[local])).to_numpy()
    order = np.lexsort((rows, instants, group))
    sorted_group = group[order]
    last_of_group = np.append(sorted_group[1:] != sorted_group[:-1], True)
    superseded[rows[order]] = ~last_of_group
    return superseded


def _take(parts: list[RowChecks], rows: np.ndarray, pick) -> pd.Series:
    """Values at global `rows` (sorted) gathered from the parts holding them."""
    pieces, start = [], 0
    for part in parts:
        local = rows[(rows >= start) & (rows < start + len(part))] - start
        if len(local):
            pieces.append(pick(part, local))
        start += len(part)
    return pd.concat(pieces, ignore_index=True)


def _empty_variable(blank: np.ndarray, methodology: Methodology) -> np.ndarray:
    """Rows with every item of some variable blank; `blank` is items × rows."""
    position = {key: index for index, key in enumerate(methodology.item_keys)}
    empty = np.zeros(blank.shape[1], dtype=bool)
    for variable in methodology.variables:
        empty |= blank[[position[item.key] for item in variable.items]].all(axis=0)
    return empty
