"""From informal Indonesian to an intent and its slots.

`normalise` turns chat text into one canonical form (lower case, no accents or punctuation, chat
abbreviations spelt out: "brp skor kab hss yg skrg" -> "berapa skor kabupaten hss yang sekarang").
Region names are found in that form by `resolve.py`; what is left (the residual) goes to `Parser.parse`,
which reads the intent and its slots. Rules, not a model: questions about figures must be answered
exactly and predictably, and the rules are small enough to read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from core.constants import FORUMS
from core.informal import CHAT_WORDS
from core.text import fold
from scoring.methodology import Methodology

TOP, BOTTOM = "top", "bottom"
DEFAULT_TOP_N = 5
# Words shorter than this are too easily another word when a letter slips.
_MIN_TYPO_LENGTH = 5
MAX_TOP_N = 30

# Chat spellings -> the word the rules are written for. Applied token by token after lower-casing.
SLANG = {
    **CHAT_WORDS,
    "kot": "kota", "kabkot": "kabkota", "prop": "provinsi", "kep": "kepulauan", "resp": "responden",
    "ranking": "peringkat", "rangking": "peringkat", "rank": "peringkat", "vs": "versus",
    "tertinggi2": "tertinggi", "trendah": "terendah", "trtinggi": "tertinggi",
    "makasih": "terimakasih", "makasi": "terimakasih", "trims": "terimakasih",
    "thx": "terimakasih", "thanks": "terimakasih", "tq": "terimakasih", "ty": "terimakasih",
    "rekom": "rekomendasi", "rekomendasikan": "rekomendasi", "bndingkan": "bandingkan",
    "rata2": "rata rata", "ratarata": "rata rata", "hi": "hai", "hallo": "halo", "helo": "halo",
}  # fmt: skip

# Multi-word forms folded into one token before the rules run.
PHRASES = (
    ("indeks harmoni indonesia", "ihai"),
    ("indeks harmoni", "ihai"),
    ("forum kerukunan umat beragama", "fkub"),
    ("forum pembauran kebangsaan", "fpk"),
    ("forum kewaspadaan dini masyarakat", "fkdm"),
    ("terima kasih", "terimakasih"),
    ("d i yogyakarta", "diy"),
)

_KABKOTA = re.compile(r"\bkab(?:upaten)?\.?\s*/\s*kot(?:a)?\b")
# A Kemendagri kab/kota code ("63.03") survives tokenisation whole; everything else splits on non-words.
_WORD = re.compile(r"\d{2}\.\d{2}(?!\d)|[^\W_]+")


def normalise(text: str) -> str:
    """Canonical form of a chat message: "Brp IHaI Kab./Kota Banjar?" -> "berapa ihai kabkota banjar"."""
    folded = _KABKOTA.sub(" kabkota ", fold(text))
    joined = " ".join(SLANG.get(token, token) for token in _WORD.findall(folded))
    for phrase, token in PHRASES:
        joined = re.sub(rf"\b{phrase}\b", token, joined)
    # Single letters carry nothing here (stray markup "<b>", "a.", initials) and would only block rules.
    return " ".join(token for token in joined.split() if len(token) > 1 or token.isdigit())


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex for a keyword group. A trailing "*" allows suffixes ("lemah*" matches "terlemahnya")."""
    alternatives = []
    for phrase in phrases:
        body = re.escape(phrase.rstrip("*")).replace(r"\ ", r"\s+")
        alternatives.append(body + (r"\w*" if phrase.endswith("*") else r"\b"))
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")")


