"""Region names in a normalised message: exact and alias matches, typos, and shared names.

The scanner walks the message's words and takes the longest n-gram the gazetteer's name index knows
("kota banjar baru" before "kota banjar"), so it needs no list of question templates. What it cannot
decide alone it reports: a name shared by several regions (Banjar: Kabupaten Banjar 63.03 in
Kalimantan Selatan, Kota Banjar 32.79 in Jawa Barat) stays ambiguous unless the message ("kab banjar",
"banjar kalsel") or the chat (the previous region's province) narrows it, and a word that is close to a
region name but not one ("banjarmsin") is taken as that region when it is very close, and offered as
"maksud Anda …?" when it is only somewhat close.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace

from rapidfuzz import fuzz, process

from bot.engine.mentions import COMMON_WORD_NAMES, Mention, Scan, Unknown, narrow_by_adjacent_province, settled
from core.gazetteer import PROVINSI, Gazetteer, Region
from core.vocabulary import is_common_word, is_ordinary_phrase

# rapidfuzz ratio (0–100): at or above, a misspelt name is taken as the region; from SUGGEST_SCORE up
# it is offered as a suggestion. "banjarmsin" -> "banjarmasin" scores 95, "tapinn" -> "tapin" 91.
ACCEPT_SCORE = 85.0
# Beside a region named exactly, a near-miss must be closer still to count as a second region.
ACCEPT_BESIDE_EXACT = 90.0
SUGGEST_SCORE = 70.0
_MIN_FUZZY_LENGTH = 5
_MAX_FUZZY_WORDS = 3
# Bounds on the fuzzy work per message (each attempt scans ~1,500 names): a pasted essay stays fast.
_MAX_FUZZY_RUNS = 3
# A clipped name ("tasik", "banjarbar") must keep at least this many letters and this share of the name.
_MIN_PREFIX_LENGTH, _MIN_PREFIX_SHARE = 5, 0.45
_MAX_RUN_WORDS = 6
# A slip in the word that ends a longer name ("luwu timr", "tapanuli utra"): the typed word is mended to
# the name's next word when this close (one letter missing from a four-letter word scores 89) and no
# other next word ties it.
_SLIP_SCORE = 80.0
_MIN_SLIP_LENGTH = 3
SUGGESTION_LIMIT = 3

QUALIFIERS = {"kabupaten": "kabupaten", "kota": "kota", "provinsi": PROVINSI}
# Words before "kabupaten"/"kota" that make it a common noun: "tingkat kabupaten", "setiap kota", "wali kota".
_NOUN_BEFORE = frozenset({"tingkat", "level", "setiap", "tiap", "semua", "seluruh", "antar", "per", "para", "se", "wali",
                          "dua", "tiga", "empat", "lima", "beberapa", "banyak", "sejumlah", "kedua", "ketiga",
                          "rata", "secara"})  # fmt: skip
# Words after it that do the same: "angka kabupaten tetangga", "rata-rata provinsi sementara", "kota lain".
_NOUN_AFTER = frozenset({"tetangga", "lain", "lainnya", "sekitar", "sekitarnya", "terdekat", "induk", "sendiri",
                         "sebelah", "sementara", "pemekaran", "besar", "kecil", "tertentu", "asal", "setempat",
                         "terkait", "masing", "maksimal", "minimal", "maksimum", "minimum", "paling"})  # fmt: skip
_CODE = re.compile(r"\d{2}\.\d{2}")
# The words that tell apart regions sharing a name: Tapanuli Utara, Tengah, Selatan; Kapuas and Kapuas Hulu;
# Ogan Komering Ulu and Ilir; Sumba Barat and Sumba Barat Daya.
_DIRECTIONS = frozenset({"utara", "selatan", "timur", "barat", "tengah", "tenggara", "laut", "raya", "daya", "hulu",
                         "hilir", "ulu", "ilir"})  # fmt: skip
_PROVINCE_CODE_AFTER = frozenset({"wilayah", "kode", "provinsi"})


class Resolver:
    """Finds regions in normalised text; `is_known_word` tells which words belong to the question itself,
    `is_slip` which are question words typed with a slip ("diitung")."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        is_known_word: Callable[[str], bool],
        is_slip: Callable[[str], bool] = lambda _: False,
    ) -> None:
        self._gazetteer = gazetteer
        self._index = gazetteer.name_index()
        self._max_words = max(len(key.split()) for key in self._index)
        self._one_word_keys = [key for key in self._index if " " not in key]
        self._next_words = _next_words(self._index)
        # "luwu" -> Luwu Utara, Luwu Timur: the regions a name with a direction after it names.
        self._directed: dict[str, tuple[str, ...]] = {}
        for key, codes in self._index.items():
            *base, last = key.split()
            if base and last in _DIRECTIONS:
                self._directed[" ".join(base)] = tuple(dict.fromkeys(self._directed.get(" ".join(base), ()) + codes))
        self._is_known_word = is_known_word
        self._is_slip = is_slip
        self._everyday = COMMON_WORD_NAMES | gazetteer.everyday_names()

    def scan(
        self,
        text: str,
        *,
        expects_region: bool,
        overrides: Mapping[str, str] | None = None,
        hint_provinces: Collection[str] = (),
    ) -> Scan:
        """Regions in `text`. `expects_region`: the message asks about regions, so everyday-word names
        and typos count; `overrides` maps an ambiguous name to the code the user picked; `hint_provinces`
        are the provinces of the chat's previous regions."""
        tokens = self._mend_slips(text.split())
        mentions, residual = self._exact(tokens, expects_region)
        # "metro lampung": a province right after a name qualifies it before an everyday-word name is weighed.
        mentions = narrow_by_adjacent_province(mentions, tokens, self._gazetteer)
        mentions, dropped = settled(mentions, tokens)
        residual = sorted(residual + dropped)
        mentions = [self._apply_hints(mention, overrides or {}, hint_provinces) for mention in mentions]
        unknown: list[Unknown] = []
        if expects_region:
            fuzzy, unknown = self._fuzzy(tokens, [i for i in residual if i not in dropped])
            if mentions:
                # A region named exactly settles what the message is about: near-misses among its other
                # words are taken only when very close, never offered as "maksud Anda …?" - unless typed as
                # a region of their own ("kota Bukitharapan di Jabar"): a name, not a stray word.
                # Ordinary words after "kabupaten" may describe ("kota samudra biru"), but not with the
                # province named right after them ("Kab. Gunung Perak Jatim"): that is a name.
                provinces = [m.start for m in mentions if self._gazetteer.get(m.codes[0]).level == PROVINSI]
                placed = {*provinces, *(at - 1 for at in provinces if at and tokens[at - 1] in ("di", "provinsi"))}
                unknown = [found for found in unknown
                           if found.qualified and (not is_ordinary_phrase(found.surface) or found.end in placed)]
                fuzzy = [mention for mention in fuzzy if mention.score >= ACCEPT_BESIDE_EXACT]
            taken = {i for mention in fuzzy for i in range(mention.start, mention.end)}
            residual = [i for i in residual if i not in taken]
            mentions = sorted(mentions + [self._apply_hints(m, overrides or {}, hint_provinces) for m in fuzzy],
                              key=lambda mention: mention.start)  # fmt: skip
        mentions, siblings = self._unknown_siblings(mentions, tokens)
        residual = [i for i in residual if not any(sibling.start <= i < sibling.end for sibling in siblings)]
        return Scan(tuple(mentions), tuple(unknown + siblings), " ".join(tokens[index] for index in residual))

    def _mend_slips(self, tokens: list[str]) -> list[str]:
        """The message's words with a slip mended where it ends a longer name: "luwu timr" -> "luwu timur",
        "sumba bart daya" -> "sumba barat daya". Only a word that is neither a question word nor an
        ordinary one is mended, so "Tapanuli Timur" (no such region) stays as typed."""
        mended = list(tokens)
        for index, typed in enumerate(tokens):
            if index == 0 or len(typed) < _MIN_SLIP_LENGTH or not typed.isalpha():
                continue
            if self._is_known_word(typed) or is_common_word(typed):
                continue
            for width in range(min(index, self._max_words - 1), 0, -1):
                choices = self._next_words.get(" ".join(mended[index - width : index]))
                if not choices:
                    continue
                best = process.extract(typed, choices, scorer=fuzz.ratio, limit=2)
                if best and best[0][1] >= _SLIP_SCORE and (len(best) == 1 or best[1][1] < best[0][1]):
                    mended[index] = best[0][0]
                break
        return mended

    def _unknown_siblings(self, mentions: list[Mention], tokens: list[str]) -> tuple[list[Mention], list[Unknown]]:
        """ "Kabupaten Tapanuli Timur": a shared name with a direction none of its regions has is a region
        we do not know, with its namesakes as suggestions, not a question which Tapanuli; so is a name with a
        direction its directed siblings do not have ("Luwu Selatan" beside Luwu, Luwu Utara, Luwu Timur),
        and a name typed after "kabupaten"/"kota" with a direction it does not have ("Kab. Pulau Seribu Raya")."""
        kept: list[Mention] = []
        unknown: list[Unknown] = []
        for mention in mentions:
            following = tokens[mention.end] if mention.end < len(tokens) else ""
            # "Kabupaten Luwu Selatan": a name whose siblings are told apart by directions (Luwu Utara, Luwu
            # Timur), with a direction none of them has, is a region we do not know, not Luwu.
            base = _unqualified(mention.surface)
            qualified = base != mention.surface or (mention.start > 0 and tokens[mention.start - 1] in QUALIFIERS)
            made_up = mention.resolved and following in _DIRECTIONS and (base in self._directed or qualified)
            if made_up or (not mention.resolved and following in _DIRECTIONS and self._all_directed(mention.codes)):
                start = mention.start - 1 if mention.start and tokens[mention.start - 1] in QUALIFIERS else mention.start
                suggestions = tuple(dict.fromkeys(mention.codes + self._directed.get(base, ())))
                unknown.append(Unknown(f"{mention.surface} {following}", suggestions[:SUGGESTION_LIMIT], start,
                                       mention.end + 1, qualified=True))  # fmt: skip
            else:
                kept.append(mention)
        return kept, unknown

    def _all_directed(self, codes: tuple[str, ...]) -> bool:
        """Whether every region of a shared name is told apart by a direction (Tapanuli Utara, Tengah, …)."""
        regions = [self._gazetteer.get(code) for code in codes]
        return all(region is not None and set(region.short_name.lower().split()) & _DIRECTIONS for region in regions)

    def _exact(self, tokens: list[str], expects_region: bool) -> tuple[list[Mention], list[int]]:
        mentions: list[Mention] = []
        residual: list[int] = []
        index = 0
        while index < len(tokens):
            found = self._match_at(tokens, index, expects_region)
            if found is None:
                residual.append(index)
                index += 1
            else:
                mentions.append(found)
                index = found.end
        return mentions, residual

    def _match_at(self, tokens: list[str], start: int, expects_region: bool) -> Mention | None:
        token = tokens[start]
        if _CODE.fullmatch(token):
            region = self._gazetteer.get(token)
            return Mention(token, (region.code,), start, start + 1) if region else None
        if token in _PROVINCE_CODE_AFTER and start + 1 < len(tokens) and re.fullmatch(r"\d{2}", tokens[start + 1]):
            region = self._gazetteer.get(tokens[start + 1])
            if region is not None and region.level == PROVINSI:
                return Mention(tokens[start + 1], (region.code,), start, start + 2)
        for length in range(min(self._max_words, len(tokens) - start), 0, -1):
            words = tokens[start : start + length]
            key = " ".join(words)
            codes = self._lookup(key)
            if codes and (length > 1 or key not in self._everyday or expects_region):
                # "bogor kota", "malang kabupaten" (and "Bekasi city" in English): the kind said after a
                # shared name settles it.
                after = QUALIFIERS.get(tokens[start + length]) if start + length < len(tokens) else None
                kind = tuple(code for code in codes if self._fits(code, after)) if after and len(codes) > 1 else ()
                if len(kind) == 1:
                    return Mention(f"{key} {tokens[start + length]}", kind, start, start + length + 1)
                return Mention(key, codes, start, start + length)
            qualifier = QUALIFIERS.get(words[0])
            if qualifier and length > 1:
                # "kota solo", "kabupaten hss": an alias behind a qualifier, kept only if the kind fits.
                codes = tuple(code for code in self._lookup(" ".join(words[1:])) if self._fits(code, qualifier))
                if codes:
                    return Mention(key, codes, start, start + length)
        return None

    def _lookup(self, key: str) -> tuple[str, ...]:
        return self._index.get(key) or self._index.get(key.replace(" ", ""), ())

    def _fits(self, code: str, qualifier: str) -> bool:
        region = self._gazetteer.get(code)
        return region is not None and qualifier in (region.level, region.kind)

    def _apply_hints(self, mention: Mention, overrides: Mapping[str, str], hint_provinces: Collection[str]) -> Mention:
        if mention.surface in overrides and self._gazetteer.get(overrides[mention.surface]) is not None:
            return replace(mention, codes=(overrides[mention.surface],))
        if mention.resolved or not hint_provinces:
            return mention
        hinted = tuple(code for code in mention.codes if code.split(".")[0] in hint_provinces)
        return replace(mention, codes=hinted) if len(hinted) == 1 else mention

    def _fuzzy(self, tokens: list[str], residual: list[int]) -> tuple[list[Mention], list[Unknown]]:
        """Typos among the words left over: runs of words that are neither question words nor ordinary
        words, and the words right after "kabupaten"/"kota" ("kota nusa indah permai"), which are meant as
        a name whatever they mean otherwise."""
        mentions: list[Mention] = []
        unknown: list[Unknown] = []
        candidates = _runs(residual, lambda i: self._is_candidate(tokens[i]))
        runs = [self._with_leading_word(tokens, run, residual) for run in candidates]
        runs += self._qualified_runs(tokens, residual)
        # The last runs first: a long message (greeting, context, question) names its region at the end.
        for run in sorted({tuple(run[:_MAX_RUN_WORDS]) for run in runs}, reverse=True)[:_MAX_FUZZY_RUNS]:
            if any(mention.start <= run[0] < mention.end for mention in mentions):
                continue
            qualifier = QUALIFIERS.get(tokens[run[0] - 1]) if run[0] > 0 and run[0] - 1 in residual else None
            match = self._best_fuzzy(tokens, list(run), qualifier)
            if isinstance(match, Mention):
                mentions.append(match)
            elif match is not None:
                unknown.append(match)
        return mentions, unknown

    def _with_leading_word(self, tokens: list[str], run: list[int], residual: list[int]) -> list[int]:
        """The run with the ordinary word before it when that word begins names: "tanah toraja" is a slip of
        Tana Toraja, not "toraja" clipped from Toraja Utara."""
        before = run[0] - 1
        if before in residual and tokens[before] in self._next_words and not self._is_known_word(tokens[before]):
            return [before, *run]
        return run

    def _qualified_runs(self, tokens: list[str], residual: list[int]) -> list[list[int]]:
        runs = []
        kept = set(residual)
        for index in residual:
            # "tingkat kabupaten", "setiap kota", "3 provinsi": the word as a noun, not introducing a name.
            before = tokens[index - 1] if index else ""
            after = tokens[index + 1] if index + 1 < len(tokens) else ""
            if tokens[index] in QUALIFIERS and not (before in _NOUN_BEFORE or before.isdigit() or after in _NOUN_AFTER):
                run = []
                for following in range(index + 1, min(index + 1 + _MAX_FUZZY_WORDS, len(tokens))):
                    if following not in kept or self._is_known_word(tokens[following]) or tokens[following].isdigit():
                        break
                    run.append(following)
                if run:
                    runs.append(run)
        return runs

    def _is_candidate(self, token: str) -> bool:
        """Only a word that is neither a question word nor an ordinary Indonesian word may be a misspelt name."""
        return (
            len(token) >= _MIN_FUZZY_LENGTH
            and not token.isdigit()
            and not self._is_known_word(token)
            and not is_common_word(token)
            and not self._slip_of_question_word(token)
        )

    def _slip_of_question_word(self, token: str) -> bool:
        """ "diitung": a question word typed with a slip - unless a region's name is as close ("bandng" is
        Bandung as much as "banding"), which a message naming regions more likely means."""
        if not self._is_slip(token):
            return False
        found = self._gazetteer.suggest(token, limit=1)
        return not found or found[0][1] < ACCEPT_SCORE

    def _prefix(self, token: str) -> tuple[str, ...]:
        """Regions whose one-word name starts with a clipped form: "tasik" -> Tasikmalaya (kab and kota)."""
        if len(token) < _MIN_PREFIX_LENGTH:
            return ()
        keys = [
            key for key in self._one_word_keys if key.startswith(token) and len(token) >= _MIN_PREFIX_SHARE * len(key)
        ]
        codes = tuple(dict.fromkeys(code for key in keys for code in self._index[key]))
        return codes if len(codes) <= SUGGESTION_LIMIT else ()

    def _best_fuzzy(self, tokens: list[str], run: list[int], qualifier: str | None) -> Mention | Unknown | None:
        best: tuple[float, int, int, list[tuple[Region, float]]] | None = None
        for length in range(min(_MAX_FUZZY_WORDS, len(run)), 0, -1):
            for offset in range(len(run) - length + 1):
                start = run[offset]
                found = self._gazetteer.suggest(" ".join(tokens[start : start + length]), limit=SUGGESTION_LIMIT + 2)
                if qualifier:
                    found = [(region, score) for region, score in found if qualifier in (region.level, region.kind)]
                if found and (best is None or found[0][1] > best[0]):
                    best = (found[0][1], start, start + length, found)
        accepted = self._accepted(tokens, best, qualifier, run[0])
        # A close match over several typed words outranks a name clipped from one of them.
        if accepted is not None and accepted.end - accepted.start > 1:
            return accepted
        for index in run:
            if not self._is_candidate(tokens[index]):
                continue  # "gunung", "tanah": ordinary words begin many names; they clip none of them
            codes = tuple(code for code in self._prefix(tokens[index]) if not qualifier or self._fits(code, qualifier))
            if codes:
                start = index - 1 if qualifier and index == run[0] else index
                return Mention(tokens[index], codes, start, index + 1, fuzzy=True, score=ACCEPT_BESIDE_EXACT)
        if accepted is not None:
            return accepted
        # The user's words as typed, not only the part that came closest: "antah berantah".
        words = " ".join(tokens[i] for i in run)
        span = (run[0] - 1 if qualifier else run[0], run[-1] + 1)
        if best is None:
            return Unknown(words, (), *span, qualified=True) if qualifier else None
        if best[0] >= SUGGEST_SCORE or qualifier:
            suggestions = tuple(region.code for region, _ in best[3][:SUGGESTION_LIMIT])
            return Unknown(words, suggestions, *span, qualified=qualifier is not None)
        return None

    def _accepted(
        self,
        tokens: list[str],
        best: tuple[float, int, int, list[tuple[Region, float]]] | None,
        qualifier: str | None,
        run_start: int,
    ) -> Mention | None:
        """The closest name taken as the region meant, or None when it is not close enough or not one name."""
        if best is None:
            return None
        score, start, end, found = best
        codes = tuple(region.code for region, value in found if value == score)
        # Ordinary words only ("kota bukit indah") are a name we do not know, not a slip of a known one.
        if score < ACCEPT_SCORE or not self._one_name(codes) or not any(map(self._is_candidate, tokens[start:end])):
            return None
        # "tapanuli barat" is no slip of Tapanuli Utara: a direction typed in full tells siblings apart.
        region = self._gazetteer.get(codes[0])
        if region is None or set(tokens[start:end]) & _DIRECTIONS - set(region.short_name.lower().split()):
            return None
        surface = " ".join(tokens[start:end])
        # The qualifier word belongs to the name only when it sits right before the matched words.
        start = start - 1 if qualifier and start == run_start else start
        return Mention(surface, codes, start, end, fuzzy=True, score=score)

    def _one_name(self, codes: tuple[str, ...]) -> bool:
        """Tied candidates are one name ("bandng": Kabupaten and Kota Bandung), not a guess among several."""
        names = {region.short_name for code in codes if (region := self._gazetteer.get(code)) is not None}
        return len(names) == 1


def _unqualified(surface: str) -> str:
    """A name as typed without the kind before it: "kota bandung" -> "bandung"."""
    first, _, rest = surface.partition(" ")
    return rest if rest and first in QUALIFIERS else surface


def _next_words(index: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """For each leading part of a multi-word name, the words that continue it: "luwu" -> [utara, timur]."""
    following: dict[str, set[str]] = {}
    for key in index:
        words = key.split()
        for length in range(1, len(words)):
            following.setdefault(" ".join(words[:length]), set()).add(words[length])
    return {prefix: sorted(words) for prefix, words in following.items()}


def _runs(indices: list[int], keep: Callable[[int], bool]) -> list[list[int]]:
    """Maximal runs of consecutive indices that pass `keep`."""
    runs: list[list[int]] = []
    for index in indices:
        if not keep(index):
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs
