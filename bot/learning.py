"""Learning from real questions: the questions the assistant was unsure of go to a help desk as a CSV to
label, and the labelled rows come back as training data.

`ihai log review` lists logged questions that fell to a fallback answer (a question back about the
meaning, out of scope, an unknown region, an apology) or that the classifier, re-reading them now, is
unsure of — with what it would answer, how sure it is, and its likeliest readings — and an empty `label`
column. `ihai log import` adds the rows a help desk labelled to `<data>/training/labelled.csv`, which
the intent model is trained on beside the package's own data at the next `ihai index build`.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.engine.context import ChatContext
from bot.engine.decide import CONFIDENT
from bot.engine.intents import Intent, asked_intents
from bot.engine.normalise import normalise
from bot.engine.training.build import LABELLED_FILE
from bot.engine.understand import Understander
from scoring.formula_guard import QUOTE, TRIGGERS, neutralise

LOCAL_ZONE = ZoneInfo("Asia/Jakarta")
# Answers that say the assistant did not understand, or could not help.
FALLBACKS = frozenset(
    {Intent.PILIH_MAKSUD, Intent.DI_LUAR_CAKUPAN, Intent.TIDAK_DIKENAL, Intent.GALAT, Intent.BANTUAN}
)
REVIEW_COLUMNS = ("waktu", "kanal", "text", "dijawab_sebagai", "tebakan", "keyakinan", "alternatif", "label")
LABELLED_COLUMNS = ("text", "label")


class LoggedQuestion(Protocol):
    asked_at: float
    channel: str
    text: str
    intent: str


class LabelError(ValueError):
    """A labelled file that cannot be imported; the message names the file and the row."""


@dataclass(frozen=True)
class ReviewRow:
    asked_at: float
    channel: str
    text: str
    answered: str
    predicted: str
    confidence: float
    readings: tuple[str, ...]

    def cells(self) -> list[str]:
        when = datetime.fromtimestamp(self.asked_at, LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
        values = [when, self.channel, self.text, self.answered, self.predicted, f"{self.confidence:.2f}",
                  " | ".join(self.readings), ""]  # fmt: skip
        return [neutralise(value) for value in values]


def review_rows(questions: Iterable[LoggedQuestion], understander: Understander) -> list[ReviewRow]:
    """The logged questions worth a help desk's look, once each (the same text asked twice is one row)."""
    rows: dict[str, ReviewRow] = {}
    for question in questions:
        if not question.text.strip():
            continue  # past its retention, the text is gone: nothing to label
        understanding = understander.understand(question.text, ChatContext())
        fallback = question.intent in {intent.value for intent in FALLBACKS}
        if not (fallback or understanding.confidence < CONFIDENT):
            continue
        key = normalise(question.text)
        rows.setdefault(
            key,
            ReviewRow(
                asked_at=question.asked_at,
                channel=question.channel,
                text=question.text,
                answered=question.intent,
                predicted=understanding.intent.value if understanding.intent else "",
                confidence=understanding.confidence,
                readings=tuple(intent.value for intent, _ in understanding.scores[:3]),
            ),
        )
    return sorted(rows.values(), key=lambda row: row.asked_at)


def write_review(rows: Sequence[ReviewRow], path: Path) -> None:
    """The review file, readable by its owner only (it holds what people asked), spreadsheet-safe."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REVIEW_COLUMNS)
        writer.writerows(row.cells() for row in rows)


def read_labels(path: Path) -> list[tuple[str, Intent]]:
    """The labelled rows of a review file (rows left unlabelled are skipped). Raises LabelError."""
    allowed = {intent.value: intent for intent in asked_intents()}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"text", "label"} <= set(reader.fieldnames):
                raise LabelError(f"{path}: kolom 'text' dan 'label' tidak ada")
            labelled = []
            for number, row in enumerate(reader, start=2):
                label = (row.get("label") or "").strip()
                if not label:
                    continue
                if label not in allowed:
                    raise LabelError(
                        f"{path}, baris {number}: label '{label}' tidak dikenal; pilih salah satu: "
                        + ", ".join(sorted(allowed))
                    )
                text = _unneutralised(row.get("text") or "").strip()
                if text:
                    labelled.append((text, allowed[label]))
            return labelled
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise LabelError(f"{path}: tidak dapat dibaca ({error})") from None


def import_labels(labelled: Sequence[tuple[str, Intent]], data_dir: Path) -> tuple[int, int]:
    """Append new labelled questions to the installation's training file; returns (added, already there)."""
    target = data_dir / "training" / LABELLED_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    known: set[str] = set()
    if target.is_file():
        with target.open(encoding="utf-8", newline="") as handle:
            known = {normalise(row["text"]) for row in csv.DictReader(handle)}
    new = []
    for text, label in labelled:
        key = normalise(text)
        if key and key not in known:
            known.add(key)
            new.append((text, label.value))
    fresh = not target.is_file()
    with target.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if fresh:
            writer.writerow(LABELLED_COLUMNS)
        writer.writerows(new)
    return len(new), len(labelled) - len(new)


def _unneutralised(text: str) -> str:
    """A review cell back as it was typed: the leading quote that kept a spreadsheet from running it goes."""
    return text[1:] if text.startswith(QUOTE) and text[1:].startswith(TRIGGERS) else text
