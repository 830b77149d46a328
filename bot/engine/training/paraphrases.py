"""The paraphrase generator: `templates.yaml` × region, forum, dimension and variable names × chat
spellings × slips of the keyboard × word order × greetings, closings and long preambles.

Its output, `paraphrases.jsonl`, is committed beside it as training data for the intent classifier
(`python -m bot.engine.training.paraphrases` writes it again; the seed makes it reproducible). It is
training data only: the held-out conversation set under tests/ is written independently of it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from bot.engine.intents import Intent, asked_intents
from core.gazetteer import Gazetteer, get_gazetteer
from scoring.methodology import load_methodology

TEMPLATES = Path(__file__).with_name("templates.yaml")
OUTPUT = Path(__file__).with_name("paraphrases.jsonl")
SEED = 2025
PER_INTENT = {Intent.SAPAAN: 500, Intent.BANTUAN: 500, Intent.LANJUTAN: 900}
DEFAULT_PER_INTENT = 1300

# Standard word -> how people type it in chat.
CHAT_FORMS = {
    "berapa": ["brp", "brapa", "berapa sih"], "yang": ["yg"], "bagaimana": ["gmn", "gimana", "bgmn", "gmana"],
    "untuk": ["utk", "buat", "untk"], "dengan": ["dgn", "dg"], "tidak": ["gak", "ga", "tdk", "nggak"],
    "sudah": ["udah", "sdh", "udh"], "kabupaten": ["kab", "kab."], "provinsi": ["prov", "propinsi"],
    "saja": ["aja"], "apa saja": ["apa aja", "apaan aja"], "kalau": ["kalo", "klo", "kl"], "sekarang": ["skrg"],
    "tolong": ["tlg"], "juga": ["jg"], "lagi": ["lg"], "paling": ["plg"], "dari": ["dr"], "tentang": ["ttg"],
    "mengapa": ["kenapa", "knp"], "terima kasih": ["makasih", "trims", "tq"], "sama": ["sm"],
}  # fmt: skip
PREFIXES = (
    "pak, ", "min, ", "kak, ", "bu, ", "admin, ", "mohon izin bertanya, ", "izin bertanya bapak/ibu, ",
    "selamat pagi, ", "selamat siang pak, ", "halo admin, ", "assalamualaikum, ", "maaf mengganggu, ",
    "mau tanya dong, ", "numpang tanya, ", "pak admin mohon info, ", "tabik, ", "punten, ", "bang, ",
    "salam sejahtera, ", "dear admin, ", "sorry mau nanya, ",
)  # fmt: skip
SUFFIXES = (" ya", " dong", " pak", " min", "?", "??", " terima kasih", " mohon infonya", " trims", " 🙏",
            " ya pak", " kak", " ga?", " sih", " thx", " mohon arahan", " segera ya")  # fmt: skip
PREAMBLES = (
    "Selamat pagi Bapak/Ibu admin. Saya staf Kesbangpol yang sedang menyiapkan bahan rapat koordinasi minggu depan "
    "dan pimpinan meminta data terbaru. ",
    "Assalamualaikum wr wb. Mohon maaf mengganggu waktunya, kami dari sekretariat forum sedang menyusun laporan "
    "kegiatan tahunan dan butuh sedikit informasi. ",
    "Halo admin, saya operator help desk di rapat koordinasi hari ini, peserta banyak yang bertanya. ",
    "Selamat siang. Kami di Bappeda sedang menyusun dokumen perencanaan dan diminta mencantumkan indikator harmoni. ",
    "Permisi pak, saya anggota forum yang baru bergabung, masih belajar soal indeks ini. ",
    "Pagi min, tadi pimpinan tanya mendadak waktu apel, saya belum sempat buka laporannya. ",
    "Salam sejahtera. Untuk keperluan bahan paparan di depan DPRD besok, ",
    "Kemarin hujan deras, banjir di mana-mana, capek sekali. Anyway, ",
    "Lagi baca berita soal kerukunan di kota-kota besar, jadi penasaran: ",
    "Tadi di grup WA forum ramai dibahas soal hasil survei kemarin. ",
    "Mohon maaf baru sempat tanya, seharian rapat di kantor bupati. ",
    "Bapak/Ibu yth, kami sedang rapat koordinasi FKUB-FPK-FKDM dan peserta minta data. ",
    # The asker's own forum, named to say who asks, before any kind of question.
    "Assalamualaikum, saya pengurus FKUB di daerah kami. ",
    "Selamat sore, kami dari FPK sedang menyiapkan rapat pleno. ",
    "Mohon izin, saya anggota FKDM yang baru dilantik. ",
    "Salam, saya tokoh agama sekaligus ketua FKUB di sini. ",
)
# Syllables for names of places that do not exist: a kab/kota slot sometimes gets one ("kota Ranupaka"), so
# that the classifier learns a question about a region we do not know as the same question (the engine then
# says the name is unknown), whatever the name.
_SYLLABLES = ("ra", "nu", "pa", "ka", "li", "to", "me", "sa", "wi", "ga", "lo", "ti", "ba", "ru", "de", "mo")
_UNKNOWN_SHARE = 0.05
# rapidfuzz ratio: a made-up name must be farther than this from every real one (not a typo of a real one).
_FAR_FROM_REAL = 70.0
NUMBERS = ("3", "5", "10", "tiga", "lima", "sepuluh", "7", "20")
KATEGORI = ("rendah", "sedang", "tinggi")
FORUM_FORMS = {
    "FKUB": ("fkub", "FKUB", "forum kerukunan umat beragama", "Fkub"),
    "FPK": ("fpk", "FPK", "forum pembauran kebangsaan", "Fpk"),
    "FKDM": ("fkdm", "FKDM", "forum kewaspadaan dini masyarakat", "Fkdm"),
}
DIMENSION_FORMS = ("ekonomi", "sosial", "budaya", "keberagamaan", "agama", "kebudayaan", "perekonomian", "keagamaan")
_GROUP = re.compile(r"\(([^()]*)\)(\?)?|\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")


class Fillers:
    """Names to put into templates: regions in the forms people write them, forums, dimensions, variables."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        gazetteer = get_gazetteer()
        self.kabkota = [
            form
            for region in gazetteer.kabkota()
            for form in (region.name, region.short_name, f"{'kab' if region.kind == 'kabupaten' else 'kota'} "
                         f"{region.short_name}", region.name.lower())
        ]  # fmt: skip
        self.provinces = [
            form
            for region in gazetteer.provinces()
            for form in (region.name, f"provinsi {region.name}", f"prov {region.name.lower()}")
        ]
        self.aliases = [alias for alias, _ in _aliases()]
        self.unknown = _unknown_names(random.Random(SEED), gazetteer)
        variables = [*load_methodology("ihai-2025").variables, *load_methodology("ihai-2023").variables]
        self.variables = [name for v in variables for name in (v.name.lower(), *v.keywords, v.key, v.key.upper())]

    def fill(self, slot: str) -> str:
        pick = self.rng.choice
        if slot in ("kab", "kab2"):
            draw = self.rng.random()
            if draw < _UNKNOWN_SHARE:
                return pick(self.unknown)
            return pick(self.aliases) if draw < 0.25 else pick(self.kabkota)
        if slot == "prov":
            return pick(self.provinces + self.aliases[:40])
        if slot in ("region", "region2"):
            return self.fill("prov") if self.rng.random() < 0.3 else self.fill("kab")
        if slot == "forum":
            return pick(FORUM_FORMS[pick(tuple(FORUM_FORMS))])
        if slot == "forums":
            forums = self.rng.sample(tuple(FORUM_FORMS), self.rng.choice((2, 3)))
            names = [pick(FORUM_FORMS[forum][:2]) for forum in forums]
            return ", ".join(names[:-1]) + pick((" dan ", " & ", ", ")) + names[-1]
        if slot == "dim":
            return pick(DIMENSION_FORMS)
        if slot == "var":
            return pick(self.variables)
        if slot == "n":
            return pick(NUMBERS)
        if slot == "kat":
            return pick(KATEGORI)
        if slot == "band":
            return pick(("harmoni ", "kategori ", "")) + pick(KATEGORI)
        raise KeyError(slot)


