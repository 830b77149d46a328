"""Knowledge questions: definitions, the method, forum mandates, planning and survey practice — the
framework block where the question is about computation, and the guidance section that answers it."""

from __future__ import annotations

from bot.engine.compose.kit import Kit, button, example_buttons
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer, Button
from bot.engine.payloads import Payload


def knowledge(decision: Decision, kit: Kit) -> Answer:
    draft = Draft()
    if decision.slots.method:
        kit.advisor.method_block(draft)
    doc_id = None
    if kit.advisor.index is None:
        if not decision.slots.method:
            draft.add(
                "Maaf, basis pengetahuan panduan belum siap (indeks pencarian belum dibangun), jadi pertanyaan "
                "definisi dan panduan belum bisa saya jawab. Pertanyaan tentang angka IHaI tetap bisa."
            )
        draft.facts["index_ready"] = False
    else:
        doc_id = kit.advisor.guidance_block(decision.query, draft)
    followups: tuple[Button, ...] = ()
    if doc_id is not None:
        followups += (button("Selengkapnya", Payload(Intent.DOKUMEN, doc=doc_id)),)
    if not decision.slots.method:
        followups += (Button("Cara IHaI dihitung", "bagaimana ihai dihitung"),)
    return kit.finish(draft, Intent.METODOLOGI, (), followups + example_buttons(1))


def sources(decision: Decision, kit: Kit) -> Answer:
    doc = kit.advisor.docs.get(decision.doc)
    if doc is None:
        return _missing(kit)
    return kit.advisor.sources_answer(doc)


def document(decision: Decision, kit: Kit) -> Answer:
    answer = kit.advisor.document_answer(decision.doc)
    return answer if answer is not None else _missing(kit)


def _missing(kit: Kit) -> Answer:
    draft = Draft(lines=["Maaf, dokumen panduan itu tidak ditemukan (mungkin basis pengetahuan sudah diperbarui)."])
    return kit.finish(draft, Intent.METODOLOGI, (), example_buttons(2))


COMPOSERS = {Intent.METODOLOGI: knowledge, Intent.SUMBER: sources, Intent.DOKUMEN: document}
