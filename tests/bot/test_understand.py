"""Understanding and deciding, with only the methodology, the gazetteer and the classifier (no scored sample):
every intent the dialogue can reach and every slot, read from messages as officials type them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.engine.classifier import IntentClassifier
from bot.engine.context import ChatContext, Pending
from bot.engine.decide import Decision
from bot.engine.dialogue import Dialogue
from bot.engine.intents import Intent
from bot.engine.payloads import Payload, encode
from bot.engine.refine import refine
from bot.engine.resolve import Resolver
from bot.engine.slots import BOTH, BOTTOM, TOP, SlotReader
from bot.engine.understand import Understander, without_affiliation
from core.gazetteer import get_gazetteer
from scoring.methodology import load_methodology

NO_CONTEXT = ChatContext()


@pytest.fixture(scope="module")
def dialogue(intent_classifier: IntentClassifier) -> Dialogue:
    gazetteer = get_gazetteer()
    slots = SlotReader(load_methodology("ihai-2025"))
    return Dialogue(
        Understander(slots, Resolver(gazetteer, slots.is_known_word, slots.is_slip), gazetteer, intent_classifier),
        gazetteer,
    )


def decide(dialogue: Dialogue, text: str, context: ChatContext = NO_CONTEXT) -> Decision:
    return dialogue.turn(text, context)


@pytest.mark.parametrize(
    ("text", "intent", "regions"),
    [
        ("brp ihai kab tapin skrg", Intent.PROFIL, ("63.05",)),
        ("ringkasan ihai kalsel", Intent.PROVINSI, ("63",)),
        ("apa yang harus dibenahi dulu di sleman", Intent.TERLEMAH, ("34.04",)),
        ("saran fkdm utk kota banjarbaru", Intent.SARAN, ("63.72",)),
        ("saran fkub untuk moderasi beragama", Intent.SARAN_UMUM, ()),
        ("forum apa yang cocok kalau budaya rendah di sleman", Intent.FORUM_COCOK, ("34.04",)),
        ("hst vs hsu", Intent.BANDINGKAN, ("63.07", "63.08")),
        ("5 kab/kota terendah di jabar", Intent.PERINGKAT, ("32",)),
        ("kab/kota mana yang harmoni tinggi di jateng", Intent.KATEGORI, ("33",)),
        ("berapa responden kota bogor", Intent.CAKUPAN, ("32.71",)),
        ("kurangnya berapa lagi biar tinggi kab banjar", Intent.SELISIH_KATEGORI, ("63.03",)),
        ("IHaI itu mengukur apa saja", Intent.METODOLOGI, ()),
        ("selamat pagi admin", Intent.SAPAAN, ()),
        ("kamu bisa apa", Intent.BANTUAN, ()),
        ("resep rendang padang dong", Intent.DI_LUAR_CAKUPAN, ()),
        ("ihai bandung", Intent.PILIH_WILAYAH, ()),
        ("ihai kota sukamaju", Intent.TIDAK_DIKENAL, ()),
        ("", Intent.BANTUAN, ()),
    ],
)
def test_every_intent_from_a_message(dialogue: Dialogue, text: str, intent: Intent, regions: tuple) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (intent, regions)


def test_slots(dialogue: Dialogue) -> None:
    slots = decide(dialogue, "peran FKUB, FPK dan FKDM masing-masing utk ekonomi di Tabanan").slots
    assert slots.forums == ("FKUB", "FPK", "FKDM") and slots.dimensions == ("ekonomi",) and slots.all_forums
    assert decide(dialogue, "saran fkub untuk moderasi di tapin").slots.variables == ("v7",)
    assert decide(dialogue, "saran fkub untuk v8 di tapin").slots.variables == ("v8",)
    assert decide(dialogue, "kab/kota mana yang harmoni rendah di jatim").slots.category == "Harmoni Rendah"
    assert decide(dialogue, "ihai kalsel 2024").slots.years == (2024,)
    assert decide(dialogue, "ihai kalsel naik atau turun dibanding tahun lalu").slots.trend
    ranking = decide(dialogue, "10 besar dan 10 terbawah nasional")
    assert (ranking.intent, ranking.slots.n, ranking.slots.order, ranking.scope) == (Intent.PERINGKAT, 10, BOTH, "")
    assert decide(dialogue, "3 terendah di bali").slots.order == BOTTOM
    assert (
        decide(dialogue, "top 3 provinsi").slots.order == TOP and decide(dialogue, "top 3 provinsi").scope == "provinsi"
    )
    assert decide(dialogue, "yang paling bawah itu dimensi terlemahnya apa").slots.list_position == -1
    assert decide(dialogue, "yg nomor 2 gimana").slots.list_position == 2
    assert decide(dialogue, "bandingkan keduanya").slots.both_listed
    assert decide(dialogue, "bagaimana ihai dihitung").slots.method
    assert decide(dialogue, "aspek persepsi sleman").slots.aspects == ("persepsi",)
    assert decide(dialogue, "ihai nasional").regions == ("00",)
    assert decide(dialogue, "siapa yang menangani penolakan rumah ibadat").slots.topic_forums == ("FKUB",)
    assert decide(dialogue, "saran fkub untuk itu di tapin").slots.anaphora
    assert decide(dialogue, "dibanding rata-rata provinsinya?").slots.own_province
    assert decide(dialogue, "kalau yang tinggi di jatim?").slots.bare_category == "Harmoni Tinggi"
    assert decide(dialogue, "kabupaten mana yang paling harmonis").slots.ranking_subject
    assert decide(dialogue, "kalau dimensi terlemahnya?").slots.followup
    asks = decide(dialogue, "skor sleman, respondennya, dan kurang berapa lagi ke tinggi").slots
    assert asks.asks_coverage and asks.asks_gap


@pytest.mark.parametrize(
    ("text", "intent", "change_order", "scope"),
    [
        ("5 kab/kota dengan kenaikan ihai terbesar di jateng", Intent.PERINGKAT, TOP, "33"),
        ("daerah mana yg ihainya turun paling banyak?", Intent.PERINGKAT, BOTTOM, ""),
        ("provinsi mana yang paling meningkat dari 2023 ke 2025", Intent.PERINGKAT, TOP, "provinsi"),
        ("penurunan terbesar kab/kota di jatim", Intent.PERINGKAT, BOTTOM, "35"),
        ("kab/kota mana yang kenaikan dan penurunannya paling besar di diy", Intent.PERINGKAT, BOTH, "34"),
        ("top 5 biggest drop ihai nasional", Intent.PERINGKAT, BOTTOM, ""),
        ("berapa kab/kota yang ihai-nya naik dibanding tahun lalu", Intent.PERINGKAT, TOP, ""),
        # One region's change is its trend, not a ranking.
        ("apakah kenaikan ihai sleman signifikan?", Intent.TREN, TOP, ""),
        ("penurunan ihai kab banjar berapa", Intent.TREN, BOTTOM, ""),
    ],
)
def test_changes_between_rounds_ranked_or_followed(dialogue: Dialogue, text: str, intent: Intent,
                                                   change_order: str, scope: str) -> None:  # fmt: skip
    decision = decide(dialogue, text)
    assert (decision.intent, decision.slots.change_order) == (intent, change_order)
    if intent == Intent.PERINGKAT:
        assert decision.scope == scope
    assert decide(dialogue, "5 kab/kota tertinggi di jateng").slots.change_order is None


def test_two_asks_get_the_answer_that_covers_both(dialogue: Dialogue) -> None:
    # The respondents' count beside the score is the profile (which shows it); whether they suffice is coverage.
    assert decide(dialogue, "skor kab tapin dan jumlah respondennya").intent == Intent.PROFIL
    assert decide(dialogue, "skor kab tapin, respondennya cukup buat laporan resmi?").intent == Intent.CAKUPAN
    assert decide(dialogue, "brp ihai muara enim, trus kurang brp biar sedang").intent == Intent.SELISIH_KATEGORI
    assert decide(dialogue, "skor sleman dan dimensi terlemahnya").intent == Intent.TERLEMAH
    assert decide(dialogue, "kontribusi ketiga forum di tabanan").intent == Intent.SARAN


@pytest.mark.parametrize(
    ("text", "intent"),
    [("Ada isu sengketa lahan antarkampung yang bisa memanas, forum mana yang mestinya memantau?", Intent.FORUM_COCOK),
     ("Boleh tidak kami pakai angka kabupaten tetangga atau rata-rata provinsi sementara?", Intent.METODOLOGI)],
)  # fmt: skip
def test_ordinary_words_after_or_inside_a_kind_word_are_no_region(dialogue: Dialogue, text: str, intent: Intent) -> None:
    # A word with a bound form ("antarkampung"), "kabupaten tetangga", "rata-rata provinsi": no region is named.
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions, decision.choices) == (intent, (), ())


def test_noise_words_never_become_regions(dialogue: Dialogue) -> None:
    # Ordinary words are no region candidates, and a region named exactly wins over near-misses.
    assert decide(dialogue, "respondennya cuma sedikit ya, kab tapin").regions == ("63.05",)
    assert decide(dialogue, "tinggal sedikit lagi ke tinggi?").intent != Intent.TIDAK_DIKENAL
    long = (
        "Selamat pagi admin, saya staf yang sedang menyiapkan bahan rapat koordinasi. Sebagai batu loncatan "
        "diskusi, mohon IHaI Kabupaten Jombang."
    )
    assert decide(dialogue, long).regions == ("35.17",)
    corrected = "mohon nilai IHaI Kabupaten Banggai... maaf, maksud kami Kabupaten Bangka"
    assert decide(dialogue, corrected).regions == ("19.01",)


def test_follow_ups_use_the_conversation(dialogue: Dialogue) -> None:
    weakest = ChatContext(regions=("34.04",), intent="terlemah")
    assert (decide(dialogue, "kalau bantul?", weakest).intent, decide(dialogue, "kalau bantul?", weakest).regions) == (
        Intent.TERLEMAH, ("34.02",),
    )  # fmt: skip
    listed = ChatContext(regions=("51",), intent="peringkat", listed=("51.07", "51.06", "51.01"),
                         slots={"order": "bottom", "n": 3, "scope": "51"})  # fmt: skip
    assert decide(dialogue, "yang paling bawah itu dimensi terlemahnya apa", listed).regions == ("51.01",)
    assert decide(dialogue, "yang nomor 2", listed).regions == ("51.06",)
    repeated = decide(dialogue, "kalau kaltara?", listed)
    assert (repeated.intent, repeated.scope, repeated.slots.order, repeated.slots.n) == (
        Intent.PERINGKAT, "65", BOTTOM, 3,
    )  # fmt: skip
    two = ChatContext(regions=("63.06",), earlier=("63.07",), intent="profil")
    assert decide(dialogue, "bandingkan keduanya", two).regions == ("63.07", "63.06")


def test_a_waiting_question_is_finished_by_typing(dialogue: Dialogue) -> None:
    waiting = ChatContext(pending=Pending("dimensi terlemah banjar", "banjar"))
    assert decide(dialogue, "yang di jawa barat", waiting).regions == ("32.79",)
    assert decide(dialogue, "kabupatennya", waiting).regions == ("63.03",)
    tapped = decide(dialogue, "wilayah 63.03", waiting)
    assert (tapped.intent, tapped.regions) == (Intent.TERLEMAH, ("63.03",))
    # A new question naming a region we do not know is answered for itself, not as "which Banjar".
    assert decide(dialogue, "skor kab lombok selatan", waiting).intent == Intent.TIDAK_DIKENAL


def test_a_shared_name_with_a_direction_none_of_its_regions_has_is_unknown(dialogue: Dialogue) -> None:
    tapanuli = decide(dialogue, "Kabupaten Tapanuli Barat skornya berapa")
    assert tapanuli.intent == Intent.TIDAK_DIKENAL
    assert set(tapanuli.choices) == {"12.01", "12.02", "12.03"}  # Tapanuli Tengah, Utara, Selatan
    assert decide(dialogue, "skor tapanuli utara").regions == ("12.02",)


def test_a_name_with_a_direction_its_siblings_do_not_have_is_unknown(dialogue: Dialogue) -> None:
    # Luwu, Luwu Utara and Luwu Timur exist; "Luwu Barat" does not, and is not Kabupaten Luwu.
    luwu = decide(dialogue, "berapa skor ihai Kabupaten Luwu Barat")
    assert luwu.intent == Intent.TIDAK_DIKENAL
    assert {"73.17", "73.22", "73.24"} <= set(luwu.choices)
    assert decide(dialogue, "ihai kota bandung tengah").intent == Intent.TIDAK_DIKENAL
    # The names themselves still resolve, and so do names whose direction is part of them.
    assert decide(dialogue, "skor kab luwu").regions == ("73.17",)
    assert decide(dialogue, "skor luwu timur").regions == ("73.24",)
    assert decide(dialogue, "skor kab bandung barat").regions == ("32.17",)


@pytest.mark.parametrize(
    ("question", "suggested"),
    [
        ("skor Kab. Kapuas Tengah brp", {"62.03", "61.06"}),  # Kapuas and Kapuas Hulu exist
        ("Skor IHaI Kab. Mahakam Hilir berapa?", {"64.11"}),  # Mahakam Ulu: upstream, not downstream
        ("ihai kab. kapuas barat", {"62.03", "61.06"}),
        ("kab. kepulauan seribu raya ihai nya?", {"31.01"}),  # typed after "kab." with a direction it lacks
        ("ihai kabupaten bogor barat", {"32.01"}),  # a proposed regency, not Kabupaten Bogor
    ],
)
def test_a_name_with_a_direction_or_stream_word_it_does_not_have_is_unknown(
    dialogue: Dialogue, question: str, suggested: set[str]
) -> None:
    decision = decide(dialogue, question)
    assert decision.intent == Intent.TIDAK_DIKENAL and suggested <= set(decision.choices)


@pytest.mark.parametrize(
    ("question", "code"),
    [("ihai kapuas hulu", "61.06"), ("ihai kab kapuas", "62.03"), ("ihai mahakam ulu", "64.11"),
     ("ihai ogan komering ilir", "16.02"), ("skor sumba barat daya", "53.18"), ("skor kab. hulu sungai tenga", "63.07"),
     ("ihai kepulauan seribu", "31.01"), ("ihai kab. bandung barat", "32.17")],
)  # fmt: skip
def test_names_with_their_own_direction_or_stream_word_still_resolve(dialogue: Dialogue, question: str, code: str) -> None:
    assert decide(dialogue, question).regions == (code,)


def test_buttons_carry_intent_and_slots_exactly(dialogue: Dialogue) -> None:
    payload = Payload(Intent.PERINGKAT, n=5, order=BOTTOM, scope="63", dimension="budaya")
    decision = decide(dialogue, encode(payload))
    assert (decision.intent, decision.scope, decision.slots.order, decision.slots.dimensions) == (
        Intent.PERINGKAT, "63", BOTTOM, ("budaya",),
    )  # fmt: skip
    advice = decide(dialogue, encode(Payload(Intent.SARAN, forums=("FKDM",))), ChatContext(regions=("63.72",)))
    assert (advice.intent, advice.regions, advice.forums) == (Intent.SARAN, ("63.72",), ("FKDM",))


def test_an_unsure_reading_is_offered_not_guessed(dialogue: Dialogue) -> None:
    understanding = dialogue.understander.understand("ihai tapin", NO_CONTEXT)
    even = tuple((intent, 1 / 3) for intent in (Intent.PROFIL, Intent.SARAN, Intent.CAKUPAN))
    from bot.engine.decide import decide as decide_one

    offered = decide_one(replace(understanding, scores=even, only_regions=False), NO_CONTEXT, dialogue.understander)
    assert offered.intent == Intent.PILIH_MAKSUD and offered.readings == (Intent.PROFIL, Intent.SARAN, Intent.CAKUPAN)
    assert offered.regions == ("63.05",)


def test_a_long_message_asks_in_its_last_sentence_that_asks(dialogue: Dialogue) -> None:
    understander = dialogue.understander
    closing = understander.understand("Berapa IHaI Kab Sleman? Terima kasih.", NO_CONTEXT)
    assert (closing.question_start, closing.question_scores) == (0, ())  # thanks ask nothing: the first sentence asks
    abbreviated = understander.understand(
        "Mohon saran FKDM untuk Kab. Kutai Barat terkait variabel terlemahnya", NO_CONTEXT
    )
    assert abbreviated.question_start == 0  # "Kab." ends no sentence
    asked = understander.understand("Selamat pagi. Terima kasih selama ini. Berapa responden Kota Batam?", NO_CONTEXT)
    assert asked.query.split()[asked.question_start :][:2] == ["berapa", "responden"]
    assert asked.question == "berapa responden kota batam"
    # The sentence with the question mark asks, not the purpose or thanks after it.
    purpose = understander.understand(
        "Saya anggota FKDM Kab. Tapin. Mau tanya, dimensi apa yang nilainya paling kecil di daerah kami? "
        "Biar programnya pas. Terima kasih.",
        NO_CONTEXT,
    )
    assert purpose.question.startswith("mau tanya dimensi apa")


@pytest.mark.parametrize(
    ("text", "intent", "forums"),
    [
        # A forum named in the asker's introduction says who asks, not what ...
        ("Saya anggota FKDM Kab. Tapin. Mau tanya, dimensi apa yang nilainya paling kecil di daerah kami? "
         "Biar programnya pas. Terima kasih.", Intent.TERLEMAH, ()),
        ("Selamat pagi, saya ketua FKUB Kab. Tapin, berapa skor IHaI kami tahun ini?", Intent.PROFIL, ()),
        ("kami dari FPK kab tapin mau tau kategori harmoninya apa", Intent.PROFIL, ()),
        ("Perkenalkan, saya sekretaris FKDM Tapin. Jumlah responden di daerah kami cukup tidak untuk dilaporkan?",
         Intent.CAKUPAN, ()),
        ("Sebagai anggota FKUB Tapin saya ingin tahu peringkat kami di Kalsel", Intent.PROFIL, ()),
        ("Saya ustaz sekaligus pengurus FKUB Kabupaten Tapin. Dimensi keberagamaan kami nilainya berapa ya?",
         Intent.PROFIL, ()),
        ("Kami di FKUB Tapin ingin tahu, tinggal berapa lagi supaya masuk kategori tinggi?", Intent.SELISIH_KATEGORI, ()),
        ("Assalamualaikum, selaku ketua FPK Kab. Tapin kami mohon info skor dimensi budaya", Intent.PROFIL, ()),
        ("saya dari fkdm tapin, dimensi apa yg paling lemah di tempat kami", Intent.TERLEMAH, ()),
        # ... unless the question asks for the forum's work: then the asker's own forum's ...
        ("Kami pengurus FKUB Kab. Tapin. Kegiatan apa yang cocok untuk variabel terlemah kami?", Intent.SARAN,
         ("FKUB",)),
        ("Kami pengurus FKDM Kab. Tapin, apa yang bisa kami lakukan untuk menaikkan dimensi sosial?", Intent.SARAN,
         ("FKDM",)),
        ("Saya dari FPK Tapin, mohon saran program tahun depan", Intent.SARAN, ("FPK",)),
        ("Kami pengurus FKUB Kab. Tapin, mohon arahan kegiatan untuk memperbaiki dimensi terlemah kami", Intent.SARAN,
         ("FKUB",)),
        # ... (each of them when the asker introduces themself by two) ...
        ("Kami FPK dan FKUB Kab. Tapin ingin bikin program bersama untuk V7. Kegiatan apa yang cocok?", Intent.SARAN,
         ("FPK", "FKUB")),
        ("saya baru ditunjuk jadi ketua FKDM Kab. Tapin, mohon saran kegiatan tahun depan", Intent.SARAN, ("FKDM",)),
        # ... or of the forum the question names.
        ("saya anggota FKDM, FKUB di Tapin bisa bantu apa untuk V7?", Intent.SARAN, ("FKUB",)),
    ],
)  # fmt: skip
def test_a_forum_in_the_askers_introduction(
    dialogue: Dialogue, text: str, intent: Intent, forums: tuple[str, ...]
) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions, decision.forums) == (intent, ("63.05",), forums)


@pytest.mark.parametrize(
    "text",
    ["Assalamualaikum, saya baru ditunjuk jadi sekretaris FKUB Kabupaten Kolaka. Apa saja tugas FKUB menurut aturan?",
     "kami FKDM kota Kendari, apa saja kewajiban FKDM", "saya dari FKUB Kab. Tapin, apa tugas FKUB?",
     "Saya baru dilantik sebagai anggota FPK Kota Banjarbaru. FPK itu dasar hukumnya apa?"],
)  # fmt: skip
def test_a_forums_duties_asked_after_the_askers_place_are_guidance(dialogue: Dialogue, text: str) -> None:
    # The place only says where the asker is: the duties are the same everywhere, and a region without
    # results must not turn the question into "belum diukur".
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (Intent.METODOLOGI, ())


@pytest.mark.parametrize(
    "text",
    ["Kabupaten kami di Maluku Utara belum pernah dapat hasil IHaI. Apa yang sebaiknya kami lakukan sekarang?",
     "trus kami harus gmn kalau blm terukur", "Kab. Kolaka belum terukur, langkah apa yang perlu dilakukan Kesbangpol?"],
)  # fmt: skip
def test_what_a_region_without_results_should_do_is_guidance(dialogue: Dialogue, text: str) -> None:
    # Not "belum diukur" again, nor the province's figures: the guidance for regions without results.
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (Intent.METODOLOGI, ())


def test_a_forum_introducing_the_asker_still_leads_the_guidance_search(dialogue: Dialogue) -> None:
    decision = decide(dialogue, "Kami pengurus FKUB yang baru dilantik. Apa saja tugas kami menurut aturan?")
    assert decision.intent == Intent.METODOLOGI
    assert "fkub" in decision.query.split()


@pytest.mark.parametrize(
    ("query", "read", "forums"),
    [
        ("saya pengurus fkub kabupaten bone", "saya pengurus lembaga kabupaten bone", ("FKUB",)),
        ("saya pendeta sekaligus anggota fpk", "saya pendeta sekaligus anggota lembaga", ("FPK",)),
        ("selaku ketua fkdm saya mohon info", "selaku ketua lembaga saya mohon info", ("FKDM",)),
        ("kami di fkub ingin tahu skor", "kami di lembaga ingin tahu skor", ("FKUB",)),
        ("kami fpk dan fkub ingin program", "kami lembaga ingin program", ("FPK", "FKUB")),
        ("saya baru ditunjuk jadi sekretaris fkub", "saya baru ditunjuk jadi sekretaris lembaga", ("FKUB",)),
        # A forum asked about, not introduced by.
        ("apa yang bisa kami lakukan di fkub", "apa yang bisa kami lakukan di fkub", ()),
        ("kami ingin tahu program dari fkub", "kami ingin tahu program dari fkub", ()),
        ("peran fkdm kalau ekonomi lemah", "peran fkdm kalau ekonomi lemah", ()),
    ],
)  # fmt: skip
def test_an_introduced_forum_is_read_as_a_plain_word(query: str, read: str, forums: tuple[str, ...]) -> None:
    assert without_affiliation(query) == (read, forums)


def test_an_unknown_word_is_a_region_only_where_a_region_is_asked_about(dialogue: Dialogue) -> None:
    assert decide(dialogue, "skor persib semalam brp?").intent == Intent.DI_LUAR_CAKUPAN
    assert decide(dialogue, "ihai kota sukamaju").intent == Intent.TIDAK_DIKENAL


@pytest.mark.parametrize(
    ("text", "context", "intent", "regions"),
    [
        # A figure of "its" region alone points at the region talked about, or asks which.
        ("skornya berapa ya", ChatContext(regions=("63.03",), intent="profil"), Intent.PROFIL, ("63.03",)),
        ("terus peringkat nasionalnya?", ChatContext(regions=("63.03",), intent="profil"), Intent.PROFIL, ("63.03",)),
        ("kategorinya?", NO_CONTEXT, Intent.PILIH_WILAYAH, ()),
        ("kabupatennya?", ChatContext(regions=("35.73",), intent="profil"), Intent.PROFIL, ("35.07",)),
        ("yang kedua kategorinya apa?", ChatContext(regions=("63.71", "63.72"), listed=("63.71", "63.72"),
                                                    intent="bandingkan"), Intent.PROFIL, ("63.72",)),
        # "dua kabupaten": the noun, not a name to look up.
        ("kalau interval dua kabupaten saling tumpang tindih artinya gimana", NO_CONTEXT, Intent.METODOLOGI, ()),
        ("yang ke-2 kategorinya apa, CI nya juga", ChatContext(regions=("63.71", "63.72"), listed=("63.71", "63.72"),
                                                               intent="bandingkan"), Intent.PROFIL, ("63.72",)),
        ("Kab Banjar lima tahun terakhir skornya gimana", NO_CONTEXT, Intent.TREN, ("63.03",)),
        # The question sentence, read alone, is surer than the whole message and names its region.
        ("Selamat pagi Pak, semoga sehat selalu. Terima kasih atas bantuannya selama ini. Saya ingin menanyakan "
         "jumlah responden IHaI Kota Batam.", NO_CONTEXT, Intent.CAKUPAN, ("21.71",)),
        # An elliptical last sentence does not stand alone.
        ("kab. ponorogo udah deket tinggi belum? sisa brp", NO_CONTEXT, Intent.SELISIH_KATEGORI, ("35.02",)),
        # A choice between forums is asked; "itu forum apa" asks what a forum is.
        ("FKUB, FPK atau FKDM yang paling pas untuk V8?", NO_CONTEXT, Intent.FORUM_COCOK, ()),
        ("forum apa yang jadi ujung tombak untuk dimensi ekonomi", NO_CONTEXT, Intent.FORUM_COCOK, ()),
        ("FKDM itu forum apa ya", NO_CONTEXT, Intent.METODOLOGI, ()),
        # "yang rendah": a category band, not a ranking.
        ("yang rendah di Jatim ada?", NO_CONTEXT, Intent.KATEGORI, ("35",)),
        # The values at both ends are the province's range; which regions rank there is a list.
        ("di Kalsel skor kab/kota tertinggi dan terendah berapa", NO_CONTEXT, Intent.PROVINSI, ("63",)),
        ("min max skor kab/kota di Kalsel", NO_CONTEXT, Intent.PROVINSI, ("63",)),
        ("kab/kota tertinggi dan terendah di Kalsel", NO_CONTEXT, Intent.PERINGKAT, ("63",)),
        # One item of a comparison gets its profile; "nya" after a province is the chat's kab/kota there.
        ("kalau yg kedua?", ChatContext(regions=("63.71", "63.72"), listed=("63.71", "63.72"), intent="bandingkan"),
         Intent.PROFIL, ("63.72",)),
        ("rank se-kalsel nya?", ChatContext(regions=("63.03",), intent="profil"), Intent.PROFIL, ("63.03",)),
        ("minta laporan ihai kab banjar buat diprint", NO_CONTEXT, Intent.LAPORAN, ("63.03",)),
        # A named forum's actions, no choice between forums asked.
        ("kegiatan FPK terkait dimensi budaya apa aja", NO_CONTEXT, Intent.SARAN_UMUM, ()),
        ("FKDM bisa ngapain kalau V3 kehidupan sosial rendah", NO_CONTEXT, Intent.SARAN_UMUM, ()),
        ("forum mana yang paling tepat untuk dimensi budaya", NO_CONTEXT, Intent.FORUM_COCOK, ()),
        ("tolong kirimin laporan kab banjar", NO_CONTEXT, Intent.LAPORAN, ("63.03",)),
        ("mengapa bobot variabel 2025 masih sementara", NO_CONTEXT, Intent.METODOLOGI, ()),
        ("skor Kab Banjar sudah mendekati batas kategori belum", NO_CONTEXT, Intent.SELISIH_KATEGORI, ("63.03",)),
        ("kab/kota mana di jateng yang paling banyak naik IHaI-nya", NO_CONTEXT, Intent.PERINGKAT, ("33",)),
        ("kab/kota di Kalsel yg harmoninya tinggi apa aja", NO_CONTEXT, Intent.KATEGORI, ("63",)),
        # The values of the parts named, not which part is weakest.
        ("Kota Banjarbaru dimensi sosialnya brp, sm variabel V3 nya", NO_CONTEXT, Intent.PROFIL, ("63.72",)),
        ("nilai variabel v5 dan v6 kab. tapin", NO_CONTEXT, Intent.PROFIL, ("63.05",)),
        ("kab tapin aspek persepsi dan partisipasinya berapa", NO_CONTEXT, Intent.PROFIL, ("63.05",)),
        ("kab tapin dimensi apa yang paling rendah", NO_CONTEXT, Intent.TERLEMAH, ("63.05",)),
        # The report as a file to pass on; a forum's report sent somewhere is no file of ours.
        ("tolong dokumen laporan ihai kab banjar dikirim ya", NO_CONTEXT, Intent.LAPORAN, ("63.03",)),
        ("laporan ihai kab tapin bisa di-share? mau saya teruskan ke grup FKDM", NO_CONTEXT, Intent.LAPORAN, ("63.05",)),
        ("laporan FKDM dikirim ke siapa saja", NO_CONTEXT, Intent.METODOLOGI, ()),
        # "Its report" after a region's figures is that region's PDF.
        ("laporannya sekalian ya", ChatContext(regions=("63.03",), intent="profil"), Intent.LAPORAN, ("63.03",)),
        ("yg paling atas laporannya dong", ChatContext(regions=("63",), listed=("63.08", "63.03"), intent="peringkat"),
         Intent.LAPORAN, ("63.08",)),
        # Said of the survey or the method in general, with no region in sight: the guidance; a figure
        # asked without a region still asks which.
        ("e-survey tahun ini dilaksanakan kapan, respondennya brp secara total", NO_CONTEXT, Intent.METODOLOGI, ()),
        ("target ihai per tahun yg masuk akal brp", NO_CONTEXT, Intent.METODOLOGI, ()),
        ("respondennya brp", NO_CONTEXT, Intent.PILIH_WILAYAH, ()),
        # A forum's part in raising a score is its actions; which forum has a part is a choice; how its work
        # is funded or filed is the planning guidance.
        ("peran FPK dalam meningkatkan IHaI secara umum apa", NO_CONTEXT, Intent.SARAN_UMUM, ()),
        ("kalau V5 di suatu daerah rendah, FPK bisa berperan apa?", NO_CONTEXT, Intent.SARAN_UMUM, ()),
        ("forum mana yang berperan untuk V5?", NO_CONTEXT, Intent.FORUM_COCOK, ()),
        ("kode nomenklatur utk kegiatan FKUB di SIPD", NO_CONTEXT, Intent.METODOLOGI, ()),
        # A forum's focus given a weakness is its actions; the gap with the parts to raise is the gap's plan.
        ("FKUB Tapin sebaiknya fokus ke mana berdasarkan kelemahannya", NO_CONTEXT, Intent.SARAN, ("63.05",)),
        ("Kab Tapin butuh tambahan skor berapa buat naik kategori, variabel mana yg didongkrak duluan?", NO_CONTEXT,
         Intent.SELISIH_KATEGORI, ("63.05",)),
        # The method's worked example, not the assistant's help; the assistant's use is its help ("menurut" is
        # no "menu").
        ("contoh hitungannya ada?", NO_CONTEXT, Intent.METODOLOGI, ()),
        ("bot ini fungsinya untuk apa dan cara bertanyanya gimana", NO_CONTEXT, Intent.BANTUAN, ()),
        ("menurut UU 7/2012 siapa yang mengoordinasikan penghentian konflik", NO_CONTEXT, Intent.METODOLOGI, ()),
        # Readings that come to the same answer count together: a year alone is that round's figures, so
        # "profile" and "trend" readings of it are one answer, not a doubt to ask about.
        ("indeks harmoni provinsi kalsel thn 2024", NO_CONTEXT, Intent.PROVINSI, ("63",)),
        # "siapa yang …" with no forum, weak spot or forum's topic in sight asks the rules, not which forum fits.
        ("Siapa yang berhak menetapkan status keadaan konflik?", NO_CONTEXT, Intent.METODOLOGI, ()),
        ("siapa yang harus turun tangan soal toleransi", NO_CONTEXT, Intent.FORUM_COCOK, ()),
        # Respondents with an end and no kab/kota named are a ranking by respondents, not one region's coverage.
        ("10 kab/kota dgn responden terbanyak se-kalsel", NO_CONTEXT, Intent.PERINGKAT, ("63",)),
        ("responden kab tapin sudah paling banyak belum?", NO_CONTEXT, Intent.CAKUPAN, ("63.05",)),
        # After a list of one, "itu" is that one region, not the province ranked.
        ("itu kurang berapa biar naik kategori", ChatContext(regions=("63",), listed=("63.08",), intent="peringkat"),
         Intent.SELISIH_KATEGORI, ("63.08",)),
    ],
)  # fmt: skip
def test_what_a_message_points_at(
    dialogue: Dialogue, text: str, context: ChatContext, intent: Intent, regions: tuple
) -> None:
    decision = decide(dialogue, text, context)
    assert (decision.intent, decision.regions) == (intent, regions)


def test_a_figure_of_its_own_keeps_the_variable_just_talked_about(dialogue: Dialogue) -> None:
    after_v7 = ChatContext(intent="metodologi", slots={"variables": ["v7"]})
    assert decide(dialogue, "di kab banjar nilainya brp", after_v7).slots.variables == ("v7",)


def test_a_list_position_places_its_region_in_the_named_province(dialogue: Dialogue) -> None:
    compared = ChatContext(regions=("63.71", "63.72"), listed=("63.71", "63.72"), intent="bandingkan")
    assert decide(dialogue, "yang kedua peringkatnya di kalsel brp", compared).regions == ("63.72",)


def test_a_year_alone_after_this_round_asks_how_it_moved(dialogue: Dialogue) -> None:
    after_latest = ChatContext(regions=("35.78",), intent="profil")
    assert decide(dialogue, "kalau 2023?", after_latest).intent == Intent.TREN
    after_a_year = ChatContext(regions=("35.78",), intent="profil", slots={"years": [2023]})
    assert decide(dialogue, "kalau 2024?", after_a_year).intent == Intent.PROFIL


def test_an_unsure_reading_named_in_so_many_words_is_answered(dialogue: Dialogue) -> None:
    understanding = dialogue.understander.understand("mohon info jumlah responden kab tapin", NO_CONTEXT)
    even = tuple((intent, 1 / 3) for intent in (Intent.PROFIL, Intent.CAKUPAN, Intent.TARGET))
    from bot.engine.decide import decide as decide_one

    decision = decide_one(replace(understanding, scores=even), NO_CONTEXT, dialogue.understander)
    assert (decision.intent, decision.regions) == (Intent.CAKUPAN, ("63.05",))


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # The respondents' count beside the region's own figure: the profile, which shows the count.
        ("skor kota banjarbaru dan jumlah respondennya brp", Intent.PROFIL),
        ("kategori kab tapin + responden", Intent.PROFIL),
        ("selang kepercayaan sama total responden kab sleman", Intent.PROFIL),
        ("berapa responden dan nilai ihai kab banjar", Intent.PROFIL),
        # Whether they suffice, or the respondents alone: coverage.
        ("angka kab tapin sudah boleh dilaporkan? respondennya cukup?", Intent.CAKUPAN),
        ("jumlah responden ihai kab sleman", Intent.CAKUPAN),
        ("kota banjarbaru respondennya berapa", Intent.CAKUPAN),
        # A province's count of measured kab/kota, or its score with how many reached the target: its summary.
        ("jateng brp kab/kota yg sudah diukur", Intent.PROVINSI),
        ("skor kalsel berapa dan berapa kab/kota yg sudah capai target", Intent.PROVINSI),
        ("jumlah kabupaten di papua tengah yang ada datanya", Intent.PROVINSI),
        # Which ones, or whether they suffice: coverage.
        ("kab/kota mana di kalsel yang belum capai target", Intent.CAKUPAN),
        ("berapa kab/kota di jatim yang sudah tembus 1250 responden", Intent.CAKUPAN),
        ("kalsel: berapa kab/kota yang respondennya cukup untuk laporan", Intent.CAKUPAN),
    ],
)
def test_counts_beside_a_figure_get_the_figures_answer(dialogue: Dialogue, text: str, intent: Intent) -> None:
    assert decide(dialogue, text).intent == intent


@pytest.mark.parametrize(
    "text",
    [
        "kab tapin paling rendah di bidang apa",
        "di sleman dimensi apa yg skornya paling jelek",
        "kalsel terlemah di dimensi mana",
        "variabel mana yang paling bawah di kota banjarbaru?",
        "kami FKUB kab banjar mau susun program. aspek apa yang nilainya terendah di daerah kami?",
    ],
)
def test_which_part_is_lowest_is_the_weakest_part(dialogue: Dialogue, text: str) -> None:
    assert decide(dialogue, text).intent == Intent.TERLEMAH


def test_which_regions_are_lowest_in_a_part_is_still_a_ranking(dialogue: Dialogue) -> None:
    assert decide(dialogue, "kab/kota mana di kalsel yang dimensi sosialnya paling rendah").intent == Intent.PERINGKAT
    assert decide(dialogue, "di jateng kab/kota dgn skor tertinggi dan terendah mana aja").intent == Intent.PERINGKAT
    assert decide(dialogue, "kalsel secara provinsi paling lemah di dimensi apa").intent == Intent.TERLEMAH


@pytest.mark.parametrize("text", ["yg skornya lebih tinggi yg mana", "mana yang lebih banyak respondennya?",
                                  "coba sandingkan keduanya", "jejerin dua duanya dong"])  # fmt: skip
def test_which_of_two_regions_is_a_comparison(dialogue: Dialogue, text: str) -> None:
    together = ChatContext(regions=("63.05", "63.03"), intent="bandingkan")
    one_after_another = ChatContext(regions=("63.05",), earlier=("63.03",), intent="profil")
    for context in (together, one_after_another):
        decision = decide(dialogue, text, context)
        assert (decision.intent, set(decision.regions)) == (Intent.BANDINGKAN, {"63.05", "63.03"})


@pytest.mark.parametrize("text", ["kab tapin harmoni rendah atau sedang?", "kota banjarbaru masuk kategori tinggi gak"])
def test_a_band_asked_of_one_kabkota_is_its_category(dialogue: Dialogue, text: str) -> None:
    assert decide(dialogue, text).intent == Intent.PROFIL


@pytest.mark.parametrize(
    "text",
    [
        # How a figure is made or may be read, with no region in sight: the method.
        "nilai provinsi itu dihitung dari apa",
        "batas bawah dan atas selang itu rumusnya gimana",
        "kalau selang dua kabupaten bertumpuk, boleh bilang yang satu lebih harmonis?",
        "angka 2024 bisa dibandingkan langsung dengan 2025?",
        # What the index is made of.
        "variabel di dimensi keberagamaan apa saja",
        "aspek ihai terdiri dari apa",
        # When the e-survey runs.
        "e-survey tahun ini ditutup kapan dan berapa responden se-indonesia",
        "jadwal e-survey 2025 dari tgl brp",
        # Where the bands begin and end; what a forum does.
        "batas angka harmoni rendah sedang tinggi brp aja",
        "ambang kategori rendah, sedang, tinggi di IHaI berapa",
        "FKDM kerjanya ngapain sih sebenernya",
    ],
)
def test_method_and_survey_questions_without_a_region_are_guidance(dialogue: Dialogue, text: str) -> None:
    assert decide(dialogue, text).intent == Intent.METODOLOGI


@pytest.mark.parametrize(
    "text",
    ["Provinsi dengan dimensi ekonomi terendah apa saja?", "kabupaten dengan dimensi sosial tertinggi apa aja",
     "provinsi mana yang aspek partisipasinya paling rendah, apa saja"],
)  # fmt: skip
def test_regions_asked_by_a_part_are_a_ranking_not_what_the_part_is_made_of(dialogue: Dialogue, text: str) -> None:
    assert decide(dialogue, text).intent == Intent.PERINGKAT


def test_bands_listed_or_asked_with_a_forum_are_no_method_or_help(dialogue: Dialogue) -> None:
    # Regions in two bands are a list, not the bands' limits; a forum's help is advice, not the assistant's.
    assert decide(dialogue, "daftar kab/kota kategori rendah dan sedang").intent == Intent.KATEGORI
    assert decide(dialogue, "forum bisa bantu apa buat kab tapin").intent == Intent.SARAN


def test_the_same_words_with_a_region_ask_its_figures(dialogue: Dialogue) -> None:
    assert decide(dialogue, "skor kab tapin dihitung dari berapa responden").intent != Intent.METODOLOGI


@pytest.mark.parametrize(
    "text",
    ["bisa bantu apa aja buat bappeda?", "asisten ini bisa membantu apa untuk kesbangpol",
     "baru pertama pakai, mulai nanya dari mana ya", "cara nanya ke bot ini gmn",
     "km bisa bantu apa aja buat kesbangpol"],
)  # fmt: skip
def test_what_the_assistant_can_do_is_help(dialogue: Dialogue, text: str) -> None:
    assert decide(dialogue, text).intent == Intent.BANTUAN


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("Malam pak, maaf mengganggu. Keponakan saya tanya skor IHaI Kabupaten Tapin. Bisa dibantu?", ("63.05",)),
        (
            "Izin bertanya. Kami butuh nilai IHaI Kota Banjarbaru untuk rapat besok. Mohon bantuannya ya pak.",
            ("63.72",),
        ),
    ],
)
def test_a_polite_closing_leaves_the_question_before_it(dialogue: Dialogue, text: str, regions: tuple) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (Intent.PROFIL, regions)


@pytest.mark.parametrize(
    ("text", "forums"),
    [
        ("warga menolak renovasi masjid di kampung sebelah, forum mana yang turun duluan?", ("FKUB",)),
        ("ada ketegangan pendatang dengan warga asli, sebaiknya ditangani forum apa", ("FPK",)),
        ("forum apa yg paling pas buat ngangkat V6?", ()),
        ("Ada isu sengketa lahan antarkampung yang bisa memanas, forum mana yang mestinya memantau?", ("FKDM",)),
        ("pemuda dua desa sering tawuran, forum apa yang cocok turun", ("FKDM",)),
        ("v7 forum mana yg paling pas megang", ()),  # a chat verb, not a region's name
    ],
)
def test_chat_words_and_everyday_troubles_pick_a_forum(dialogue: Dialogue, text: str, forums: tuple) -> None:
    decision = decide(dialogue, text)
    assert decision.intent == Intent.FORUM_COCOK
    assert set(forums) <= set(decision.slots.topic_forums)


@pytest.mark.parametrize(
    "text",
    ["berapa responden kota bogor", "dimensi terlemah sleman", "gmn cara fkub ningkatin moderasi?",
     "berapa kab/kota yang diukur di jabar", "brp poin lg banjarbaru ke harmoni tinggi", "metodologi ihai 2025",
     "IHaI Jawa Tengah berapa, dan berapa kab/kota yang sudah capai 1.250 responden?"],
)  # fmt: skip
def test_a_refined_reading_is_refined_already(dialogue: Dialogue, text: str) -> None:
    """The decision refines the answer it chose again: every reading must come out of `refine` settled."""
    understanding = dialogue.understander.understand(text, NO_CONTEXT)
    for intent in Intent:
        settled = refine(intent, understanding, NO_CONTEXT)
        assert refine(settled, understanding, NO_CONTEXT) == settled, (intent, settled)


@pytest.mark.parametrize(
    "text", ["ihai kota bukitsejahtera di jateng", "Kabupaten Sukamakmur Raya Sumut skornya berapa"]
)
def test_an_unknown_kabkota_beside_its_province_is_unknown(dialogue: Dialogue, text: str) -> None:
    decision = decide(dialogue, text)
    assert decision.intent == Intent.TIDAK_DIKENAL and decision.regions == ()


def test_a_misspelt_kabkota_beside_its_province_is_still_found(dialogue: Dialogue) -> None:
    assert decide(dialogue, "kota banjarbarv di kalsel skornya").regions == ("63.72",)


@pytest.mark.parametrize(
    ("text", "intent", "check"),
    [
        ("provinsi 3 teratas", Intent.PERINGKAT, lambda d: d.scope == "provinsi"),
        ("apa yg harus dikejar kab tapin supaya pindah kategori", Intent.SELISIH_KATEGORI, lambda d: True),
        ("kab banjar: paling lemah di sisi apa? ekonomi, sosial atau budaya?", Intent.TERLEMAH, lambda d: True),
        ("skor dan peringkat nasional kab tapin", Intent.PROFIL, lambda d: d.regions == ("63.05",)),
    ],
)
def test_more_ways_of_asking(dialogue: Dialogue, text: str, intent: Intent, check) -> None:
    decision = decide(dialogue, text)
    assert decision.intent == intent and check(decision)


@pytest.mark.parametrize(
    "text",
    [
        "nomor 2 itu v3 sama v4 nya brp",
        "urutan ketiga gimana dimensinya",
        "no 3 kategorinya apa dan peringkatnya",
        "yg pertama dimensi sosialnya brp",
    ],
)
def test_parts_of_a_listed_item_are_its_profile(dialogue: Dialogue, text: str) -> None:
    listed = ChatContext(regions=("63",), intent="peringkat", listed=("63.05", "63.03", "63.72"),
                         slots={"order": "top", "n": 3, "scope": "63"})  # fmt: skip
    decision = decide(dialogue, text, listed)
    assert decision.intent == Intent.PROFIL and len(decision.regions) == 1


@pytest.mark.parametrize(
    ("text", "order", "scope"),
    [("5 kab/kota dengan skor paling kecil di jatim", BOTTOM, "35"), ("3 provinsi dengan skor terkecil", BOTTOM, "provinsi"),
     ("kab/kota dgn nilai paling besar di kalsel", TOP, "63")],
)  # fmt: skip
def test_smallest_and_largest_are_the_ends_of_a_ranking(dialogue: Dialogue, text: str, order: str, scope: str) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.slots.order, decision.scope) == (Intent.PERINGKAT, order, scope)


def test_the_national_position_of_the_region_talked_about_is_its_profile(dialogue: Dialogue) -> None:
    talked = ChatContext(regions=("63.05",), intent="profil")
    decision = decide(dialogue, "posisi se-Indonesia nomor berapa?", talked)
    assert (decision.intent, decision.regions) == (Intent.PROFIL, ("63.05",))


@pytest.mark.parametrize(
    ("text", "intent"),
    [("what can you do here?", Intent.BANTUAN), ("hello, what kind of questions can I send?", Intent.BANTUAN),
     ("pagi min, ada orang?", Intent.SAPAAN)],
)  # fmt: skip
def test_help_in_english_and_a_presence_check(dialogue: Dialogue, text: str, intent: Intent) -> None:
    assert decide(dialogue, text).intent == intent


@pytest.mark.parametrize(
    ("text", "regions"),
    [("skor ihai kab luwu timr", ("73.24",)), ("tapanuli utra kategorinya apa", ("12.02",)),
     ("skor sumba bart daya", ("53.18",)), ("jawa tngh skornya brp", ("33",)), ("skor kab kotawaringin timr", ("62.02",)),
     ("ihai tanah toraja brp", ("73.18",)), ("skor gunung kidl", ("34.03",))],
)  # fmt: skip
def test_a_slip_in_the_last_word_of_a_name_is_mended(dialogue: Dialogue, text: str, regions: tuple) -> None:
    """ "luwu timr" is Luwu Timur, not Luwu; "tanah toraja" is Tana Toraja, not Toraja Utara clipped."""
    assert decide(dialogue, text).regions == regions


def test_only_a_slip_is_mended_never_a_real_word() -> None:
    gazetteer = get_gazetteer()
    slots = SlotReader(load_methodology("ihai-2025"))
    resolver = Resolver(gazetteer, slots.is_known_word, slots.is_slip)
    # "timur" is a word: Kabupaten Tapanuli Timur does not exist and stays what was typed.
    assert [u.surface for u in resolver.scan("skor kabupaten tapanuli timur", expects_region=True).unknown] == [
        "tapanuli timur"
    ]
    # "wali kota" is the mayor: the words after it are no region's name.
    scan = resolver.scan("wali kota wajib memutus permohonan paling lambat berapa hari", expects_region=True)
    assert (scan.mentions, scan.unknown) == ((), ())


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Min, aku lg nyusun laporan soal kerukunan di Kab Luwu, perlu angka IHaI sama kategorinya", Intent.PROFIL),
        ("kab sleman butuh program apa dari forum2 supaya harmoninya naik", Intent.SARAN),
        ("kabupaten kami tidak dapat hasil tahun ini, sebaiknya ngapain?", Intent.METODOLOGI),
        ("pagi min, ada orang?", Intent.SAPAAN),
    ],
)
def test_what_a_message_asks_in_so_many_words(dialogue: Dialogue, text: str, intent: Intent) -> None:
    assert decide(dialogue, text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent", "regions"),
    [("list of regencies in the low category in Jawa Barat", Intent.KATEGORI, ("32",)),
     ("has Kabupaten Sleman improved since the previous round?", Intent.TREN, ("34.04",)),
     ("which provinces score highest nationally?", Intent.PERINGKAT, ("00",))],
)  # fmt: skip
def test_questions_in_english(dialogue: Dialogue, text: str, intent: Intent, regions: tuple) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (intent, regions)


@pytest.mark.parametrize(
    "text",
    [
        "nilai 7,25 itu termasuk kategori apa ya?",
        "kalau skornya pas 6 masuk rendah atau sedang",
        "skor 8 pas tinggi atau sedang?",
    ],
)
def test_a_score_asked_of_a_band_is_the_bands_definition(dialogue: Dialogue, text: str) -> None:
    assert decide(dialogue, text).intent == Intent.METODOLOGI


@pytest.mark.parametrize(
    ("text", "intent"),
    [("3 provinsi masuk kategori tinggi?", Intent.KATEGORI), ("kab tapin masuk kategori apa", Intent.PROFIL)],
)
def test_a_count_of_regions_or_a_region_beside_a_band_is_no_definition(
    dialogue: Dialogue, text: str, intent: Intent
) -> None:
    assert decide(dialogue, text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent", "regions"),
    [("izin min, mau tanya, IHaI Kalbar secara keseluruhan gimana?", Intent.PROVINSI, ("61",)),
     ("ihainya kalbar brp", Intent.PROVINSI, ("61",)),
     ("peringkatnya di kalbar?", Intent.PROFIL, ("61.01",))],
)  # fmt: skip
def test_a_province_named_after_its_kabkota_is_itself_unless_it_places_it(
    dialogue: Dialogue, text: str, intent: Intent, regions: tuple
) -> None:
    """ "tanya" ends in "-nya" without pointing anywhere; "-nya di Kalbar" places Sambas in its province."""
    talked = ChatContext(regions=("61.01",), intent="profil")
    decision = decide(dialogue, text, talked)
    assert (decision.intent, decision.regions) == (intent, regions)


def test_a_rule_asked_of_every_kabkota_is_guidance_even_after_a_region(dialogue: Dialogue) -> None:
    talked = ChatContext(regions=("52.02",), intent="profil")
    assert decide(dialogue, "berapa jumlah responden minimal per kabupaten", talked).intent == Intent.METODOLOGI
    assert decide(dialogue, "berapa jumlah respondennya", talked).intent == Intent.CAKUPAN


def test_a_question_word_typed_with_a_slip_is_no_region(dialogue: Dialogue) -> None:
    decision = decide(dialogue, "skor provinsi itu diitung dari apa? rata2 kab/kota?")
    assert decision.intent == Intent.METODOLOGI
    # As close to a region as to a question word: the region ("bandng" is Bandung, not "banding").
    assert set(decide(dialogue, "ihai bandng").choices) == {"32.04", "32.73"}


@pytest.mark.parametrize(("text", "regions"), [("yg kota?", ("35.71",)), ("kalau kotamadya?", ("35.71",))])
def test_a_kind_alone_picks_the_namesake_of_the_region_talked_about(
    dialogue: Dialogue, text: str, regions: tuple
) -> None:
    talked = ChatContext(regions=("35.06",), intent="profil")  # Kabupaten Kediri
    decision = decide(dialogue, text, talked)
    assert (decision.intent, decision.regions) == (Intent.PROFIL, regions)


@pytest.mark.parametrize(
    ("text", "intent"),
    [("bagaimana cara FKUB memberi rekomendasi pendirian rumah ibadah", Intent.METODOLOGI),
     ("bagaimana cara FKUB meningkatkan moderasi beragama", Intent.SARAN_UMUM)],
)  # fmt: skip
def test_a_forums_procedure_is_the_rule_and_its_work_for_the_index_is_advice(
    dialogue: Dialogue, text: str, intent: Intent
) -> None:
    assert decide(dialogue, text).intent == intent


def test_who_the_asker_is_is_no_region_guess(dialogue: Dialogue) -> None:
    decision = decide(dialogue, "Halo, saya wartawan. Benarkah IHaI nasional 2025 turun dibanding 2024?")
    assert (decision.intent, decision.regions) == (Intent.TREN, ("00",))


@pytest.mark.parametrize(
    ("text", "intent"),
    [("untuk kab Ngawi apakah hasilnya sudah boleh dipakai di dokumen RPJMD?", Intent.CAKUPAN),
     ("hasil ihai kota bogor sah gak dipakai", Intent.CAKUPAN),
     ("kalau respondennya cuma 800, hasilnya sah gak?", Intent.METODOLOGI)],
)  # fmt: skip
def test_whether_a_result_may_be_used_is_its_coverage_or_the_rule(
    dialogue: Dialogue, text: str, intent: Intent
) -> None:
    assert decide(dialogue, text).intent == intent


def test_compared_with_leaves_out_the_region_talked_about(dialogue: Dialogue) -> None:
    talked = ChatContext(regions=("34.02",), intent="profil")  # Kabupaten Bantul
    assert decide(dialogue, "bandingin sama kab sleman dan kota yogya", talked).regions == ("34.02", "34.04", "34.71")
    assert decide(dialogue, "bandingkan kab sleman dengan kota yogya", talked).regions == ("34.04", "34.71")


@pytest.mark.parametrize(
    ("text", "context", "intent"),
    [("kenapa bisa segitu?", ChatContext(regions=("33.74",), intent="profil"), Intent.TERLEMAH),
     ("perbedaan kerangka 2023/2024 dengan 2025 apa", NO_CONTEXT, Intent.METODOLOGI)],
)  # fmt: skip
def test_why_a_figure_is_low_and_the_frameworks(
    dialogue: Dialogue, text: str, context: ChatContext, intent: Intent
) -> None:
    assert decide(dialogue, text, context).intent == intent


@pytest.mark.parametrize(
    ("text", "intent", "regions"),
    [("gimana kondisi kerukunan di kota bogor", Intent.PROFIL, ("32.71",)),
     ("posisi kab kendal dibanding kab/kota lain di jateng", Intent.PROFIL, ("33.24",)),
     ("Mohon maaf sebelumnya, kami dari sekretariat FPK Kota Singkawang. Berdasarkan hasil IHaI, variabel mana yang "
      "perlu kami dorong lebih dulu?", Intent.TERLEMAH, ("61.72",))],
)  # fmt: skip
def test_a_regions_state_its_place_and_a_question_after_an_introduction(
    dialogue: Dialogue, text: str, intent: Intent, regions: tuple
) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (intent, regions)


@pytest.mark.parametrize(
    ("text", "threshold", "n"),
    [("list kab/kota di jatim yang skornya di bawah 6,5", ("bottom", 6.5), None),
     ("kab/kota di jabar yang respondennya kurang dari 1.000", ("bottom", 1000.0), None),
     ("lebih dari 5 kabupaten di jatim yang harmoni tinggi?", None, 5)],
)  # fmt: skip
def test_a_value_to_compare_with_is_no_count(
    dialogue: Dialogue, text: str, threshold: tuple | None, n: int | None
) -> None:
    decision = decide(dialogue, text)
    assert (decision.slots.threshold, decision.slots.n) == (threshold, n)


@pytest.mark.parametrize("text", ["per provinsi rata-rata ihai berapa", "rata-rata ihai semua provinsi"])
def test_every_province_at_once_is_their_ranking_in_full(dialogue: Dialogue, text: str) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.scope, decision.slots.n) == (Intent.PERINGKAT, "provinsi", 30)


@pytest.mark.parametrize(
    "text", ["Maaf mau tanya, aplikasi ini datanya dari mana? resmi dari kemendagri?", "bot ini sumber datanya apa"]
)
def test_where_the_assistants_figures_come_from_is_help(dialogue: Dialogue, text: str) -> None:
    assert decide(dialogue, text).intent == Intent.BANTUAN


@pytest.mark.parametrize(
    "text",
    [
        "siapa yang membentuk FPK di kabupaten",
        "kalau terjadi konflik sosial, siapa yang menetapkan status keadaan konflik",
    ],
)
def test_a_forums_making_and_a_conflict_status_are_guidance(dialogue: Dialogue, text: str) -> None:
    """ "konflik sosial" is UU 7/2012's term, not the social dimension."""
    decision = decide(dialogue, text)
    assert decision.intent == Intent.METODOLOGI and decision.slots.dimensions == ()


