"""Refining the classifier's reading with what the message says in so many words: two asks in one message,
a report or a target asked for (or not), a year or a change over time, a ranking of changes, a choice between
forums (or a forum's actions), a band or a province's range rather than a ranking, a question why.

Each rule names the phrasing it is for; `decide.py` applies them after choosing the likeliest answer.
"""

from __future__ import annotations

import re

from bot.engine import lexicon
from bot.engine.context import ChatContext
from bot.engine.intents import Intent
from bot.engine.message_kinds import (
    asks_about_the_survey,
    asks_composition,
    band_limits_asked,
    headline_asked,
    lowest_of_named_parts,
    measured_count,
    named_values,
    score_in_band,
    target_for_region,
    which_part_lowest,
)
from bot.engine.named_regions import Level
from bot.engine.slots import BOTH
from bot.engine.understand import Understanding
from core.constants import KABKOTA, PROVINSI


def refine(intent: Intent, u: Understanding, context: ChatContext) -> Intent:
    """The reading the message's own words leave: the rules below applied until none changes it, so that a
    reading refined once is refined already (the decision refines the answer it chose again)."""
    seen = [intent]
    while (refined := _refine_once(seen[-1], u, context)) not in seen:
        seen.append(refined)
    return seen[-1]


def _refine_once(intent: Intent, u: Understanding, context: ChatContext) -> Intent:
    """Two asks in one message get the answer that covers both: a region's score with its respondents' count
    is its profile (which shows the count), with whether they suffice coverage (which shows the score), with
    the gap to the next category the gap, with its weak spots the weakest parts; advice for all three forums
    at once is advice, not a choice between them. A report or a target is only what the message asks for in
    its own words."""
    slots = u.slots
    if intent == Intent.BANDINGKAN and len(set(u.regions)) == 1 and len(u.scan.mentions) >= 2:
        # "IHaI kab. wajo dan responden kab. wajo": one region named twice is no comparison.
        intent = next((i for i, _ in u.scores if i not in (Intent.BANDINGKAN, Intent.LANJUTAN)), Intent.PROFIL)
    if lexicon.DIFFERENCE_ASKED.search(u.query) and not (slots.category or slots.bare_category) and _two_regions(u, context):
        return Intent.BANDINGKAN  # "bedanya berapa poin?" after Kota Cirebon, then its kabupaten
    if (
        intent in (Intent.PROFIL, Intent.CAKUPAN)
        and slots.asks_gap
        and not (intent == Intent.CAKUPAN and slots.asks_coverage)
    ):
        return Intent.SELISIH_KATEGORI
    if intent in _FIGURES | {Intent.PERINGKAT, Intent.FORUM_COCOK, Intent.SARAN} and which_part_lowest(u):
        return Intent.TERLEMAH  # "Kota Pontianak paling rendah di bidang apa", "dimensi apa yang nilainya paling bawah"
    several = slots.both_listed or (len(set(u.regions)) >= 2 and not lexicon.OTHERS.search(u.query))
    compared = lexicon.COMPARATIVE.search(u.query) or (several and lexicon.COMPARE_WORDS.search(u.query))
    if intent != Intent.BANDINGKAN and compared and not slots.asks_gap and _two_regions(u, context):
        # "yg respondennya lebih banyak yg mana?", "perbandingan dimensi budaya gianyar, badung"
        return Intent.BANDINGKAN
    if intent == Intent.PERINGKAT and set(u.levels) == {KABKOTA} and len(set(u.regions)) == 1 and ranks_no_list(u):
        return Intent.PROFIL  # "skor sama peringkat nasional Kota Surabaya": its rank, which its profile shows
    if intent in (Intent.PROFIL, Intent.PROVINSI) and slots.provinces and not (u.regions or slots.list_position):
        return Intent.PERINGKAT  # "per provinsi rata-rata ihai berapa": the provinces, ranked
    if slots.threshold and intent in _FIGURES | {Intent.KATEGORI} and KABKOTA not in u.levels:
        return Intent.PERINGKAT  # "list kab/kota di jatim yang skornya di bawah 7": the regions past that value
    if intent == Intent.BANDINGKAN and _ranked_among_others(u):
        return Intent.PROFIL  # "posisi kab kendal dibanding kab/kota lain di jateng": its rank, which its profile shows
    if intent == Intent.KATEGORI and set(u.levels) == {KABKOTA} and not slots.ranking_subject:
        return Intent.PROFIL  # "Kab Bulukumba harmoni sedang atau tinggi?": its category
    measured_list = intent in (Intent.KATEGORI, Intent.PERINGKAT) and slots.category is None and slots.order is None
    if (intent == Intent.CAKUPAN or measured_list) and measured_count(u):
        return Intent.PROFIL  # "Kalbar berapa kab/kota yang sudah terukur?": a line of the province's summary
    if intent == Intent.CAKUPAN and slots.respondents_beside_figure:
        return Intent.PROFIL  # "berapa IHaI Gianyar dan berapa respondennya?": the profile shows both
    if intent == Intent.PROFIL:
        if slots.asks_coverage and not (slots.respondents_beside_figure or measured_count(u)):
            return Intent.CAKUPAN
        if slots.asks_weakness:
            return Intent.TERLEMAH
    if intent == Intent.CAKUPAN and slots.order is not None and slots.list_position is None and KABKOTA not in u.levels:
        return Intent.PERINGKAT  # "5 kab/kota yang respondennya paling sedikit di Jatim": ranked by respondents
    if intent == Intent.TERLEMAH and slots.asks_gap:
        return Intent.SELISIH_KATEGORI  # "butuh tambahan berapa, variabel mana yg didongkrak": the plan starts there
    # "FKDM Kutim harus fokus ke mana berdasarkan kelemahan", "kami FPK Kab. Garut ... dibantu ide kegiatannya"
    forum_asked = slots.forums or u.affiliation
    if intent in (Intent.TERLEMAH, Intent.PROFIL) and forum_asked and lexicon.ASKS_ACTIONS.search(u.question or u.query):
        return Intent.SARAN  # the forum's actions there
    if intent == Intent.METODOLOGI and headline_asked(u) and not _asks_about_method(u):
        return Intent.PROFIL  # "aku lg nyusun laporan soal kerukunan di Kab Luwu, perlu angka IHaI sama kategorinya"
    if intent == Intent.SARAN and headline_asked(u) and not (slots.forums or lexicon.ASKS_ACTIONS.search(u.query)):
        return Intent.PROFIL  # "gimana kondisi kerukunan di kota bogor": its state, no forum's work asked
    if intent in _BAND_READINGS and score_in_band(u) and not (u.regions or context.regions or slots.asks_gap):
        return Intent.METODOLOGI  # "kalau skornya pas 6 masuk rendah atau sedang": the bands' limits
    if intent in (Intent.SARAN, Intent.SARAN_UMUM) and lexicon.SYNERGY.search(u.query) and not _regional(u, context):
        return Intent.METODOLOGI  # "bagaimana FKUB, FPK, FKDM bisa kerja bareng": the guidance on their synergy
    if intent in (Intent.TREN, Intent.BANDINGKAN) and lexicon.MAY_COMPARE.search(u.query) and not _regional(u, context):
        return Intent.METODOLOGI  # "boleh gak saya bandingkan skor 2024 dengan 2025?": whether rounds compare
    if intent == Intent.BANDINGKAN and slots.asks_coverage and not _compares(u) and not lexicon.figure_besides_respondents(u.query):
        return Intent.CAKUPAN  # "jumlah responden Kab. Ciamis dan Kab. Pangandaran": each one's coverage
    if intent in (Intent.SARAN, Intent.SARAN_UMUM) and _forum_procedure(u):
        return Intent.METODOLOGI  # "bagaimana cara FKUB memberi rekomendasi pendirian rumah ibadah": the rule's steps
    if intent != Intent.CAKUPAN and _usable_asked(u) and u.regions and not (slots.asks_weakness or slots.asks_gap):
        return Intent.CAKUPAN  # "kab Ngawi hasilnya sudah boleh dipakai di RPJMD?": whether its figure may be reported
    if intent == Intent.CAKUPAN and _usable_asked(u) and not (u.regions or context.regions):
        return Intent.METODOLOGI  # "kalau respondennya cuma 800, hasilnya sah gak?": the rule, of no region
    if intent == Intent.SELISIH_KATEGORI and not slots.asks_gap and _forums_work_asked(u):
        return Intent.SARAN  # "perlu kegiatan apa dr forum2 biar harmoninya naik": the forums' work, no distance asked
    if intent in (Intent.KATEGORI, Intent.SELISIH_KATEGORI) and band_limits_asked(u):
        return Intent.METODOLOGI  # "ambang kategori rendah, sedang, tinggi berapa": the bands, not a region's
    if intent == Intent.BANTUAN and slots.method:
        return Intent.METODOLOGI  # "ada contoh hitungannya?": the method, not the assistant
    if intent != Intent.SAPAAN and _courtesy_only(u):
        return Intent.SAPAAN  # "Nggih, matur nuwun informasinipun, Mas": thanks, answered as such
    if intent in (Intent.PROFIL, Intent.PROVINSI) and slots.asks_document and u.regions:
        return Intent.LAPORAN  # "tlg kirim rapor IHaI kota Yogyakarta": the report as a file
    if intent != Intent.SAPAAN and _presence_only(u):
        return Intent.SAPAAN  # "halo bot, ada orang?": a greeting, answered with one
    if (
        intent in (Intent.METODOLOGI, Intent.SARAN, Intent.SARAN_UMUM, Intent.DI_LUAR_CAKUPAN)
        and (lexicon.ASKS_USE.search(u.query) or lexicon.ASSISTANT_DATA.search(u.query))
        and not (slots.method or slots.forums or u.regions or lexicon.FORUM_MENTION.search(u.query))
    ):
        # "aplikasi ini fungsinya untuk apa …", "bisa bantu apa saja untuk Kesbangpol?", "datanya dari mana?"
        return Intent.BANTUAN
    if intent == Intent.TERLEMAH and named_values(u):
        return Intent.PROFIL  # "dimensi sosialnya brp, sm V3 nya": their values, not the weakest part
    if intent == Intent.PROFIL and lowest_of_named_parts(u):
        return Intent.TERLEMAH  # "mana yang paling rendah di Tarakan: ekonomi, sosial, budaya, atau keberagamaan?"
    if intent in (Intent.METODOLOGI, Intent.TERLEMAH) and _regional(u, context) and _every_part(u):
        return Intent.PROFIL  # "kab. lombok utara nilai per dimensi", "rinciin per dimensi": the values of its parts
    if intent in (Intent.METODOLOGI, Intent.PERINGKAT) and _listed_item(u, context) and _its_figures(u):
        return Intent.PROFIL  # "nomor dua V1 sama V2-nya berapa", "urutan ke-4 itu gimana dimensinya": that item's
    if intent in _FIGURES | {Intent.SARAN} and lexicon.REPORT_FILE.search(u.query):
        return Intent.LAPORAN  # "dokumen laporan … mau saya forward ke grup WA FKUB": the file
    if intent in _FIGURES | _LISTS_AND_PLANS and _unplaced(u, context) and lexicon.ASKS_METHOD_HOW.search(u.query):
        return Intent.METODOLOGI  # "skor provinsi dihitungnya gimana?", "selangnya tumpang tindih, boleh bilang …?"
    if intent in _FIGURES | _LISTS_AND_PLANS and _unplaced(u, context) and asks_composition(u):
        return Intent.METODOLOGI  # "variabel di dimensi keberagamaan apa saja": what the index is made of
    if intent in _FIGURES | {Intent.DI_LUAR_CAKUPAN} and not u.regions and asks_about_the_survey(u):
        return Intent.METODOLOGI  # "e-survey 2025 dibuka tanggal berapa, berapa kab/kota yg ikut?": its facts
    if _general(intent, u, context):
        return Intent.METODOLOGI  # "kenaikan target IHaI per tahun yg wajar itu brp?": no region's figure
    if intent in _FIGURES and lexicon.ASKS_WHY.search(u.query) and not (u.regions or slots.nation or context.regions):
        return Intent.METODOLOGI  # "kenapa skor 2025 tak bisa dibandingkan dengan 2023": an explanation
    if intent in _FIGURES and not u.regions and lexicon.FRAMEWORK.search(u.query):
        return Intent.METODOLOGI  # "perbedaan kerangka 2023/2024 dengan 2025 apa": the frameworks, not a round's figures
    if intent == Intent.METODOLOGI and _why_low(u, context):
        return Intent.TERLEMAH  # "kenapa bisa segitu?" after a region's score: what pulls it down
    if intent == Intent.PROFIL and slots.n is not None and slots.order is not None:
        return Intent.PERINGKAT  # "bottom 5 riau": a count and an end make a ranking
    if intent in _FORUM_READINGS and lexicon.FORUM_CONFIRMED.search(u.query):
        return Intent.FORUM_COCOK  # "akulturasi budaya itu ranahnya FPK bukan?": which forum fits, to confirm
    if intent in _FORUM_READINGS and lexicon.ASKS_WHICH_FORUM.search(u.query):
        return Intent.FORUM_COCOK  # "forum apa yang jadi motornya?", "FKUB, FPK atau FKDM?": a choice between forums
    if intent == Intent.FORUM_COCOK and not (
        slots.forums or slots.dimensions or slots.variables or slots.topic_forums or u.regions
        or lexicon.FORUM_MENTION.search(u.query)
    ):  # fmt: skip
        return Intent.METODOLOGI  # "siapa yang berwenang menetapkan status keadaan konflik": no forum, no weak spot
    if intent == Intent.FORUM_COCOK and slots.all_forums:
        return Intent.SARAN
    if intent == Intent.PERINGKAT and slots.n is None and PROVINSI in u.levels and _asks_range_values(u):
        return Intent.PROVINSI  # "di Jabar skor kab/kota terendah dan tertinggi berapa": the province's range
    if intent == Intent.PERINGKAT and slots.bare_category and slots.order is None and slots.n is None:
        return Intent.KATEGORI  # "kab/kota mana aja yang rendah di sana?": a band, not a ranking
    if intent == Intent.FORUM_COCOK and context.intent != intent.value and not lexicon.ASKS_FIT.search(u.query):
        # "aksi FKDM untuk dimensi keberagamaan", "forum di Tanah Bumbu bisa apa buat V4": actions, no choice asked.
        return Intent.SARAN
    if (
        intent == Intent.METODOLOGI
        and slots.forums
        and (slots.dimensions or slots.variables or lexicon.RAISE.search(u.query) or lexicon.DO_WHAT.search(u.query)
             or lexicon.ACTIVITIES_FOR_INDEX.search(u.query))
        and not (slots.asks_mandate or slots.method or _asks_fit(u))
    ):
        # "FPK bisa apa kalau V6 rendah", "peran FKDM dalam meningkatkan IHaI", "FKDM di daerah itu sebaiknya
        # ngapain": the forum's actions, not its mandate
        return Intent.SARAN
    if intent in (Intent.SARAN, Intent.SARAN_UMUM) and (lexicon.FUNDING_TOPIC.search(u.query) or slots.asks_coverage):
        # "penganggaran FKUB di APBD", "gmn naikin jumlah responden": the planning or survey guidance
        return Intent.METODOLOGI
    if intent in _CHANGE_RANKABLE and slots.change_order and KABKOTA not in u.levels and _ranks_changes(u):
        return Intent.PERINGKAT  # "5 kab/kota dengan kenaikan IHaI terbesar di Jateng": changes, ranked
    if intent == Intent.TREN and len(slots.years) == 1 and not slots.trend and not lexicon.OVER_TIME.search(u.query):
        return Intent.PROFIL  # "ihai sleman 2024": that round's figures, not a series
    over_time = slots.trend or len(slots.years) >= 2 or slots.change_order is not None
    if intent == Intent.BANDINGKAN and (over_time or slots.years) and len(u.regions) < 2:
        return Intent.TREN  # "dibanding 2024", "dibanding tahun lalu": one region against its earlier rounds
    if intent in (Intent.PROFIL, Intent.PROVINSI, Intent.CAKUPAN) and over_time:
        return Intent.TREN  # "ihai kalsel naik atau turun", "ihai sleman 2023 dan 2025", "tren responden kalsel"
    if unasked(intent, u, context):
        # "laporan hasil dari Kemendagri", a forum's report: not our PDF; "nilai IHaI 2025 untuk sambutan
        # bupati": a figure, not a plan.
        return _next_reading(u, intent)
    if intent == Intent.TARGET and slots.asks_coverage:
        return Intent.CAKUPAN  # "target responden", "sudah capai target?": the 1,250-respondent target
    if intent == Intent.TARGET and slots.asks_how and not (u.regions or target_for_region(u, context)):
        return Intent.METODOLOGI  # "bagaimana menetapkan target IHaI di RPJMD": the guidance on targets
    return intent


