"""Slots: what a message names besides regions — forums, dimensions, variables, a category, numbers,
years, an order, a position in the last list — and the masked text the classifier reads.

`SlotReader` knows the loaded methodology, so "moderasi" is V7 in the 2025 framework and X10 in the
2023 one; nothing here decides the intent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from bot.engine import lexicon, topic_words
from bot.engine.intents import registry
from core.text import fold
from core.vocabulary import is_common_word
from scoring.methodology import Methodology

TOP, BOTTOM, BOTH = "top", "bottom", "both"
MAX_TOP_N = 30
# Words shorter than this are too easily another word when a letter slips.
_MIN_TYPO_LENGTH = 5
_VARIABLE_KEY = re.compile(r"\b([vx]\d{1,2})\b")
_YEAR = re.compile(r"\b(20\d\d)\b")
_NUMBER = re.compile(r"\b(\d{1,3})\b")
_NOT_A_COUNT = re.compile(r"\b(?:asisten|pasal|ayat|bab|nomor|no|tahun|ke|sila|poin|angka)\s*$")
# "kab/kota yang (IHaI-nya) naik": the regions that rose, not a category climbed ("yang naik kategori").
_RISEN = re.compile(r"\byang (?:\w+(?: ?nya)? )?(?:naik|meningkat|membaik)\b(?! kategori| ke )")
_FALLEN = re.compile(r"\byang (?:\w+(?: ?nya)? )?(?:turun|menurun|memburuk)\b(?! kategori| ke )")
# "skornya di bawah 7", "respondennya kurang dari 1.000": a value, not a count ("lebih dari 5 kabupaten" is one).
_BELOW = frozenset({"di bawah", "dibawah", "kurang dari", "lebih rendah dari", "below", "under"})
_ABOVE = frozenset({"di atas", "diatas", "lebih dari", "lebih tinggi dari", "above", "over"})
_THRESHOLD = re.compile(
    rf"\b({'|'.join(sorted(_BELOW | _ABOVE))})\s+(\d{{1,5}})(?:\s+(\d{{1,2}})\b(?! (?:kabupaten|kota|kabkota|provinsi|daerah)))?"
    r"(?!\d)(?! (?:kabupaten|kota|kabkota|provinsi|daerah|wilayah)\b)"
)
# Terms that hold a dimension's word without naming the dimension: a "konflik sosial" is UU 7/2012's term.
_NOT_A_DIMENSION = re.compile(r"\b(?:konflik|media|dinas|bantuan|jaminan) sosial\b")
_N_BESAR = re.compile(r"\b(\d{1,2})\s+besar\b")
# "5 provinsi", "bottom 5 provinsi", "top provinsi": the provinces are ranked.
_N_PROVINCES = re.compile(
    r"\b(?:\d{1,2}|top|bottom|lima|tiga|sepuluh)\s+provinsi\b|\bprovinsi\s+(?:\d{1,2}|lima|tiga|sepuluh)\s+(?:ter\w+|paling)\b"
)
# The classifier's view of a slot: one token that is no word ("_" keeps the spelling corrector and the
# word "kabkota" of "kab/kota" away from it), so it generalises across names.
MASKS = {
    "region": "_wilayah", "kabkota": "_kabkota", "provinsi": "_provinsi", "nasional": "_nasional",
    "forum": "_forum", "dimension": "_dimensi", "variable": "_variabel", "category": "_kategori",
    "number": "_angka", "year": "_tahun",
}  # fmt: skip


@dataclass(frozen=True)
class Slots:
    forums: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    category: str | None = None  # a band label named: "Harmoni Tinggi"
    years: tuple[int, ...] = ()
    n: int | None = None
    order: str | None = None  # TOP, BOTTOM or BOTH; None when the message names no end
    provinces: bool = False  # a ranking of provinces rather than of kab/kota
    ranking_subject: bool = False  # "kab/kota mana …": asks for a list of regions
    nation: bool = False
    method: bool = False  # how a figure is computed: show the framework block
    trend: bool = False
    change_order: str | None = None  # TOP (the largest rises) or BOTTOM (the largest falls) between rounds
    list_position: int | None = None  # a position in the last list: 1-based, -1 for the last
    both_listed: bool = False  # "keduanya": the regions of the last answer
    followup: bool = False  # "kalau", "terus", "-nya": leans on the conversation
    anaphora: bool = False  # "untuk itu", "soal tersebut": points back at what was just talked about
    bare_category: str | None = None  # "yang tinggi": a band by its last word alone, for a follow-up
    aspects: tuple[str, ...] = ()
    own_province: bool = False  # "rata-rata provinsinya": the province of the region talked about
    all_forums: bool = False  # "ketiga forum", "semua forum": every forum named at once
    asks_coverage: bool = False  # a second ask inside a figures question: respondents
    respondents_beside_figure: bool = False  # … only their count, beside the region's score or category
    asks_gap: bool = False  # … the gap to the next category
    asks_weakness: bool = False  # … the weakest parts
    asks_mandate: bool = False  # what a forum is and does: duties, legal basis, members
    asks_document: bool = False  # a file to take away: the PDF report
    asks_how: bool = False  # how something is done: the guidance's business
    asks_target: bool = False  # a target for planning documents
    topic_forums: tuple[str, ...] = ()  # forums whose mandate the problem named belongs to ("rumah ibadat": FKUB)
    threshold: tuple[str, float] | None = None  # "skornya di bawah 7": (BOTTOM, 7.0) - the regions past a value


class SlotReader:
    """Slots and the masked text of a message's residual (its words without the region names)."""

    def __init__(self, methodology: Methodology, other_keys: Iterable[str] = ()) -> None:
        """`other_keys`: variable keys of the other loaded frameworks ("x10" beside 2025's V1–V8), read as
        variables so that an answer can say which round has them."""
        self._dimensions = {key: key for key in methodology.dimension_keys}
        for dimension in methodology.dimensions:
            self._dimensions[fold(dimension.name)] = dimension.key
        self._dimensions.update(
            {word: key for word, key in topic_words.DIMENSION_SYNONYMS.items() if key in methodology.dimension_keys}
        )
        self._dimension_pattern = _words(self._dimensions, suffix="(?:nya)?")
        self._variable_keys = frozenset(methodology.variable_keys) | frozenset(other_keys)
        self._variable_words = {fold(word): v.key for v in methodology.variables for word in v.keywords}
        self._variable_words.update({fold(v.name): v.key for v in methodology.variables})
        self._variable_words.update(
            {word: key for word, key in topic_words.VARIABLE_SYNONYMS.items() if key in methodology.variable_keys}
        )
        self._variable_pattern = _words(self._variable_words, suffix="(?:nya)?")
        # "harmoni tinggi", "kategori rendah" -> the band labelled "Harmoni Tinggi".
        bands = methodology.categories.bands
        self._categories = {fold(band.label).split()[-1]: band.label for band in bands}
        first_words = {fold(band.label).split()[0] for band in bands}
        prefixes = {"kategori", "kategorinya", "berkategori", *first_words, *(f"{word}nya" for word in first_words)}
        self._category_pattern = re.compile(
            r"\b(?:" + "|".join(map(re.escape, sorted(prefixes))) + r")\s+(" + "|".join(self._categories) + r")\b"
        )
        self._aspects = {fold(aspect.name): aspect.key for aspect in methodology.aspects}
        self._aspect_pattern = _words(self._aspects, suffix="(?:nya)?")
        self.vocabulary = frozenset(
            word
            for text in (*self._dimensions, *self._variable_words, *self._categories, *self._aspects,
                         *(band.label for band in bands), *_lexicon_words(), *_signal_words())
            for word in fold(text).split()
        )  # fmt: skip
        self._spellings = sorted(w for w in self.vocabulary if len(w) >= _MIN_TYPO_LENGTH and w.isalpha())

    # --- spelling -----------------------------------------------------------------------------------

    def is_known_word(self, token: str) -> bool:
        """Vocabulary of the questions themselves: never a misspelt region name."""
        stem = re.sub(r"(nya|kah|lah|pun)$", "", token)
        return token in self.vocabulary or stem in self.vocabulary or token in lexicon.FILLER

    def is_slip(self, token: str) -> bool:
        """A question word typed with a slip ("diitung" for "dihitung")."""
        return self._corrected(token) != token

    def correct(self, text: str) -> str:
        """The question words spelt right when typed with a slip ("terlmah", "peringat", "moderas")."""
        return " ".join(self._corrected(word) for word in text.split())

    def _corrected(self, word: str) -> str:
        """Only a letter dropped, doubled or swapped counts as a slip: a changed letter often makes another
        real word ("pertandingan" is not "perbandingan"), and a real word is never changed."""
        if len(word) < _MIN_TYPO_LENGTH or not word.isalpha() or self.is_known_word(word) or is_common_word(word):
            return word
        for candidate in self._spellings:
            if abs(len(candidate) - len(word)) > 1:
                continue
            if len(candidate) != len(word):
                if Levenshtein.distance(word, candidate, score_cutoff=1) <= 1:
                    return candidate
            elif OSA.distance(word, candidate, score_cutoff=1) <= 1 and sorted(word) == sorted(candidate):
                return candidate
        return word

    # --- slots ---------------------------------------------------------------------------------------

    def read(self, text: str) -> Slots:
        forums = tuple(dict.fromkeys(lexicon.FORUM_WORDS[w] for w in re.findall(r"\b(fkub|fpk|fkdm)\b", text)))
        if lexicon.ALL_FORUMS.search(text):
            forums = tuple(lexicon.FORUM_WORDS.values())
        variables = [key for key in _VARIABLE_KEY.findall(text) if key in self._variable_keys]
        variables += [self._variable_words[m.group(1)] for m in self._variable_pattern.finditer(text)]
        category = self._category_pattern.search(text)
        return Slots(
            forums=forums,
            dimensions=tuple(dict.fromkeys(self._dimensions[m.group(1)] for m in self._dimension_pattern.finditer(
                _NOT_A_DIMENSION.sub(" ", text)))),
            variables=tuple(dict.fromkeys(variables)),
            category=self._categories[category.group(1)] if category else None,
            years=tuple(sorted({int(year) for year in _YEAR.findall(text)})),
            n=_top_n(_THRESHOLD.sub(" ", text))
            or (MAX_TOP_N if lexicon.EVERY_PROVINCE.search(text) or lexicon.EVERY_KABKOTA.search(text) else None),
            order=_order(_THRESHOLD.sub(" ", text)),
            provinces=bool(lexicon.PROVINCES_SUBJECT.search(text) or _N_PROVINCES.search(text)),
            ranking_subject=bool(lexicon.RANKING_SUBJECT.search(text)),
            nation=bool(lexicon.NATION.search(text)),
            method=bool(lexicon.METHOD.search(text)),
            trend=bool(lexicon.TREND.search(text)),
            change_order=_change_order(text),
            list_position=_list_position(text),
            both_listed=bool(lexicon.BOTH_REFERENCE.search(text)),
            followup=bool(lexicon.FOLLOWUP.search(text)) or bool(re.search(r"\w+nya\b", text)),
            anaphora=bool(lexicon.ANAPHORA.search(text)),
            bare_category=self._bare_category(text),
            own_province=bool(re.search(r"\bprovinsinya\b|\brata rata provinsi\b", text)),
            all_forums=bool(lexicon.ALL_FORUMS.search(text)) or len(forums) == len(lexicon.FORUM_WORDS),
            asks_coverage=bool(lexicon.ASKS_COVERAGE.search(text)),
            respondents_beside_figure=_respondents_beside_figure(text),
            asks_gap=bool(lexicon.ASKS_GAP.search(lexicon.LIVES.sub(" ", text))),
            asks_weakness=bool(lexicon.ASKS_WEAKNESS.search(text)),
            asks_mandate=bool(lexicon.ASKS_MANDATE.search(text)),
            asks_document=bool(lexicon.ASKS_DOCUMENT.search(text) or lexicon.REPORT_FILE.search(text)),
            asks_how=bool(lexicon.ASKS_HOW.search(text)),
            asks_target=bool(lexicon.ASKS_TARGET.search(text)),
            topic_forums=tuple(forum for forum, words in topic_words.FORUM_TOPICS.items() if words.search(text)),
            aspects=tuple(dict.fromkeys(self._aspects[m.group(1)] for m in self._aspect_pattern.finditer(text))),
            threshold=_threshold(text),
        )

    def _bare_category(self, text: str) -> str | None:
        words = set(text.split())
        named = [label for word, label in self._categories.items() if word in words]
        return named[0] if len(named) == 1 else None

    def mask(self, text: str) -> str:
        """`text` with every slot replaced by its mask token (regions are masked by the caller)."""
        text = self._category_pattern.sub(MASKS["category"], text)
        text = self._variable_pattern.sub(MASKS["variable"], text)
        text = _VARIABLE_KEY.sub(lambda m: MASKS["variable"] if m.group(1) in self._variable_keys else m.group(0), text)
        text = self._dimension_pattern.sub(MASKS["dimension"], _NOT_A_DIMENSION.sub(lambda m: m.group(0).replace(" ", "_"), text))
        text = re.sub(r"\b(?:fkub|fpk|fkdm)\b", MASKS["forum"], text)
        text = _YEAR.sub(MASKS["year"], text)
        return re.sub(r"\b\d+\b", MASKS["number"], text)


