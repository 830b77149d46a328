"""Ordinary Indonesian words: what a chat message is made of besides names.

A word of the language ("tinggal", "sedikit", "cuma", "respondennya") is never taken for a misspelt
region name: only words the language does not know are worth a fuzzy look-up. The vocabulary is
PySastrawi's list of about 30,000 root words; inflected forms count through Sastrawi's stemmer.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from core.informal import CHAT_WORDS

# Loanwords and chat words common in questions about the index, which the root list lacks.
EXTRA_WORDS = frozenset(
    """
    admin responden survei survey online daring link data info update ok oke sip mantap thanks please
    target rating ranking skor score index indeks ihai provinsi kabupaten kota forum dimensi variabel aspek
    persepsi partisipasi akseptabilitas harmoni harmonis moderasi toleransi kategori interval rekomendasi
    weakest lowest highest best worst compare versus average please help hello pak bu mas mbak kak bang
    min gan sis bro dear tim staf staff operator rapat meeting zoom grup group wa whatsapp telegram bot
    ikub kemenag kemendagri kesbangpol bakesbangpol bappeda polpum ditjen bps bpk ipm ikn iko fkub fpk fkdm
    rpjmd rpjmn renstra rkpd renja sakip iku dprd pemda pemkab pemkot pemprov asn ormas jdih perpres permendagri
    pbm uu pp tni polri pilkada pilkades pemilu hoaks sara likert kuesioner esurvei asta cita wellbeing apbd
    which where there their these those could would should about after before every other being doing while
    whose since round years improve explain between really right going first second third still rinci bener join
    """.split()
)
# "-wan" and "-wati" make a person of a root: wartawan, relawan, karyawati.
_SUFFIXES = ("nya", "kah", "lah", "pun", "ku", "mu", "wan", "wati")
# Jakarta-style chat affixes the stemmer does not know: "ngangkat" (angkat), "ngumpulin" (kumpul), "nyari"
# (cari), "ngecek" (cek), "duluan" (dulu), "naikin" (naik). A prefix "ng-" or "ny-" may stand for a dropped
# first consonant.
_CHAT_PREFIXES = (("nge", ""), ("ng", ""), ("ng", "k"), ("ny", "c"), ("ny", "s"))
_CHAT_SUFFIXES = ("in", "an")
# Bound forms written onto a word ("antarkampung", "pascakonflik", "nonmuslim", "multietnis"): with an ordinary
# word after them, an ordinary word. None of them begins a region's name this way.
_BOUND_PREFIXES = ("antar", "pasca", "pra", "non", "multi", "anti", "lintas", "tuna", "swa", "semi", "sub")
_MIN_BOUND_REST = 3
# A stem of at least four letters left by a chat affix: "Ngada", "Ngawi" and "Tapin" are names, not "ada",
# "awi" and "tap".
_MIN_CHAT_STEM = 4


@cache
def _roots() -> frozenset[str]:
    path = resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt")
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


@cache
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@cache
def is_common_word(token: str) -> bool:
    """Whether `token` (lower case, folded) is an ordinary word: a root, a root with affixes, or a chat word
    (a chat spelling, or a word with chat affixes)."""
    if not token.isalpha():
        return False
    return is_standard_word(token) or any(map(is_standard_word, _chat_stems(token)))


def is_standard_word(token: str) -> bool:
    """A root, a root with a particle or a possessive, a root with the stemmer's affixes, a loanword we know or
    a chat spelling ("gmn") - without chat affixes."""
    return token in CHAT_WORDS or _standard_word(token)


def _chat_stems(token: str) -> set[str]:
    """The forms `token` may be with its chat affixes taken off ("ngumpulin" -> "kumpul", "umpul", …)."""
    unsuffixed = {token} | {
        token.removesuffix(s) for s in _CHAT_SUFFIXES if token.endswith(s) and len(token) >= len(s) + _MIN_CHAT_STEM
    }
    stems = set(unsuffixed) - {token}
    for form in unsuffixed:
        for prefix, first in _CHAT_PREFIXES:
            if form.startswith(prefix) and len(form) >= len(prefix) + _MIN_CHAT_STEM:
                stems.add(first + form[len(prefix):])
    return stems


def _standard_word(token: str) -> bool:
    """A root, with a particle or a possessive, with the stemmer's affixes, a loanword we know, or one of these
    after a bound form."""
    roots = _roots()
    if token in roots or token in EXTRA_WORDS:
        return True
    bare = next((token.removesuffix(s) for s in _SUFFIXES if token.endswith(s) and len(token) > len(s) + 2), token)
    if bare in roots or bare in EXTRA_WORDS:
        return True
    if _stemmer().stem(token) in roots and len(token) > 3:
        return True
    return any(
        token.startswith(prefix) and len(token) - len(prefix) >= _MIN_BOUND_REST
        and _standard_word(token[len(prefix) :])
        for prefix in _BOUND_PREFIXES
    )  # fmt: skip


def is_ordinary_phrase(text: str) -> bool:
    """Every word of `text` is an ordinary word: "kota samudra biru" may be a description, not a name."""
    return all(map(is_common_word, text.split()))
