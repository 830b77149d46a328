"""The forum × dimension/variable map (knowledge/forum_map.toml) and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.citations import REGULATION
from knowledge.forums import FORUM_MAP_FILE, ROLES, ForumMapError, load_forum_map, parse_forum_map
from knowledge.guidance import DIMENSIONS, FORUMS, VARIABLES, load_actions
from knowledge.regulations import load_regulations
from scoring.methodology import load_methodology


@pytest.fixture(scope="module")
def forum_map():
    return load_forum_map()


def test_every_forum_is_linked_to_every_dimension_once(forum_map) -> None:
    pairs = [(link.forum, link.dimension) for link in forum_map.links]
    assert sorted(pairs) == sorted((f, d) for f in FORUMS for d in DIMENSIONS)
    for link in forum_map.links:
        assert link.role in ROLES and link.reason.endswith(".") and link.basis_text
        assert link.variables and set(link.variables) <= set(VARIABLES)


def test_linked_variables_belong_to_the_linked_dimension(forum_map) -> None:
    """A link's variables come from both frameworks and sit in its dimension (per the methodology files)."""
    dimension_of = {v.key: v.dimension for key in ("ihai-2025", "ihai-2023") for v in load_methodology(key).variables}
    for link in forum_map.links:
        assert {dimension_of[v] for v in link.variables} == {link.dimension}, (link.forum, link.dimension)
        assert any(v.startswith("v") for v in link.variables), (link.forum, link.dimension)


def test_each_link_states_its_basis(forum_map) -> None:
    regulations = load_regulations()
    for link in forum_map.links:
        assert link.citations or link.recommendation is not None, (link.forum, link.dimension)
        assert all(c.kind == REGULATION and c.regulation in regulations for c in link.citations)
        assert all(c.label in link.basis_text for c in link.citations)
        if link.recommendation is not None:
            assert "rekomendasi tim ihai assistant" in link.basis_text.lower()
    # each forum's primary dimension rests on its own regulation, not on the project's word alone
    primary = {"FKUB": "pbm-9-8-2006", "FPK": "permendagri-34-2006", "FKDM": "permendagri-2-2018"}
    for forum, regulation in primary.items():
        main_links = [link for link in forum_map.links if link.forum == forum and link.role == "utama"]
        assert main_links and all(regulation in {c.regulation for c in link.citations} for link in main_links), forum


def test_forums_for_a_dimension_puts_the_main_forum_first(forum_map) -> None:
    assert [link.forum for link in forum_map.forums_for("keberagamaan")][0] == "FKUB"
    assert [link.forum for link in forum_map.forums_for("budaya")][0] == "FPK"
    ranked = forum_map.forums_for("sosial")
    roles = [link.role for link in ranked]
    assert roles == sorted(roles, key=ROLES.index) and len(ranked) == 3
    assert {link.dimension for link in ranked} == {"sosial"}


def test_forums_for_variables_orders_by_how_many_they_strengthen(forum_map) -> None:
    ranked = forum_map.forums_for(variables=["v7", "x10"])
    assert ranked and all({"v7", "x10"} & set(link.variables) for link in ranked)
    assert ranked[0].forum == "FKUB" and ranked[0].role == "utama"
    pendukung = [link for link in ranked if link.role == "pendukung"]
    overlap = [len({"v7", "x10"} & set(link.variables)) for link in pendukung]
    assert overlap == sorted(overlap, reverse=True)
    # dimension and variables together narrow both ways; upper-case keys are accepted
    assert {link.forum for link in forum_map.forums_for("ekonomi", ["V1"])} == set(FORUMS)
    assert forum_map.forums_for("budaya", ["v7"]) == []
    assert len(forum_map.forums_for()) == len(forum_map.links)


def test_unknown_dimension_or_variable_is_refused(forum_map) -> None:
    with pytest.raises(ValueError, match="Dimensi tidak dikenal"):
        forum_map.forums_for("politik")
    with pytest.raises(ValueError, match="Variabel tidak dikenal"):
        forum_map.forums_for(variables=["v9"])


def test_the_map_agrees_with_the_forum_actions(forum_map) -> None:
    """Every forum has actions for the variables the map says its mandate strengthens."""
    actions = load_actions()
    for link in forum_map.links:
        covered = {v for a in actions if a.forum == link.forum for v in a.variables}
        assert set(link.variables) & covered, (link.forum, link.dimension)


def test_malformed_map_raises_naming_the_file(tmp_path: Path) -> None:
    good = FORUM_MAP_FILE.read_text(encoding="utf-8")
    path = tmp_path / "forum_map.toml"
    bad_maps = [
        good + '\n[[link]]\nforum = "FKUB"\ndimension = "keberagamaan"\nvariables = ["v7"]\nrole = "utama"\nreason = "Ganda."\nrekomendasi = ""\n',
        good.replace('forum = "FPK"', 'forum = "FORUM"', 1),
        good.replace('ref = "pbm-9-8-2006"', 'ref = "pbm-tidak-ada"', 1),
        # a link with neither a regulation nor the recommendation marker
        '[[link]]\nforum = "FKUB"\ndimension = "budaya"\nvariables = ["v5"]\nrole = "pendukung"\nreason = "Alasan."\n',
        "[[link]\n",
    ]
    for text in bad_maps:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ForumMapError, match="forum_map.toml"):
            parse_forum_map(path)
