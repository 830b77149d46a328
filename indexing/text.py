"""Indonesian text analysis for the lexical index: normalisation, names, stopwords, stemming, synonyms.

The same `Analyzer` turns both documents and queries into tokens, so every rule below applies on
both sides and the two always share one vocabulary. The dense model sees only `normalise(text)`:
it has its own tokenizer, and stemming would only hide words from it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from core.informal import CHAT_WORDS
from core.text import join_thousands

# Chat spellings shared with the engine, plus abbreviations the guidance spells out. Multi-word
# phrases are matched before single words.
INFORMAL: dict[str, str] = {
    **CHAT_WORDS,
    "apa aja": "apa saja", "ngapain": "melakukan apa", "thn": "tahun", "kec": "kecamatan",
    "pemda": "pemerintah daerah", "pemkab": "pemerintah daerah", "pemkot": "pemerintah daerah",
    "pemprov": "pemerintah daerah", "uu": "undang-undang", "perpres": "peraturan presiden",
    "permendagri": "peraturan menteri dalam negeri", "kabkota": "kabupaten kota", "kesbang": "kesbangpol",
    "bakesbangpol": "kesbangpol",
}  # fmt: skip

# Proper names collapse to their acronym on both sides: the words of "Forum Kerukunan Umat
# Beragama" name a body, they do not say anything about kerukunan. Longer names come first.
NAMES: tuple[tuple[str, str], ...] = (
    ("organisasi kemasyarakatan", "ormas"),
    ("organisasi masyarakat", "ormas"),
    ("forum kerukunan umat beragama", "fkub"),
    ("forum pembauran kebangsaan", "fpk"),
    ("forum kewaspadaan dini masyarakat", "fkdm"),
    ("indeks harmoni indonesia", "ihai"),
    ("indeks kewaspadaan nasional", "ikn"),
    ("indeks kinerja ormas", "iko"),
    ("indeks kerukunan umat beragama", "ikub"),
    ("kerukunan umat beragama", "kub"),
    ("badan kesatuan bangsa dan politik", "kesbangpol"),
    ("kesatuan bangsa dan politik", "kesbangpol"),
    ("direktorat jenderal politik dan pemerintahan umum", "polpum"),
    ("ditjen polpum", "polpum"),
    ("kementerian dalam negeri", "kemendagri"),
    ("kementerian agama", "kemenag"),
    ("rencana pembangunan jangka menengah daerah", "rpjmd"),
    ("rencana kerja pemerintah daerah", "rkpd"),
    ("rencana strategis", "renstra"),
    ("rencana kerja", "renja"),
    ("indikator kinerja utama", "iku"),
    ("rumah ibadat", "rumahibadat"),
    ("rumah ibadah", "rumahibadat"),
    ("tempat ibadah", "rumahibadat"),
    ("tempat ibadat", "rumahibadat"),
    ("asta cita", "astacita"),
)

# Grammatical words only. Negations, comparatives and superlatives (tidak, belum, bukan, paling,
# lebih, kurang, terendah, tertinggi) carry the meaning of a question and are never dropped.
# "berapa" goes: documents hold it only inside "seberapa" (which Sastrawi stems to it), where its
# rarity made it outweigh every content word of "kategori harmoni sedang itu berapa".
STOPWORDS: frozenset[str] = frozenset(
    """
    yang dan atau di ke dari pada untuk dengan dalam oleh ini itu tersebut adalah ialah merupakan juga
    saja pun sih dong deh kah lah ya nya si sang para akan sudah telah apa apakah bagaimana bagaimanakah
    tolong mohon halo hai kak pak bu bapak ibu min saya aku kami kita anda kamu tentang mengenai soal
    secara agar supaya bisa dapat mau ingin jelaskan sebutkan tahu begini begitu sedangkan namun tetapi
    serta bahwa yaitu berapa seberapa sebenarnya sebenernya sebetulnya ada per
    """.split()
)

# Domain words the stemmers get wrong, with the form to index. Sastrawi reduces both
# "keberagaman" (diversity) and "keberagamaan" (religiosity, a dimension) towards "agam(a)",
# "kesetaraan" to "tara", "keadaan" to "ada" and "susunan" to "susun"; Snowball strips "ter-" from
# "terendah" to "endah".
PROTECTED: dict[str, str] = {
    "keberagamaan": "keberagamaan",
    "keberagaman": "ragam",
    "beragam": "ragam",
    "keragaman": "ragam",
    "kesetaraan": "setara",
    "keadaan": "keadaan",  # a state of affairs, not "ada" (there is)
    "susunan": "susunan",  # a body's composition, not "disusun" (drawn up)
    "setara": "setara",
    "kebhinekaan": "bineka",
    "kebinekaan": "bineka",
    "bhinneka": "bineka",
    "harmoni": "harmoni",
    "harmonis": "harmonis",
    "terendah": "rendah",
    "tertinggi": "tinggi",
    "terlemah": "lemah",
    "terkuat": "kuat",
    "kesbangpol": "kesbangpol",
    "persepsi": "persepsi",
    "dimensi": "dimensi",
    "perempuan": "perempuan",
    "pemuda": "pemuda",
    "ekonomi": "ekonomi",
    "survei": "survei",
}

# Synonym groups. When a document or query holds any member (after stemming), the group's
# canonical token is added next to it, so "etnis" finds "suku" and "masjid" finds "rumah ibadat"
# while the specific word still ranks its own documents first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "suku": ("suku", "etnis", "etnik", "kesukuan"),
    "agama": ("agama", "keagamaan", "religi", "religius", "keberagamaan", "iman"),
    "rumahibadat": ("rumahibadat", "gereja", "masjid", "musala", "mushola", "pura", "vihara", "klenteng", "kelenteng"),
    "rukun": ("kerukunan", "rukun", "harmoni", "harmonis"),
    "moderasi": ("moderasi", "moderat", "wasathiyah"),
    "toleransi": ("toleransi", "toleran", "tenggang"),
    "konflik": ("konflik", "bentrok", "bentrokan", "sengketa", "pertikaian"),
    "survei": ("survei", "survey", "esurvei", "kuesioner", "angket"),
    "skor": ("skor", "angka"),
    "rendah": ("rendah", "lemah", "buruk", "jelek"),
    "target": ("target", "sasaran"),
    "tugas": ("tugas", "peran", "fungsi", "wewenang", "kewenangan", "mandat"),
    "selang": ("selang", "interval"),
}

_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# "kota2" is the chat spelling of "kota-kota".
_REDUPLICATION = re.compile(r"\b([a-z]{3,})2\b")


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in ordered) + r")\b")


_INFORMAL_PATTERN = _phrase_pattern(list(INFORMAL))
_NAMES_PATTERN = [(re.compile(rf"\b{re.escape(name)}\b"), acronym) for name, acronym in NAMES]


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, chat spellings replaced by formal words."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = join_thousands(text)
    text = _REDUPLICATION.sub(r"\1-\1", text)
    return _INFORMAL_PATTERN.sub(lambda m: INFORMAL[m.group(1)], text)


def collapse_names(text: str) -> str:
    for pattern, acronym in _NAMES_PATTERN:
        text = pattern.sub(acronym, text)
    return text


def _sastrawi() -> Callable[[str], str]:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer().stem


def _snowball() -> Callable[[str], str]:
    import Stemmer

    return Stemmer.Stemmer("indonesian").stemWord


# Sastrawi (dictionary-based, default) is precise; Snowball is faster and more permissive.
STEMMERS: dict[str, Callable[[], Callable[[str], str]]] = {"sastrawi": _sastrawi, "snowball": _snowball}
DEFAULT_STEMMER = "sastrawi"


class Analyzer:
    """Turns text into the tokens the lexical index stores and queries with."""

    def __init__(self, stemmer: str = DEFAULT_STEMMER) -> None:
        if stemmer not in STEMMERS:
            raise ValueError(f"Stemmer '{stemmer}' tidak dikenal; pilih salah satu: {', '.join(STEMMERS)}")
        self.stemmer = stemmer
        # The vocabulary is a few thousand words; caching makes repeated stemming free.
        self.stem = lru_cache(maxsize=None)(self._protected(STEMMERS[stemmer]()))
        self._canonical = {self.stem(word): canonical for canonical, words in SYNONYMS.items() for word in words}

    @staticmethod
    def _protected(stem: Callable[[str], str]) -> Callable[[str], str]:
        # The acronyms names collapse into are index terms of their own; Snowball would cut "ihai" to "iha".
        protected = {**{acronym: acronym for _, acronym in NAMES}, **PROTECTED}
        return lambda word: protected.get(word) or stem(word) or word

    def tokens(self, text: str) -> list[str]:
        words = _TOKEN.findall(collapse_names(normalise(text)))
        out: list[str] = []
        for word in words:
            if word in STOPWORDS:
                continue
            stem = self.stem(word)
            out.append(stem)
            canonical = self._canonical.get(stem)
            if canonical is not None and canonical != stem:
                out.append(canonical)
        return out
