"""Column mapping as data: how a form tool's export maps onto the schema `ihai score` reads.

`ihai score --mapping FILE.toml` reads exports whose headers are question texts or tool codes, whose
answers are words ("Sangat Setuju"), whose region is a province and a kab/kota name, whose times are
written the Indonesian way ("03/03/2025 14.05.12") and whose numbers have a decimal comma. The file
(documented in docs/panduan-operator.md; `ihai mapping suggest` drafts one) says:

- `[columns]` and `[items]`: the export header of each schema column and item, exactly (case and spacing
  do not matter) or as `{ pattern = "regex" }`; a schema column not listed is looked for under its own name;
- `[region]`: `kabkota` (codes or names) and optionally `province`, resolved through the gazetteer
  (`scoring.region_names`);
- `[answers]`: a built-in label set (`set = "setuju5"`, `scoring/answer_labels.toml`) and/or `labels`,
  for all items, and `[answers.items.<item>]` for one item; numbers in answer cells stay numbers;
- `[values.sex]`, `[values.age_group]`: words to the categories used elsewhere (the population table);
- `[format]`: `dates` (strptime formats, tried in order, then ISO 8601) and `decimal` ("," or ".").

An answer that is neither blank, a number nor a known label stays as it came, and the quality rules
quarantine its row as `label_tidak_dikenal`: never silently blank. A mapping that cannot be applied stops the
run with `MappingError` (an `InputFileError`, so exit 2), naming the column or label.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from core.gazetteer import Gazetteer
from scoring.answer_labels import label_sets, normalise_label
from scoring.dates import format_problem, to_iso
from scoring.ingest import EXTRA_CELLS, INTERNAL_COLUMNS, InputFileError, check_readable
from scoring.methodology import Methodology
from scoring.region_names import RegionNames

MAPPING_SUFFIX = ".mapping.toml"
# Schema columns a mapping may place under `[columns]`; the region and the items have sections of their own.
COLUMN_KEYS = ("respondent_id", "submitted_at", "duration_seconds", "weight", "sex", "age_group")
REQUIRED_COLUMNS = ("respondent_id", "submitted_at")
VALUE_COLUMNS = ("sex", "age_group")
NUMBER_COLUMNS = ("duration_seconds", "weight")


class MappingError(InputFileError):
    """A mapping file that cannot be read or applied; the message names the file and the column or label."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Pattern(_Frozen):
    pattern: str


HeaderSpec = str | Pattern


class RegionSpec(_Frozen):
    kabkota: HeaderSpec = "kabkota"
    province: HeaderSpec | None = None


class ItemAnswers(_Frozen):
    set: str | None = None
    labels: dict[str, int] = {}


class Answers(_Frozen):
    set: str | None = None
    labels: dict[str, int] = {}
    items: dict[str, ItemAnswers] = {}


class Formats(_Frozen):
    dates: tuple[str, ...] = ()
    decimal: Literal[",", "."] | None = None


class MappingFile(_Frozen):
    """The TOML file's structure."""

    methodology: str | None = None
    description: str = ""
    columns: dict[str, HeaderSpec] = {}
    items: dict[str, HeaderSpec] = {}
    region: RegionSpec = RegionSpec()
    answers: Answers = Answers()
    values: dict[str, dict[str, str]] = {}
    format: Formats = Formats()


