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
    "city": "kota", "cities": "kota", "municipality": "kota", "country": "nasional",     "what": "apa", "which": "mana", "who": "siapa", "where": "di mana",
    "why": "mengapa", "when": "kapan", "how": "bagaimana", "and": "dan", "or": "atau", "in": "di", "at": "di",
    "for": "untuk", "with": "dengan", "from": "dari", "between": "antara", "than": "dibanding",
    "economic": "ekonomi", "economy": "ekonomi", "social": "sosial", "cultural": "budaya", "culture": "budaya",
    "religious": "keagamaan", "religion": "agama", "religiosity": "keberagamaan", "tolerance": "toleransi",
    "moderation": "moderasi", "women": "perempuan", "youth": "pemuda", "weight": "bobot", "weights": "bobot",
    "weighted": "berbobot", "calculated": "dihitung", "computed": "dihitung", "calculate": "menghitung",
    "measure": "mengukur", "measures": "mengukur", "measured": "terukur", "cover": "mencakup",
    "covers": "mencakup", "mean": "artinya", "means": "artinya", "meaning": "arti", "definition": "definisi",
    "method": "metode", "methodology": "metodologi", "framework": "kerangka", "survey": "survei",
    "coverage": "cakupan", "enough": "cukup", "sample": "sampel", "target": "target", "report": "laporan",
    "send": "kirimkan", "download": "unduh", "improve": "meningkatkan",
    "increase": "menaikkan", "raise": "menaikkan", "rank": "peringkat", "ranks": "peringkat",
    "ranked": "peringkat", "ranking": "peringkat", "best": "terbaik", "last": "terakhir",
    "first": "pertama", "number": "nomor", "list": "daftar", "different": "beda", "difference": "perbedaan",
    "compared": "dibanding", "trend": "tren", "since": "sejak", "previous": "sebelumnya", "change": "perubahan",
    "changed": "berubah", "rose": "naik", "risen": "naik", "fell": "turun", "fallen": "turun", "year": "tahun",
    "years": "tahun", "weakness": "kelemahan", "weaknesses": "kelemahan", "strongest": "tertinggi",
    "hello": "halo", "duties": "tugas", "tasks": "tugas", "role": "peran", "members": "anggota",
    "regulation": "aturan", "law": "aturan", "official": "resmi", "band": "kategori",
    "bands": "kategori", "interval": "interval", "intervals": "interval", "scored": "skor",
    "two": "dua", "three": "tiga", "four": "empat", "five": "lima", "ten": "sepuluh",
}  # fmt: skip
_ENGLISH_DIRECTIONS = {"central": "tengah", "east": "timur", "west": "barat", "north": "utara", "south": "selatan",
               "southeast": "tenggara"}  # fmt: skip
_ENGLISH_ISLANDS = {"java": "jawa", "sumatra": "sumatera"}
_ENGLISH_PHRASES = [
    (re.compile(r"\b(?:the )?harmony index\b"), "ihai"),
    # "Which regencies in Central Java are rated Tinggi?": the band, not the top of a ranking.
    (re.compile(r"\b(?:rated|categorised|categorized|classified)(?: as)? (tinggi|sedang|rendah|high|medium|low)\b"),
     lambda m: f"kategori {ENGLISH.get(m.group(1), m.group(1))}"),
    # "a researcher working on social cohesion": the field, not the Sosial dimension.
    (re.compile(r"\bsocial cohesion\b"), "kerukunan"),
    # Whole English frames of questions the lexicon knows in Indonesian: the assistant's use, presence, the
    # distance to the next band, the largest changes.
    (re.compile(r"\bwhat (?:can (?:you|i) (?:do|ask)|(?:kinds?|sorts?|types?) of questions)\b|\bhow (?:do i|to|can i) use\b"),
     "bisa bantu apa"),
    (re.compile(r"\b(?:anybody|anyone|someone) (?:there|here)\b"), "ada orang"),
    (re.compile(r"\b(?:how far|distance) (?:is it |are we )?(?:to|from)\b"), "jarak ke"),
    (re.compile(r"\b(?:to )?(?:the )?next (?:category|band|level)\b"), "kategori berikutnya"),
    (re.compile(r"\b(?:improved|rose|increased|gained) (?:the )?most\b|\bbiggest (?:rise|increase|gain|improvement)\b"),
     "naik paling"),
    (re.compile(r"\b(?:dropped|fell|declined|decreased) (?:the )?most\b|\bbiggest (?:drop|fall|decline|decrease)\b"),
     "turun paling"),
    # "the one-page report for Balikpapan", "report for Kab. Ketapang please": a region's PDF report.
    (re.compile(r"\b(?:one|1|single)[- ]page(?:r)? (?:report|summary)\b|\breports? (?=(?:for|of|on) )"),
     "laporan pdf "),
    (re.compile(r"\bhow (?:many|much)\b"), "berapa"),
    (re.compile(r"^there (?:is|are)\b|\b(?:is|are) there\b"), "ada"),
    (re.compile(r"\bthere\b"), "di sana"),
    (re.compile(r"\b(?:confidence|uncertainty) (?:interval|range)s?\b"), "selang kepercayaan"),
    (re.compile(r"\bearly warning\b"), "kewaspadaan dini"),
    (re.compile(r"\b(?:the )?last one\b"), "yang terakhir"),
    (re.compile(r"\b(?:the )?first one\b"), "yang pertama"),
    (re.compile(r"\b(?:needs?|requires?) (?:the )?most (?:attention|improvement|work|help)\b"), "paling lemah"),
    (re.compile(r"\b(?:main|biggest|key) (?:problems?|issues?|weakness(?:es)?)(?: areas?)?\b"), "paling lemah"),
    (re.compile(r"\bfalls? (?:in|into|under)\b"), "masuk"),
    (re.compile(r"\b(?:give|show|tell) me\b"), "tampilkan"),
    (re.compile(r"\bplease\b"), "mohon"),
    (re.compile(r"\b(?:can|could) (?:you|i)\b"), "bisa"),
    (re.compile(r"\bshould\b"), "sebaiknya"),
    (re.compile(r"\b(?:can|could)\b"), "bisa"),
    (re.compile(r"\bwhich ((?:\w+ )?(?:regency|regencies|districts?|city|cities|provinces?|regions?|areas?|variables?"
                r"|dimensions?))\b"),
     r"\1 mana"),
    (re.compile(r"\blist (?:of )?(?:the )?(regency|regencies|districts?|city|cities|provinces?|regions?|areas?)\b"),
     r"\1 mana saja"),
    (re.compile(r"\bsince (?:the )?(?:last|previous) (?:survey )?(?:round|year|period|survey)\b"), "dibanding putaran sebelumnya"),
    # "Central Java", "North Sumatra": the province as Indonesians name it.
    (re.compile(r"\b(central|east|west|north|south|southeast) (java|sumatra|sumatera|sulawesi|kalimantan|papua|nusa tenggara)\b"),
     lambda m: f"{_ENGLISH_ISLANDS.get(m.group(2), m.group(2))} {_ENGLISH_DIRECTIONS[m.group(1)]}"),
    # Words that carry nothing once the question is in Indonesian words.
    (re.compile(r"\b(?:does|do|did|is|are|was|were|the|of|an|its|it|to|be|on|that|this|these|those|my|me|you|your"
                r"|our|we|they|their|has|have|had|one)\b"), ""),
]