# Keyword groups, in Indonesian as users write it (after `normalise`).
GREETING = (
    "halo", "hai", "hello", "hey", "hei", "pagi", "siang", "sore", "malam", "selamat", "assalamualaikum",
    "assalamu", "alaikum", "salam", "permisi", "start", "mulai", "apa kabar", "om swastiastu", "shalom",
    "terimakasih", "sama sama", "oke", "ok", "sip", "mantap", "baik",
)  # fmt: skip
HELP = (
    "bantuan", "help", "tolong bantu", "bisa apa", "bisa tanya apa", "apa yang bisa", "cara pakai",
    "cara menggunakan", "cara bertanya", "contoh pertanyaan", "contoh", "menu", "perintah", "fitur", "panduan pakai",
)  # fmt: skip
DEFINITION = (
    "apa itu", "itu apa", "apa yang dimaksud", "apakah itu", "pengertian", "definisi", "arti*", "maksudnya", "jelaskan",
    "penjelasan", "tugas*", "fungsi*", "peran*", "dasar hukum", "regulasi", "peraturan", "permendagri", "perpres",
    "undang undang", "uu", "rpjmd", "renstra", "rkpd", "renja", "iku", "indikator kinerja", "perencanaan",
    "penganggaran", "anggaran", "siapa yang", "siapa penyelenggara", "kapan", "sejak kapan", "sejarah", "tujuan",
    "manfaat", "kegunaan", "memasukkan", "dimasukkan", "menyusun", "apa beda", "perbedaan ihai", "kesbangpol",
    "moderasi beragama", "kewaspadaan dini", "pembauran", "kerukunan", "wellbeing", "asta cita", "konflik sosial",
    "ikn", "iko", "ikub", "kerangka", "sumber data", "kuesioner", "e survei", "survei dilakukan",
)  # fmt: skip
METHOD = (
    "dihitung", "menghitung", "perhitungan", "hitungan", "rumus*", "bobot*", "metodologi", "metode",
    "skala", "batas kategori", "kategori apa saja", "interval kepercayaan", "cara hitung", "cara ngitung",
    "cara mengukur", "pengukuran", "bagaimana ihai diukur", "diukur dengan",
    "variabel apa saja", "variabel ihai apa saja", "apa saja variabel", "dimensi apa saja", "apa saja dimensi",
    "daftar variabel", "daftar dimensi", "sebutkan variabel", "sebutkan dimensi", "aspek apa saja",
    "apa saja aspek", "jumlah variabel", "berapa variabel", "berapa dimensi",
    "responden minimal", "minimal responden", "responden minimum", "minimum responden", "batas minimal",
    "batas minimum",
)  # fmt: skip
ADVICE = (
    "saran*", "rekomendasi*", "usul*", "langkah*", "tindak lanjut", "intervensi", "strategi", "upaya",
    "aksi", "program*", "kegiatan", "apa yang bisa dilakukan", "apa yang harus dilakukan", "apa yang perlu dilakukan",
    "apa yang sebaiknya dilakukan", "apa yang dapat dilakukan", "meningkatkan", "tingkatkan", "menaikkan",
    "memperbaiki", "perbaikan", "harus ngapain", "ngapain", "sebaiknya", "solusi",
)  # fmt: skip
CATEGORY_GAP = (
    "naik kategori", "kategori berikutnya", "kategori selanjutnya", "kategori di atas", "naik ke", "naik jadi",
    "menuju harmoni", "mencapai harmoni", "masuk harmoni", "jadi harmoni", "menjadi harmoni", "berapa poin",
    "berapa lagi", "selisih*", "jarak ke", "kurang berapa", "supaya naik", "agar naik", "untuk naik", "biar naik",
    "poin lagi", "naik satu kategori", "gap",
)  # fmt: skip
COVERAGE = (
    "responden", "cakupan", "target", "1 250", "1250", "sampel", "partisipan", "peserta survei", "yang mengisi",
    "mengisi survei", "jumlah pengisi", "memenuhi syarat", "layak lapor", "dilaporkan", "pelaporan", "terukur",
    "berapa orang", "kab kota yang diukur", "yang diukur",
)  # fmt: skip
COMPARE = (
    "banding*", "dibanding*", "perbandingan", "membandingkan", "versus", "lebih tinggi mana", "lebih baik mana",
    "mana yang lebih", "lebih harmonis mana", "beda*", "perbedaan", "selisih",
)  # fmt: skip
RANKING = (
    "peringkat*", "urutan", "urutkan", "top", "teratas", "terbawah", "daftar", "juara", "klasemen",
)  # fmt: skip
WEAK = (
    "lemah*", "terlemah*", "kelemahan*", "perlu ditingkatkan", "perlu diperbaiki", "paling kurang", "kekurangan*",
    "masalah*", "titik lemah", "kurang baik",
)  # fmt: skip
BOTTOM_WORDS = (
    "terendah*", "terburuk*", "terjelek*", "paling rendah", "paling buruk", "paling jelek", "paling tidak harmonis",
    "bawah", "terbawah", "paling bawah", "rendah",
)  # fmt: skip
TOP_WORDS = (
    "tertinggi*", "terbaik*", "teratas", "paling tinggi", "paling baik", "paling harmonis", "terharmonis*",
    "paling bagus", "terbagus", "juara", "top", "unggul*", "tinggi",
)  # fmt: skip
# "kabupaten mana", "daerah apa yang paling …": the question asks for a list of regions, not about one.
RANKING_SUBJECT = _pattern(
    (
        "kabupaten mana", "kota mana", "kabkota mana", "daerah mana", "wilayah mana", "provinsi mana",
        "kabupaten apa", "kota apa", "daerah apa", "wilayah apa", "provinsi apa", "kabupaten yang", "kota yang",
        "kabkota yang", "daerah yang", "wilayah yang", "provinsi yang", "kabupaten dengan", "kota dengan",
        "kabkota dengan", "daerah dengan", "provinsi dengan", "kabkota", "antar provinsi", "antarprovinsi",
        "peringkat provinsi", "provinsi terbaik", "provinsi tertinggi", "provinsi terendah", "provinsi paling",
        "daerah paling", "kabupaten paling", "kota paling", "wilayah paling",
    )
)  # fmt: skip
PROVINCES_SUBJECT = _pattern(
    ("provinsi mana", "provinsi apa", "provinsi yang", "provinsi dengan", "antar provinsi", "antarprovinsi",
     "peringkat provinsi", "provinsi terbaik", "provinsi tertinggi", "provinsi terendah", "provinsi paling",
     "semua provinsi", "daftar provinsi", "provinsi terharmonis")
)  # fmt: skip
FIGURE = (
    "ihai", "skor*", "nilai*", "angka", "indeks", "profil*", "capaian", "kategori*", "harmoni",
    "interval", "ringkasan", "rangkuman", "gambaran", "rata rata",
)  # fmt: skip
# Question words that ask about a region without saying what: the chat's previous intent decides.
ASKING = ("berapa", "bagaimana", "kondisi", "status", "keadaan")
NATION = ("nasional", "indonesia", "seluruh indonesia", "se indonesia", "nusantara")
FOLLOWUP = ("kalau", "bagaimana dengan", "terus", "lalu", "trus", "dengan", "yang ini", "juga", "sedangkan")
# Change over time, which one round of results cannot show.
TREND = (
    "tahun lalu", "tahun sebelumnya", "naik atau turun", "naik turun", "tren*", "perkembangan",
    "dari tahun ke tahun", "antartahun", "antar tahun",
)  # fmt: skip
ALL_FORUMS = ("semua forum", "ketiga forum", "tiga forum", "seluruh forum", "setiap forum", "masing masing forum")
FILLER = (
    "yang", "di", "ke", "dari", "dan", "atau", "untuk", "pada", "dalam", "ini", "itu", "apa", "apakah",
    "mengapa", "siapa", "mana", "saya", "kami", "kita", "anda", "kamu", "tolong", "mohon", "dong", "ya", "yah",
    "kak", "min", "bang", "pak", "bu", "mas", "mbak", "sih", "deh", "nih", "tuh", "kah", "lah", "pun", "saja",
    "sudah", "belum", "masih", "akan", "bisa", "boleh", "ingin", "mau", "minta", "tahu", "tau", "lihat", "cek",
    "keluar", "muncul", "tampil",
    "info", "informasi", "data", "tentang", "soal", "terkait", "jika", "bila", "kemudian", "sekarang", "tahun",
    "adalah", "ialah", "merupakan", "ada", "tidak", "bukan", "sama", "seperti", "hanya", "lebih", "kurang",
    "paling", "sangat", "sekali", "banget", "agar", "supaya", "biar", "karena", "oleh", "sebagai", "para", "semua",
    "setiap", "tiap", "bagi", "tersebut", "hal", "nya", "provinsi", "kabupaten", "kota", "kabkota", "daerah",
    "wilayah", "dimensi", "variabel", "aspek", "forum", "sebutkan", "tampilkan", "tunjukkan", "kasih", "beri",
    "berikan", "jawab", "coba", "lagi", "gan", "sis", "bro", "kakak", "bapak", "ibu", "punya", "milik", "sana",
    "situ", "sini", "the", "of", "and", "what", "is", "how", "berapakah", "bagaimanakah", "per", "versi",
)  # fmt: skip
NUMBER_WORDS = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "lima belas": 15, "dua puluh": 20, "tiga puluh": 30,
}  # fmt: skip
# Colloquial names of the dimensions, mapped to words of the methodology's own dimension keys.
DIMENSION_SYNONYMS = {"agama": "keberagamaan", "keagamaan": "keberagamaan", "religi": "keberagamaan",
                      "religius": "keberagamaan", "kebudayaan": "budaya", "perekonomian": "ekonomi"}  # fmt: skip