_READINGS = 3  # the likeliest readings a rule may choose from
# Forms of address and the small words between them: "bapak ibu admin yang", "dari kami".
_ADDRESS = frozenset("bapak ibu pak bu kak kakak admin min bang dan yang dari kami saya untuk kepada ya".split())
_FORUM_READINGS = frozenset({Intent.FORUM_COCOK, Intent.SARAN, Intent.SARAN_UMUM, Intent.METODOLOGI})
_FIGURES = frozenset({Intent.PROFIL, Intent.PROVINSI, Intent.TREN, Intent.CAKUPAN, Intent.TERLEMAH,
                      Intent.SELISIH_KATEGORI, Intent.BANDINGKAN})  # fmt: skip
_LISTS_AND_PLANS = frozenset({Intent.PERINGKAT, Intent.KATEGORI, Intent.TARGET, Intent.LAPORAN})
_CHANGE_RANKABLE = frozenset({Intent.PERINGKAT, Intent.TREN, Intent.PROFIL, Intent.PROVINSI, Intent.KATEGORI,
                              Intent.BANDINGKAN})  # fmt: skip
# Readings of a score asked of a band when no region is in sight.
_BAND_READINGS = frozenset({Intent.PROFIL, Intent.SELISIH_KATEGORI, Intent.KATEGORI})