@pytest.mark.parametrize(
    ("text", "intent", "regions"),
    [("How is West Java doing on the harmony index?", Intent.PROVINSI, ("32",)),
     ("Inggih, matur nuwun sanget penjelasannya, Mbak", Intent.SAPAAN, ()),
     ("Assalamualaikum wr wb, salam kenal dari pengurus FKDM", Intent.SAPAAN, ()),
     ("tolong rapor IHaI kab sleman dikirim ya", Intent.LAPORAN, ("34.04",))],
)  # fmt: skip
def test_provinces_in_english_courtesy_alone_and_a_report_by_another_name(
    dialogue: Dialogue, text: str, intent: Intent, regions: tuple
) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (intent, regions)


@pytest.mark.parametrize(
    "text", ["dimensi budaya itu lebih ke urusan FPK kan?", "moderasi beragama ranahnya FKUB ya?",
             "konflik antar suku itu urusan fpk bukan sih"]
)  # fmt: skip
def test_a_forum_put_forward_to_be_confirmed_asks_which_forum_fits(dialogue: Dialogue, text: str) -> None:
    assert decide(dialogue, text).intent == Intent.FORUM_COCOK


@pytest.mark.parametrize(
    ("text", "intent", "regions"),
    [
        ("How many regencies and cities were measured in Bali?", Intent.PROVINSI, ("51",)),
        ("Which cities in Jawa Barat fall in the Tinggi band?", Intent.KATEGORI, ("32",)),
        ("What is the harmony index of Tapin regency?", Intent.PROFIL, ("63.05",)),
        ("Which variable needs the most attention in Tapin?", Intent.TERLEMAH, ("63.05",)),
        ("What can the FKUB do to improve tolerance in Tapin?", Intent.SARAN, ("63.05",)),
        ("Please send me the PDF report for Tapin.", Intent.LAPORAN, ("63.05",)),
        ("Is Banjarbaru's score really different from Banjarmasin's?", Intent.BANDINGKAN, ("63.72", "63.71")),
        ("What weights are used to combine the variables?", Intent.METODOLOGI, ()),
        ("What does the confidence interval mean?", Intent.METODOLOGI, ()),
        # "X city" / "X regency" after a shared name, as "bogor kota" / "malang kabupaten" in Indonesian.
        ("What is the score of Bogor city?", Intent.PROFIL, ("32.71",)),
        ("Bogor regency score please", Intent.PROFIL, ("32.01",)),
        ("skor bogor kota berapa", Intent.PROFIL, ("32.71",)),
    ],
)  # fmt: skip
def test_english_questions_of_every_kind(dialogue: Dialogue, text: str, intent: Intent, regions: tuple[str, ...]) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (intent, regions)