def normalise_header(text: str) -> str:
    """Headers compare without regard to case, Unicode form or spacing."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def _describe(spec: HeaderSpec) -> str:
    return f"pola '{spec.pattern}'" if isinstance(spec, Pattern) else f"judul '{spec}'"


@dataclass(frozen=True)
class Mapping:
    """A loaded, checked mapping file, ready to be bound to an export's header with `plan`."""

    path: Path
    sha256: str
    spec: MappingFile
    answers: dict[str, dict[str, int]]  # item key -> normalised label -> answer; items without labels absent
    values: dict[str, dict[str, str]]  # sex / age_group -> normalised word -> category
    regions: RegionNames = field(repr=False)

    def _error(self, problem: str) -> MappingError:
        return MappingError(f"{self.path}: {problem}")

    def plan(self, header: list[str], export: Path, methodology: Methodology) -> ColumnPlan:
        """Where each schema column sits in this header.

        Raises:
            MappingError: a header the mapping names is missing, or a pattern fits several headers, or two
                schema columns would read the same header; every problem of the file is named at once.
        """
        normalised = [normalise_header(name) for name in header]
        problems: list[str] = []

        def find(name: str, spec: HeaderSpec | None, required: bool) -> int | None:
            given = spec is not None
            spec = name if spec is None else spec
            if isinstance(spec, Pattern):
                matches = [index for index, text in enumerate(header) if re.search(spec.pattern, str(text), re.I)]
            else:
                matches = [index for index, text in enumerate(normalised) if text == normalise_header(spec)]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                shown = ", ".join(f"'{header[index]}'" for index in matches[:3])
                problems.append(f"kolom '{name}': {_describe(spec)} cocok dengan beberapa judul di {export.name} ({shown})")
            elif required or given:
                where = f"dipetakan ke {_describe(spec)}" if given else "tidak dipetakan"
                problems.append(f"kolom '{name}' {where}, tetapi {export.name} tidak punya judul itu")
            return None

        spec = self.spec
        positions: dict[str, int] = {}
        for name in COLUMN_KEYS:
            found = find(name, spec.columns.get(name), required=name in REQUIRED_COLUMNS)
            if found is not None:
                positions[name] = found
        for name, region_spec, required in (
            ("kabkota", spec.region.kabkota, True),
            ("province", spec.region.province, False),
        ):
            if region_spec is not None or required:
                found = find(name, region_spec, required=True)
                if found is not None:
                    positions[name] = found
        for key in methodology.item_keys:
            found = find(key, spec.items.get(key), required=True)
            if found is not None:
                positions[key] = found

        readers: dict[int, list[str]] = {}
        for name, position in positions.items():
            readers.setdefault(position, []).append(name)
        for position, names in readers.items():
            if len(names) > 1:
                problems.append(f"kolom {', '.join(names)} membaca judul yang sama '{header[position]}'")
        if problems:
            raise self._error("pemetaan tidak cocok dengan ekspor:\n- " + "\n- ".join(problems))
        return ColumnPlan(mapping=self, positions=positions, item_keys=tuple(methodology.item_keys))


@dataclass(frozen=True)
class ColumnPlan:
    """A mapping bound to one export's header: turns raw batches into the schema's columns."""

    mapping: Mapping
    positions: dict[str, int]
    item_keys: tuple[str, ...]

    @property
    def labelled(self) -> frozenset[str]:
        """Items whose answers are words: text there that is no known label is `label_tidak_dikenal`."""
        return frozenset(self.mapping.answers)

    def apply(self, raw: pd.DataFrame) -> pd.DataFrame:
        """The schema view of a raw batch (columns in the file's order, by position)."""
        spec = self.mapping.spec
        decimal = spec.format.decimal

        def column(name: str) -> pd.Series:
            return raw.iloc[:, self.positions[name]].astype("str")

        view: dict[str, pd.Series] = {"respondent_id": column("respondent_id")}
        view["submitted_at"] = to_iso(column("submitted_at"), list(spec.format.dates))
        kabkota = column("kabkota")
        if "province" in self.positions:
            kabkota = self.mapping.regions.codes(column("province"), kabkota)
        view["kabkota"] = kabkota
        for key in self.item_keys:
            view[key] = _answers(column(key), self.mapping.answers.get(key), decimal)
        for name in NUMBER_COLUMNS:
            if name in self.positions:
                view[name] = _number_text(column(name), decimal)
        for name in VALUE_COLUMNS:
            if name in self.positions:
                view[name] = _values(column(name), self.mapping.values.get(name, {}))
        frame = pd.DataFrame(view, index=raw.index)
        for name in INTERNAL_COLUMNS:
            if name in raw.columns and name != EXTRA_CELLS:
                frame[name] = raw[name]
        return frame


def _per_distinct(text: pd.Series, convert) -> pd.Series:
    """`convert` applied once per distinct cell value (answers, categories: a handful each)."""
    codes, distinct = pd.factorize(text)
    converted = pd.Series([convert(value) for value in distinct], dtype="str")
    return pd.Series(converted.to_numpy()[codes], index=text.index, dtype="str").where(codes >= 0)


def _decimal(value: str, decimal: str | None) -> str:
    if decimal == ",":
        return value.replace(".", "").replace(",", ".")
    if decimal == ".":
        return value.replace(",", "")
    return value


def _looks_numeric(value: str) -> bool:
    return bool(re.fullmatch(r"\s*[+-]?[0-9][0-9.,]*\s*", value))


def _answers(text: pd.Series, labels: dict[str, int] | None, decimal: str | None) -> pd.Series:
    def convert(value: str) -> str:
        if _looks_numeric(value):
            return _decimal(value, decimal)
        if labels is not None:
            answer = labels.get(normalise_label(value))
            if answer is not None:
                return str(answer)
        return value

    return _per_distinct(text, convert)


def _number_text(text: pd.Series, decimal: str | None) -> pd.Series:
    return _per_distinct(text, lambda value: _decimal(value, decimal) if _looks_numeric(value) else value)


