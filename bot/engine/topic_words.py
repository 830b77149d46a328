"""Words that name a topic without its official name: a dimension ("agama"), a 2025 variable ("tawuran",
"pengangguran"), or the field of one forum ("rumah ibadat" is FKUB's). Read into slots by `slots.py`."""

from __future__ import annotations

from bot.engine.lexicon import pattern

# Colloquial names of the dimensions, mapped to words of the methodology's own dimension keys.
DIMENSION_SYNONYMS = {
    "agama": "keberagamaan", "keagamaan": "keberagamaan", "religi": "keberagamaan", "religius": "keberagamaan",
    "beragama": "keberagamaan", "kebudayaan": "budaya", "perekonomian": "ekonomi", "ekonominya": "ekonomi",
    "kemasyarakatan": "sosial",
}  # fmt: skip
# Everyday words for what a 2025 variable is about, beside the methodology's own keywords (kept here, so that
# the assistant's vocabulary can grow without changing the methodology that results are checked against):
# "pengangguran" is V2's, "tawuran" V3's, "kurang membaur" V6's, "intoleransi" V7's.
VARIABLE_SYNONYMS = {
    "sembako": "v1", "harga pangan": "v1", "pengangguran": "v2", "lapangan pekerjaan": "v2", "tawuran": "v3",
    "gotong royong": "v3", "kerja bakti": "v3", "anak muda": "v4", "kaum muda": "v4", "disabilitas": "v4",
    "difabel": "v4", "adat istiadat": "v5", "tradisi lokal": "v5", "bahasa daerah": "v5", "membaur": "v6",
    "berbaur": "v6", "intoleransi": "v7", "intoleran": "v7",
}  # fmt: skip

# Problems that name their forum without naming a dimension: early warning is FKDM's, houses of worship
# FKUB's, relations between ethnic groups FPK's (their regulations' wording; see knowledge/forum_map.toml).
FORUM_TOPICS = {
    "FKDM": pattern(("deteksi dini", "kewaspadaan dini", "peringatan dini", "potensi konflik", "gesekan",
                     "kerawanan", "rawan konflik", "ancaman", "hoaks", "pilkades", "pilkada", "pemilu",
                     "sengketa lahan", "sengketa tanah", "sengketa batas", "bentrok*", "tawuran", "memanas",
                     "provokasi", "provokatif")),
    "FKUB": pattern(("rumah ibadat", "rumah ibadah", "tempat ibadah", "tempat ibadat", "gereja", "masjid", "musala",
                     "musholla", "mushola", "langgar", "vihara", "klenteng", "kelenteng", "antarumat", "antar umat",
                     "lintas agama", "lintas iman", "beda agama", "umat beragama", "penistaan agama")),
    "FPK": pattern(("antaretnis", "antar etnis", "antarsuku", "antar suku", "pembauran", "kesukuan", "etnis",
                    "pendatang", "suku asli", "warga asli", "penduduk asli", "adat istiadat")),
}  # fmt: skip
