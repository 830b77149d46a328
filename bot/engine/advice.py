"""Guidance in answers: forum actions for given variables, passages from the knowledge base, the
methodology in words, and the sources behind each. Figures are not worded here (see phrasing.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from bot.engine import render
from bot.engine.draft import Draft
from bot.engine.model import Answer, Source
from bot.engine.phrasing import band_text, weight_text
from knowledge.citations import KIND_LABELS, SOURCE_KINDS
from knowledge.guidance import VARIABLES, ForumAction, GuidanceDoc, actions_for, reference_label
from scoring.methodology import Methodology

# Actions shown per forum, and how much of a guidance section an answer quotes.
_ACTIONS_PER_FORUM = 3
_EXCERPT_CHARS = 1200
# Sections ranked for a guidance question, and how many of the best document's are shown.
_DIMENSION_CANDIDATES = 60
_SECTION_CANDIDATES = 8
_SECTIONS_SHOWN = 1
# The framework before the current one, named without its years or variables.
_EARLIER_FRAMEWORK = re.compile(r"\bkerangka (?:lama|dulu|sebelumnya|terdahulu|awal)\b|\b(?:10|sepuluh) variabel\b")


class GuidanceIndex(Protocol):
    """What the engine needs of `indexing`'s search index."""

    def search(self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None) -> Sequence[Any]: ...

    def sections(self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None) -> Sequence[Any]: ...


class ForumMapLike(Protocol):
    """What the engine needs of `knowledge`'s forum × dimension/variable map."""

    def forums_for(self, dimension: str | None = None, variables: Sequence[str] = ()) -> Sequence[Any]: ...


@dataclass(frozen=True)
class ForumFit:
    """Why a forum fits what is weak, as the map states it."""

    forum: str
    role: str  # "utama" | "pendukung"
    reason: str
    basis_text: str