def test_an_english_ranking_keeps_its_count_and_end(dialogue: Dialogue) -> None:
    decision = decide(dialogue, "Which five provinces rank lowest?")
    assert (decision.intent, decision.scope, decision.slots.n, decision.slots.order) == (
        Intent.PERINGKAT, "provinsi", 5, BOTTOM
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "intent", "regions"),
    [
        # The three forums working together is the guidance on their synergy, with no region in sight.
        ("gimana supaya FKUB, FPK dan FKDM bisa bersinergi", Intent.METODOLOGI, ()),
        ("tiga forum itu bisa kolaborasi seperti apa", Intent.METODOLOGI, ()),
        # A forum's activities tied to the index are its actions, not its mandate.
        ("program FKDM yang berkaitan dengan indeks harmoni apa saja", Intent.SARAN_UMUM, ()),
        # Whether two rounds may be compared at all is the method's question, not a trend.
        ("bolehkah angka 2023 dibandingkan dengan 2025?", Intent.METODOLOGI, ()),
        # Respondents of two regions: each one's coverage, not a comparison of scores.
        ("jumlah responden kab tapin dan kab balangan", Intent.CAKUPAN, ("63.05", "63.11")),
        # Both kinds at once are kab/kota, never a name after "kota".
        ("berapa kabupaten dan kota terukur di kalsel", Intent.PROVINSI, ("63",)),
    ],
)  # fmt: skip
def test_what_the_words_ask_beyond_the_classifiers_reading(
    dialogue: Dialogue, text: str, intent: Intent, regions: tuple[str, ...]
) -> None:
    decision = decide(dialogue, text)
    assert (decision.intent, decision.regions) == (intent, regions)