def _asks_fit(u: Understanding) -> bool:
    """Whether a choice of forum is asked ("forum mana yang cocok"), not a forum's part ("FKUB bisa berperan apa")."""
    return bool(lexicon.ASKS_FIT.search(lexicon.ASKS_ROLE.sub(" ", u.query)))


def _general(intent: Intent, u: Understanding, context: ChatContext) -> bool:
    """A question about the survey or the method in general, or what to do, read as a region's figure or a
    ranking while no region is named or talked about: the guidance's, when the classifier holds that reading
    likely too."""
    slots = u.slots
    # "responden minimal per kabupaten berapa": of every region, whichever the chat talked about.
    every_region = bool(lexicon.EVERY_REGION.search(u.query))
    if intent not in _FIGURES | {Intent.PERINGKAT, Intent.TARGET} or u.regions or (context.regions and not every_region):
        return False
    if slots.nation or slots.list_position is not None or slots.ranking_subject:
        return False
    # "daerah kami gak dapet hasil tahun ini, sebaiknya ngapain?": what to do, the guidance's, if no forum's
    what_to_do = lexicon.ASKS_WHAT_TO_DO.search(u.query) and not lexicon.FORUM_MENTION.search(u.query)
    if not (lexicon.GENERAL_QUESTION.search(u.query) or what_to_do or every_region):
        return False
    return Intent.METODOLOGI in [reading for reading, _ in u.scores[:_READINGS]]


def one_region_ranked(u: Understanding, regions: tuple[str, ...], level: Level) -> bool:
    """ "peringkat banjarbaru": one kab/kota's rank, which its profile shows."""
    return len(regions) == 1 and level(regions[0]) == KABKOTA and ranks_no_list(u)


def ranks_no_list(u: Understanding) -> bool:
    """A rank asked with no list of regions, provinces or count in it: one region's rank. "Ranking nasional
    dan ranking provinsi Kab. Cilacap" asks its ranks in the nation and its province, not a list of provinces."""
    slots = u.slots
    if slots.n is not None:
        return False
    rest = lexicon.OWN_RANKS.sub(" ", u.residual)
    return not (lexicon.RANKING_SUBJECT.search(rest) or lexicon.PROVINCES_SUBJECT.search(rest))


def _regional(u: Understanding, context: ChatContext) -> bool:
    """A region named or talked about."""
    return bool(u.regions or context.regions)


def _compares(u: Understanding) -> bool:
    """A comparison asked in words: "bandingkan", "lebih tinggi mana"."""
    return bool(lexicon.COMPARE_WORDS.search(u.query) or lexicon.COMPARATIVE.search(u.query))


def _listed_item(u: Understanding, context: ChatContext) -> bool:
    return u.slots.list_position is not None and bool(context.listed) and not u.regions


