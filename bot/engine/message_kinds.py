"""What kind of message it is, read from its words: a position in the last list alone, a year alone, a
region's own figure ("dan kategorinya"), a region we do not know asked about."""

from __future__ import annotations

import re

from bot.engine import lexicon
from bot.engine.context import ChatContext
from bot.engine.intents import Intent, spec
from bot.engine.named_regions import KINDS, Level, points_at_place
from bot.engine.understand import Understanding
from core.constants import KABKOTA, PROVINSI
from core.vocabulary import is_ordinary_phrase

_BAND_NAMES = re.compile(r"\b(rendah|sedang|tinggi)\b")
_LIMIT_WORDS = re.compile(r"\b(?:batas\w*|ambang\w*|rentang\w*|kisaran\w*|range)\b")

# Words that pick among what was offered or take back what was said: "maksud saya yang kotamadya".
_PICKING = frozenset({"maksud", "maksudnya", "maksudku", "ralat", "eh"})
_SCALE_TOP = 10  # IHaI scores run from 1 to 10
_COUNTED = re.compile(r"\b\d+ (?:provinsi|kabupaten|kota|kabkota|daerah|wilayah)\b")  # "3 provinsi": a count
_BAND_ASKED = re.compile(r"\b(?:masuk|termasuk)\b|\b(?:rendah|sedang|tinggi) atau (?:rendah|sedang|tinggi)\b")
_FIGURE_WORDS = frozenset({"skor", "nilai", "ihai", "kategori", "peringkat", "indeks", "angka", "ci"})
_QUESTION_WORDS = frozenset({"berapa", "brp", "gimana", "bagaimana", "sih", "kak", "kalau", "kalo", "juga", "nya"})
_RANK_NOUN = re.compile(r"rank\w*|peringkat\w*|urutan\w*|posisi\w*")
_RANK_FRAME = frozenset({"di", "se", "dalam", "tingkat", "berapa", "brp", "ke"})
_FORUM_FRAME = frozenset({"dari", "untuk", "buat", "bagi", "dengan", "sama", "yang", "versi", "sisi"})
_TARGET_WORD = re.compile(r"\btarget\w*\b")
_PLANNED = re.compile(
    r"\b(?:tahunan\w*|per ?tahun\w*|tiap tahun|setiap tahun|\d thn|\d tahun|rpjmd\w*|renstra\w*|rkpd\w*)\b"
)
_OTHER_INDEX = re.compile(r"\b(?:ikub|ikn|iko|indeks (?:kerukunan|kewaspadaan|kinerja ormas|demokrasi))\b")
_THIS_INDEX = re.compile(r"\b(?:ihai|harmoni|indeks harmoni)\b")
_YEAR_WORDS = frozenset({"tahun", "thn", "th", "putaran", "periode", "nya", "gimana", "bagaimana", "berapa", "brp"})


def list_reference_only(u: Understanding) -> bool:
    """ "yg kelima?": a position in the last list, nothing else asked."""
    words = [w for w in u.residual.split() if w not in lexicon.FILLER and not lexicon.LIST_WORD.fullmatch(w)]
    return not words


def namesake_only(u: Understanding) -> bool:
    """ "kabupatennya?", "kalau kotanya", "yg kota?", "maksud saya yang kotamadya": the chat's region of
    another kind, nothing else asked."""
    kinds = [word for word in u.residual.split() if word.removesuffix("nya") in KINDS]
    rest = [w for w in u.residual.split() if w not in kinds and w not in lexicon.FILLER and w not in _PICKING
            and not lexicon.FOLLOWUP.fullmatch(w)]  # fmt: skip
    return bool(kinds) and not rest


def year_only(u: Understanding) -> bool:
    """ "yang 2024?", "kalau thn 2030": a year, nothing else asked."""
    words = [w for w in u.residual.split() if not w.isdigit() and w not in lexicon.FILLER
             and w not in _YEAR_WORDS and not lexicon.FOLLOWUP.fullmatch(w)]  # fmt: skip
    return not words and not u.regions


def earlier_year_of_this_round(u: Understanding, context: ChatContext) -> bool:
    """A year alone after figures of the latest round (no year named before): the change since that year."""
    return bool(context.intent and u.slots.years and year_only(u) and not context.slots.get("years"))


def own_figure(u: Understanding) -> bool:
    """ "dan kategorinya", "peringkat nasionalnya?", "yang kedua skornya": a figure of the region pointed at."""
    if not lexicon.OWN_FIGURE.search(u.residual):
        return False
    words = lexicon.OWN_FIGURE.sub(" ", u.residual).split()
    return all(word in lexicon.FILLER or word in _QUESTION_WORDS or word in _FIGURE_WORDS or lexicon.FOLLOWUP.fullmatch(word)
               or lexicon.LIST_WORD.fullmatch(word) for word in words)  # fmt: skip


