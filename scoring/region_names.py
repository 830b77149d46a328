"""A kab/kota from a province column and a kab/kota column, as form tools export the region.

Strict, like survey ingest everywhere: a code or an official name, never a guess (a province may also be
written in its common short form, "DKI Jakarta", "DIY", "Kalsel", each naming one province). Within a province a bare
name is enough when one kab/kota of that province has it ("Banjar" in Kalimantan Selatan is Kabupaten
Banjar), but a name a kabupaten and a kota of the same province share ("Bekasi" in Jawa Barat) needs its
"Kabupaten"/"Kota". A kab/kota that lies in another province than the one named is not resolved. Without a
province (a blank cell) the kab/kota text is resolved on its own, as `Gazetteer.resolve_kabkota` does.
Each distinct (province, kab/kota) pair is resolved once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.gazetteer import Gazetteer, normalise_name

_PROVINCE_WORD = "provinsi "


def _keys(text: str) -> tuple[str, str]:
    key = normalise_name(text)
    return key, key.replace(" ", "")


class RegionNames:
    """Kab/kota codes from (province, kab/kota) text pairs; see the module doc."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self._provinces: dict[str, str] = {}
        for province in gazetteer.provinces():
            for key in _keys(province.name):
                self._provinces[key] = province.code
        # (province code, key) -> kab/kota code, or None where two kab/kota of the province share the key.
        self._within: dict[tuple[str, str], str | None] = {}
        for region in gazetteer.kabkota():
            forms = {region.name, region.short_name, f"{region.kind} {region.short_name}"}
            for key in {key for form in forms for key in _keys(form)}:
                slot = (region.province_code, key)
                self._within[slot] = region.code if slot not in self._within else None

    def province_code(self, text: str) -> str | None:
        """"Kalimantan Selatan", "PROVINSI KALIMANTAN SELATAN", "63" -> "63"; None otherwise."""
        region = self._gazetteer.get(text) if text.strip().isdigit() else None
        if region is not None:
            return region.code if region.level == "provinsi" else None
        key = normalise_name(text).removeprefix(_PROVINCE_WORD)
        code = self._provinces.get(key) or self._provinces.get(key.replace(" ", ""))
        if code is not None:
            return code
        # Forms often write a province's common short form ("DKI Jakarta", "DIY", "Kalsel"): at the province
        # level these name one province each.
        found = {region.code for region in self._gazetteer.lookup(text) if region.level == "provinsi"}
        return found.pop() if len(found) == 1 else None

    def resolve(self, province: str, kabkota: str) -> str | None:
        """The kab/kota code for one pair; None when it names no single kab/kota of that province."""
        if not province.strip():
            region = self._gazetteer.resolve_kabkota(kabkota)
            return None if region is None else region.code
        province_code = self.province_code(province)
        if province_code is None:
            return None
        region = self._gazetteer.resolve_kabkota(kabkota) if any(ch.isdigit() for ch in kabkota) else None
        if region is not None:
            return region.code if region.province_code == province_code else None
        for key in _keys(kabkota):
            code = self._within.get((province_code, key))
            if code is not None or (province_code, key) in self._within:
                return code
        return None

    def codes(self, province: pd.Series, kabkota: pd.Series) -> pd.Series:
        """`resolve` over two columns: kab/kota codes as text, "" where unresolved."""
        pairs = pd.DataFrame({"p": province.fillna("").astype("str"), "k": kabkota.fillna("").astype("str")})
        codes, distinct = pd.factorize(pd.MultiIndex.from_frame(pairs))
        resolved = np.array([self.resolve(p, k) or "" for p, k in distinct], dtype=object)
        return pd.Series(resolved[codes], index=kabkota.index, dtype="str")
