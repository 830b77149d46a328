"""The words slots are read from, in Indonesian as users write it (after `normalise`).

These lists say WHAT a message names (a forum, an order, a list position, the nation), never which
intent it has: that is the classifier's and `decide.py`'s business. A trailing "*" allows suffixes
("terendah*" matches "terendahnya").
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def pattern(phrases: Iterable[str], also: str = "") -> re.Pattern[str]:
    """One regex for a word group; a trailing "*" allows suffixes. `also`: a regex for the forms a list of
    phrases cannot spell ("provinsi 5 besar")."""
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        body = re.escape(phrase.rstrip("*")).replace(r"\ ", r"\s+")
        alternatives.append(body + (r"\w*" if phrase.endswith("*") else r"\b"))
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")" + (f"|{also}" if also else ""))


FORUM_WORDS = {"fkub": "FKUB", "fpk": "FPK", "fkdm": "FKDM"}
ALL_FORUMS_WORDS = ("semua forum", "ketiga forum", "tiga forum", "seluruh forum", "setiap forum", "masing masing forum",
     "forum forum", "ketiganya")  # fmt: skip
ALL_FORUMS = pattern(ALL_FORUMS_WORDS)
FORUM_MENTION = pattern(("fkub", "fpk", "fkdm", "forum*"))
# What a forum can do: its actions asked for.
ASKS_ACTIONS = pattern(("kegiatan*", "program*", "aksi*", "langkah*", "saran*", "rekomendasi*", "dilakukan",
                        "kerjakan", "dikerjakan", "berbuat", "peran*", "kontribusi*", "fokus*", "prioritas*",
                        "sebaiknya"))  # fmt: skip
# What the asker should do, asked of nobody's region in particular: "terus sebaiknya ngapain?".
ASKS_WHAT_TO_DO = pattern(("sebaiknya", "ngapain", "harus apa", "apa yang harus", "harus bagaimana", "harus gimana",
                           "mesti apa", "mesti ngapain", "what should"))  # fmt: skip
# What someone should do, in so many words: "FKDM di daerah itu sebaiknya ngapain" (a forum's actions).
DO_WHAT = pattern(("ngapain", "harus apa", "apa yang harus", "mesti apa", "mesti ngapain", "what should"))
# A region without results, said of one's own ("kab kami belum terukur") when asking what to do: the guidance
# for unmeasured regions, whatever region is named.
NOT_MEASURED = pattern(("belum terukur", "belum diukur", "tidak terukur", "belum ada hasil*", "belum dapat hasil*",
                        "belum pernah dapat hasil*", "belum punya hasil*", "tidak ikut pengukuran",
                        "tidak masuk daftar pengukuran"))  # fmt: skip
WHAT_TO_DO = pattern(("harus bagaimana", "harus apa", "apa yang harus", "apa yang sebaiknya", "sebaiknya apa",
                      "langkah apa", "ngapain", "mesti bagaimana", "perlu dilakukan"))  # fmt: skip
# A meaning asked, not a value: "kategori sedang itu artinya apa".
ASKS_MEANING = pattern(("artinya", "arti", "maksudnya", "itu apa", "apa itu", "definisi*", "pengertian*", "makna*"))
# How to use the assistant itself: its help, not the guidance.
ASKS_USE = pattern(("cara bertanya*", "cara tanya*", "cara nanya*", "mulai nanya*", "mulai bertanya*", "cara pakai*",
                    "cara memakai*", "cara menggunakan*", "baru pertama pakai", "baru pertama kali pakai",
                    "fungsinya untuk apa", "gunanya apa", "fitur*", "perintah*", "menu", "bisa bantu apa",
                    "bisa membantu apa", "bisa dibantu apa", "what can you do", "what kind of questions",
                    "what can i ask", "how do i use", "how to use"))  # fmt: skip
# Where the assistant's own figures come from: "aplikasi ini datanya dari mana? resmi?".
ASSISTANT_DATA = re.compile(r"\b(?:aplikasi|asisten|bot|chatbot|layanan)(?: ini)?\b.*\b(?:data\w* (?:dari mana|darimana|resmi)"
                            r"|sumber (?:data|angka)\w*)\b")
# Courtesy with nothing asked: "Assalamualaikum wr wb, bapak ibu admin yg budiman", "Nggih, matur nuwun
# informasinipun", "salam kenal dari pengurus FKUB".
COURTESY = frozenset("""
    assalamualaikum assalamu alaikum warahmatullahi wabarakatuh wr wb salam kenal sejahtera selamat pagi siang sore
    malam terimakasih matur nuwun sanget nuhun hatur informasinipun informasinya infonya penjelasannya jawabannya
    nggih inggih injih enggih mas mbak budiman yth terhormat sekalian semuanya pengurus anggota sehat selalu
    berkah baik oke ok sip siap mantap banyak sekali wassalam shalom om swastiastu namo buddhaya
