"""The one-page PDF report of a region: the answer says what the report holds and attaches it; the
channels send, link or name the file (the engine's `report_pdf` typesets it on request)."""

from __future__ import annotations

from dataclasses import replace

from bot.engine.compose.kit import Kit, figure_facts
from bot.engine.data import Row
from bot.engine.decide import Decision
from bot.engine.draft import Draft
from bot.engine.intents import Intent
from bot.engine.model import Answer, DocumentRequest
from bot.engine.phrasing import title
from core.constants import KABKOTA, NASIONAL, PROVINSI
from reports.content import region_title, report_filename

CONTENTS = (
    "skor dan interval kepercayaan, kategori dan keyakinannya, dimensi, variabel dan aspek dibanding {against}, "
    "peringkat, cakupan responden terhadap target, titik lemah, saran aksi FKUB, FPK dan FKDM beserta dasar "
    "hukumnya, serta catatan metodologi"
)


def region_report(decision: Decision, kit: Kit) -> Answer:
    # After the report, what to do about it: each forum's actions.
    answer = kit.per_region(decision, lambda row, draft: _section(row, draft, kit), kit.advice_followups)
    code = next((code for code in decision.regions if reportable(kit.view.row(code))), None)
    if code is None:
        return answer
    row = kit.view.rows[code]
    year = kit.view.year
    document = DocumentRequest("region_report", code, year, report_filename(code, region_title(row["name"], row["level"]), year))
    return replace(answer, document=document, facts={**answer.facts, "document": document.filename})


def reportable(row: Row | None) -> bool:
    return row is not None and row["level"] in (KABKOTA, PROVINSI) and row.get("ihai") is not None


def _section(row: Row, draft: Draft, kit: Kit) -> None:
    phrasing = kit.phrasing
    draft.add(title(row))
    if row["level"] == NASIONAL:
        draft.add("Laporan PDF disusun per kabupaten/kota atau provinsi: sebutkan wilayahnya, misalnya "
                  "<i>laporan pdf Kalsel</i>.")  # fmt: skip
    else:
        if row["level"] == KABKOTA:
            draft.add(f"Laporan IHaI {kit.view.year} satu halaman (PDF, A4, terbaca dicetak hitam-putih) berisi "
                      f"{CONTENTS.format(against='provinsi dan nasional')}.")  # fmt: skip
        else:
            draft.add(f"Laporan IHaI {kit.view.year} (PDF, A4, terbaca dicetak hitam-putih) berisi "
                      f"{CONTENTS.format(against='nasional')}, beserta daftar semua kab/kotanya.")  # fmt: skip
    draft.add(phrasing.summary_line(row), *phrasing.caveats(row))
    draft.facts.update(figure_facts(row))


COMPOSERS = {Intent.LAPORAN: region_report}