def _unknown_names(rng: random.Random, gazetteer: Gazetteer, count: int = 200) -> list[str]:
    """Kab/kota names made of syllables, typed with their kind, none of them near a real region's name."""
    names: list[str] = []
    while len(names) < count:
        words = [
            "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 3)))) for _ in range(rng.choice((1, 1, 2)))
        ]
        name = " ".join(words)
        suggestions = gazetteer.suggest(name, limit=1)
        if not gazetteer.lookup(name) and (not suggestions or suggestions[0][1] < _FAR_FROM_REAL):
            names.append(f"{rng.choice(('kab', 'kabupaten', 'kota', 'Kota', 'Kabupaten'))} {name.title()}")
    return names


def _aliases() -> list[tuple[str, str]]:
    import csv
    from importlib import resources

    with resources.files("core").joinpath("aliases.csv").open(encoding="utf-8") as handle:
        return [(row["alias"], row["code"]) for row in csv.DictReader(handle)]


def expand(template: str, rng: random.Random) -> str:
    """One random expansion of "(a|b)", "(a|b)?" and "[x]" groups, innermost first."""
    while True:
        match = _GROUP.search(template)
        if match is None:
            return re.sub(r"\s+", " ", template).strip()
        if match.group(3) is not None:  # [optional]
            choice = match.group(3) if rng.random() < 0.5 else ""
        else:
            options = match.group(1).split("|")
            choice = rng.choice(options)
            if match.group(2) and rng.random() < 0.5:
                choice = ""
        template = template[: match.start()] + choice + template[match.end() :]