""".split())
# Whether anyone is there: a greeting ("halo bot, ada orang?").
PRESENCE = pattern(("ada orang", "ada yang jaga", "ada admin", "anybody there", "anyone there"))

BOTTOM_WORDS = ("terendah*", "terburuk*", "terjelek*", "paling rendah", "paling buruk", "paling jelek", "paling tidak harmonis",
     "terbawah*", "paling bawah", "rendah", "lemah*", "terlemah*", "lowest", "worst", "bottom", "buncit", "buntut", "jeblok",
     "bawahnya", "ujung bawah", "yang bawah",
     "dari bawah", "tersedikit", "paling sedikit", "paling kecil", "terkecil")  # fmt: skip
BOTTOM = pattern(BOTTOM_WORDS)
TOP_WORDS = ("tertinggi*", "terbaik*", "teratas*", "paling tinggi", "paling baik", "paling harmonis", "terharmonis*",
     "paling bagus", "terbagus", "juara", "top", "unggul*", "tinggi", "highest", "best", "paling atas", "atasnya",
     "ujung atas", "yang atas", "dari atas", "terbanyak", "paling banyak", "paling besar")  # fmt: skip
TOP = pattern(TOP_WORDS)
# "kabupaten mana", "daerah apa yang paling …": the message asks for a list of regions, not about one.
RANKING_SUBJECT_WORDS = ("kabupaten mana", "kota mana", "kabkota mana", "daerah mana", "wilayah mana", "provinsi mana",
     "kabupaten apa", "kota apa", "daerah apa", "wilayah apa", "provinsi apa", "kabupaten yang", "kota yang",
     "kabkota yang", "daerah yang", "wilayah yang", "provinsi yang", "kabupaten dengan", "kota dengan",
     "kabkota dengan", "daerah dengan", "provinsi dengan", "kabkota", "kabupaten kota", "antar provinsi", "antarprovinsi",
     "peringkat provinsi", "provinsi terbaik", "provinsi tertinggi", "provinsi terendah", "provinsi paling",
     "daerah paling", "kabupaten paling", "kota paling", "wilayah paling", "semua kabupaten", "semua kota",
     "seluruh kabupaten", "kab kota")  # fmt: skip
RANKING_SUBJECT = pattern(RANKING_SUBJECT_WORDS)
PROVINCES_SUBJECT_WORDS = ("provinsi mana", "provinsi apa", "provinsi yang", "provinsi dengan", "antar provinsi", "antarprovinsi",
     "peringkat provinsi", "provinsi terbaik", "provinsi tertinggi", "provinsi terendah", "provinsi paling",
     "semua provinsi", "daftar provinsi", "provinsi terharmonis", "seluruh provinsi", "tiap provinsi",
     "urutan provinsi", "ranking provinsi", "provinsi provinsi", "provinsi terbawah", "provinsi teratas", "per provinsi",
     "setiap provinsi", "masing masing provinsi",
     "provinsi terburuk", "provinsi terjelek", "provinsi terharmonis")  # fmt: skip
# "provinsi 5 besar nya siapa aja", "provinsi 3 terbawah": the provinces, ranked.
PROVINCES_SUBJECT = pattern(
    PROVINCES_SUBJECT_WORDS,
    also=r"\bprovinsi (?:top|(?:\d+|tiga|lima|sepuluh) (?:besar|teratas|terbawah|tertinggi|terendah))\b",
)
# Every province at once: "rata-rata IHaI per provinsi" lists them all, not the first five.
EVERY_PROVINCE = pattern(("per provinsi", "setiap provinsi", "tiap provinsi", "semua provinsi", "seluruh provinsi",
                          "masing masing provinsi", "daftar provinsi"))  # fmt: skip
# "urutkan semua kab/kota di Babel": every kab/kota of the scope, not the first five.
EVERY_KABKOTA = pattern(("semua kabkota", "seluruh kabkota", "semua kabupaten", "seluruh kabupaten", "semua kota",
                         "seluruh kota", "setiap kabkota", "tiap kabkota", "masing masing kabkota"))  # fmt: skip
NATION_WORDS = ("nasional", "indonesia", "seluruh indonesia", "se indonesia", "nusantara", "tingkat pusat")
NATION = pattern(NATION_WORDS)
METHOD_WORDS = ("dihitung", "menghitung", "perhitungan", "hitungan*", "rumus*", "bobot*", "metodologi", "metode",
     "cara hitung", "cara ngitung", "cara mengukur", "pengukuran", "diukur", "skala", "batas kategori",
     "batasnya", "ambang", "variabel apa saja", "apa saja variabel", "variabel ihai", "daftar variabel",
     "dimensi apa saja", "apa saja dimensi", "daftar dimensi", "aspek apa saja", "apa saja aspek", "jumlah variabel",
     "berapa variabel", "berapa dimensi", "responden minimal", "minimal responden", "batas minimal",
     "kategori apa saja", "kategorinya apa", "sebutkan variabel", "sebutkan dimensi")  # fmt: skip
METHOD = pattern(METHOD_WORDS)
TREND_WORDS = ("riwayat", "historis", "history", "per putaran", "tiap putaran", "setiap putaran", "tahun lalu", "tahun sebelumnya", "naik atau turun", "naik turun", "tren*", "perkembangan",
     "dari tahun ke tahun", "antartahun", "antar tahun", "dibanding tahun", "tahun terakhir", "putaran terakhir",
     "seri waktu", "runtut waktu", "time series", "dari waktu ke waktu")  # fmt: skip
TREND = pattern(TREND_WORDS)
# Words that set one named year against another time: "dibanding 2024", "sejak 2023", "naik dari 2024".
OVER_TIME_WORDS = ("dibanding*", "banding*", "vs", "versus", "sejak", "mulai", "naik", "turun", "berubah",
                   "perubahan*", "meningkat", "menurun", "membaik", "memburuk", "sampai", "hingga", "trend")  # fmt: skip
OVER_TIME = pattern(OVER_TIME_WORDS)
# A ranking of changes between rounds ("kenaikan terbesar", "kab/kota mana yang turun paling banyak"), by
# its direction; a change of one region ("apakah kenaikan ihai sleman signifikan") is a trend, not this.
CHANGE_UP_WORDS = ("kenaikan*", "peningkatan*", "naik paling", "paling naik", "paling banyak naik",
     "paling banyak meningkat", "naiknya paling", "meningkat paling",
     "paling meningkat", "membaik paling", "paling membaik", "perbaikan terbesar", "perbaikan paling", "lonjakan",
     "biggest rise", "biggest increase", "biggest gain", "improved the most", "improved most", "rose the most")  # fmt: skip
CHANGE_DOWN_WORDS = ("penurunan*", "turun paling", "paling turun", "paling banyak turun",
     "paling banyak menurun", "turunnya paling", "menurun paling",
     "paling menurun", "memburuk paling", "paling memburuk", "anjlok*", "merosot*", "kemerosotan", "biggest drop",
     "biggest fall", "biggest decline", "dropped the most", "fell the most", "declined the most")  # fmt: skip
# What makes such words a ranking: a list of regions, a count, an end ("terbesar", "paling banyak").
CHANGE_RANKED = pattern(("terbesar", "tertinggi", "terbanyak", "paling banyak", "paling besar", "paling tajam",
     "paling drastis", "tercepat", "mana", "siapa", "urutan*", "peringkat*", "ranking*", "daftar", "top",
     "biggest", "most", "which"))  # fmt: skip
CHANGE_UP = pattern(CHANGE_UP_WORDS)
CHANGE_DOWN = pattern(CHANGE_DOWN_WORDS)
# A position in the last list the assistant showed: "yang paling bawah", "yang nomor 2", "urutan ketiga".
LIST_LAST_WORDS = ("yang paling bawah", "yang terbawah", "yang terakhir", "paling bawah itu", "urutan terakhir", "yang buncit",
     "nomor terakhir", "yang paling akhir", "paling buncit", "urutan buncit", "paling buntut", "yang buntut", "yang paling rendah itu", "yang terendah itu", "yang terendah tadi",
     "yang paling rendah tadi", "yang bawah sendiri", "peringkat terakhir")  # fmt: skip
LIST_LAST = pattern(LIST_LAST_WORDS)
LIST_FIRST_WORDS = ("yang pertama", "yang paling atas", "yang teratas", "urutan pertama", "nomor satu", "peringkat pertama",
     "yang tertinggi itu", "yang tertinggi tadi", "yang paling tinggi itu", "yang paling tinggi tadi", "juaranya")  # fmt: skip
LIST_FIRST = pattern(LIST_FIRST_WORDS)
_NUMBERED = "|".join(("satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh"))
_ORDINAL = "|".join(("kedua", "ketiga", "keempat", "kelima", "keenam", "ketujuh", "kedelapan", "kesembilan", "kesepuluh"))
# "nomor 3", "yang kelima", and an ordinal alone ("kelima?", "ketiga gimana").
LIST_NUMBER = re.compile(
    rf"\b(?:nomor|urutan|yang|no|yang ranking|yang peringkat|ranking|peringkat|rank)\s+(?:ke\s*)?"
    rf"(\d{{1,2}}|{_NUMBERED}|{_ORDINAL})\b"
    rf"|^({_ORDINAL})(?: (?:gimana|bagaimana|berapa|dong|ya|sih|juga|nya|tadi|itu))*$"
)
# The words of a bare list reference ("yg kelima?", "nomor 3 dong").
LIST_WORD = re.compile(rf"nomor|no|urutan|ke|\d{{1,2}}|{_NUMBERED}|{_ORDINAL}|pertama|terakhir|"
                       r"paling|bawah|atas|teratas|terbawah|tadi|itu|buncit")
BOTH_REFERENCE_WORDS = ("keduanya", "kedua wilayah", "kedua daerah", "dua wilayah itu", "dua daerah itu",
                        "dua duanya", "duanya", "kedua duanya", "masing masing",
                          "kedua kabupaten", "kedua kota", "kedua provinsi", "dua kabupaten itu", "dua kota itu",
                          "dua provinsi itu", "dua kabupaten tadi", "dua kota tadi", "dua daerah tadi",
                          "ketiganya", "ketiga daerah", "ketiga wilayah", "ketiga kabupaten")  # fmt: skip
BOTH_REFERENCE = pattern(BOTH_REFERENCE_WORDS)
# "satu" is 1, "kedua" 2: the ordinals start at the second.
ORDINALS = {**{word: place for place, word in enumerate(_NUMBERED.split("|"), 1)},
            **{word: place for place, word in enumerate(_ORDINAL.split("|"), 2)}}  # fmt: skip

# Question words that ask about a region without saying what; the chat's previous intent decides.
FOLLOWUP_WORDS = ("kalau", "bagaimana dengan", "terus", "lalu", "trus", "sedangkan", "gimana dengan", "kalo",
                  "di sana", "di situ", "tersebut", "daerah itu", "wilayah itu", "provinsi itu", "kabupaten itu",
                  "kota itu", "yang tadi", "di atas")  # fmt: skip
# "untuk itu", "soal tersebut": pointing back at what was just talked about.
ANAPHORA_WORDS = ("untuk itu", "soal itu", "hal itu", "masalah itu", "terkait itu", "tentang itu", "soal tersebut",
                  "hal tersebut", "masalah tersebut", "isu itu", "isu tersebut", "untuk hal itu", "itu tadi",
                  "dimensi itu", "dimensi tersebut", "variabel itu", "variabel tersebut", "aspek itu", "dimensi tadi",
                  "variabel tadi")  # fmt: skip
# "forum mana yg pas buat ngurusin itu", "siapa yang menanganinya": the topic just talked about, as the object
# of a verb of taking care of it.
_TENDING = (r"(?:mem|meng|men|me|ng|di)?"
            r"(?:tangan|nangan|urus|ngurus|garap|atasi|perbaik|benah|handle|pegang|megang|bantu)")
ANAPHORA = pattern(ANAPHORA_WORDS, also=rf"\b{_TENDING}\w*\s+(?:itu|tersebut|tadi)\b|\b{_TENDING}(?:in|i)?nya\b")
FOLLOWUP = pattern(FOLLOWUP_WORDS)
NUMBER_WORDS = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "lima belas": 15, "dua puluh": 20, "tiga puluh": 30,
}  # fmt: skip
NUMBER_WORD = pattern(NUMBER_WORDS)
# Words of a message that carry no topic: greetings, politeness, pronouns, particles. A message made of
# these and a region name is the region alone.
FILLER = frozenset(
    """
    yang di ke dari dan atau untuk pada dalam ini itu apa apakah mengapa siapa mana saya kami kita anda kamu
    tolong mohon dong ya yah kak min bang pak bu mas mbak sih deh nih tuh kah lah pun saja sudah belum masih
    akan bisa boleh ingin mau minta tahu lihat cek info informasi data tentang soal terkait jika bila kemudian
    sekarang tahun adalah ialah merupakan ada tidak bukan sama seperti hanya lebih kurang paling sangat sekali
    agar supaya biar karena oleh sebagai para semua setiap tiap bagi tersebut hal nya provinsi kabupaten kota
    kabkota daerah wilayah sebutkan tampilkan tunjukkan kasih beri berikan jawab coba lagi gan sis bro kakak
    bapak ibu punya milik sana situ sini the of and what is how berapakah bagaimanakah per versi izin bertanya
    tanya nanya halo hai selamat pagi siang sore malam assalamualaikum terimakasih admin berdasarkan menurut
    terhadap sebagai mengenai khususnya khusus juga jg bagaimana gimana gmn
    """.split()
)

# Every word group slots are read from: such words are question words, never misspelt region names.
WORD_GROUPS = (ALL_FORUMS_WORDS, BOTTOM_WORDS, TOP_WORDS, RANKING_SUBJECT_WORDS, PROVINCES_SUBJECT_WORDS,
               NATION_WORDS, METHOD_WORDS, TREND_WORDS, CHANGE_UP_WORDS, CHANGE_DOWN_WORDS, LIST_LAST_WORDS, LIST_FIRST_WORDS, BOTH_REFERENCE_WORDS,
               FOLLOWUP_WORDS, ANAPHORA_WORDS, tuple(NUMBER_WORDS), tuple(FORUM_WORDS))  # fmt: skip

# A second ask inside a question about a region's figures: the answer that covers both is chosen.
ASKS_COVERAGE = pattern(("responden*", "cakupan", "sampel*", "pengisi*", "yang mengisi", "capai target",
                         "mencapai target", "tembus"))  # fmt: skip
# Respondents asked as a count beside the region's own figure ("skor Gianyar dan respondennya berapa") get the
# figure's answer, which shows the count; whether the respondents suffice for an official figure is coverage.
FIGURE_ASKED = pattern(("skor*", "nilai*", "kategori*", "selang*", "interval*", "rata rata*", "peringkat*",
                        "ranking*", "indeksnya"))  # fmt: skip
# How a region is doing, asked as a whole: "gimana kondisi kerukunan di Kota Ambon".
CONDITION_ASKED = pattern(("kondisi*", "keadaan*", "situasi*", "gambaran*", "potret*", "seperti apa"))
# The others of its kind: "posisi Kab. Kendal dibanding kab/kota lain di Jateng" asks its rank.
OTHERS = pattern(("kabkota lain", "kabupaten lain", "kota lain", "daerah lain", "wilayah lain", "yang lain",
                  "kabupaten kota lain", "kabupaten lainnya", "daerah lainnya", "kota lainnya"))  # fmt: skip
RESPONDENT_PHRASE = re.compile(
    r"\b(?:jumlah |total |banyak\w* )?(?:responden\w*|pengisi\w*|sampel\w*)(?: (?:e ?survey|e ?survei|survei|survey|ihai))*\b"
)


def figure_besides_respondents(text: str) -> bool:
    """A figure of the region asked besides its respondents: a figure word, or "IHaI" where it is not the
    survey's name beside "responden" ("jumlah responden IHaI Kab. X")."""
    rest = RESPONDENT_PHRASE.sub(" ", text)
    return bool(FIGURE_ASKED.search(rest) or re.search(r"\bihai\b", rest))