FORUM_WORDS = {"fkub": "FKUB", "fpk": "FPK", "fkdm": "FKDM"}

_GREETING = _pattern(GREETING)
_HELP = _pattern(HELP)
_DEFINITION = _pattern(DEFINITION)
_METHOD = _pattern(METHOD)
_ADVICE = _pattern(ADVICE)
_CATEGORY_GAP = _pattern(CATEGORY_GAP)
_COVERAGE = _pattern(COVERAGE)
_TREND = _pattern(TREND)
_YEAR = re.compile(r"\b(20\d\d)\b")
_COMPARE = _pattern(COMPARE)
_RANKING = _pattern(RANKING)
_WEAK = _pattern(WEAK)
_BOTTOM = _pattern(BOTTOM_WORDS)
_TOP = _pattern(TOP_WORDS)
_FIGURE = _pattern(FIGURE)
_ASKING = _pattern(ASKING)
_N_BESAR = re.compile(r"\b\w+ besar\b")
_NATION = _pattern(NATION)
_FOLLOWUP = _pattern(FOLLOWUP)
_ALL_FORUMS = _pattern(ALL_FORUMS)
_NUMBER = re.compile(r"\b(\d{1,3})\b")
_NUMBER_WORD = _pattern(sorted(NUMBER_WORDS, key=len, reverse=True))
_VARIABLE = re.compile(r"\b([vx]\d{1,2})\b")