def _respondents_beside_figure(text: str) -> bool:
    """The respondents' count asked with the region's own figure ("IHaI Blitar sama jumlah respondennya"), not
    whether they suffice for an official figure nor which regions lack them. "IHaI" beside "responden" names
    the survey ("jumlah responden IHaI Kab. X"); elsewhere it is the score asked."""
    if not lexicon.ASKS_COVERAGE.search(text) or lexicon.ASKS_ADEQUACY.search(text) or lexicon.RANKING_SUBJECT.search(text):
        return False
    return lexicon.figure_besides_respondents(text)


def _change_order(text: str) -> str | None:
    """Which changes a ranking of changes asks for: rises, falls, or both ("kenaikan dan penurunan")."""
    up = lexicon.CHANGE_UP.search(text) or _RISEN.search(text)
    down = lexicon.CHANGE_DOWN.search(text) or _FALLEN.search(text)
    if up and down:
        return BOTH
    return TOP if up else (BOTTOM if down else None)


def _words(words: Iterable[str], suffix: str = "") -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)  # "moderasi beragama" before "moderasi"
    return re.compile(r"\b(" + "|".join(re.escape(word) for word in ordered) + r")" + suffix + r"\b")


def _lexicon_words() -> list[str]:
    groups = (*lexicon.WORD_GROUPS, tuple(topic_words.DIMENSION_SYNONYMS))
    return [phrase.rstrip("*") for group in groups for phrase in group]


