"""The conversation around the figures: greetings, help, out-of-scope questions, and the questions back
(which region, which of several readings)."""

from __future__ import annotations

from bot.engine import render
from bot.engine.compose.kit import EXAMPLES, Kit, button, example_buttons
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent, spec
from bot.engine.model import Answer
from bot.engine.payloads import Payload

HELP_LINES = (
    "<b>Yang bisa Anda tanyakan</b>",
    "• Skor: <i>berapa IHaI Kota Banjarbaru?</i>, <i>skor kab banjar kalsel</i>",
    "• Dimensi terlemah: <i>dimensi terlemah Kabupaten Tapin</i>, <i>apa yang harus dibenahi dulu di Sleman?</i>",
    "• Saran forum: <i>saran FKDM untuk Banjarmasin</i>, <i>peran FKUB kalau keberagamaan di Tapin rendah?</i>",
    "• Forum yang cocok: <i>forum apa yang cocok kalau budaya rendah di Sleman?</i>",
    "• Perbandingan: <i>bandingkan Banjarbaru dengan Banjarmasin</i>",
    "• Peringkat: <i>5 kab/kota terendah di Jawa Barat</i>, <i>tertinggi dan terendah di Bali</i>",
    "• Lanjutan: setelah peringkat, <i>yang paling bawah itu dimensi terlemahnya apa?</i>",
    "• Provinsi: <i>ringkasan Kalsel</i>; cakupan: <i>kab/kota mana di Jabar yang belum capai target?</i>",
    "• Kategori: <i>kab/kota mana yang Harmoni Tinggi di Jateng?</i>",
    "• Naik kategori: <i>kurang berapa lagi Banjarbaru ke Harmoni Tinggi?</i>",
    "• Panduan: <i>apa itu IHaI?</i>, <i>bagaimana IHaI dihitung?</i>, <i>apa tugas FKDM?</i>",
    "Singkatan biasa dipahami: kab, kot, prov, brp, yg, Kalsel, Jabar, DIY, HSS, Jakpus …",
)


def greeting(decision: Decision, kit: Kit) -> Answer:
    thanks = "terimakasih" in decision.query.split()
    opening = "Sama-sama! " if thanks else "Halo! "
    text = (
        f"{opening}Saya asisten <b>Indeks Harmoni Indonesia (IHaI)</b>. Tanyakan skor IHaI kabupaten/kota atau "
        "provinsi, dimensi terlemahnya, perbandingan antarwilayah, peringkat, cakupan responden, atau saran "
        "kegiatan untuk FKUB, FPK dan FKDM."
    )
    return Answer(text=text, intent=Intent.SAPAAN.value, followups=example_buttons(4))


def help_answer(decision: Decision, kit: Kit) -> Answer:
    """What can be asked, and where the figures come from: the results loaded, said to be sample data when
    they are."""
    if kit.view.synthetic:
        source = f"data sampel sintetis IHaI {kit.view.year}, <b>bukan hasil resmi</b> Kemendagri"
    else:
        source = f"hasil IHaI {kit.view.year} yang dihitung asisten ini dari data e-survey yang dimuat; hasil resmi tetap laporan Kemendagri"
    lines = [*HELP_LINES, f"Sumber angka: {source}. Panduan mencantumkan dasar hukum atau publikasinya di setiap jawaban."]
    return Answer(text="\n".join(lines), intent=Intent.BANTUAN.value, followups=example_buttons(4))


def out_of_scope(decision: Decision, kit: Kit) -> Answer:
    text = (
        "Maaf, pertanyaan itu di luar cakupan saya. Saya hanya menjawab seputar <b>Indeks Harmoni Indonesia "
        "(IHaI)</b>: skor kab/kota dan provinsi, dimensi, peringkat, cakupan responden, cara perhitungan, dan "
        "saran untuk FKUB, FPK dan FKDM. Contohnya:\n"
        + render.bullet_lines(f"<i>{render.escape(question)}</i>" for _, question in EXAMPLES[:4])
    )
    return Answer(text=text, intent=Intent.DI_LUAR_CAKUPAN.value, followups=example_buttons(4))


def which_region(decision: Decision, kit: Kit) -> Answer:
    if decision.choices:
        name = render.escape(decision.surface.title())
        text = f"Ada beberapa wilayah bernama <b>{name}</b>. Yang mana maksud Anda?"
        return Answer(text=text, intent=Intent.PILIH_WILAYAH.value, choices=kit.region_buttons(decision.choices))
    question = "Dibandingkan dengan wilayah mana?" if decision.asked == Intent.BANDINGKAN else "Untuk wilayah mana?"
    text = f"{question} Sebutkan nama kabupaten/kota atau provinsinya, misalnya <i>Kota Banjarbaru</i> atau <i>Kalsel</i>."
    return Answer(text=text, intent=Intent.PILIH_WILAYAH.value, regions=decision.regions)


def unknown_region(decision: Decision, kit: Kit) -> Answer:
    text = f"Saya tidak menemukan wilayah <b>{render.escape(decision.surface)}</b>."
    if decision.choices:
        text += " Maksud Anda salah satu ini?"
    else:
        text += " Periksa ejaannya atau tulis nama lengkapnya, misalnya <i>Kabupaten Hulu Sungai Selatan</i>."
    return Answer(text=text, intent=Intent.TIDAK_DIKENAL.value, choices=kit.region_buttons(decision.choices))


def which_reading(decision: Decision, kit: Kit) -> Answer:
    """The classifier is unsure: the likeliest readings as buttons, each carrying the message's regions
    and slots so that a tap answers at once."""
    slots = decision.slots
    choices = tuple(
        button(
            spec(intent).label,
            Payload(
                intent,
                regions=decision.regions[:3],
                forums=slots.forums,
                dimension=slots.dimensions[0] if slots.dimensions else None,
                variable=slots.variables[0] if slots.variables else None,
                n=slots.n,
                order=slots.order if intent == Intent.PERINGKAT else None,
            ),
        )
        for intent in decision.readings
    )
    draft = Draft(lines=["Maaf, saya belum yakin maksud pertanyaan Anda. Apakah salah satu ini?"])
    draft.facts.update(readings=[intent.value for intent in decision.readings], confidence=decision.confidence)
    return kit.finish(draft, Intent.PILIH_MAKSUD, decision.regions, choices=choices)


COMPOSERS = {
    Intent.SAPAAN: greeting,
    Intent.BANTUAN: help_answer,
    Intent.DI_LUAR_CAKUPAN: out_of_scope,
    Intent.PILIH_WILAYAH: which_region,
    Intent.TIDAK_DIKENAL: unknown_region,
    Intent.PILIH_MAKSUD: which_reading,
}