def named_values(u: Understanding) -> bool:
    """ "dimensi sosialnya brp, sm V3 nya", "nilai v5 dan v6": the values of parts it names, not which part
    is weakest."""
    slots = u.slots
    named = slots.dimensions or slots.variables or slots.aspects
    weakness = lexicon.ASKS_WEAKNESS.search(u.query) or lexicon.BOTTOM.search(u.query)
    return bool(named) and bool(lexicon.ASKS_VALUE.search(u.query)) and not weakness


def band_limits_asked(u: Understanding) -> bool:
    """ "batas angka harmoni rendah sedang tinggi brp aja": where the bands begin and end, with no region."""
    bands = set(_BAND_NAMES.findall(u.query))
    return not u.regions and len(bands) >= 2 and bool(_LIMIT_WORDS.search(u.query))


def unmeasured_what_to_do(u: Understanding) -> bool:
    """ "kabupaten kami belum pernah dapat hasil IHaI, apa yang sebaiknya kami lakukan?", "trus kami harus gmn
    kalau blm terukur": what a region without results should do."""
    return bool(lexicon.NOT_MEASURED.search(u.query) and lexicon.WHAT_TO_DO.search(u.query))


def headline_asked(u: Understanding) -> bool:
    """ "butuh angka IHaI sama kategorinya", "gimana kondisi kerukunan di Kota Ambon" of a kab/kota named: its
    own score, category or state asked in words, not a list of regions."""
    levels = set(u.levels)
    if levels != {KABKOTA} or u.slots.order is not None or lexicon.RANKING_SUBJECT.search(u.query):
        return False
    return bool(lexicon.FIGURE_ASKED.search(u.query) or lexicon.CONDITION_ASKED.search(u.query))


def score_in_band(u: Understanding) -> bool:
    """ "skor pas 8,00 itu masuk sedang atau tinggi?", "nilai 7,5 termasuk kategori apa": a score on the scale
    asked of a band, not a region's figure or a list of regions."""
    if u.slots.ranking_subject or _COUNTED.search(u.residual) or not _BAND_ASKED.search(u.residual):
        return False
    return any(token.isdigit() and int(token) <= _SCALE_TOP for token in u.residual.split())


def unknown_region_asked(u: Understanding) -> bool:
    """A name we do not know, typed as a region ("kab. sukamakmur jaya") or close to one, with nothing known
    named beside it: the question is about that region, whatever else it asks."""
    if not u.scan.unknown or u.intent in (Intent.SAPAAN, Intent.BANTUAN):
        return False
    if u.regions:
        return unknown_beside_province(u)
    # Otherwise an unknown word is a region only when the message more likely asks about a region than not:
    # "skor persib semalam brp?" is football, "anggota FKUB kabupaten maksimal brp orang" a rule.
    named = any(unknown.qualified and not is_ordinary_phrase(unknown.surface) for unknown in u.scan.unknown)
    regional = sum(probability for intent, probability in u.scores if spec(intent).needs_region)
    return named or regional >= 0.5


def unknown_beside_province(u: Understanding) -> bool:
    """A kab/kota name we do not know beside the province it is said to be in ("kota Bukitharapan di Jabar"):
    the question is about that kab/kota, not the province."""
    return bool(u.scan.unknown and u.regions) and set(u.levels) == {PROVINSI} and any(
        unknown.qualified for unknown in u.scan.unknown
    )


def first_regional(u: Understanding) -> Intent:
    return next((intent for intent, _ in u.scores if spec(intent).needs_region), Intent.PROFIL)


def rank_in_its_province(u: Understanding, context: ChatContext, level: Level) -> tuple[str, ...]:
    """ "rank di jatim?", "peringkat se-jabar?" right after Kota Mojokerto: that kab/kota's rank in the province
    named, which its profile shows; () when the message asks anything else or the chat is not on one of its
    kab/kota."""
    if len(u.regions) != 1 or level(u.regions[0]) != PROVINSI or not context.regions:
        return ()
    words = [w for w in u.residual.split() if w not in lexicon.FILLER and not lexicon.FOLLOWUP.fullmatch(w)]
    if not any(map(_RANK_NOUN.fullmatch, words)) or not all(_RANK_NOUN.fullmatch(w) or w in _RANK_FRAME for w in words):
        return ()
    talked = context.regions[0]
    return (talked,) if level(talked) == KABKOTA and talked.split(".")[0] == u.regions[0] else ()


