"""The learned part of understanding: which intent a message asks, from its masked text.

A logistic-loss linear model (one weight vector per intent) over hashed word uni-/bigrams and character
2–5-grams of the text with its regions, forums, dimensions, variables and numbers masked (`understand.py`),
so it learns how people ask, not which names they use; character n-grams carry it over typos and chat
spellings. Chosen over TF-IDF with a full logistic regression and over nearest neighbours in sentence
embeddings by `bench/intents.py` (README, "Understanding questions"). Trained offline
(`bot/engine/training/build.py`) and stored as a sparse weight matrix in an `.npz` file with a JSON
header: no pickle, loaded in milliseconds, framework-independent.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from bot.engine.intents import Intent

N_FEATURES = 2**18
FORMAT_VERSION = 2
# L2 regularisation of the stochastic-gradient training. Chosen on the training part alone: trained on the
# paraphrases, judged on the conversation set's training questions (bench/intents.py).
ALPHA = 1e-5
_CHAR_NGRAMS = range(2, 6)


def features(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Hashed feature indices and values of one masked text: word uni- and bigrams, and character 2–5-grams
    of each word padded with spaces, each part L2-normalised, so that whole words weigh as much as all
    their pieces together. CRC-32 hashing is stable across processes and machines, and pure C."""
    words = text.split()
    grams = [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]
    pieces = [padded[i : i + n] for word in words for padded in (f" {word} ",) for n in _CHAR_NGRAMS
              for i in range(len(padded) - n + 1)]  # fmt: skip
    indices, values = [], []
    for part in (grams, pieces):
        if not part:
            continue
        hashed = np.fromiter((zlib.crc32(g.encode()) % N_FEATURES for g in part), dtype=np.int64, count=len(part))
        unique, counts = np.unique(hashed, return_counts=True)
        indices.append(unique)
        values.append(counts / np.sqrt(np.sum(counts.astype(np.float64) ** 2)))
    if not indices:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(indices), np.concatenate(values)


def featurise(texts: Sequence[str]) -> sp.csr_matrix:
    """The feature matrix of many texts (rows), for training."""
    rows = [features(text) for text in texts]
    indptr = np.cumsum([0, *(len(index) for index, _ in rows)])
    indices = np.concatenate([index for index, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    data = np.concatenate([value for _, value in rows]) if rows else np.zeros(0)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(texts), N_FEATURES))
    matrix.sum_duplicates()  # a word piece may hash like a whole word
    return matrix


@dataclass(frozen=True)
class IntentClassifier:
    classes: tuple[Intent, ...]
    weights: sp.csc_matrix  # N_FEATURES × classes, as stored
    intercept: np.ndarray
    training_hash: str  # of the examples it was trained on: a stale model is rebuilt

    def __post_init__(self) -> None:
        # Dense in memory (2^18 × classes float32, ~16 MB): scoring a message is one gather and one sum.
        object.__setattr__(self, "_dense", np.asarray(self.weights.todense(), dtype=np.float32))

    def scores(self, masked: str) -> list[tuple[Intent, float]]:
        """Every class with its probability (one-vs-rest sigmoids normalised to sum 1), likeliest first."""
        indices, values = features(masked)
        logits = values @ self._dense[indices] + self.intercept
        probabilities = 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))
        probabilities /= probabilities.sum()
        order = np.argsort(-probabilities, kind="stable")
        return [(self.classes[i], float(probabilities[i])) for i in order]

    @classmethod
    def train(
        cls, texts: Sequence[str], labels: Sequence[Intent], training_hash: str, alpha: float = ALPHA
    ) -> IntentClassifier:
        from sklearn.linear_model import SGDClassifier

        classes = tuple(dict.fromkeys(sorted(labels, key=lambda intent: list(Intent).index(intent))))
        target = np.array([classes.index(label) for label in labels])
        # Seconds instead of the minutes a full multinomial solver takes on 2^18 features, at equal accuracy.
        model = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=50, tol=1e-4, random_state=0)
        model.fit(featurise(texts), target)
        # Rounded to the half precision the file stores, so that the model just trained answers exactly as the
        # same model loaded by the next start (it did not: a question or two per held-out set read otherwise).
        coefficients = np.where(np.abs(model.coef_.T) < 1e-5, 0.0, model.coef_.T).astype(np.float16).astype(np.float32)
        return cls(classes, sp.csc_matrix(coefficients), model.intercept_.astype(np.float64), training_hash)

    def save(self, path: Path) -> None:
        """Write atomically: a reader never sees half a model."""
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {"version": FORMAT_VERSION, "classes": [c.value for c in self.classes],
                  "training_hash": self.training_hash, "n_features": N_FEATURES}  # fmt: skip
        temporary = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            temporary,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            data=self.weights.data.astype(np.float16),
            indices=self.weights.indices,
            indptr=self.weights.indptr,
            intercept=self.intercept,
        )
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> IntentClassifier:
        """Raises ValueError for a file of another format or feature space."""
        with np.load(path) as stored:
            header = json.loads(stored["header"].tobytes())
            if header.get("version") != FORMAT_VERSION or header.get("n_features") != N_FEATURES:
                raise ValueError(f"{path}: model format {header.get('version')} is not {FORMAT_VERSION}")
            classes = tuple(Intent(name) for name in header["classes"])
            weights = sp.csc_matrix(
                (stored["data"].astype(np.float32), stored["indices"], stored["indptr"]),
                shape=(N_FEATURES, len(classes)),
            )
            return cls(classes, weights, stored["intercept"], header["training_hash"])