# Every word any English frame above is written with (an optional last letter both ways): a message with none
# of them, as most are, skips the frames.
_ENGLISH_CUES = frozenset(
    form
    for pattern, _ in _ENGLISH_PHRASES
    for word in re.findall(r"[a-z]+\??", re.sub(r"\\[a-zA-Z]", " ", pattern.pattern))
    for form in ((word[:-1], word[:-2]) if word.endswith("?") else (word,))
)

# English word order put right once the words are Indonesian: "tinggi kategori" -> "kategori tinggi".
_INDONESIAN_ORDER = [(re.compile(r"\b(tinggi|sedang|rendah) kategori\b"), r"kategori \1")]

# Multi-word forms folded into one token.
PHRASES = (
    ("indeks harmoni indonesia", "ihai"),
    ("indeks harmoni", "ihai"),
    ("forum kerukunan umat beragama", "fkub"),
    ("forum pembauran kebangsaan", "fpk"),
    ("forum kewaspadaan dini masyarakat", "fkdm"),
    ("terima kasih", "terimakasih"),
    ("d i yogyakarta", "diy"),
    # Both kinds at once are kab/kota, not a name after "kota": "berapa kabupaten dan kota terukur".
    ("kabupaten dan kota", "kabkota"),
    ("kabupaten atau kota", "kabkota"),
    ("kota dan kabupaten", "kabkota"),
)
# One pass for all of them, the longest first where one begins another.
_PHRASE_TOKENS = dict(PHRASES)
_PHRASES = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _PHRASE_TOKENS), key=len, reverse=True)) + r")\b")

_KABKOTA = re.compile(r"\bkab(?:upaten)?\.?\s*/\s*kot(?:a)?\b")
# Chat reduplication: "dua2nya" -> "dua duanya", "kota2" -> "kota kota".
_REDUPLICATION = re.compile(r"\b([a-z]{2,})2(nya)?\b")
# A Kemendagri kab/kota code ("63.03") survives tokenisation whole; everything else splits on non-words.
_WORD = re.compile(r"\d{2}\.\d{2}(?!\d)|[^\W_]+")


def normalise(text: str) -> str:
    """Canonical form of a chat message: "Brp IHaI Kab./Kota Banjar?" -> "berapa ihai kabkota banjar"."""
    folded = _REDUPLICATION.sub(r"\1 \1\2", _KABKOTA.sub(" kabkota ", join_thousands(fold(text))))
    tokens = [SLANG.get(token, token) for token in _WORD.findall(folded)]
    joined = " ".join(tokens)
    if not _ENGLISH_CUES.isdisjoint(tokens):
        for pattern, token in _ENGLISH_PHRASES:
            joined = pattern.sub(token, joined)
        joined = " ".join(ENGLISH.get(token, token) for token in joined.split())
    elif not ENGLISH.keys().isdisjoint(tokens):
        joined = " ".join(ENGLISH.get(token, token) for token in tokens)
    for pattern, token in _INDONESIAN_ORDER:
        joined = pattern.sub(token, joined)
    joined = _PHRASES.sub(lambda found: _PHRASE_TOKENS[found.group(0)], joined)
    # Single letters carry nothing here (stray markup "<b>", "a.", initials) and would only confuse.
    return " ".join(token for token in joined.split() if len(token) > 1 or token.isdigit())