def _every_part(u: Understanding) -> bool:
    """Every part's value, not the weakest, nor how the parts are made."""
    weakest = lexicon.ASKS_WEAKNESS.search(u.query) or lexicon.BOTTOM.search(u.query)
    return bool(lexicon.PER_PART.search(u.query)) and not (weakest or _asks_about_method(u))


def _its_figures(u: Understanding) -> bool:
    """Figures of the item pointed at: values of named parts, or its parts or figures as its own."""
    return named_values(u) or bool(lexicon.ITS_PARTS.search(u.query) or lexicon.OWN_FIGURE.search(u.query))


def _two_regions(u: Understanding, context: ChatContext) -> bool:
    """Two regions named, or talked about one after the other ("keduanya" after Tapin, then Banjar)."""
    return len(set(u.regions)) >= 2 or (not u.regions and len(set(context.regions) | set(context.earlier)) >= 2)


def _unplaced(u: Understanding, context: ChatContext) -> bool:
    """No region named, talked about or pointed at in a list: a question about regions in general."""
    return not (u.regions or u.scan.mentions or context.regions or u.slots.nation or _listed_item(u, context))


def _ranks_changes(u: Understanding) -> bool:
    slots = u.slots
    return (
        slots.ranking_subject or slots.provinces or slots.n is not None or bool(lexicon.CHANGE_RANKED.search(u.query))
    )