# How many kab/kota of a province are measured: a line of its summary ("Kab/kota terukur: 13 dari 13").
KABKOTA_COUNT = re.compile(
    r"\b(?:berapa|jumlah|banyaknya)\s+(?:kabkota|kabupaten|kota|daerah)\b|\b(?:kabkota|kabupaten)\w*\b[^?.]{0,40}\bberapa\b"
)
MEASURED = pattern(("terukur", "diukur", "ada datanya", "ada data", "ikut survei", "ikut terukur", "sudah ada hasil"))
ASKS_ADEQUACY = pattern(("cukup*", "layak*", "dilaporkan", "dikutip", "resmi", "sah", "cakupan"))
# Whether a result may be used at all: "hasilnya sudah boleh dipakai di RPJMD?", "sah gak?".
ASKS_USABLE = pattern(("boleh dipakai", "bisa dipakai", "boleh digunakan", "bisa digunakan", "layak dipakai",
                       "boleh dikutip", "bisa dikutip", "boleh dilaporkan", "bisa dilaporkan", "sah", "valid",
                       "diakui"))  # fmt: skip
ASKS_GAP = pattern(("kurang berapa", "berapa lagi", "naik kategori", "biar naik", "agar naik", "supaya naik",
                    "jarak ke", "selisih ke", "menuju harmoni", "butuh naik", "poin lagi", "gap", "sisa berapa",
                    "next category", "distance to", "how far", "to the next", "tinggal berapa", "selisihnya",
                    "dekat batas", "mendekati batas", "lebih dekat ke", "paling dekat ke", "pindah kategori",
                    "kategori berikutnya", "kategori di atasnya"))  # fmt: skip
