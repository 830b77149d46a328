"""Choosing the intent classifier by measurement: `.venv/bin/python -m bench.intents`.

Only the training part judges here — the held-out conversation set is never read. The training
conversation questions are split in two by case (even cases and odd cases); each candidate is trained on
the generated paraphrases plus one half and scored on the other half, both ways round, so that every
training question (conversations.yaml and conversations_written.yaml) is judged once by a model that did not
see it. Candidates:
- `ngram-linear`: the shipped model — hashed word 1–2-grams and character 2–5-grams of the masked text,
  logistic loss, stochastic gradient descent (`bot/engine/classifier.py`);
- `tfidf-logreg`: word and character TF-IDF with a full multinomial logistic regression (lbfgs);
- `embedding-knn`: sentence embeddings of the masked text from the default sentence-transformers model
  (the one the search index uses), cosine nearest neighbours (k = 7, distance-weighted votes).
Prints accuracy, training time, per-message prediction time and model size.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from bot.engine.classifier import IntentClassifier, featurise
from bot.engine.intents import Intent
from bot.engine.training.build import WRITTEN, conversation_examples, masked_examples, paraphrase_examples
from core.gazetteer import get_gazetteer
from scoring.methodology import load_methodology

Predict = Callable[[Sequence[str]], list[Intent]]


def ngram_linear(texts: Sequence[str], labels: Sequence[Intent]) -> tuple[Predict, int]:
    model = IntentClassifier.train(texts, labels, "bench")
    size = model.weights.data.nbytes // 2 + model.weights.indices.nbytes + model.weights.indptr.nbytes
    return (lambda batch: [model.scores(text)[0][0] for text in batch]), size


def tfidf_logreg(texts: Sequence[str], labels: Sequence[Intent]) -> tuple[Predict, int]:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", min_df=2)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2)
    features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
    model = LogisticRegression(C=8.0, max_iter=300).fit(features, [label.value for label in labels])

    def predict(batch: Sequence[str]) -> list[Intent]:
        rows = hstack([words.transform(batch), chars.transform(batch)]).tocsr()
        return [Intent(value) for value in model.predict(rows)]

    vocabulary = sum(len(term) for vectorizer in (words, chars) for term in vectorizer.vocabulary_)
    return predict, model.coef_.nbytes + vocabulary


def embedding_knn(texts: Sequence[str], labels: Sequence[Intent]) -> tuple[Predict, int]:
    from indexing.dense import load_embedding_model

    embedder = load_embedding_model()
    model = embedder.model
    stored = model.encode(list(texts), batch_size=256, normalize_embeddings=True, convert_to_numpy=True)
    classes = np.array([label.value for label in labels])

    def predict(batch: Sequence[str]) -> list[Intent]:
        queries = model.encode(list(batch), batch_size=256, normalize_embeddings=True, convert_to_numpy=True)
        similarities = queries @ stored.T
        out = []
        for row in similarities:
            nearest = np.argpartition(-row, 7)[:7]
            votes: dict[str, float] = {}
            for index in nearest:
                votes[classes[index]] = votes.get(classes[index], 0.0) + float(row[index])
            out.append(Intent(max(votes, key=votes.get)))
        return out

    return predict, stored.nbytes


CANDIDATES = {"ngram-linear": ngram_linear, "tfidf-logreg": tfidf_logreg, "embedding-knn": embedding_knn}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", nargs="*", default=list(CANDIDATES), choices=list(CANDIDATES))
    args = parser.parse_args(argv)
    methodology, gazetteer = load_methodology("ihai-2025"), get_gazetteer()
    paraphrases = masked_examples(paraphrase_examples(), methodology, gazetteer)
    conversations = [*conversation_examples(), *conversation_examples(WRITTEN)]
    halves = [conversations[0::2], conversations[1::2]]
    masked_halves = [masked_examples(half, methodology, gazetteer) for half in halves]
    featurise(["warm-up"])
    print(f"Intent classifier candidates — {len(paraphrases[0])} paraphrases, {len(conversations)} training "
          "questions judged in two folds (the held-out set is not read)")  # fmt: skip
    for name in args.candidates:
        correct = total = 0
        train_seconds, predict_ms, size = 0.0, [], 0
        for train, test in ((0, 1), (1, 0)):
            texts = [*paraphrases[0], *masked_halves[train][0]]
            labels = [*paraphrases[1], *masked_halves[train][1]]
            started = time.perf_counter()
            predict, size = CANDIDATES[name](texts, labels)
            train_seconds += time.perf_counter() - started
            test_texts, test_labels = masked_halves[test]
            for text, label in zip(test_texts, test_labels, strict=True):
                started = time.perf_counter()
                [predicted] = predict([text])
                predict_ms.append((time.perf_counter() - started) * 1000)
                correct += predicted == label
                total += 1
        print(f"  {name:<14} accuracy {correct / total:.3f} ({correct}/{total}) · training {train_seconds / 2:.1f} s · "
              f"one message {np.median(predict_ms):.2f} ms · model {size / 2**20:.1f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