def _asks_range_values(u: Understanding) -> bool:
    """The two ends' values asked ("… terendah dan tertinggi berapa", "min max"), not which regions rank
    ("kab/kota dengan skor tertinggi dan terendah itu mana saja")."""
    if lexicon.ASKS_RANGE_VALUES.search(u.query):
        return True
    if re.search(r"\bmana\b", u.query):
        return False
    return u.slots.order == BOTH and bool(re.search(r"\b(?:berapa|skor|angka|nilai)\b", u.residual))


def _next_reading(u: Understanding, rejected: Intent) -> Intent:
    return next((i for i, _ in u.scores if i not in (rejected, Intent.LANJUTAN)), Intent.PROFIL)


def unasked(intent: Intent, u: Understanding, context: ChatContext) -> bool:
    """A file or a target is asked for in so many words; a follow-up of one ("kalau Tapin?") names neither.
    A comparison needs a second side: named, asked for ("bandingkan"), or the region talked about ("skor
    Tapin dan jumlah respondennya" names one region and compares nothing)."""
    if context.intent == intent.value:
        return False
    if intent == Intent.BANDINGKAN:
        talked = len(set(context.regions) | set(context.earlier))
        sides = len(u.regions) + len(u.scan.ambiguous) + talked + u.slots.nation + u.slots.own_province
        return sides < 2 and not _compares(u)
    return (intent == Intent.LAPORAN and not u.slots.asks_document) or (
        intent == Intent.TARGET and not u.slots.asks_target
    )


