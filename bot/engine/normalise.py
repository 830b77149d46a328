"""One canonical form of a chat message, computed once per message.

"Brp IHaI Kab./Kota Banjar?" -> "berapa ihai kabkota banjar": lower case, no accents or punctuation, chat
spellings spelt out, multi-word names folded into one token. Region names are found in this form
(`resolve.py`), slots are read from what is left (`slots.py`), and the classifier sees it with the
regions masked (`understand.py`).
"""

from __future__ import annotations

import re

from core.informal import CHAT_WORDS
from core.text import fold, join_thousands

# Chat spellings -> the standard word. Applied token by token after folding.
SLANG = {
    **CHAT_WORDS,
    "kot": "kota", "kabkot": "kabkota", "prop": "provinsi", "kep": "kepulauan", "resp": "responden",
    "ranking": "peringkat", "rangking": "peringkat", "rank": "peringkat", "vs": "versus",
    "tertinggi2": "tertinggi", "trendah": "terendah", "trtinggi": "tertinggi",
    "makasih": "terimakasih", "makasi": "terimakasih", "trims": "terimakasih", "mksh": "terimakasih",
    "thx": "terimakasih", "thanks": "terimakasih", "tq": "terimakasih", "ty": "terimakasih",
    "rekom": "rekomendasi", "rekomendasikan": "rekomendasi", "bndingkan": "bandingkan",
    "rata2": "rata rata", "ratarata": "rata rata", "hi": "hai", "hallo": "halo", "helo": "halo",
    "no": "nomor", "nmr": "nomor", "nomer": "nomor", "bgmana": "bagaimana", "gimna": "bagaimana",
    "nangkep": "menangkap", "buatin": "buatkan", "bikinin": "buatkan", "sampe": "sampai", "nyampe": "sampai",
    "masukin": "memasukkan", "masukkin": "memasukkan", "kirimin": "kirimkan", "kirimkn": "kirimkan", "tampilin": "tampilkan", "tunjukin": "tunjukkan", "cariin": "carikan",
    "sandingkan": "bandingkan", "disandingkan": "dibandingkan", "bandingin": "bandingkan", "dibandingin": "dibandingkan", "bandingkn": "bandingkan", "compare": "bandingkan",
}  # fmt: skip
# English words of questions about the index, read as the Indonesian words the rules and the classifier
# (trained mostly on Indonesian) know: "which regencies have the highest scores nationally".
ENGLISH = {
    "regency": "kabupaten", "regencies": "kabupaten", "district": "kabupaten", "districts": "kabupaten",
    "province": "provinsi", "provinces": "provinsi", "region": "daerah", "regions": "daerah", "areas": "daerah",
    "nationally": "nasional", "nationwide": "nasional", "national": "nasional",
    "highest": "tertinggi", "lowest": "terendah", "weakest": "terlemah", "worst": "terburuk",
    "improved": "naik", "improving": "naik", "increased": "naik", "declined": "turun", "dropped": "turun",
    "decreased": "turun", "activities": "kegiatan", "activity": "kegiatan", "programs": "program",
    "programmes": "program", "actions": "aksi", "score": "skor", "scores": "skor", "category": "kategori",
    "categories": "kategori", "high": "tinggi", "medium": "sedang", "low": "rendah",
    "acceptability": "akseptabilitas", "participation": "partisipasi", "perception": "persepsi",
    "dimension": "dimensi", "dimensions": "dimensi", "variable": "variabel", "variables": "variabel",
    "respondents": "responden", "respondent": "responden", "support": "mendukung", "strengthen": "memperkuat",
}  # fmt: skip
_ENGLISH_DIRECTIONS = {"central": "tengah", "east": "timur", "west": "barat", "north": "utara", "south": "selatan",
               "southeast": "tenggara"}  # fmt: skip
_ENGLISH_ISLANDS = {"java": "jawa", "sumatra": "sumatera"}
_ENGLISH_PHRASES = [
    (re.compile(r"\b(?:the )?harmony index\b"), "ihai"),
    (re.compile(r"\bwhich (kabupaten|kota|daerah|provinsi)\b"), r"\1 mana"),
    (re.compile(r"\blist (?:of )?(?:the )?(kabupaten|kota|daerah|provinsi)\b"), r"\1 mana saja"),
    (re.compile(r"\b(tinggi|sedang|rendah) kategori\b"), r"kategori \1"),
    (re.compile(r"\bsince (?:the )?(?:last|previous) (?:survey )?(?:round|year|period|survey)\b"), "dibanding putaran sebelumnya"),
    # "Central Java", "North Sumatra": the province as Indonesians name it.
    (re.compile(r"\b(central|east|west|north|south|southeast) (java|sumatra|sumatera|sulawesi|kalimantan|papua|nusa tenggara)\b"),
     lambda m: f"{_ENGLISH_ISLANDS.get(m.group(2), m.group(2))} {_ENGLISH_DIRECTIONS[m.group(1)]}"),
]

# Multi-word forms folded into one token.
PHRASES = (
    ("indeks harmoni indonesia", "ihai"),
    ("indeks harmoni", "ihai"),
    ("forum kerukunan umat beragama", "fkub"),
    ("forum pembauran kebangsaan", "fpk"),
    ("forum kewaspadaan dini masyarakat", "fkdm"),
    ("terima kasih", "terimakasih"),
    ("d i yogyakarta", "diy"),
)
_PHRASES = [(re.compile(rf"\b{phrase}\b"), token) for phrase, token in PHRASES]

_KABKOTA = re.compile(r"\bkab(?:upaten)?\.?\s*/\s*kot(?:a)?\b")
# Chat reduplication: "dua2nya" -> "dua duanya", "kota2" -> "kota kota".
_REDUPLICATION = re.compile(r"\b([a-z]{2,})2(nya)?\b")
# A Kemendagri kab/kota code ("63.03") survives tokenisation whole; everything else splits on non-words.
_WORD = re.compile(r"\d{2}\.\d{2}(?!\d)|[^\W_]+")


def normalise(text: str) -> str:
    """Canonical form of a chat message: "Brp IHaI Kab./Kota Banjar?" -> "berapa ihai kabkota banjar"."""
    folded = _REDUPLICATION.sub(r"\1 \1\2", _KABKOTA.sub(" kabkota ", join_thousands(fold(text))))
    joined = " ".join(SLANG.get(token) or ENGLISH.get(token, token) for token in _WORD.findall(folded))
    for pattern, token in (*_PHRASES, *_ENGLISH_PHRASES):
        joined = pattern.sub(token, joined)
    # Single letters carry nothing here (stray markup "<b>", "a.", initials) and would only confuse.
    return " ".join(token for token in joined.split() if len(token) > 1 or token.isdigit())