COMPARED = ChatContext(regions=("36.74", "36.71"), intent="bandingkan", listed=("36.74", "36.71"))


@pytest.mark.parametrize(
    ("text", "context", "intent", "regions"),
    [
        # A region alone after a comparison asks about that region; one added in words joins the comparison.
        ("Cilegon?", COMPARED, Intent.PROFIL, ("36.72",)),
        ("kalau Kep. Seribu?", COMPARED, Intent.PROFIL, ("31.01",)),
        ("Banten secara prov", COMPARED, Intent.PROVINSI, ("36",)),
        ("kalau ditambah Pandeglang?", COMPARED, Intent.BANDINGKAN, ("36.74", "36.71", "36.01")),
        ("tambahin kab. serang", COMPARED, Intent.BANDINGKAN, ("36.74", "36.71", "36.04")),
        # Which of the regions named is highest: those regions side by side, not a ranking of all.
        ("Samarinda, Balikpapan, Bontang - mana tertinggi?", NO_CONTEXT, Intent.BANDINGKAN,
         ("64.72", "64.71", "64.74")),
        ("Kalbar, Kalteng, Kaltim: mana paling rendah", NO_CONTEXT, Intent.BANDINGKAN, ("61", "62", "64")),
        ("di Kalbar kab mana paling tinggi", NO_CONTEXT, Intent.PERINGKAT, ("61",)),
        # English requests for the report.
        ("report for Kab. Ketapang please", NO_CONTEXT, Intent.LAPORAN, ("61.04",)),
        ("could you send me the one-page report for Balikpapan?", NO_CONTEXT, Intent.LAPORAN, ("64.71",)),
        # A target asked after a region's figures is that region's target path; how to set one is guidance.
        ("oke, trus target tahunan utk renstra 5 thn ke depan sebaiknya gmn",
         ChatContext(regions=("34.04",), intent="selisih_kategori"), Intent.TARGET, ("34.04",)),
        ("cara menetapkan target tahunan IHaI di RPJMD gimana", ChatContext(regions=("34.04",), intent="profil"),
         Intent.METODOLOGI, ()),
        # Another index is the guidance's, not IHaI figures.
        ("tren nilai IKUB nasional beberapa tahun terakhir gimana", NO_CONTEXT, Intent.METODOLOGI, ()),
        # What the message says it asks settles the region; a region denied takes its province along.
        ("Mohon izin pak, anak saya kuliah di Malang tp saya tinggal di Sumenep. Yg saya tanyakan Sumenep: skor IHaI?",
         NO_CONTEXT, Intent.PROFIL, ("35.29",)),
        ("banjar yg di kalsel ya, bukan kota banjar jabar. IHaI nya brp", NO_CONTEXT, Intent.PROFIL, ("63.03",)),
        # A kab/kota name we do not know, placed in a province or asked where it is.
        ("Kab. Gunung Perak Jatim ihai", NO_CONTEXT, Intent.TIDAK_DIKENAL, ()),
        ("Kabupaten Tanjung Langit di provinsi mana dan IHaI-nya berapa?", NO_CONTEXT, Intent.TIDAK_DIKENAL, ()),
        ("anggota FKUB kabupaten maksimal brp orang", NO_CONTEXT, Intent.METODOLOGI, ()),
        # How the survey takes its respondents, or how a province's score is made: the method.
        ("e-survey IHaI itu sampel acak atau yg mau ngisi aja?", NO_CONTEXT, Intent.METODOLOGI, ()),
        ("skor provinsi itu rata2 dari kab/kotanya kah?", NO_CONTEXT, Intent.METODOLOGI, ()),
        # Every part's value is the profile; a comparison word with several regions compares, "studi banding" not.
        ("kab. lombok utara nilai per dimensi", NO_CONTEXT, Intent.PROFIL, ("52.08",)),
        ("rinciin per dimensi", ChatContext(regions=("32.11",), intent="profil"), Intent.PROFIL, ("32.11",)),
        ("perbandingan dimensi budaya kab gianyar, badung, tabanan", NO_CONTEXT, Intent.BANDINGKAN,
         ("51.04", "51.03", "51.02")),
        ("Kami baru pulang studi banding dari Bali dan Lombok. Boleh minta laporan PDF IHaI Kab. Tabalong?",
         NO_CONTEXT, Intent.LAPORAN, ("63.09",)),
        ("sampang jg, bandingkan ketiganya", ChatContext(regions=("35.28",), earlier=("35.29",), intent="profil"),
         Intent.BANDINGKAN, ("35.29", "35.28", "35.27")),
        # A place in the last list, however it is said; a level is no name; chat words are no names.
        ("Untuk yg ranking 1, apa saran buat FKUB di sana?", ChatContext(regions=("33",), intent="peringkat",
         listed=("33.72", "33.21")), Intent.SARAN, ("33.72",)),
        ("Kami dari Biro Pemerintahan Setda Provinsi NTB ingin mengetahui skor IHaI NTB secara provinsi. Matur nuwun.",
         NO_CONTEXT, Intent.PROVINSI, ("52",)),
        ("sy baru join, ini gimana cara nanya yg bener?", NO_CONTEXT, Intent.BANTUAN, ()),
        ("Which regencies and cities in Central Java are rated Tinggi?", NO_CONTEXT, Intent.KATEGORI, ("33",)),
    ],
)  # fmt: skip
def test_comparisons_targets_other_indices_and_settled_names(
    dialogue: Dialogue, text: str, context: ChatContext, intent: Intent, regions: tuple
) -> None:
    decision = decide(dialogue, text, context)
    assert (decision.intent, decision.regions) == (intent, regions)


@pytest.mark.parametrize(
    ("topic", "text", "focus"),
    [
        ({"variables": ["v6"]}, "terus forum mana yg paling pas buat ngurusin itu", ("v6",)),
        ({"variables": ["v7"]}, "siapa yang sebaiknya menanganinya", ("v7",)),
        ({}, "forum apa yang cocok kalau warga pendatang dan penduduk asli kurang membaur", ("v6",)),
        ({}, "saran FKDM soal tawuran antarkampung", ("v3",)),
        ({}, "forum mana yang pas menangani intoleransi", ("v7",)),
    ],
)
def test_a_topic_talked_about_or_described_is_the_focus(
    dialogue: Dialogue, topic: dict, text: str, focus: tuple
) -> None:
    decision = decide(dialogue, text, ChatContext(intent="metodologi", slots=topic))
    assert decision.slots.variables == focus
