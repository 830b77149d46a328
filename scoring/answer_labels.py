"""Answer labels: the words a form writes for Likert answers, read as answers on the methodology's scale.

The label sets live in `scoring/answer_labels.toml` (data, not code). Labels are compared after
`normalise_label`: case, accents, spacing, surrounding punctuation and a leading answer number ("4. Setuju",
"(4) Setuju", "4 - Setuju") do not matter.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from core.text import fold

LABELS_FILE = Path(__file__).with_name("answer_labels.toml")
_LEADING_NUMBER = re.compile(r"^\(?\d+\)?\s*[-.=:)]?\s+(?=\D)")
_PUNCTUATION_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
# Spaces, underscores and every kind of dash ("Kadang–kadang" = "Kadang-kadang" = "Kadang kadang").
_SPACES = re.compile(r"[\s_\u2010-\u2015\u2212-]+")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LabelGroup(_Frozen):
    answer: int
    words: tuple[str, ...] = Field(min_length=1)


class LabelSet(_Frozen):
    description: str
    points: int
    labels: tuple[LabelGroup, ...]

    def answers(self) -> dict[str, int]:
        """Normalised label -> answer."""
        return {normalise_label(word): group.answer for group in self.labels for word in group.words}


def normalise_label(text: str) -> str:
    """"  (4) Sangat  setuju. " -> "sangat setuju"; the key labels are compared by."""
    folded = fold(str(text)).strip()
    folded = _LEADING_NUMBER.sub("", folded)
    folded = _PUNCTUATION_EDGES.sub("", folded)
    return _SPACES.sub(" ", folded).strip()


@cache
def label_sets() -> dict[str, LabelSet]:
    """The built-in sets by name ("setuju5", "frekuensi4", …)."""
    data = tomllib.loads(LABELS_FILE.read_text(encoding="utf-8"))
    return {name: LabelSet(**entry) for name, entry in data["sets"].items()}