# How far apart two things are: "bedanya berapa poin?" (after two regions, a comparison).
DIFFERENCE_ASKED = pattern(("bedanya", "perbedaannya", "selisihnya", "beda berapa", "selisih berapa", "jaraknya",
                            "beda skornya", "selisih skornya"))  # fmt: skip
# The forums working together: the guidance on their synergy, not one forum's actions.
SYNERGY = pattern(("kerja bareng", "kerja sama", "bekerja sama", "bekerjasama", "bersinergi", "sinergi*", "kolaborasi*",
                   "berkolaborasi", "koordinasi antar forum", "jalan sendiri"))  # fmt: skip
# Whether two rounds may be compared at all: "boleh gak saya bandingkan skor 2024 dengan 2025?".
MAY_COMPARE = re.compile(r"\b(?:boleh\w*|bisa\w*|dapat\w*|sah\w*|valid)\b[^.?!]{0,40}\b(?:di)?banding\w*")
# A forum's activities tied to the index: "kegiatan FKDM yg nyambung ke IHaI apa aja" (its actions).
ACTIVITIES_FOR_INDEX = re.compile(r"\b(?:kegiatan\w*|program\w*|aksi\w*)\b[^.?!]*\b(?:ihai|harmoni\w*|indeks)\b")
# Where someone lives, not what is left: "skor kabupaten tempat saya tinggal berapa".
LIVES = re.compile(r"\b(?:tempat (?:\w+ )?|(?:saya|kami|aku|kita) (?:sekarang |masih |juga )?)tinggal\b")
ASKS_WEAKNESS = pattern(("terlemah*", "paling lemah", "kelemahan*", "titik lemah", "paling kurang", "dibenahi",
                         "paling rendah dimensi", "dimensi terendah*", "variabel terendah*", "weakest", "bottleneck*",
                         "kendala*", "masalahnya"))  # fmt: skip