# Every word the rules know: such a word is never taken for a misspelt region name.
KNOWN_WORDS = frozenset(
    word
    for group in (GREETING, HELP, DEFINITION, METHOD, ADVICE, CATEGORY_GAP, COVERAGE, COMPARE, RANKING, WEAK,
                  BOTTOM_WORDS, TOP_WORDS, FIGURE, ASKING, NATION, FOLLOWUP, ALL_FORUMS, FILLER, tuple(NUMBER_WORDS),
                  tuple(SLANG.values()), tuple(DIMENSION_SYNONYMS), tuple(FORUM_WORDS))
    for phrase in group
    for word in phrase.rstrip("*").split()
)  # fmt: skip
_KNOWN_PREFIXES = tuple(
    phrase.rstrip("*")
    for group in (DEFINITION, METHOD, ADVICE, CATEGORY_GAP, COMPARE, RANKING, WEAK, BOTTOM_WORDS, TOP_WORDS, FIGURE)
    for phrase in group
    if phrase.endswith("*")
)


_REGION_SIGNALS = (_FIGURE, _ASKING, _ADVICE, _WEAK, _COMPARE, _COVERAGE, _RANKING, _CATEGORY_GAP, _FOLLOWUP,
                   _BOTTOM, _TOP)  # fmt: skip
_REGION_WORDS = re.compile(r"\b(kabupaten|kota|provinsi|wilayah|daerah|kabkota)\b")


def expects_region(text: str) -> bool:
    """Whether a normalised message asks about regions at all: only then are everyday words that are
    also region names ("batu", "padang") and near-misses ("banjarmsin") read as regions. A one-word
    message counts: it is most likely a region name."""
    words = [word for word in text.split() if word not in FILLER]
    return len(words) == 1 or bool(_REGION_WORDS.search(text)) or any(p.search(text) for p in _REGION_SIGNALS)


def is_known_word(token: str) -> bool:
    """Whether `token` is vocabulary of the rules (with or without "-nya"/"-kah" or a known suffix)."""
    stem = re.sub(r"(nya|kah|lah|pun)$", "", token)
    return token in KNOWN_WORDS or stem in KNOWN_WORDS or token.startswith(_KNOWN_PREFIXES)


def content_words(text: str, known: Callable[[str], bool] = is_known_word) -> list[str]:
    """Words the rules do not know (neither keywords nor filler): the topic of an unrelated question."""
    return [word for word in text.split() if not word.isdigit() and not known(word)]


