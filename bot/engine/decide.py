"""The one place an intent is chosen: an `Understanding` and the chat's context in, a `Decision` out.

Rules only where the answer must be exact (tapped buttons and replies to a question back are taken care
of by `dialogue.py` before this), then the classifier's reading, refined by the slots:
several regions asked for figures are compared, a province's profile is its summary, a ranking that
names one kab/kota is that kab/kota's profile, an elliptical follow-up repeats the last question, and a
position in the last list ("yang paling bawah") is that list's region. When the classifier is unsure,
the likeliest readings are offered as buttons instead of a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.engine import lexicon
from bot.engine.context import ChatContext
from bot.engine.data import scope_regions
from bot.engine.intents import Intent, spec
from bot.engine.message_kinds import (
    band_limits_asked,
    earlier_year_of_this_round,
    first_regional,
    forum_only,
    headline_asked,
    highest_of_named,
    list_reference_only,
    named_values,
    namesake_only,
    other_index_only,
    own_figure,
    points_at_first,
    rank_in_its_province,
    score_in_band,
    target_for_region,
    unknown_beside_province,
    unknown_region_asked,
    unmeasured_what_to_do,
    year_only,
)
from bot.engine.named_regions import (
    Level,
    asks_about_the_askers_forum,
    by_level,
    focused,
    its_region,
    placing_provinces,
    ranking_scope,
    regions_from_context,
    sibling,
    without_enclosing_provinces,
)
from bot.engine.refine import one_region_ranked, refine, unasked
from bot.engine.slots import Slots
from bot.engine.understand import Understander, Understanding
from core.constants import KABKOTA, NATIONAL_CODE, PROVINSI

MAX_REGIONS = 5
# Below this probability of its best reading, the classifier's guess is offered, not answered.
CONFIDENT = 0.45
# ... unless the best reading leads the second by this much.
CLEAR_LEAD = 0.25
READINGS = 3
# Intents a message needs no region for; everything else about regions falls back to the chat's.
_GENERAL = frozenset({Intent.SAPAAN, Intent.BANTUAN, Intent.METODOLOGI, Intent.DI_LUAR_CAKUPAN})
# Answers that are themselves lists: "urutan 4 terbawah" asks a new list, it does not point into the last.
_LISTS = frozenset({Intent.PERINGKAT, Intent.KATEGORI})
_LIST_VALUES = frozenset(intent.value for intent in _LISTS)
_ADVICE = frozenset({Intent.SARAN.value, Intent.FORUM_COCOK.value})


@dataclass(frozen=True)
class Decision:
    intent: Intent
    regions: tuple[str, ...] = ()
    slots: Slots = field(default_factory=Slots)
    query: str = ""  # the normalised question, for the guidance search
    forums: tuple[str, ...] = ()
    scope: str = ""  # peringkat/kategori: a province code, "" nationally, "provinsi" for provinces
    choices: tuple[str, ...] = ()  # pilih_wilayah: candidate codes; tidak_dikenal: suggestions
    surface: str = ""  # the ambiguous or unknown name as typed (normalised)
    pending_text: str = ""  # the question to finish once the user picks a region
    asked: Intent | None = None  # pilih_wilayah: what waits for a region
    readings: tuple[Intent, ...] = ()  # pilih_maksud: the likeliest readings
    doc: str = ""  # sumber/dokumen: the guidance document
    confidence: float = 1.0


# The answers a message's readings lead to, likeliest first, with their summed probabilities.
Answers = list[tuple[Intent, float]]


def decide(u: Understanding, context: ChatContext, world: Understander) -> Decision:
    """The intent of a message (not a button) in the light of the conversation; `world` knows the regions."""
    level = world.level
    if not u.query and not u.extra:
        return Decision(Intent.BANTUAN)
    answers = _answers(u, context, level)  # once per message: each reading refined is the costly part
    intent = _best(u, answers, context, level)
    if u.only_regions:
        intent = _followed(u, context, level)  # a region alone is a follow-up whatever the classifier leans to
    elif context.regions and namesake_only(u):
        intent = _followed(u, context, level)  # "kabupatennya?" after Kota Malang: the same, for the kabupaten
    elif u.slots.list_position is not None and context.listed and list_reference_only(u):
        intent = _followed(u, context, level)  # "yg kelima?"
    elif u.slots.years and context.intent and year_only(u):
        intent = _followed(u, context, level)  # "yang 2024?", "kalau 2030?": the last question, for that year
    elif context.intent in _ADVICE and forum_only(u):
        intent = Intent(context.intent)  # "kalau dari FPK?" after advice for FKUB: the same advice, for FPK
    elif own_figure(u):
        # "dan kategorinya", "peringkat nasionalnya?": that figure of the region talked about ("nasional"
        # qualifies the rank, not the region); with none talked about, the question back asks which.
        intent, u = Intent.PROFIL, replace(u, slots=replace(u.slots, nation=False))
    elif unknown_region_asked(u):
        intent = first_regional(u)  # "kota cendrawasih berapa?": a region we do not know, whatever else is asked
    elif u.slots.forums and u.slots.asks_mandate and not u.regions:
        intent = Intent.METODOLOGI  # "tugas FKDM", "anggota FKUB ada berapa": what the forum is and does
    elif u.slots.forums and u.slots.asks_mandate and asks_about_the_askers_forum(u):
        # "saya sekretaris FKUB Kab. Kolaka. Apa saja tugas FKUB?": the place only says where the asker is.
        intent, u = Intent.METODOLOGI, replace(u, regions=())
    elif other_index_only(u) and intent not in _GENERAL:
        intent = Intent.METODOLOGI  # "tren nilai IKUB nasional": what the guidance says of that index
    elif target_for_region(u, context):
        intent = Intent.TARGET  # "trus target tahunannya gmn dr angka tadi": the chat's region's target path
    elif highest_of_named(u) and not u.slots.forums:
        intent = Intent.BANDINGKAN  # "Kalbar, Kalteng, Kaltim: mana paling tinggi": the named regions side by side
    elif unmeasured_what_to_do(u):
        intent, u = Intent.METODOLOGI, replace(u, regions=())  # the guidance for regions without results
    elif (alone := _asked_alone(u, answers, context, level)) is not None:
        # A greeting and a paragraph of context, then the question: read the question alone.
        intent = alone[0][0]
    elif not _sure(u, answers):
        if (asked := _asked_in_words(u, answers)) is None:
            return _readings(u)
        intent = asked  # unsure, but the message names what it asks: "mohon info jumlah responden …"
    intent = refine(intent, u, context)
    if intent in (Intent.PROFIL, Intent.PROVINSI) and earlier_year_of_this_round(u, context):
        intent = Intent.TREN  # "kalau 2024 berapa?" after this round's figures: how it moved since
    u = focused(replace(u, slots=_carried(u, intent, context)), intent, world)
    slots = u.slots
    if intent in _GENERAL:
        return Decision(intent, u.regions, slots, query=u.said, confidence=u.confidence)
    if u.scan.ambiguous and (asked := _ambiguous(u, intent, level)) is not None:
        return asked
    regions = tuple(dict.fromkeys(_with_list_reference(u, intent, context) + _province_readings(u, intent, level)))
    regions = its_region(sibling(u, regions, context, world), u, context, level)
    unplaced = not regions or unknown_beside_province(u)
    # A name typed as a kab/kota is asked about whatever the reading: "Kabupaten Tanjung Langit di provinsi mana".
    named = any(unknown.qualified for unknown in u.scan.unknown)
    regional = spec(intent).needs_region or intent in (Intent.FORUM_COCOK, Intent.TREN)
    if unplaced and u.scan.unknown and (regional or named):
        unknown = u.scan.unknown[0]
        return Decision(Intent.TIDAK_DIKENAL, slots=slots, choices=unknown.suggestions, surface=unknown.surface,
                        pending_text=u.text, query=u.said, asked=intent)  # fmt: skip
    # A band named (not of a list: "kab/kota kategori tinggi") or a score asked of one, with no region in sight.
    band_itself = score_in_band(u) or (slots.category and intent != Intent.KATEGORI)
    defining_band = band_itself and not (slots.asks_gap or slots.nation or regions or context.regions)
    if intent in (Intent.PROFIL, Intent.SELISIH_KATEGORI, Intent.KATEGORI) and defining_band:
        intent = Intent.METODOLOGI  # "harmoni tinggi minimal skornya berapa": the band itself, no region in sight
    lists_regions = slots.ranking_subject and not lexicon.WHICH_PART_LOWEST.search(u.query)
    if intent == Intent.TERLEMAH and lists_regions and not any(level(c) == KABKOTA for c in regions):
        intent = Intent.PERINGKAT  # "kab/kota mana di Sumut yang dimensi itu paling rendah": a ranking
    if intent in (Intent.PERINGKAT, Intent.KATEGORI):
        if intent == Intent.PERINGKAT and one_region_ranked(u, regions, level):
            return _decided(Intent.PROFIL, regions, u, context, level)
        if intent == Intent.PERINGKAT and (talked := rank_in_its_province(u, context, level)):
            return _decided(Intent.PROFIL, talked, u, context, level)
        if intent == Intent.KATEGORI and slots.category is None and slots.bare_category is not None:
            slots = replace(slots, category=slots.bare_category)  # "yg rendah di Banten ada gak?"
        if intent == Intent.KATEGORI and slots.category is None:
            intent = Intent.PERINGKAT
        scope = ranking_scope(u, regions, context, level)
        return Decision(intent, scope_regions(scope), slots, query=u.said, scope=scope, confidence=u.confidence)
    placing = placing_provinces(u) if intent == Intent.BANDINGKAN else None  # "Batam dan Kepri" compares the two
    regions = without_enclosing_provinces(regions, level, placing)
    if intent == Intent.PROFIL and len(regions) >= 2:
        intent = Intent.BANDINGKAN  # several regions and nothing more specific: compare them
    return _decided(intent, regions, u, context, level)


def _decided(
    intent: Intent, regions: tuple[str, ...], u: Understanding, context: ChatContext, level: Level
) -> Decision:
    """Regions from the chat where the message names none, then the question back if there are still none."""
    slots = u.slots
    forums = slots.forums
    if intent == Intent.SARAN and not forums and u.affiliation:
        forums = u.affiliation  # "kami pengurus FKUB Kab. Bone, kegiatan apa yang cocok?": their own forum's work
    elif intent == Intent.SARAN and not forums and context.forum and (not regions or u.only_regions):
        forums = (context.forum,)  # "kalau Tapin?" after advice for FKUB: still FKUB
    if slots.nation and NATIONAL_CODE not in regions and (not regions or intent == Intent.BANDINGKAN):
        regions = (*regions, NATIONAL_CODE)
    if intent == Intent.BANDINGKAN and len(regions) < 2 and slots.own_province:
        # "dibanding rata-rata provinsinya?": the chat's kab/kota beside its own province.
        kabkota = [code for code in (*regions, *context.regions) if level(code) == KABKOTA][:1]
        regions = tuple(dict.fromkeys((*regions, *kabkota, *(code.split(".")[0] for code in kabkota))))
    if intent == Intent.BANDINGKAN and context.regions and lexicon.COMPARED_WITH.search(u.query):
        regions = tuple(dict.fromkeys((context.regions[0], *regions)))  # "bandingin sama kab sleman dan kota yogya"
    if intent == Intent.BANDINGKAN and len(regions) < 2:
        regions = tuple(dict.fromkeys(context.regions + regions))
        if len(regions) < 2:  # "bandingkan keduanya": the region before this one too
            regions = tuple(dict.fromkeys(context.earlier + regions))
    if not regions:
        regions = regions_from_context(intent, u, context)
    regions = regions[:MAX_REGIONS]
    common = {"slots": slots, "query": u.said, "forums": forums, "confidence": u.confidence}
    if intent == Intent.SARAN and not regions:
        # Advice needs no region to be useful: general actions now, tailored ones once a region is named.
        return Decision(Intent.SARAN_UMUM, pending_text=u.text, **common)
    if (spec(intent).needs_region and not regions) or (intent == Intent.BANDINGKAN and len(regions) < 2):
        return Decision(Intent.PILIH_WILAYAH, regions, pending_text=u.text, asked=intent, **common)
    return Decision(by_level(intent, regions, level), regions, **common)


def _effective(intent: Intent, u: Understanding, context: ChatContext, level: Level) -> Intent:
    """A reading as the answer would take it: an elliptical follow-up becomes the question it repeats, and
    the message's own words refine it ("ihai kalsel thn 2024" read as a trend is that round's figures)."""
    return refine(_followed(u, context, level) if intent == Intent.LANJUTAN else intent, u, context)


def _followed(u: Understanding, context: ChatContext, level: Level) -> Intent:
    """What an elliptical follow-up asks: the chat's last question, for the regions it names."""
    previous = Intent(context.intent) if context.intent else None
    if u.slots.list_position is not None and context.listed and not u.regions:
        # "yg nomor 10?" after a list of regions under target asks the same of that region.
        # After a list or a comparison, one item of it gets that item's profile, not the list again.
        regional = previous is not None and spec(previous).needs_region and previous not in _LISTS | {Intent.BANDINGKAN}
        return previous if regional else Intent.PROFIL
    if previous is not None and spec(previous).followable:
        provinces_only = u.regions and all(level(code) == PROVINSI for code in u.regions)
        # After a comparison, a region alone asks about it ("Cilegon?", "Provinsi Jambi sendiri?"); one added
        # in words joins the comparison ("tambahkan Bondowoso").
        apart = previous == Intent.BANDINGKAN and u.regions and not lexicon.ADDED_TO_LIST.search(u.query)
        if (previous not in (Intent.PERINGKAT, Intent.KATEGORI) or provinces_only or not u.regions) and not apart:
            return previous
    if u.regions or u.scan.mentions:
        return Intent.SARAN if u.slots.forums else Intent.PROFIL
    if u.slots.forums:
        return Intent.SARAN if context.regions else Intent.METODOLOGI
    if u.slots.nation:
        return Intent.PROVINSI
    if context.regions:
        return previous if previous is not None and spec(previous).needs_region else Intent.PROFIL
    return Intent.BANTUAN