def vary(text: str, rng: random.Random) -> str:
    """Chat spellings, a slip of the keyboard, greetings, closings and preambles, each now and then."""
    for word, forms in CHAT_FORMS.items():
        if rng.random() < 0.35:
            text = re.sub(rf"\b{word}\b", rng.choice(forms), text)
    if rng.random() < 0.2:
        text = _slip(text, rng)
    if rng.random() < 0.06:
        text = rng.choice(PREAMBLES) + text
    elif rng.random() < 0.3:
        text = rng.choice(PREFIXES) + text
    if rng.random() < 0.35:
        text += rng.choice(SUFFIXES)
    if rng.random() < 0.15:
        text = text.capitalize()
    return text


def _slip(text: str, rng: random.Random) -> str:
    """A letter dropped, doubled or two swapped in one longer word."""
    words = text.split()
    candidates = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word, at = words[i], rng.randrange(1, len(words[i]) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        word = word[:at] + word[at + 1 :]
    elif kind == "double":
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def generate(seed: int = SEED) -> Iterator[tuple[str, Intent]]:
    rng = random.Random(seed)
    fillers = Fillers(rng)
    templates = yaml.safe_load(TEMPLATES.read_text(encoding="utf-8"))
    for intent in asked_intents():
        wanted = PER_INTENT.get(intent, DEFAULT_PER_INTENT)
        seen: set[str] = set()
        attempts = 0
        while len(seen) < wanted and attempts < wanted * 20:
            attempts += 1
            template = rng.choice(templates[intent.value])
            text = vary(_SLOT.sub(lambda m: fillers.fill(m.group(1)), expand(template, rng)), rng)
            if text not in seen:
                seen.add(text)
                yield text, intent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="write the paraphrase training set of the intent classifier")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with args.out.open("w", encoding="utf-8") as out:
        for text, intent in generate(args.seed):
            out.write(json.dumps({"text": text, "intent": intent.value}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