# A file to take away: the region's PDF report ("laporan pdf", "unduh", "cetak"); "laporan" alone is not
# one ("laporan hasil dari Kemendagri", "layak lapor").
ASKS_DOCUMENT = pattern(("pdf*", "unduh*", "diunduh", "download*", "cetak*", "dicetak", "print*", "diprint*", "satu halaman",
                         "1 halaman", "file*", "berkas*", "lampiran", "minta laporan*", "kirim laporan*",
                         "kirimkan laporan*", "buatkan laporan*", "bikinkan laporan*", "bikin laporan*",
                         "laporan ringkas*", "report*", "rapor*", "dilampirkan", "lampirkan", "dokumen ringkasan",
                         "laporan ihai"))  # fmt: skip
# The report as a file to pass on, in words that need "laporan" beside them: "dokumen laporan", "laporannya
# di-share / dikirim / diteruskan"; not a forum's or a head's report ("laporan FKDM dikirim ke …").
REPORT_FILE = re.compile(
    r"\b(?:dokumen|file|berkas|pdf) laporan\b"
    r"|\blaporannya\b(?! (?:fkdm|fkub|fpk|disampaikan|dikirim ke|ke))"
    r"|\blaporan\w*\b(?! (?:fkdm|fkub|fpk|pemeliharaan|kinerja|kerukunan|hasil dari|dari))"
    r"[^.?!]*\b(?:dikirim\w*|kirim\w*|share|forward|teruskan|diteruskan)\b"
    # "laporan purbalingga sekalian ya": the region's report and nothing else (read with the names taken out).
    r"|^laporan\w*(?: (?:sekalian|sekaligus|juga|jg|dong|ya|pak|bu|min|kak|aja|saja|nya|tolong|mohon))*$"
)
# Said of the survey or the method in general, not of a region: "kenaikan per tahun yang wajar", "berapa
# respondennya secara total", "pasal berapa", "kapan dilaksanakan".
GENERAL_QUESTION = pattern(("per tahun", "setiap tahun", "secara umum", "secara total", "pada umumnya", "umumnya",
                            "biasanya", "wajar*", "masuk akal", "idealnya", "pasal", "ayat", "dilaksanakan",
                            "diselenggarakan", "rata rata kab*"))  # fmt: skip