def _carried(u: Understanding, intent: Intent, context: ChatContext) -> Slots:
    """What a follow-up keeps of the last question where it names none itself: the order, count, dimension,
    variable and category when it repeats that question ("kalau Kaltara?" after "5 terendah di Kalsel"), and
    the dimension or variable talked about when it points back at it ("saran FKUB untuk itu")."""
    slots, previous = u.slots, context.slots
    same = context.intent is not None and intent.value == context.intent and (slots.followup or u.only_regions)
    listed = slots.list_position is not None and bool(context.listed) and intent not in _LISTS
    kept: dict = {}
    # "di Jepara nilainya berapa" after a question about V7: "-nya" is the variable just talked about.
    pointed = slots.anaphora or bool(lexicon.OWN_FIGURE.search(u.residual))
    if (same or listed or pointed) and not (slots.dimensions or slots.variables):
        kept["dimensions"] = tuple(previous.get("dimensions", ()))
        kept["variables"] = tuple(previous.get("variables", ()))
    if same:
        kept["order"] = previous.get("order") if slots.order is None else slots.order
        kept["change_order"] = slots.change_order or previous.get("change_order")
        kept["n"] = previous.get("n") if slots.n is None else slots.n
        kept["category"] = slots.category or slots.bare_category or previous.get("category")
    return replace(slots, **kept) if kept else slots


