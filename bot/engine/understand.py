"""From a chat message to an `Understanding`: its normalised form, the regions it names, its slots, its
masked text and the classifier's intent scores. Nothing here chooses the intent (see `decide.py`).

The text is normalised once; regions are found in that form (`resolve.py`), question words spelt right
in what is left (`slots.py`), and the classifier reads the result with every name replaced by a mask
token ("berapa ihai qkabkota", "saran qforum untuk qdimensi di qkabkota").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.engine import lexicon
from bot.engine.classifier import IntentClassifier
from bot.engine.context import ChatContext
from bot.engine.intents import Intent
from bot.engine.mentions import Scan
from bot.engine.normalise import normalise
from bot.engine.payloads import Payload, parse_payload
from bot.engine.resolve import Resolver
from bot.engine.slots import MASKS, SlotReader, Slots
from core.constants import KABKOTA, NASIONAL, NATIONAL_CODE
from core.gazetteer import Gazetteer
from core.vocabulary import is_common_word

# Words that make a message about regions, so that names which are also everyday words ("batu",
# "padang") and near-misses ("banjarmsin") count as regions.
_REGION_CONTEXT = lexicon.pattern(
    ("ihai", "skor*", "nilai*", "indeks", "profil*", "capaian", "kategori*", "harmoni*", "dimensi*", "variabel*",
     "aspek", "responden*", "cakupan", "target", "peringkat*", "urutan", "bandingkan", "banding*", "versus",
     "saran*", "rekomendasi*", "terlemah*", "terendah*", "tertinggi*", "berapa", "bagaimana", "kondisi",
     "kabupaten", "kota", "provinsi", "daerah", "wilayah", "kabkota", "fkub", "fpk", "fkdm", "forum", "kalau",
     "di")
)  # fmt: skip


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=:)\s+")
# A full stop that ends an abbreviation ("Kab. Kutai Barat", "No. 9") ends no sentence.
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:kab|kec|kel|prov|kot|no|nomor|dr|drs|ir|bpk|jl|yth|tgl|dll|dsb|dst)\.$", re.I
)
_CORRECTING = re.compile(r"\s*(?:eh|ralat|koreksi|maksud (?:saya|sy|kami|aku)|maaf maksud)\b", re.I)
# A sentence that asks nothing: greetings and thanks around the question.
_NO_QUESTION = frozenset({Intent.SAPAAN})
# A polite closing asks for help with what came before it: "… tanya nilai IHaI Sleman. Kira-kira bisa dibantu?"
_POLITE_CLOSING = re.compile(
    r"^(?:\w+ ){0,3}(?:bisa|dapat|boleh|mohon|minta|tolong)\s+(?:di)?(?:bantu|tolong)\w*"
    r"(?: (?:ya|yah|kah|tidak|dong|deh|nih|sih|min|admin|pak|bu|bapak|ibu|kak|mas|mbak|gan|nggih|sekali))*$"
)
# Words that ask something: a message with one of them besides its region names asks more than "Tapin?".
_QUESTION_WORD = re.compile(r"(berapa|bagaimana|apa|siapa|mengapa|kapan|mana|gimana|brp|\w+nya)")


@dataclass(frozen=True)
class Understanding:
    text: str  # as typed (clipped)
    query: str  # normalised, a forum the asker introduces themself by read as a plain word (see `affiliation`)
    scan: Scan
    regions: tuple[str, ...]  # resolved region codes, in order
    levels: tuple[str, ...]  # level of every region mention, an ambiguous one included
    residual: str  # the words besides the region names, spelt right
    slots: Slots
    masked: str  # what the classifier read
    scores: tuple[tuple[Intent, float], ...] = ()
    payload: Payload | None = None
    extra: tuple[str, ...] = field(default=())  # regions given from outside the text (a tapped choice)
    question_start: int = 0  # token index where the message's last sentence (its question) begins
    question: str = ""  # that sentence, normalised; "" for a message of one sentence
    question_scores: tuple[tuple[Intent, float], ...] = ()  # the classifier on the last sentence alone
    said: str = ""  # normalised with every forum named, for the guidance search ("kami pengurus FKUB, tugas kami?")
    affiliation: tuple[str, ...] = ()  # forums the asker belongs to ("saya pengurus FKUB …"), not asked about

    @property
    def intent(self) -> Intent | None:
        return self.scores[0][0] if self.scores else None

    @property
    def confidence(self) -> float:
        return self.scores[0][1] if self.scores else 0.0

    # The message is region names and filler only: "Tapin", "kalau kab banjar gimana?", "kab jayawijaya
    # (wamena)" — a word that is neither a question word nor an ordinary word is a local name there.
    only_regions: bool = False


class Understander:
    def __init__(
        self, slots: SlotReader, resolver: Resolver, gazetteer: Gazetteer, classifier: IntentClassifier | None
    ) -> None:
        """`classifier` None: slots and masking only, as the training build needs them."""
        self.slots = slots
        self.resolver = resolver
        self.gazetteer = gazetteer
        self.classifier = classifier

    def understand(
        self,
        text: str,
        context: ChatContext,
        overrides: dict[str, str] | None = None,
        extra: tuple[str, ...] = (),
    ) -> Understanding:
        payload = parse_payload(text)
        said = normalise(text) if payload is None else ""
        query, affiliation = without_affiliation(said)
        hints = {code.split(".")[0] for code in context.regions} | set(context.focus)
        scan = self.resolver.scan(
            query, expects_region=bool(extra) or _expects_region(query), overrides=overrides, hint_provinces=hints
        )
        query = self._corrected(query, scan)
        said = self._corrected(said, scan)
        regions = tuple(dict.fromkeys(scan.codes + extra))
        levels = tuple(self.level(m.codes[0]) for m in scan.mentions) + tuple(map(self.level, extra))
        residual = self.slots.correct(scan.residual)
        masked = self.masked(query, scan, residual)
        scores = tuple(self.classifier.scores(masked)) if self.classifier is not None and query else ()
        question_start, question, question_scores = self._question(text) if payload is None else (0, "", ())
        return Understanding(
            text=text, query=query, said=said, affiliation=affiliation, scan=scan, regions=regions, levels=levels,
            residual=residual,
            slots=self.slots.read(residual), masked=masked, scores=scores, payload=payload, extra=extra,
            question_start=question_start, question=question, question_scores=question_scores,
            only_regions=bool(scan.mentions) and self._nothing_asked(residual),
        )  # fmt: skip

    def _question(self, text: str) -> tuple[int, str, tuple[tuple[Intent, float], ...]]:
        """Where a long message (a greeting, context, then the question) asks, and the classifier's reading of
        that sentence alone: its last sentence that is more than a greeting or thanks ("… Berapa IHaI Kota
        Batam? Terima kasih.")."""
        parts, sentences = _sentences(text)
        if len(sentences) < 2:
            return 0, "", ()
        # "… variabel apa yang paling kecil? Supaya program kami tepat sasaran.": the sentence with the
        # question mark asks, not the purpose after it.
        marked = [
            index for index, part in enumerate(parts)
            if part.rstrip().endswith("?") and not _POLITE_CLOSING.match(sentences[index])
        ]  # fmt: skip
        if marked:
            last = marked[-1]
            if not last:
                return 0, "", ()
            return _start(sentences, last), sentences[last], self._sentence_scores(sentences[last])
        for last in range(len(sentences) - 1, 0, -1):
            if _POLITE_CLOSING.match(sentences[last]):
                continue
            scores = self._sentence_scores(sentences[last])
            if not scores or scores[0][0] not in _NO_QUESTION:
                return _start(sentences, last), sentences[last], scores
        return 0, "", ()

    def _sentence_scores(self, sentence: str) -> tuple[tuple[Intent, float], ...]:
        if self.classifier is None:
            return ()
        sentence = without_affiliation(sentence)[0]
        scan = self.resolver.scan(sentence, expects_region=_expects_region(sentence))
        return tuple(self.classifier.scores(self.masked(sentence, scan, self.slots.correct(scan.residual))))

    def _corrected(self, query: str, scan: Scan) -> str:
        """The query with its question words spelt right ("diitung" -> "dihitung"), so that the rules read what
        the classifier reads; region names stay as typed (a slip of "bandung" is no "banding")."""
        tokens = query.split()
        named = {i for found in (*scan.mentions, *scan.unknown) for i in range(found.start, found.end)}
        return " ".join(token if i in named else self.slots.correct(token) for i, token in enumerate(tokens))

    def _nothing_asked(self, residual: str) -> bool:
        words = [w for w in residual.split() if w not in lexicon.FILLER and not lexicon.FOLLOWUP.fullmatch(w)]
        return all(
            not is_common_word(w) and not self.slots.is_known_word(w) and not _is_question_word(w) for w in words
        )

    def masked(self, query: str, scan: Scan, residual: str) -> str:
        """The message with each region mention replaced by its level's mask, and the slots masked."""
        tokens = query.split()
        spans = [(m.start, m.end, self.level(m.codes[0]) if m.resolved else "kabkota") for m in scan.mentions]
        # A name the gazetteer does not know is still a region to the question ("ihai kota sukamaju").
        # A name typed as one ("kota sukamaju") is a region to the question; a stray unknown word ("harga emas
        # antam") stays a word, so that it does not turn an unrelated question into a regional one.
        spans += [(unknown.start, unknown.end, "region") for unknown in scan.unknown if unknown.qualified]
        for start, end, level in sorted(spans, reverse=True):
            tokens[start:end] = [MASKS.get(level, MASKS["region"])]
        # Question words spelt right, as the slots read them; region masks are not words to correct.
        return self.slots.mask(self.slots.correct(" ".join(tokens)))

    def namesakes(self, code: str, kind: str) -> tuple[str, ...]:
        """The region of `kind` ("kota", "kabupaten", "provinsi") sharing `code`'s name: Kota Bima for 52.06."""
        region = self.gazetteer.get(code)
        if region is None or region.kind == kind:
            return ()
        return tuple(r.code for r in self.gazetteer.lookup(region.short_name) if r.kind == kind)[:1]

    def level(self, code: str) -> str:
        if code == NATIONAL_CODE:
            return NASIONAL
        region = self.gazetteer.get(code)
        return region.level if region is not None else KABKOTA


def without_affiliation(query: str) -> tuple[str, tuple[str, ...]]:
    """The query with a forum the asker introduces themself by ("saya pengurus FKUB Kab. Bone, skor kami
    berapa?") read as a plain word, and those forums: who asks is no forum asked about, so that neither the
    rules nor the classifier take a figure question for the forum's work. A forum named again in the
    question ("… kegiatan apa yang cocok untuk FKUB?") is still named there."""
    forums: list[str] = []

    def plain(match: re.Match[str]) -> str:
        group = next(index for index in range(1, len(match.groups()) + 1) if match.group(index))
        forums.extend(lexicon.FORUM_WORDS[word] for word in match.group(group).split() if word in lexicon.FORUM_WORDS)
        start, end = match.span(group)
        return match.group(0)[: start - match.start()] + lexicon.AFFILIATED + match.group(0)[end - match.start() :]

    return lexicon.AFFILIATION.sub(plain, query), tuple(dict.fromkeys(forums))


def _start(sentences: list[str], index: int) -> int:
    """The token index where sentence `index` begins."""
    return sum(len(sentence.split()) for sentence in sentences[:index])


def _sentences(text: str) -> tuple[list[str], list[str]]:
    """The message's sentences as typed (with their punctuation) and normalised; empty ones dropped."""
    parts: list[str] = []
    for part in _SENTENCE_END.split(text):
        # "Kab. Poso... eh maksud sy Kab. Mimika": an abbreviation's dot or a correction goes on the sentence.
        if parts and (_ABBREVIATION.search(parts[-1]) or _CORRECTING.match(part)):
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    kept = [(part, sentence) for part in parts if (sentence := normalise(part))]
    return [part for part, _ in kept], [sentence for _, sentence in kept]


def _is_question_word(word: str) -> bool:
    return bool(_QUESTION_WORD.fullmatch(word))


def _expects_region(query: str) -> bool:
    """Whether a message is about regions at all; a one- or two-word message counts (most likely a name)."""
    return len(query.split()) <= 2 or bool(_REGION_CONTEXT.search(query))