def points_at_first(u: Understanding, context: ChatContext) -> bool:
    """After a list, the region it points at is its first: the one region listed, or, where no count was
    asked ("kab/kota terendahnya?"), the one the list answers when the message points at a place ("dimensi
    apa yg jeblok di sana", "FKDM di daerah itu ngapain")."""
    if len(context.listed) == 1:
        return True
    return context.slots.get("n") is None and points_at_place(u)



def forum_only(u: Understanding) -> bool:
    """ "kalau dari FPK?", "FKDM gimana": a forum, nothing else asked."""
    words = [w for w in u.residual.split() if w not in lexicon.FILLER and w not in _QUESTION_WORDS
             and not lexicon.FOLLOWUP.fullmatch(w) and w not in _FORUM_FRAME]  # fmt: skip
    return bool(u.slots.forums) and all(lexicon.FORUM_MENTION.fullmatch(w) for w in words)


def highest_of_named(u: Understanding) -> bool:
    """ "Samarinda, Balikpapan, Bontang - mana tertinggi?": which of the regions it names is highest or lowest,
    a comparison of them, not a ranking of every kab/kota."""
    if len(u.regions) < 2 or u.slots.ranking_subject or u.slots.n is not None:
        return False
    if lexicon.WHICH_PART_LOWEST.search(u.query):
        return False  # "Sleman dan Bantul, dimensi mana yang paling rendah": each one's weakest part
    superlative = lexicon.TOP.search(u.query) or lexicon.BOTTOM.search(u.query)
    return bool(superlative and re.search(r"\b(?:mana|siapa|which)\b", u.query))


def target_for_region(u: Understanding, context: ChatContext) -> bool:
    """ "oke, trus target tahunan utk renstra 5 thn ke depan sebaiknya gmn" after a region's figures: that
    region's target path, not how targets are set in general ("cara menetapkan target")."""
    if u.regions or not context.regions or re.search(r"\bcara\b", u.query):
        return False
    return bool(_TARGET_WORD.search(u.query) and _PLANNED.search(u.query))


def other_index_only(u: Understanding) -> bool:
    """ "tren nilai IKUB nasional", "IKN Kab. Bogor berapa": another index, whose figures the results do not
    hold; the guidance on it answers, not IHaI figures."""
    return bool(_OTHER_INDEX.search(u.query)) and not _THIS_INDEX.search(u.query)


def which_part_lowest(u: Understanding) -> bool:
    """Which part of one region is lowest, not which regions are ("kab/kota mana yang dimensi sosialnya terendah")."""
    return bool(lexicon.WHICH_PART_LOWEST.search(u.query)) and (bool(u.regions) or not u.slots.ranking_subject)


def asks_composition(u: Understanding) -> bool:
    """ "variabel di dimensi keberagamaan apa saja"; not "provinsi dengan dimensi ekonomi terendah apa saja"."""
    asked = lexicon.ASKS_COMPOSITION.search(u.query) and lexicon.PARTS_WORDS.search(u.query)
    return bool(asked) and not lexicon.RANKING_SUBJECT.search(u.query)


def asks_about_the_survey(u: Understanding) -> bool:
    """When the survey runs or how it takes respondents: "jadwal e-survey", "e-survey itu sampel acak?"."""
    asked = lexicon.SURVEY_SCHEDULE.search(u.query) or lexicon.SURVEY_SAMPLING.search(u.query)
    return bool(asked and lexicon.SURVEY_NAMED.search(u.query))


def measured_count(u: Understanding) -> bool:
    """How many of a province's (or the nation's) kab/kota are measured, or its score with how many reached the
    target: its summary shows both. Which kab/kota, or whether they suffice, is coverage."""
    query = u.question or u.query
    if KABKOTA in u.levels or not lexicon.KABKOTA_COUNT.search(query) or lexicon.ASKS_ADEQUACY.search(query):
        return False
    if re.search(r"\b(?:mana|apa saja|siapa)\b", query):
        return False
    if lexicon.figure_besides_respondents(query):
        return True
    return bool(lexicon.MEASURED.search(query) and not lexicon.ASKS_TARGET.search(query))


def lowest_of_named_parts(u: Understanding) -> bool:
    """Which of several parts it names is lowest, of one region: its weakest part, not a list of regions."""
    slots = u.slots
    named = len(slots.dimensions) + len(slots.variables) + len(slots.aspects)
    asks_which = re.search(r"\b(?:mana|apa|yang)\b", u.query) and not slots.ranking_subject
    return named >= 2 and bool(asks_which) and bool(lexicon.BOTTOM.search(u.query))