def _answers(u: Understanding, context: ChatContext, level: Level) -> Answers:
    """The answers the readings lead to, likeliest first, counting readings that lead to the same answer
    together (a region alone read as a profile or as a follow-up of a profile is one answer; "kalau sampai
    2030?" after a target is that target's follow-up more than a trend). A report or a target the message
    does not ask for in its own words is no answer to it."""
    totals: dict[Intent, float] = {}
    for intent, probability in u.scores:
        effective = _effective(intent, u, context, level)
        if not unasked(effective, u, context):
            totals[effective] = totals.get(effective, 0.0) + probability
    return sorted(totals.items(), key=lambda item: item[1], reverse=True)


def _best(u: Understanding, answers: Answers, context: ChatContext, level: Level) -> Intent:
    return answers[0][0] if answers else _effective(u.intent or Intent.DI_LUAR_CAKUPAN, u, context, level)


def _sure(u: Understanding, answers: Answers) -> bool:
    """Whether the likeliest of `answers` (the message's, see `_answers`) stands out."""
    if len(u.scores) < 2:
        return True
    ranked = [probability for _, probability in answers] or [0.0]
    first, second = ranked[0], (ranked[1] if len(ranked) > 1 else 0.0)
    return first >= CONFIDENT or first - second >= CLEAR_LEAD