class Advisor:
    """What the knowledge base says, for the engine's answers."""

    def __init__(
        self,
        methodology: Methodology,
        guidance: Sequence[GuidanceDoc],
        index: GuidanceIndex | None,
        forum_map: ForumMapLike | None = None,
    ) -> None:
        self.methodology = methodology
        self.index = index
        self.forum_map = forum_map
        self.docs = {doc.id: doc for doc in guidance}
        self.actions: list[ForumAction] = [action for doc in guidance for action in doc.actions]

    def forum_fit(self, variables: Sequence[str], named: Sequence[str] = ()) -> list[ForumFit]:
        """The forums the map links to `variables`, best fit first, one entry per forum; only the named
        forums when the question names some the map links."""
        if self.forum_map is None:
            return []
        fits: dict[str, ForumFit] = {}
        for link in self.forum_map.forums_for(variables=variables):
            fits.setdefault(link.forum, ForumFit(link.forum, link.role, link.reason, link.basis_text))
        chosen = [fit for forum, fit in fits.items() if forum in named]
        return chosen or list(fits.values())

    def forum_actions(self, forums: Sequence[str], variables: Sequence[str], draft: Draft) -> list[ForumAction]:
        """Each forum's actions for `variables` (all of its actions, first ones, when none are given)."""
        used: list[ForumAction] = []
        for forum in forums:
            if variables:
                actions = self.actions_for(forum, variables)
            else:
                actions = [action for action in self.actions if action.forum == forum][:_ACTIONS_PER_FORUM]
            used.extend(actions)
            draft.add("", f"<b>{forum}</b>")
            draft.add(*(f"• {render.escape(a.text)} <i>(dasar: {render.escape(a.basis_text)})</i>" for a in actions))
            if not actions:
                draft.add(f"• Panduan belum memuat aksi {forum} untuk variabel ini.")
        draft.add(
            "",
            "<i>Ini saran untuk dipertimbangkan, bukan kewajiban; sesuaikan dengan kondisi dan kewenangan daerah.</i>",
        )
        return used

    def cite_actions(self, actions: Sequence[ForumAction], draft: Draft) -> None:
        draft.sources.extend(self.sources_of(actions))
        if draft.sources:
            draft.add("Sumber panduan: " + "; ".join(f"<i>{render.escape(s.title)}</i>" for s in draft.sources))

    def actions_for(self, forum: str, weakest: Sequence[str]) -> list[ForumAction]:
        """A forum's actions for the weakest variables (weakest first); failing that, for their dimensions."""
        return actions_for(self.actions, forum, weakest, self.methodology, _ACTIONS_PER_FORUM)

    def sources_of(self, actions: Sequence[ForumAction]) -> list[Source]:
        docs = [
            self.docs[doc_id] for doc_id in dict.fromkeys(action.doc_id for action in actions) if doc_id in self.docs
        ]
        return [Source(doc.id, doc.title, tuple(doc.sources)) for doc in docs]

    def method_block(self, draft: Draft) -> None:
        m = self.methodology
        scale = m.scale
        bands = m.categories.bands
        draft.add(
            "<b>Cara IHaI dihitung</b>",
            f"Kerangka: <b>{render.escape(m.name)}</b>"
            + (" — <b>bobot sementara</b>." if m.weights_provisional else " — bobot resmi."),
            f"• Tiap butir dijawab {scale.min}–{scale.max} lalu diubah ke skala 0–{render.number(scale.score_max, 0)}; "
            "butir yang dirumuskan negatif dibalik.",
            "• Tiap variabel dibaca dari tiga aspek: "
            + ", ".join(render.escape(aspect.name.lower()) for aspect in m.aspects)
            + "; skor variabel = rata-rata butirnya.",
            "• IHaI = jumlah bobot × skor variabel. Bobot: "
            + " · ".join(f"{v.key.upper()} {weight_text(v.weight)}" for v in m.variables)
            + ".",
            "• Skor dimensi = rata-rata tertimbang variabelnya; provinsi dan nasional = rata-rata kab/kota "
            "yang dipublikasikan.",
            "• Kategori: "
            + " · ".join(
                band_text(band.label, band.lower, upper.lower if upper else None)
                for band, upper in zip(bands, (*bands[1:], None), strict=True)
            )
            + (" (batas sementara)." if m.categories.provisional else "."),
            f"• Interval kepercayaan {render.percent(m.survey.confidence_level)} = skor ± "
            f"{render.number(m.z)} × galat baku.",
            f"• Target {render.count(m.survey.target_respondents)} responden per kab/kota (hanya yang mencapainya "
            f"dilaporkan Kemendagri); di bawah {m.survey.min_publishable} responden angka tidak dipublikasikan.",
            *self.provisional_notes(),
        )
        draft.facts.update(framework=m.name, methodology=m.id, weights_provisional=m.weights_provisional)

    def provisional_notes(self) -> list[str]:
        m = self.methodology
        notes = [m.weights_note] if m.weights_provisional else []
        notes += [m.categories.note] if m.categories.provisional else []
        return [f"<i>{render.escape(note)}</i>" for note in notes]

    def guidance_block(self, query: str, draft: Draft) -> str | None:
        """The guidance section that answers the question, led by its document's title, with the
        document's sources; returns the document's id (None when nothing answers)."""
        assert self.index is not None
        hits = list(self.index.sections(query, k=_SECTION_CANDIDATES, filters={"level": "guidance"}))
        # One variable or dimension named: the page about exactly it may rank below the general pages that
        # name it; its own sections join the candidates, then come first (below).
        named = set(re.findall(r"\b([vx]\d{1,2})\b", query))
        dimensions = [key for key in self.methodology.dimension_keys if re.search(rf"\bdimensi {key}\b", query)]
        own: Callable[[str], bool] | None = None
        if len(named) == 1:
            # "V4 itu ngukur apa", "apa itu x10 …"; "V1 sampai V8" asks about the list.
            own = partial(self._about_only, keys=named)
            for key in named & set(VARIABLES):
                hits = self._joined(hits, query, {"variable": key}, own, _SECTION_CANDIDATES)
        elif len(dimensions) == 1:
            # "dimensi budaya terdiri dari variabel apa": not the framework's list of all eight variables, which
            # names the dimension too. Pages on all four dimensions pass the filter as well and come first: look
            # far enough to reach its own.
            own = partial(self._about_dimension, key=dimensions[0])
            hits = self._joined(hits, query, {"dimension": dimensions[0]}, own, _DIMENSION_CANDIDATES)
        if not self.names_other_framework(query):
            # "moderasi beragama" means V7 while the results are 2025, not X10: the other framework's
            # variable pages go after the rest (a stable sort keeps the search order otherwise).
            hits.sort(key=lambda hit: self.about_other_framework(hit.doc_id))
        if own is not None:
            hits.sort(key=lambda hit: not own(hit.doc_id))
        draft.facts["index_ready"] = True
        if not hits:
            if not draft.lines:
                draft.add("Maaf, saya belum menemukan panduan yang menjawab pertanyaan itu.")
            return None
        top = hits[0]
        sections = [hit for hit in hits if hit.doc_id == top.doc_id][:_SECTIONS_SHOWN]
        if draft.lines:
            draft.add("")
        draft.add(f"<b>{render.escape(top.title)}</b>")
        for hit in sections:
            heading = hit.metadata.get("heading") or ""
            body = hit.text.removeprefix(heading).strip() if heading else hit.text
            if heading:
                draft.add(f"<b>{render.escape(heading)}</b>")
            draft.add(render.escape(excerpt(body)))
        seen: set[str] = set()
        for hit in hits:
            if hit.doc_id not in seen:
                seen.add(hit.doc_id)
                draft.sources.append(Source(hit.doc_id, hit.title, tuple(getattr(hit, "sources", ()) or ())))
        references = [reference_label(ref) for source in draft.sources[:1] for ref in source.references][:4]
        draft.add(
            "Sumber: <i>"
            + render.escape(top.title)
            + "</i>"
            + (f" ({render.escape('; '.join(references))})" if references else "")
        )
        draft.facts["doc_ids"] = [source.doc_id for source in draft.sources]
        draft.facts["sections"] = [hit.chunk_id for hit in sections]
        return top.doc_id

    def document_answer(self, doc_id: str) -> Answer | None:
        """A whole guidance document (a "Selengkapnya" button), its Markdown as readable text."""
        doc = self.docs.get(doc_id)
        if doc is None:
            return None
        text = f"<b>{render.escape(doc.title)}</b>\n" + render.escape(plain(doc.body))
        sources = (Source(doc.id, doc.title, tuple(doc.sources)),)
        return Answer(text=text, intent="dokumen", sources=sources, facts={"doc_id": doc.id})

    def names_other_framework(self, query: str) -> bool:
        """The question names another round's year ("2023"), a variable the results do not have ("x10"), or
        the framework before the current one ("kerangka lama yg 10 variabel")."""
        years = {int(year) for year in re.findall(r"\b(20\d\d)\b", query)}
        keys = set(re.findall(r"\b([a-z]\d{1,2})\b", query))
        other = bool(years - set(self.methodology.years)) or bool(keys - set(self.methodology.variable_keys))
        return other or bool(_EARLIER_FRAMEWORK.search(query))

    def _joined(
        self, hits: list[Any], query: str, filters: dict[str, str], own: Callable[[str], bool], k: int
    ) -> list[Any]:
        """`hits` and, after them, the sections of the pages `own` accepts that the search under `filters` finds."""
        assert self.index is not None
        found = self.index.sections(query, k=k, filters={"level": "guidance", **filters})
        seen = {hit.chunk_id for hit in hits}
        return hits + [hit for hit in found if own(hit.doc_id) and hit.chunk_id not in seen]

    def _about_only(self, doc_id: str, keys: set[str]) -> bool:
        doc = self.docs.get(doc_id)
        return doc is not None and len(doc.variables) == 1 and doc.variables[0] in keys

    def _about_dimension(self, doc_id: str, key: str) -> bool:
        """The page on one dimension: about it alone, and about every variable of it."""
        doc = self.docs.get(doc_id)
        own = {variable.key for variable in self.methodology.variables_of(key)}
        return doc is not None and tuple(doc.dimensions) == (key,) and own <= set(doc.variables)

    def about_other_framework(self, doc_id: str) -> bool:
        doc = self.docs.get(doc_id)
        return doc is not None and bool(doc.variables) and not set(doc.variables) & set(self.methodology.variable_keys)

    def sources_answer(self, doc: GuidanceDoc) -> Answer:
        """A guidance document's sources in full, grouped by kind (regulations by number, year and
        article; official publications; news; the project's recommendations), with the address Telegram
        and the page turn into links."""
        lines = [f"<b>Sumber: {render.escape(doc.title)}</b>"]
        for kind in SOURCE_KINDS:
            citations = [c for c in doc.citations if c.kind == kind]
            if citations:
                lines.append(f"<i>{render.escape(KIND_LABELS[kind])}</i>")
                lines += [
                    f"• {render.escape(c.label)}" + (f" — {render.escape(c.url)}" if c.url else "") for c in citations
                ]
        if doc.basis in ("rekomendasi_proyek", "campuran"):
            lines.append(
                "<i>Sebagian isi panduan ini adalah rekomendasi tim IHaI Assistant, bukan ketentuan resmi; "
                "dokumennya menandai bagian mana.</i>"
            )
        return Answer(text="\n".join(lines), intent="sumber", sources=(Source(doc.id, doc.title, doc.sources),))


def plain(text: str) -> str:
    """Guidance Markdown as plain text: headings as "Heading:", bullets as "•", no emphasis marks."""
    plain_text = re.sub(r"(?m)^#+\s*(.+?)\s*$", r"\1:", text)  # "## Tugas" -> "Tugas:"
    plain_text = re.sub(r"(?m)^\s*[-*]\s+", "• ", plain_text)
    plain_text = re.sub(r"[*_`#>]+", "", plain_text)
    return re.sub(r"\n{3,}", "\n\n", plain_text).strip()


def excerpt(text: str) -> str:
    """A guidance section as plain text, cut at a sentence end near `_EXCERPT_CHARS`."""
    plain_text = plain(text)
    if len(plain_text) <= _EXCERPT_CHARS:
        return plain_text
    cut = plain_text[:_EXCERPT_CHARS]
    end = max(cut.rfind(". "), cut.rfind(".\n"), cut.rfind("\n"))
    cut = cut[: end + 1] if end > _EXCERPT_CHARS // 2 else cut
    # A heading with nothing of its section after it is dropped.
    cut = re.sub(r"\n[^\n]*:\s*$", "", cut.rstrip())
    return cut.rstrip() + " …"
