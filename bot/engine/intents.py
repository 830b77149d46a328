"""The intent registry: every intent the assistant knows, declared once in `intents.toml`.

`Intent` is the enum every module uses instead of bare strings; `spec(intent)` gives its properties
(whether it needs a region, shows figures, can be followed by a region alone, which composer answers it).
A new intent is one entry in the data file plus one member here, and a test keeps both in step.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

REGISTRY_FILE = Path(__file__).with_name("intents.toml")


class Intent(StrEnum):
    PROFIL = "profil"
    PROVINSI = "provinsi"
    TERLEMAH = "terlemah"
    SARAN = "saran"
    SARAN_UMUM = "saran_umum"
    FORUM_COCOK = "forum_cocok"
    BANDINGKAN = "bandingkan"
    PERINGKAT = "peringkat"
    KATEGORI = "kategori"
    CAKUPAN = "cakupan"
    SELISIH_KATEGORI = "selisih_kategori"
    LAPORAN = "laporan"
    TARGET = "target"
    TREN = "tren"
    METODOLOGI = "metodologi"
    LANJUTAN = "lanjutan"
    SAPAAN = "sapaan"
    BANTUAN = "bantuan"
    DI_LUAR_CAKUPAN = "di_luar_cakupan"
    PILIH_WILAYAH = "pilih_wilayah"
    TIDAK_DIKENAL = "tidak_dikenal"
    PILIH_MAKSUD = "pilih_maksud"
    BELUM_DIUKUR = "belum_diukur"
    SUMBER = "sumber"
    DOKUMEN = "dokumen"
    RAPAT = "rapat"
    GALAT = "galat"


@dataclass(frozen=True)
class IntentSpec:
    intent: Intent
    description: str
    label: str
    examples: tuple[str, ...]
    signals: tuple[str, ...]
    asked: bool
    needs_region: bool
    figures: bool
    followable: bool
    composer: str


class RegistryError(ValueError):
    """intents.toml and the `Intent` enum disagree, or an entry is malformed."""


@cache
def registry() -> dict[Intent, IntentSpec]:
    data = tomllib.loads(REGISTRY_FILE.read_text(encoding="utf-8"))
    missing = {intent.value for intent in Intent} ^ set(data)
    if missing:
        raise RegistryError(f"{REGISTRY_FILE.name} and Intent differ on: {', '.join(sorted(missing))}")
    specs = {}
    for intent in Intent:
        entry = data[intent.value]
        try:
            specs[intent] = IntentSpec(
                intent=intent,
                description=str(entry["description"]),
                label=str(entry["label"]),
                examples=tuple(entry["examples"]),
                signals=tuple(entry["signals"]),
                asked=bool(entry["asked"]),
                needs_region=bool(entry["needs_region"]),
                figures=bool(entry["figures"]),
                followable=bool(entry["followable"]),
                composer=str(entry["composer"]),
            )
        except KeyError as error:
            raise RegistryError(f"{REGISTRY_FILE.name}: [{intent.value}] lacks {error}") from None
    return specs


def spec(intent: Intent) -> IntentSpec:
    return registry()[intent]


def asked_intents() -> tuple[Intent, ...]:
    """The classes the classifier predicts, in registry order."""
    return tuple(intent for intent, entry in registry().items() if entry.asked)


def figure_intents() -> frozenset[Intent]:
    return frozenset(intent for intent, entry in registry().items() if entry.figures)