def _values(text: pd.Series, words: dict[str, str]) -> pd.Series:
    return _per_distinct(text, lambda value: words.get(normalise_label(value), value))


def _item_answers(spec: MappingFile, methodology: Methodology, problems: list[str]) -> dict[str, dict[str, int]]:
    """Normalised label -> answer for every item that has labels, checking sets and answers."""
    sets = label_sets()
    scale = methodology.scale

    def resolve(set_name: str | None, labels: dict[str, int], where: str) -> dict[str, int]:
        answers: dict[str, int] = {}
        if set_name is not None:
            if set_name not in sets:
                problems.append(f"{where}: set label '{set_name}' tidak dikenal (tersedia: {', '.join(sets)})")
            else:
                answers.update(sets[set_name].answers())
        for label, answer in labels.items():
            if not scale.min <= answer <= scale.max:
                problems.append(f"{where}: label '{label}' dipetakan ke {answer}, di luar skala {scale.min}–{scale.max}")
            key = normalise_label(label)
            if not key:
                problems.append(f"{where}: label kosong '{label}'")
            answers[key] = answer
        return answers

    common = resolve(spec.answers.set, spec.answers.labels, "[answers]")
    unknown = sorted(set(spec.answers.items) - set(methodology.item_keys))
    if unknown:
        problems.append(f"[answers.items]: butir tidak dikenal: {', '.join(unknown)}")
    result: dict[str, dict[str, int]] = {}
    for key in methodology.item_keys:
        own = spec.answers.items.get(key)
        answers = dict(common)
        if own is not None:
            answers.update(resolve(own.set, own.labels, f"[answers.items.{key}]"))
        if answers:
            result[key] = answers
    return result


def _check(spec: MappingFile, methodology: Methodology, problems: list[str]) -> None:
    if spec.methodology is not None and spec.methodology != methodology.id:
        problems.append(f"pemetaan ini untuk metodologi '{spec.methodology}', sedangkan yang dipakai '{methodology.id}'")
    unknown_columns = sorted(set(spec.columns) - set(COLUMN_KEYS))
    if unknown_columns:
        shown = ", ".join(unknown_columns)
        problems.append(f"[columns]: kolom tidak dikenal: {shown} (yang boleh: {', '.join(COLUMN_KEYS)}; "
                        "wilayah di [region], butir di [items])")  # fmt: skip
    unknown_items = sorted(set(spec.items) - set(methodology.item_keys))
    if unknown_items:
        problems.append(f"[items]: butir tidak dikenal di {methodology.id}: {', '.join(unknown_items)}")
    unknown_values = sorted(set(spec.values) - set(VALUE_COLUMNS))
    if unknown_values:
        problems.append(f"[values]: kolom tidak dikenal: {', '.join(unknown_values)} (yang boleh: sex, age_group)")
    specs = [*spec.columns.items(), *spec.items.items(), ("kabkota", spec.region.kabkota), ("province", spec.region.province)]
    for name, header in specs:
        if isinstance(header, Pattern):
            try:
                re.compile(header.pattern)
            except re.error as error:
                problems.append(f"kolom '{name}': pola '{header.pattern}' bukan regex yang valid ({error})")
        elif isinstance(header, str) and not header.strip():
            problems.append(f"kolom '{name}': judul kosong")
    for fmt in spec.format.dates:
        problem = format_problem(fmt)
        if problem:
            problems.append(f"[format]: {problem}")


def load_mapping(path: Path, methodology: Methodology, gazetteer: Gazetteer) -> Mapping:
    """Read and check a mapping file against a methodology; every problem is named at once.

    Raises:
        MappingError: the file is missing, not TOML, has unknown keys or wrong types, names unknown items,
            columns or label sets, maps a label outside the scale, or has an unusable regex or date format.
    """
    path = Path(path)
    check_readable(path, "file pemetaan", MappingError)
    raw = path.read_bytes()
    try:
        spec = MappingFile(**tomllib.loads(raw.decode("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MappingError(f"{path}: bukan file TOML yang valid ({error}).") from None
    except ValidationError as error:
        details = "; ".join(f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors())
        raise MappingError(f"{path}: isi pemetaan tidak valid ({details}).") from None
    problems: list[str] = []
    _check(spec, methodology, problems)
    answers = _item_answers(spec, methodology, problems)
    if problems:
        raise MappingError(f"{path}: pemetaan tidak valid:\n- " + "\n- ".join(problems))
    values = {name: {normalise_label(word): category for word, category in words.items()} for name, words in spec.values.items()}
    return Mapping(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        spec=spec,
        answers=answers,
        values=values,
        regions=RegionNames(gazetteer),
    )