def _asked_alone(u: Understanding, answers: Answers, context: ChatContext, level: Level) -> Answers | None:
    """The answers to the question sentence of a long message read alone, if that is a surer reading than
    the whole message ("Terima kasih atas bantuannya selama ini. … jumlah responden IHaI Kota Batam": not a
    trend); None otherwise."""
    if not u.question_scores:
        return None
    alone = replace(u, scores=u.question_scores)
    alone_answers = _answers(alone, context, level)
    if not alone_answers or not _sure(alone, alone_answers):
        return None
    if not _sure(u, answers):
        return alone_answers
    # Over a sure reading of the whole, only a sentence that names its region stands alone ("… sisa brp?"
    # after "kab. ponorogo udah deket tinggi belum?" does not), or one after the asker's introduction as a
    # forum's member ("Saya anggota FKUB Kab. Lumajang. … variabel apa yang paling kecil?"): the forum
    # says who asks, not what — unless the question asks for the forum's work ("Kegiatan apa yang cocok …").
    names = any(mention.start >= u.question_start for mention in u.scan.mentions)
    # The introduction also names the region, so a reading of the sentence that needs none is no surer.
    introduced = (
        bool(u.affiliation or u.slots.forums)
        and spec(alone_answers[0][0]).needs_region
        and not (lexicon.FORUM_MENTION.search(u.question) or lexicon.ASKS_ACTIONS.search(u.question))
    )
    # "Halo gan, numpang tanya buat tugas kuliah. Kab. Barru di Sulsel indeksnya berapa?": not out of scope.
    aside = answers and answers[0][0] in (Intent.DI_LUAR_CAKUPAN, Intent.SAPAAN)
    stands = introduced or (names and (_top(alone_answers) > _top(answers) or aside))
    return alone_answers if stands else None


