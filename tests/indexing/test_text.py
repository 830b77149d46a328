"""Indonesian analysis: informal spellings, names, stopwords, stemming, protected words, synonyms."""

from __future__ import annotations

import pytest

from indexing.text import STEMMERS, STOPWORDS, Analyzer, normalise


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer("sastrawi")


def test_informal_spellings_become_formal_words() -> None:
    assert normalise("gmn cara fkub ningkatin moderasi yg tdk jalan utk warga dgn aja") == (
        "bagaimana cara fkub meningkatkan moderasi yang tidak jalan untuk warga dengan saja"
    )
    assert normalise("apa aja") == "apa saja"
    assert normalise("Kota2 dgn target 1.250 responden") == "kota-kota dengan target 1250 responden"


def test_informal_question_reaches_the_same_stems_as_the_formal_one(analyzer: Analyzer) -> None:
    informal = analyzer.tokens("gmn cara fkub ningkatin moderasi?")
    formal = analyzer.tokens("Bagaimana cara Forum Kerukunan Umat Beragama meningkatkan moderasi?")
    assert informal == formal == ["cara", "fkub", "tingkat", "moderasi"]


@pytest.mark.parametrize("word", ["tidak", "paling", "belum", "bukan", "lebih", "kurang"])
def test_meaningful_small_words_are_never_stopwords(analyzer: Analyzer, word: str) -> None:
    assert word not in STOPWORDS
    assert word in analyzer.tokens(f"skor yang {word} tinggi")


def test_superlatives_are_kept_and_reduced_to_their_root(analyzer: Analyzer) -> None:
    assert analyzer.tokens("variabel terendah") == ["variabel", "rendah"]
    assert "rendah" in analyzer.tokens("skor paling rendah")
    assert "tidak" in analyzer.tokens("gak tercapai")


def test_grammatical_words_are_dropped(analyzer: Analyzer) -> None:
    assert analyzer.tokens("apa yang dan di dari untuk itu") == []


@pytest.mark.parametrize("stemmer", sorted(STEMMERS))
def test_protected_words_keep_their_meaning(stemmer: str) -> None:
    tokens = Analyzer(stemmer).tokens
    # Religiosity (a dimension) and diversity must not collapse into one stem.
    assert "keberagamaan" in tokens("dimensi keberagamaan")
    assert "ragam" in tokens("keberagaman budaya")
    assert "keberagamaan" not in tokens("keberagaman budaya")
    assert tokens("kesetaraan") == tokens("setara") == ["setara"]
    assert tokens("terendah") == ["rendah"]


def test_sastrawi_stems_affixes(analyzer: Analyzer) -> None:
    assert analyzer.tokens("perhitungan pengukuran kerukunan") == ["hitung", "ukur", "rukun"]


@pytest.mark.parametrize(
    ("text", "shared"),
    [
        ("etnis", "suku"),
        ("religi", "agama"),
        ("keagamaan", "agama"),
        ("masjid", "rumahibadat"),
        ("gereja", "rumahibadat"),
        ("rumah ibadah", "rumahibadat"),
        ("rumah ibadat", "rumahibadat"),
        ("organisasi kemasyarakatan", "ormas"),
        ("Forum Kerukunan Umat Beragama", "fkub"),
        ("Forum Kewaspadaan Dini Masyarakat", "fkdm"),
        ("kerukunan", "rukun"),
        ("harmoni", "rukun"),
        ("toleran", "toleransi"),
    ],
)
def test_synonyms_share_a_token(analyzer: Analyzer, text: str, shared: str) -> None:
    assert shared in analyzer.tokens(text)


def test_specific_word_stays_next_to_its_group(analyzer: Analyzer) -> None:
    assert analyzer.tokens("masjid") == ["masjid", "rumahibadat"]


def test_snowball_is_selectable_and_unknown_stemmers_are_refused() -> None:
    assert Analyzer("snowball").tokens("pengukuran ihai") == ["ukur", "ihai"]
    with pytest.raises(ValueError, match="sastrawi"):
        Analyzer("porter")
