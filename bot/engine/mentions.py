"""Region mentions in a message: what a scan finds (names, names we do not know, the rest of the message) and
the rules that settle what was found - a correction takes back earlier names, an everyday word that is also a
name gives way to a real one, a province right after a shared name narrows it ("banjar kalsel").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.engine.lexicon import AFFILIATED
from core.gazetteer import KABKOTA, PROVINSI, Gazetteer

# Region names that are also everyday words ("batu" = stone, "padang" = field, "buru" = hurry): taken
# as a region only with a qualifier ("kota batu") or when the message asks about regions at all.
COMMON_WORD_NAMES = frozenset({"batu", "padang", "batang", "buru", "landak", "kuningan", "metro", "bone", "sabang"})
# Words that take back what came before: "maaf, maksud saya …", "ralat", "eh salah, …".
# After a correction, or after the words that say what is asked ("… anak saya kuliah di Malang. Yg saya
# tanyakan Sumenep"), only the regions named from there on are meant.
_CORRECTION = re.compile(
    r"\b(?:maksud (?:saya|kami|aku)|ralat|salah ketik|eh salah|maaf salah|bukan itu|koreksi"
    r"|(?:yang|yg) (?:(?:saya|sy|kami|mau|ingin) )*(?:tanyakan|tanya|ditanyakan|maksud)|pertanyaan (?:saya|kami))\b"
)
_DENIAL = frozenset({"bukan", "selain", "kecuali", "tanpa"})
# Words allowed between a name and the province that narrows it: "banjar di kalsel", "banjar, kalsel".
_BETWEEN = frozenset({"di", "provinsi", "prov", "yang", "yg", "se"})


@dataclass(frozen=True)
class Mention:
    """A region named in the message: one code when resolved, several when the name is shared."""

    surface: str
    codes: tuple[str, ...]
    start: int
    end: int
    fuzzy: bool = False
    score: float = 100.0  # rapidfuzz ratio of a near-miss; 100 for an exact name

    @property
    def resolved(self) -> bool:
        return len(self.codes) == 1


@dataclass(frozen=True)
class Unknown:
    """Words that look like a region name the gazetteer does not have, with the closest names."""

    surface: str
    suggestions: tuple[str, ...]
    start: int = 0
    end: int = 0
    qualified: bool = False  # typed after "kabupaten"/"kota": meant as a name for certain


@dataclass(frozen=True)
class Scan:
    mentions: tuple[Mention, ...]
    unknown: tuple[Unknown, ...]
    residual: str  # the message without the region names, for the intent rules

    @property
    def ambiguous(self) -> tuple[Mention, ...]:
        return tuple(mention for mention in self.mentions if not mention.resolved)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(mention.codes[0] for mention in self.mentions if mention.resolved))


def settled(mentions: list[Mention], tokens: list[str]) -> tuple[list[Mention], list[int]]:
    """The regions a message means, of those it names: after a correction ("… maaf, maksud kami Kabupaten
    Bangka") only the later ones; beside a real region name, no everyday word that is also a name ("batu
    loncatan", "metro mini"). Returns the kept mentions and the words of the dropped ones, which go back to
    the question and are not looked at again as names."""
    keep = list(mentions)
    corrections = [match.start() for match in _CORRECTION.finditer(" ".join(tokens))]
    if corrections:
        at = len(" ".join(tokens)[: corrections[-1]].split())
        if any(mention.start >= at for mention in keep):
            keep = [mention for mention in keep if mention.start >= at]
    if any(mention.surface not in COMMON_WORD_NAMES for mention in keep):
        keep = [mention for mention in keep if mention.surface not in COMMON_WORD_NAMES]
    # "Skor Bangka berapa? Kabupatennya, bukan Provinsi Babel": a region said not to be meant.
    denied = [m for m in keep if m.start and tokens[m.start - 1] in _DENIAL]
    denied += [m for m in keep if any(m.start == d.end for d in denied)]  # "bukan kota banjar jabar": its province too
    if denied and len(denied) < len(keep):
        keep = [mention for mention in keep if mention not in denied]
    # "Skor NTT berapa? Kami dari FKUB Kupang": a shared name placing the asker's forum is no question
    # which Kupang when another region is asked about.
    placing_asker = [m for m in keep if not m.resolved and m.start and tokens[m.start - 1] == AFFILIATED]
    if placing_asker and len(placing_asker) < len(keep):
        keep = [mention for mention in keep if mention not in placing_asker]
    return keep, [i for mention in mentions if mention not in keep for i in range(mention.start, mention.end)]


def narrow_by_adjacent_province(mentions: list[Mention], tokens: list[str], gazetteer: Gazetteer) -> list[Mention]:
    """ "banjar kalsel", "kota banjar, jawa barat": a province right after a kab/kota name qualifies it.

    The province is then part of the name, not a second region (which would turn the question into a
    comparison). A name none of whose candidates lie in that province keeps both mentions.
    """
    result: list[Mention] = []
    skip: set[int] = set()
    for position, mention in enumerate(mentions):
        if position in skip:
            continue
        following = mentions[position + 1] if position + 1 < len(mentions) else None
        province = _province_of(following, gazetteer) if following else None
        gap = tokens[mention.end : following.start] if following else []
        # "banjar yg di kalsel", "kota banjar, jawa barat"
        if following and province and len(gap) <= 2 and all(word in _BETWEEN for word in gap):
            inside = tuple(code for code in mention.codes if _is_kabkota_in(code, province, gazetteer))
            if inside:
                result.append(replace(mention, codes=inside, end=following.end))
                skip.add(position + 1)
                continue
        result.append(mention)
    return result


def _province_of(mention: Mention, gazetteer: Gazetteer) -> str | None:
    """The province a mention names; "bengkulu" after "kaur" is the province, not Kota Bengkulu."""
    regions = [gazetteer.get(code) for code in mention.codes]
    return next((region.code for region in regions if region is not None and region.level == PROVINSI), None)


def _is_kabkota_in(code: str, province: str, gazetteer: Gazetteer) -> bool:
    region = gazetteer.get(code)
    return region is not None and region.level == KABKOTA and region.province_code == province