def _signal_words() -> list[str]:
    """The intents' signal words as the registry declares them (not their examples, which name regions)."""
    return [phrase for entry in registry().values() for phrase in entry.signals]


def _order(text: str) -> str | None:
    """ "tertinggi dan terendah", "10 besar dan 10 terbawah": both ends; else the end named, if any."""
    bottom = bool(lexicon.BOTTOM.search(text))
    # "partisipasi terendah se kaltim 5 besar": "5 besar" is how many, not the top end, unless another count
    # asks for the bottom ("10 besar dan 10 terbawah").
    besar = _N_BESAR.search(text) and (not bottom or len(_NUMBER.findall(text)) >= 2)
    top = bool(lexicon.TOP.search(text) or besar)
    if top and bottom:
        return BOTH
    return BOTTOM if bottom else (TOP if top else None)


def _threshold(text: str) -> tuple[str, float] | None:
    """ "di bawah 6,5" (normalised "di bawah 6 5") -> (BOTTOM, 6.5); "lebih dari 1000 responden" -> (TOP, 1000)."""
    match = _THRESHOLD.search(text)
    if match is None:
        return None
    whole, decimals = match.group(2), match.group(3)
    value = float(f"{whole}.{decimals}") if decimals else float(whole)
    return (BOTTOM if match.group(1) in _BELOW else TOP), value


def _top_n(text: str) -> int | None:
    if besar := _N_BESAR.search(text):
        return int(besar.group(1))
    for match in _NUMBER.finditer(text):
        value = int(match.group(1))
        # "pak asisten 1 minta …", "pasal 9": a title's or an article's number, not how many.
        if 1 <= value <= MAX_TOP_N and not _NOT_A_COUNT.search(text[: match.start()]):
            return value
    if word := lexicon.NUMBER_WORD.search(text):
        return lexicon.NUMBER_WORDS[re.sub(r"\s+", " ", word.group(0))]
    return None


def _list_position(text: str) -> int | None:
    if lexicon.LIST_LAST.search(text):
        return -1
    if lexicon.LIST_FIRST.search(text):
        return 1
    if match := lexicon.LIST_NUMBER.search(text):
        value = match.group(1) or match.group(2)
        return int(value) if value.isdigit() else lexicon.ORDINALS[value]
    return None
