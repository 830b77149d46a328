"""Training data and the built intent classifier.

Examples come from three places, all in the package or the installation's data folder, never from
tests/ (so the held-out conversation set cannot leak in):
- `conversations.yaml`, the training part of the conversation set: a question's expected answer intent
  maps to what was asked (a province's summary was asked as a profile; advice without a region as advice);
  session turns that repeat the previous turn's intent are left out, as they may be elliptical;
- `paraphrases.jsonl`, the generated paraphrase set;
- `<data>/training/labelled.csv`, questions from the query log labelled by a help desk (`ihai log import`).
Each is masked by the real `Understander`, so the classifier learns from what it will read at run time.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from bot.engine.classifier import ALPHA, FORMAT_VERSION, N_FEATURES, IntentClassifier
from bot.engine.context import ChatContext
from bot.engine.intents import Intent, asked_intents
from bot.engine.resolve import Resolver
from bot.engine.slots import SlotReader
from bot.engine.understand import Understander
from core.gazetteer import Gazetteer
from scoring.methodology import Methodology

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
CONVERSATIONS = HERE / "conversations.yaml"
WRITTEN = HERE / "conversations_written.yaml"  # questions two independent writers wrote for training
PARAPHRASES = HERE / "paraphrases.jsonl"
# People's questions count this many times each generated paraphrase: 1,500 written questions beside 20,000
# generated ones would otherwise leave the voices people write in a small share of what the model learns.
WRITTEN_WEIGHT = 3
MODEL_FILE = "intents.npz"
LABELLED_FILE = "labelled.csv"
ENGINE = HERE.parent
READING_CODE = tuple(ENGINE / name for name in
                     ("normalise.py", "lexicon.py", "slots.py", "mentions.py", "resolve.py", "understand.py",
                      "classifier.py", "training/build.py"))  # fmt: skip
GAZETTEER_DATA = tuple(sorted((ENGINE.parents[1] / "core").glob("*.csv")))
# Answer intents that say what was asked; the rest (questions back, "not measured") say nothing of it.
ASKED_AS = {
    Intent.PROVINSI: Intent.PROFIL,
    Intent.SARAN_UMUM: Intent.SARAN,
    **{intent: intent for intent in asked_intents()},
}


def conversation_examples(path: Path = CONVERSATIONS) -> Iterator[tuple[str, Intent]]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    for case in cases:
        previous = None
        for turn in case.get("turns") or [case]:
            answered = Intent(turn["intent"])
            asked = ASKED_AS.get(answered)
            if asked is not None and turn["ask"].strip() and (previous is None or answered != previous):
                yield turn["ask"], asked
            previous = answered


def paraphrase_examples(path: Path = PARAPHRASES) -> Iterator[tuple[str, Intent]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            yield record["text"], Intent(record["intent"])


def labelled_examples(path: Path) -> Iterator[tuple[str, Intent]]:
    """Rows of a help desk's labelled review file whose label is an intent the classifier predicts."""
    if not path.is_file():
        return
    asked = set(asked_intents())
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = (row.get("label") or "").strip()
            if label in {intent.value for intent in asked} and (row.get("text") or "").strip():
                yield row["text"], Intent(label)


def training_sources(data_dir: Path | None) -> list[Path]:
    sources = [CONVERSATIONS, WRITTEN, PARAPHRASES]
    if data_dir is not None and (data_dir / "training" / LABELLED_FILE).is_file():
        sources.append(data_dir / "training" / LABELLED_FILE)
    return sources


def sources_hash(sources: Iterable[Path], methodology: Methodology) -> str:
    """Of everything a trained model depends on: the examples, the methodology, the gazetteer's names, and
    the code that turns a message into what the classifier reads (a change to masking means a new model)."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}|{N_FEATURES}|{ALPHA}|{WRITTEN_WEIGHT}|{methodology.sha256}".encode())
    for path in (*sources, *READING_CODE, *GAZETTEER_DATA):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def masked_examples(
    examples: Iterable[tuple[str, Intent]], methodology: Methodology, gazetteer: Gazetteer
) -> tuple[list[str], list[Intent]]:
    """What the classifier reads for each example, and its label."""
    understander = _understander(methodology, gazetteer)
    empty = ChatContext()
    texts, labels = [], []
    for text, label in examples:
        understanding = understander.understand(text, empty)
        if understanding.masked:
            texts.append(understanding.masked)
            labels.append(label)
    return texts, labels


def _understander(methodology: Methodology, gazetteer: Gazetteer) -> Understander:
    slots = SlotReader(methodology)
    return Understander(slots, Resolver(gazetteer, slots.is_known_word, slots.is_slip), gazetteer, classifier=None)


def build_classifier(methodology: Methodology, gazetteer: Gazetteer, data_dir: Path | None = None) -> IntentClassifier:
    sources = training_sources(data_dir)
    written = [*conversation_examples(CONVERSATIONS), *conversation_examples(WRITTEN)]
    examples = [*written * WRITTEN_WEIGHT, *paraphrase_examples()]
    if len(sources) > 3:
        examples += list(labelled_examples(sources[3]))
    texts, labels = masked_examples(examples, methodology, gazetteer)
    return IntentClassifier.train(texts, labels, sources_hash(sources, methodology))


def load_or_build(
    model_dir: Path, methodology: Methodology, gazetteer: Gazetteer, data_dir: Path | None = None
) -> IntentClassifier:
    """The stored model when it was built from today's training data; otherwise a fresh one, stored."""
    path = model_dir / MODEL_FILE
    wanted = sources_hash(training_sources(data_dir), methodology)
    if path.is_file():
        try:
            stored = IntentClassifier.load(path)
        except (ValueError, OSError, KeyError) as error:
            logger.warning("intent model %s unreadable (%s); rebuilding", path, error)
        else:
            if stored.training_hash == wanted:
                return stored
    logger.info("building the intent classifier (training data changed or no model yet)")
    classifier = build_classifier(methodology, gazetteer, data_dir)
    try:
        classifier.save(path)
    except OSError as error:  # a read-only installation still answers, with the model in memory
        logger.warning("intent model not stored at %s: %s", path, error)
    return classifier