def _forums_work_asked(u: Understanding) -> bool:
    """A forum (named or "forum") and its work asked: "kegiatan apa dari forum", "program FKUB apa"."""
    return bool(lexicon.FORUM_MENTION.search(u.query) and lexicon.ASKS_ACTIONS.search(u.question or u.query))


def _asks_about_method(u: Understanding) -> bool:
    """How a figure is made, why, or what a word means: the guidance's even beside a region's figure."""
    query = u.query
    return bool(u.slots.method or lexicon.ASKS_METHOD_HOW.search(query) or lexicon.ASKS_WHY.search(query)
                or lexicon.ASKS_MEANING.search(query))  # fmt: skip


def _presence_only(u: Understanding) -> bool:
    """ "pagi min, ada orang?": whether someone is there, and nothing of the index asked."""
    query = u.query
    asked = (lexicon.ASKS_USE, lexicon.FIGURE_ASKED, lexicon.ASKS_COVERAGE, lexicon.SURVEY_NAMED)
    return bool(lexicon.PRESENCE.search(query)) and not (u.regions or any(p.search(query) for p in asked))


def _forum_procedure(u: Understanding) -> bool:
    """How a forum does a task of its mandate (a permit, a dispute), with no region, index part or rise in
    sight: the regulation's procedure, not actions to strengthen the index."""
    slots = u.slots
    if u.regions or slots.dimensions or slots.variables or not (slots.asks_how and slots.topic_forums):
        return False
    return not lexicon.RAISE.search(u.query)


def _usable_asked(u: Understanding) -> bool:
    return bool(lexicon.ASKS_USABLE.search(u.query))


def _why_low(u: Understanding, context: ChatContext) -> bool:
    """Why a region's figure is low, of a region named or talked about, with no method, year, framework,
    forum, comparison or coverage in the question."""
    query = u.query
    if not (lexicon.ASKS_WHY.search(query) and lexicon.LOW_FIGURE.search(query) and (u.regions or context.regions)):
        return False
    other = (lexicon.FRAMEWORK, lexicon.COMPARE_WORDS, lexicon.FORUM_MENTION, lexicon.ASKS_COVERAGE,
             lexicon.ASKS_METHOD_HOW, lexicon.ASKS_MEANING)  # fmt: skip
    return not (u.slots.method or u.slots.years or any(p.search(query) for p in other))


def _ranked_among_others(u: Understanding) -> bool:
    """One kab/kota set against the others of its province or the nation, not against a named region."""
    return u.levels.count(KABKOTA) == 1 and len(set(u.regions)) <= 2 and bool(lexicon.OTHERS.search(u.query))


def _courtesy_only(u: Understanding) -> bool:
    """Greetings, thanks and forms of address, and nothing else: no region, no forum's work, no question."""
    words = u.query.split()
    if u.regions or not any(word in lexicon.COURTESY for word in words):
        return False
    return all(w in lexicon.COURTESY or w in _ADDRESS or w in lexicon.FORUM_WORDS for w in words)