def _asked_in_words(u: Understanding, answers: Answers) -> Intent | None:
    """The one reading among the likeliest that the message asks for in so many words, if there is one."""
    slots = u.slots
    ranks = slots.order is not None and slots.ranking_subject
    counted = slots.respondents_beside_figure
    named = {intent for intent, said in ((Intent.CAKUPAN, slots.asks_coverage and not counted),
             (Intent.SELISIH_KATEGORI, slots.asks_gap),
             (Intent.PERINGKAT, ranks),
             (Intent.TERLEMAH, slots.asks_weakness), (Intent.LAPORAN, slots.asks_document),
             (Intent.TARGET, slots.asks_target), (Intent.PROFIL, named_values(u) or counted),
             (Intent.METODOLOGI, band_limits_asked(u))) if said}  # fmt: skip
    if not named and headline_asked(u):
        named = {Intent.PROFIL}
    likely = [intent for intent, _ in answers[:READINGS]]
    if Intent.SARAN in likely and lexicon.FORUM_MENTION.search(u.query) and lexicon.ASKS_ACTIONS.search(u.query):
        return Intent.SARAN  # "perlu kegiatan apa dr forum2 biar harmoninya naik": the forums' work, whatever the goal
    return named.pop() if len(named) == 1 and next(iter(named)) in likely else None


def _top(answers: Answers) -> float:
    return answers[0][1] if answers else 0.0


def _readings(u: Understanding) -> Decision:
    """The likeliest readings as buttons; the follow-up and out-of-scope readings are no choice to offer."""
    offered = tuple(
        intent for intent, _ in u.scores if intent not in (Intent.LANJUTAN, Intent.DI_LUAR_CAKUPAN)
    )[:READINGS]
    return Decision(Intent.PILIH_MAKSUD, u.regions, u.slots, query=u.said, readings=offered,
                    pending_text=u.text, confidence=u.confidence)  # fmt: skip


def _with_list_reference(u: Understanding, intent: Intent, context: ChatContext) -> tuple[str, ...]:
    """ "yang paling bawah itu …", "nomor 2": the region at that place of the last list shown."""
    position = u.slots.list_position if intent not in _LISTS else None
    if u.slots.both_listed and context.regions:
        # "bandingkan keduanya dengan rata-rata Kalsel": the two regions just talked about (a comparison's,
        # or the one before the last and the last), and what the message adds.
        both = context.regions if len(context.regions) >= 2 else context.earlier[-1:] + context.regions
        if len(both) >= 2:
            return tuple(dict.fromkeys(both + u.regions))
    if u.regions or not context.listed:
        return u.regions
    if position is None and intent not in _LISTS and context.intent in _LIST_VALUES and points_at_first(u, context):
        position = 1  # "itu kurang berapa" after "kab/kota terendahnya siapa?": the one region listed
    item = context.listed_at(position)
    return (item,) if item is not None else u.regions


def _ambiguous(u: Understanding, intent: Intent, level: Level) -> Decision | None:
    """A shared name the message and chat did not settle: ask, unless a ranking means the province."""
    if intent in (Intent.PERINGKAT, Intent.KATEGORI, Intent.PROVINSI) and _province_readings(u, intent, level):
        return None
    mention = u.scan.ambiguous[0]
    return Decision(Intent.PILIH_WILAYAH, u.regions, u.slots, query=u.said, choices=mention.codes,
                    surface=mention.surface, pending_text=u.text, asked=intent)  # fmt: skip


def _province_readings(u: Understanding, intent: Intent, level: Level) -> tuple[str, ...]:
    """ "peringkat di jambi": of Provinsi Jambi and Kota Jambi, a ranking is about the province."""
    if intent not in (Intent.PERINGKAT, Intent.KATEGORI, Intent.PROVINSI):
        return ()
    return tuple(code for mention in u.scan.ambiguous for code in mention.codes if level(code) == PROVINSI)