@dataclass(frozen=True)
class Parsed:
    """What the residual text (regions removed) asks for. `intent` None: no explicit intent words."""

    intent: str | None
    forums: tuple[str, ...] = ()
    dimension: str | None = None
    variable: str | None = None
    n: int | None = None
    order: str = TOP
    provinces: bool = False  # a ranking of provinces rather than of kab/kota
    nation: bool = False
    method: bool = False  # how a figure is computed: the framework block
    followup: bool = False
    figure: bool = False  # asks about a region ("ihai", "skor", "berapa"): a region is expected
    category: str | None = None  # a category band named: "harmoni tinggi", "kategori rendah"
    years: tuple[int, ...] = ()  # years named: "ihai kalsel 2024"
    trend: bool = False  # change over time: "naik atau turun dibanding tahun lalu"


class Parser:
    """Intent rules plus the slots the methodology defines (its dimension and variable keys)."""

    def __init__(self, methodology: Methodology) -> None:
        self._dimensions = {key: key for key in methodology.dimension_keys}
        for dimension in methodology.dimensions:
            self._dimensions[fold(dimension.name)] = dimension.key
        self._dimensions.update(
            {word: key for word, key in DIMENSION_SYNONYMS.items() if key in methodology.dimension_keys}
        )
        self._dimension_pattern = re.compile(r"\b(" + "|".join(map(re.escape, self._dimensions)) + r")(?:nya)?\b")
        self._variables = frozenset(methodology.variable_keys)
        self._variable_words = {word: v.key for v in methodology.variables for word in v.keywords}
        # Longest first, so "moderasi beragama" wins over "moderasi".
        # "harmoni rendah" or "kategori rendah" -> the band labelled "Harmoni Rendah".
        self._categories = {fold(band.label).split()[-1]: band.label for band in methodology.categories.bands}
        prefixes = {"kategori", *(fold(band.label).split()[0] for band in methodology.categories.bands)}
        self._category_pattern = re.compile(
            r"\b(?:" + "|".join(map(re.escape, sorted(prefixes))) + r")\s+(" + "|".join(self._categories) + r")\b"
        )
        self._aspect_words = frozenset(fold(aspect.name) for aspect in methodology.aspects)
        names = sorted(self._variable_words, key=len, reverse=True)
        self._variable_pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b") if names else None
        # The framework's own words ("budaya", "moderasi", "sedang") are never misspelt region names.
        self._vocabulary = frozenset(
            word
            for text in (
                *self._dimensions,
                *self._variable_words,
                *(v.name for v in methodology.variables),
                *(band.label for band in methodology.categories.bands),
                *(aspect.name for aspect in methodology.aspects),
            )
            for word in fold(text).split()
        )
        # Words long enough that a one-letter slip is recognisable: what `correct` spells typos towards.
        self._spellings = sorted(
            word for word in self._vocabulary | KNOWN_WORDS if len(word) >= _MIN_TYPO_LENGTH and word.isalpha()
        )

    def is_known_word(self, token: str) -> bool:
        return token in self._vocabulary or is_known_word(token)

    def correct(self, text: str) -> str:
        """The rules' own words spelt right when typed with a slip ("terlmah", "peringat", "moderas");
        any other word is left as it is. Region names are found before this, on the raw words."""
        return " ".join(self._corrected(word) for word in text.split())

    def _corrected(self, word: str) -> str:
        """Only a letter dropped, doubled or swapped counts as a slip: a changed letter often makes another
        real word ("pertandingan" is not "perbandingan")."""
        if len(word) < _MIN_TYPO_LENGTH or not word.isalpha() or self.is_known_word(word):
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

    def parse(self, residual: str, levels: tuple[str, ...] = ()) -> Parsed:
        """Intent and slots of `residual`; `levels` are the levels ("kabkota"/"provinsi") of named regions."""
        slots = self._slots(residual)
        return Parsed(intent=self._intent(residual, levels, slots), **slots)

    def _slots(self, text: str) -> dict:
        forums = tuple(dict.fromkeys(FORUM_WORDS[word] for word in re.findall(r"\b(fkub|fpk|fkdm)\b", text)))
        if _ALL_FORUMS.search(text):
            forums = FORUMS
        dimension = self._dimension_pattern.search(text)
        variable = next((key for key in _VARIABLE.findall(text) if key in self._variables), None)
        if variable is None and self._variable_pattern is not None and (named := self._variable_pattern.search(text)):
            variable = self._variable_words[named.group(1)]
        category = self._category_pattern.search(text)
        return {
            "years": tuple(sorted({int(year) for year in _YEAR.findall(text)})),
            "trend": bool(_TREND.search(text)),
            "category": self._categories[category.group(1)] if category else None,
            "forums": forums,
            "dimension": self._dimensions[dimension.group(1)] if dimension else None,
            "variable": variable,
            "n": _top_n(text),
            "order": BOTTOM if (_BOTTOM.search(text) or _WEAK.search(text)) and not _TOP.search(text) else TOP,
            "provinces": bool(PROVINCES_SUBJECT.search(text)),
            "nation": bool(_NATION.search(text)),
            "method": bool(_METHOD.search(text)),
            "followup": bool(_FOLLOWUP.search(text)) or bool(re.search(r"\w+nya\b", text)),
            "figure": bool(_FIGURE.search(text) or _ASKING.search(text)),
        }

    def _intent(self, text: str, levels: tuple[str, ...], slots: dict) -> str | None:
        has_kabkota = "kabkota" in levels
        words = [word for word in text.split() if word not in FILLER]
        if not text.strip() and not levels:
            return "bantuan"
        if not levels and words and not [word for word in _GREETING.sub(" ", text).split() if word not in FILLER]:
            return "sapaan"
        if not levels and _HELP.search(text) and not _ADVICE.search(text):
            return "bantuan"
        advice = bool(_ADVICE.search(text))
        about_region = bool(levels) and any(p.search(text) for p in (_WEAK, _BOTTOM, _TOP))
        if (_DEFINITION.search(text) or slots["method"]) and not (advice and (levels or slots["forums"])):
            if not about_region:  # "variabel apa saja yang terendah di banjar" asks about Banjar
                return "metodologi"
        if advice:
            return "saran"
        if slots["category"] and "kabkota" not in levels and RANKING_SUBJECT.search(text):
            return "kategori"  # "kab/kota mana yang harmoni tinggi", "berapa kabupaten kategori rendah"
        if _CATEGORY_GAP.search(text) and len(levels) < 2:
            return "selisih_kategori"
        if _COVERAGE.search(text):
            return "cakupan"
        if slots["trend"] and levels:
            return "profil"  # one round of results: the figures, with a note that a trend cannot be shown
        if _COMPARE.search(text):
            # "apa bedanya persepsi dan akseptabilitas", "beda FKUB dan FPK": concepts, not regions.
            return "metodologi" if not levels and self._names_concepts(text, slots) else "bandingkan"
        intent = self._ranking_or_weak(text, has_kabkota, slots)
        # Several regions and nothing more specific asked ("HST vs HSU", "ihai sleman bantul"): compare them.
        return "bandingkan" if len(levels) >= 2 and intent in (None, "profil") else intent

    def _names_concepts(self, text: str, slots: dict) -> bool:
        named = (slots["dimension"], slots["variable"], slots["category"], slots["forums"], slots["method"])
        words = set(text.split())
        return any(named) or bool(words & self._aspect_words) or "kerangka" in words

    def _ranking_or_weak(self, text: str, has_kabkota: bool, slots: dict) -> str | None:
        subject = bool(RANKING_SUBJECT.search(text)) or slots["provinces"]
        about_parts = bool(re.search(r"\b(dimensi|variabel|aspek)\b", text))
        listed = slots["n"] is not None and (_TOP.search(text) or _BOTTOM.search(text) or _N_BESAR.search(text))
        if _RANKING.search(text) or listed:
            # "peringkat Banjarbaru" asks for one region's rank, which its profile shows.
            return "profil" if has_kabkota and not subject else "peringkat"
        # "ekonomi terendah di jabar" names what to rank by: the province's kab/kota, not its weakest part.
        ranked = subject or slots["dimension"] is not None or slots["variable"] is not None
        if _WEAK.search(text):
            return "peringkat" if ranked and not has_kabkota else "terlemah"
        if _BOTTOM.search(text):
            if ranked and not has_kabkota:
                return "peringkat"
            return "terlemah" if has_kabkota or about_parts or (not subject and slots["followup"]) else "peringkat"
        if _TOP.search(text) and (subject or not has_kabkota):
            return "peringkat"
        if any(word in FORUM_WORDS for word in text.split()) and not has_kabkota:
            return None  # a forum alone: advice for the chat's region, or what the forum is (see answer.py)
        return "profil" if _FIGURE.search(text) else None


def _top_n(text: str) -> int | None:
    for match in _NUMBER.finditer(text):
        value = int(match.group(1))
        if 1 <= value <= MAX_TOP_N:
            return value
    if word := _NUMBER_WORD.search(text):
        return NUMBER_WORDS[re.sub(r"\s+", " ", word.group(0))]
    return None