# A rule asked of every kab/kota at once, not of one: "responden minimal per kabupaten".
EVERY_REGION = pattern(("per kabupaten", "per kota", "per kabkota", "per daerah", "setiap kabupaten", "tiap kabupaten",
                        "setiap kota", "tiap kota", "setiap kabkota", "tiap kabkota", "setiap daerah", "tiap daerah"))  # fmt: skip
# Budgets and programme codes: how a forum's work is funded and filed is the planning guidance's, not advice.
FUNDING_TOPIC = pattern(("anggaran*", "penganggaran", "dianggarkan", "apbd", "apbn", "sipd", "nomenklatur*", "dpa",
                         "rka", "hibah", "pendanaan", "dana"))  # fmt: skip
# Raising a score: what advice is for ("meningkatkan IHaI", "dongkrak", "naikin").
RAISE = pattern(("meningkatkan", "peningkatan", "menaikkan", "naikkan", "naikin", "mendongkrak", "dongkrak*",
                 "memperbaiki", "perbaikan", "memperkuat", "penguatan"))  # fmt: skip
# "FKUB bisa berperan apa", "perannya apa": a forum's part, not a choice between forums.
ASKS_ROLE = re.compile(r"\b(?:berperan|peran\w*|berbuat|kontribusi\w*) apa\b|\bbisa apa\b")
# A value asked ("berapa", "nilai …"), as against which part is weakest.
ASKS_VALUE = pattern(("berapa", "brp", "nilai*", "skor*", "angka*"))
# A target for planning documents ("target 2029", "baseline dan sasaran", "indikator RPJMD").
ASKS_TARGET = pattern(("target*", "sasaran*", "baseline", "nilai awal", "angka awal", "angka dasar", "rpjmd",
                       "renstra", "rkpd", "renja", "iku", "indikator kinerja", "proyeksi", "jalur", "lintasan"))  # fmt: skip
