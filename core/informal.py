"""How officials type Indonesian in chat, mapped to the standard word: "gmn" -> "bagaimana", "ningkatin" ->
"meningkatkan". One list for the conversation engine (intent rules) and the lexical index (BM25), so a
spelling the engine understands is also one the search understands. Each side adds its own domain forms.
"""

from __future__ import annotations

CHAT_WORDS: dict[str, str] = {
    "gmn": "bagaimana", "gmna": "bagaimana", "gimana": "bagaimana", "gmana": "bagaimana", "bgmn": "bagaimana",
    "bgm": "bagaimana", "gimn": "bagaimana", "bagaimanakah": "bagaimana",
    "brp": "berapa", "brapa": "berapa", "berapakah": "berapa",
    "yg": "yang", "dgn": "dengan", "dg": "dengan", "utk": "untuk", "untk": "untuk", "buat": "untuk",
    "tdk": "tidak", "gak": "tidak", "ga": "tidak", "gk": "tidak", "nggak": "tidak", "ngga": "tidak",
    "enggak": "tidak", "engga": "tidak", "ndak": "tidak", "tak": "tidak",
    "knp": "mengapa", "kenapa": "mengapa", "napa": "mengapa", "krn": "karena", "karna": "karena",
    "skrg": "sekarang", "skr": "sekarang",
    "sdh": "sudah", "udah": "sudah", "udh": "sudah", "blm": "belum", "blom": "belum", "blum": "belum",
    "dr": "dari", "tgl": "tanggal", "dlm": "dalam", "pd": "pada", "kpd": "kepada", "ttg": "tentang", "tsb": "tersebut",
    "jg": "juga", "sm": "sama", "org": "orang", "jml": "jumlah", "tp": "tapi", "lg": "lagi", "lbh": "lebih",
    "plg": "paling", "bbrp": "beberapa", "dpt": "dapat", "dapet": "dapat", "bs": "bisa", "aja": "saja",
    "sy": "saya", "aku": "saya", "gw": "saya", "gue": "saya", "dmn": "dimana", "apaan": "apa",
    "kalo": "kalau", "klo": "kalau", "kl": "kalau",
    "pengen": "ingin", "pingin": "ingin", "pengin": "ingin", "bikin": "membuat", "nyari": "mencari",
    "liat": "lihat", "gini": "begini", "gitu": "begitu", "emang": "memang", "tau": "tahu",
    "bgt": "sekali", "banget": "sekali",
    "ningkatin": "meningkatkan", "naikin": "menaikkan", "benerin": "memperbaiki", "perbaiki": "memperbaiki",
    "nurunin": "menurunkan", "turunin": "menurunkan", "ngukur": "mengukur", "ngitung": "menghitung",
    "ngisi": "mengisi", "megang": "memegang", "pegangin": "memegang", "isiin": "mengisikan", "duluan": "lebih dulu",
    "itung": "hitung", "jelasin": "jelaskan", "ngelaporin": "melaporkan",
    "kab": "kabupaten", "prov": "provinsi", "propinsi": "provinsi",
}  # fmt: skip