# How something is done ("cara menetapkan target", "bagaimana menyusun …"): the guidance answers it.
ASKS_HOW = pattern(("cara*", "bagaimana*", "gimana", "langkah*", "tahapan*", "pedoman*", "panduan*", "tips"))
# Which forum fits ("forum mana yang cocok", "siapa yang menangani", "FKUB atau FPK?"): a choice between
# forums, as against the actions of a forum the message names ("aksi FKDM untuk keberagamaan").
ASKS_FIT = pattern(("cocok*", "pas", "tepat", "relevan*", "mana", "siapa", "atau", "berperan", "berwenang", "menangani",
                    "turun tangan", "bertanggung jawab", "dilibatkan", "ranah*", "urusan", "kah", "who", "which",
                    "lead", "handle"))  # fmt: skip
# Which part of one region is lowest: "paling rendah di bidang apa", "dimensi apa yang nilainya paling bawah".
_PART = r"(?:dimensi|bidang|variabel|aspek|sektor|sisi)"
_LOWEST = r"(?:paling\s+(?:rendah|lemah|bawah|jelek|buruk|kecil)|terendah|terlemah|terbawah)"
WHICH_PART_LOWEST = re.compile(
    rf"\b{_PART}\s+(?:apa|mana)\b(?:\s+\w+){{0,4}}?\s+{_LOWEST}|\b{_LOWEST}\s+(?:di\s+|pada\s+)?{_PART}\s+(?:apa|mana)\b"
)
# How a figure is made or may be read, asked with no region in sight: the method's guidance.
ASKS_METHOD_HOW = pattern(("cara*", "rumus*", "dihitung*", "menghitung*", "rata rata dari", "dirata*",
                           "boleh bilang", "boleh dibilang",
                           "boleh disebut", "boleh dikatakan", "dibandingkan langsung", "dibandingin langsung",
                           "bisa dibandingkan"))  # fmt: skip
# What something is made of: "variabel di dimensi keberagamaan apa saja", "dimensi ekonomi mencakup apa".
ASKS_COMPOSITION = pattern(("apa saja", "apa aja", "terdiri*", "mencakup", "meliputi", "isinya", "komponen*",
                            "ada apa"))  # fmt: skip
PARTS_WORDS = pattern(("dimensi*", "variabel*", "aspek*", "indikator*"))
# When the e-survey runs: the measurement's facts.
SURVEY_SCHEDULE = pattern(("dibuka", "ditutup", "tanggal berapa", "tgl berapa", "jadwal*", "kapan dimulai",
                           "kapan dibuka", "periode survei", "masa survei"))  # fmt: skip
# How respondents come in: "sampel acak atau yg mau ngisi aja", "dipilih acak", "bias".
SURVEY_SAMPLING = pattern(("acak", "random*", "probabilit*", "representatif", "mewakili", "bias", "sukarela",
                           "siapa saja boleh", "mau mengisi", "mau isi", "self selected"))  # fmt: skip
SURVEY_NAMED = pattern(("survei", "survey", "esurvey", "esurvei", "ihai", "indeks harmoni"))
# Putting regions side by side: "bandingkan", "jejerin", "sandingkan".
# A comparison "with" what follows, its first side left out: the region talked about.
COMPARED_WITH = re.compile(r"\b(?:banding\w*|dibanding\w*|sanding\w*|jejer\w*|versus)\s+(?:sama|dengan|dgn|ke|lawan)\b")
# A region added to the comparison just shown ("tambahkan Bondowoso", "kalau ditambah Deli Serdang?"); a
# region alone after a comparison ("Cilegon?") asks about that region instead.
ADDED_TO_LIST = pattern(("tambah*", "ditambah*", "juga", "jg", "sekalian", "serta", "plus", "also", "add*", "include*"))
# Not "studi banding" (a visit to learn from another region).
COMPARE_WORDS = re.compile(r"(?<!studi )" + pattern(("banding*", "dibanding*", "perbandingan*", "jejer*", "sanding*",
                           "disanding*", "sejajar*", "komparasi*", "compare", "adu")).pattern)  # fmt: skip
# Which of two regions is higher or has more: a comparison of them.
COMPARATIVE = re.compile(
    r"\blebih\s+(?:tinggi|rendah|banyak|sedikit|baik|bagus|harmonis|unggul|besar|kecil)\b(?:\s+\w+){0,3}?\s+(?:yang\s+)?mana\b"
    r"|\bmana\s+yang\s+lebih\b"
)
# "kenapa …", "mengapa …": an explanation, which the guidance gives when no region is in sight.
ASKS_WHY = pattern(("kenapa", "mengapa", "knp", "why"))
# Why a figure is low, of a region: what pulls it down ("pulang pisau kenapa rendah", "kenapa bisa segitu?").
LOW_FIGURE = pattern(("segitu", "rendah", "jelek", "kecil", "anjlok", "jeblok", "lemah", "buruk", "kurang bagus"))
# The index's frameworks, not a round's figures: "perbedaan kerangka 2023/2024 dengan 2025".
FRAMEWORK = pattern(("kerangka*", "framework", "asta cita", "versi lama", "versi baru", "metode lama", "metode baru"))
# "forum apa yang jadi motor", "FKUB, FPK atau FKDM?": which forum, a choice (see `ASKS_FIT`).
# One forum put forward for a matter, asked to be confirmed: "v8 itu lebih ke FKUB ya?", "konflik antarsuku itu
# urusan FPK bukan?" - which forum fits, not what it can do.
FORUM_CONFIRMED = re.compile(r"\b(?:lebih ke|ranah\w*|urusan\w*|bagian\w*|domain\w*|porsi\w*|wilayah kerja)\s+(?:\w+\s+)?"
                             r"(?:fkub|fpk|fkdm)\b(?:\s+\w+)?\s+(?:ya|kan|bukan|bkn|tidak|gak|ga|nggak)\b")
ASKS_WHICH_FORUM = re.compile(r"(?<!itu )\bforum (?:apa|mana|yang mana)\b(?! saja| aja)|\b(?:fkub|fpk|fkdm)\b[^.?!]*\batau\b[^.?!]*\b(?:fkub|fpk|fkdm)\b")
# The values at the ends, not a list: "skor kab/kota terendah dan tertinggi berapa", "min max kab/kotanya",
# "rentangnya" — a province's summary gives both ends with their names.
ASKS_RANGE_VALUES = pattern(("min max", "minimum maksimum", "terendah dan tertinggi berapa", "tertinggi dan terendah berapa",
                             "di angka berapa", "di angka brp", "rentang*", "dari berapa sampai berapa"))  # fmt: skip
# The parts of the region pointed at: "gimana dimensinya", "variabelnya".
ITS_PARTS = pattern(("dimensinya", "variabelnya", "aspeknya", "rinciannya", "detailnya", "profilnya", "lengkapnya"))
# Every part's value at once: "nilai per dimensi", "rinciin tiap variabel".
PER_PART = re.compile(
    r"\b(?:per|tiap|setiap|masing masing|semua|seluruh|rincian|rinci\w*) (?:dimensi|variabel|aspek)\w*\b"
)
# A region's own figure asked by its name alone, pointing at the region talked about ("kategorinya?", "dan
# skornya", "peringkat nasionalnya?").
OWN_FIGURE = pattern(("kategorinya", "skornya", "nilainya", "ihainya", "angkanya", "indeksnya", "peringkatnya",
                      "rankingnya", "posisinya", "urutannya", "peringkat nasionalnya", "peringkat provinsinya",
                      "selang kepercayaannya", "intervalnya", "posisi se indonesia", "posisi nasional",
                      "peringkat se indonesia", "urutan se indonesia"))  # fmt: skip
# "tugas FKDM", "anggota FKUB": what a forum is and does, which the guidance answers.
ASKS_MANDATE = pattern(("tugas*", "fungsi*", "wewenang*", "kewenangan*", "kewajiban*", "mandat*", "dasar hukum*",
                        "anggota*", "susunan", "dibentuk", "membentuk", "pembentukan", "kepanjangan*",
                        "singkatan", "kerjanya"))  # fmt: skip
# The asker introducing themself as a forum's member ("saya pengurus FKUB Kab. Bone", "kami dari FPK", "saya
# pendeta sekaligus anggota FKUB", "selaku ketua FKDM", "saya baru ditunjuk jadi sekretaris FKUB", "kami FPK dan
# FKUB"): the forums say who asks, not what is asked.
_ROLES = r"(?:anggota|pengurus|ketua|wakil|sekretaris|sekretariat|bendahara|koordinator|perwakilan|utusan|dari)"
_AFFILIATED_FORUMS = r"((?:fkub|fpk|fkdm)(?: (?:dan|serta|sama) (?:fkub|fpk|fkdm))*)"
AFFILIATION = re.compile(
    rf"\b(?:kami|saya|aku)(?: \w+)?(?: (?:sendiri|kebetulan|adalah|sekaligus|juga|selaku|sebagai|merupakan|ini|baru"
    rf"|ditunjuk|diangkat|dilantik|terpilih|menjabat|jadi|menjadi))*"
    rf"(?: {_ROLES})+ {_AFFILIATED_FORUMS}\b"
    rf"|\b(?:kami|saya|aku) (?:di )?{_AFFILIATED_FORUMS}\b|\b(?:selaku|sebagai)(?: {_ROLES})* {_AFFILIATED_FORUMS}\b"
)
# What an introduced forum's name is read as: a word no rule or slot knows.
AFFILIATED = "lembaga"
# One region's own ranks, not a list: "ranking nasional dan ranking provinsi Kab. Cilacap", "peringkat di provinsi".
OWN_RANKS = re.compile(r"\b(?:rank\w*|peringkat\w*|urutan\w*|posisi\w*)\s+(?:di\s+|se\s*|tingkat\s+)?(?:provinsi|nasional)\b")
