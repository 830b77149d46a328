"""The HTTP API and the help-desk page's files, through FastAPI's TestClient, on the real engine and
the scored sample."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st
from pydantic import SecretStr

from bot.api import MAX_QUESTION_CHARS, WEB_DIR, create_app
from bot.assistant import Assistant
from bot.querylog import QueryLog
from core.config import Settings

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("api"), query_log_salt="garam-api")


@pytest.fixture(scope="module")
def client(settings: Settings, engine):
    with TestClient(create_app(settings, Assistant(engine))) as client:
        yield client


def ask(client: TestClient, text: str, session: str) -> dict:
    response = client.post("/v1/ask", json={"text": text, "session": session})
    assert response.status_code == 200, response.text
    return response.json()


def test_ask_returns_the_engines_answer_as_json(client, engine):
    expected = engine.ask("Berapa IHaI Kota Banjarbaru?", "api-pembanding")
    body = ask(client, "Berapa IHaI Kota Banjarbaru?", "api-1")
    assert body["answer"] == expected.text
    assert "<b>" in body["answer"] and "<" not in body["text_plain"]
    assert "Kota Banjarbaru" in body["text_plain"]
    assert body["intent"] == expected.intent == "profil"
    assert body["regions"] == ["63.72"]
    assert body["followups"] == [{"label": b.label, "payload": b.payload} for b in expected.followups]
    assert body["choices"] == []
    assert body["sources"] == []
    assert body["chart_url"] == "/v1/regions/63.72/chart.png?kind=region_dimensions"
    chart = client.get(body["chart_url"])
    assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
    assert chart.content.startswith(PNG_SIGNATURE)


def test_ask_keeps_context_per_session(client):
    ask(client, "IHaI Kota Banjarbaru", "api-konteks")
    followup = ask(client, "kalau dimensi terlemahnya?", "api-konteks")
    assert followup["intent"] == "terlemah" and followup["regions"] == ["63.72"]
    fresh = ask(client, "kalau dimensi terlemahnya?", "api-konteks-lain")
    assert fresh["regions"] != ["63.72"]


def test_ask_offers_choices_for_an_ambiguous_name(client):
    body = ask(client, "ihai bandung", "api-pilih")
    assert body["intent"] == "pilih_wilayah"
    assert {choice["payload"] for choice in body["choices"]} == {"wilayah 32.04", "wilayah 32.73"}
    chosen = ask(client, body["choices"][1]["payload"], "api-pilih")
    assert chosen["regions"] == ["32.73"]


def test_guidance_answer_names_its_sources(client):
    body = ask(client, "saran FKUB untuk Tapin", "api-saran")
    assert body["intent"] == "saran"
    assert body["sources"] and all(source["doc_id"] and source["title"] for source in body["sources"])


def test_ask_without_session_has_no_context(client):
    assert client.post("/v1/ask", json={"text": "IHaI Kota Banjarbaru"}).json()["regions"] == ["63.72"]
    followup = client.post("/v1/ask", json={"text": "kalau dimensi terlemahnya?"}).json()
    assert followup["regions"] != ["63.72"]


@pytest.mark.parametrize(
    "payload",
    [{"text": ""}, {"session": "x"}, {"text": "x" * (MAX_QUESTION_CHARS + 1)}, {"text": "x", "session": ""},
     ["bukan objek"], {"text": "x", "session": "s" * 129}, {"text": 5}],
)
def test_ask_rejects_invalid_requests(client, payload):
    assert client.post("/v1/ask", json=payload).status_code == 422


# --- Hostile input: nothing echoed, nothing crashes ---------------------------------------------------

SECRET_LOOKING = "NIK 6371010101010001 rahasia"


def test_overlong_question_is_refused_without_echo(client):
    question = (SECRET_LOOKING + " ") * (MAX_QUESTION_CHARS // len(SECRET_LOOKING) + 1)
    response = client.post("/v1/ask", json={"text": question, "session": "panjang"})
    assert response.status_code == 422
    assert SECRET_LOOKING not in response.text and "input" not in response.json()["detail"][0]
    assert response.json()["detail"][0]["loc"] == ["body", "text"]


@pytest.mark.parametrize("chunked", [False, True])
def test_oversize_body_is_refused_before_it_is_read(client, chunked):
    body = json.dumps({"text": SECRET_LOOKING * 40_000}).encode()  # about 1 MiB
    content = iter([body[i : i + 65536] for i in range(0, len(body), 65536)]) if chunked else body
    response = client.post("/v1/ask", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and SECRET_LOOKING not in response.text
    assert response.json()["detail"].startswith("Isi permintaan terlalu besar")


@pytest.mark.parametrize(
    "body",
    [b"{bukan json", b'{"text": "\xff\xfe"}', b'{"text": "halo\xc3"}', b"\xef\xbb\xbf\x00\x00", b"",
     b'{"text": "' + b"\\" * 3001 + b'"}', b"[" * 10000],
)
def test_malformed_bodies_get_4xx_without_echo(client, body):
    """Not JSON: 422; JSON in another encoding than UTF-8: FastAPI's 400. Neither repeats the body."""
    response = client.post("/v1/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422), response.text
    detail = response.json()["detail"]
    if response.status_code == 422:
        assert all(set(item) == {"loc", "msg", "type"} for item in detail)
    else:
        assert detail == "There was an error parsing the body"


@settings_hypothesis(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=600) | st.text(max_size=300).map(str.encode))
def test_any_body_gets_an_answer_or_a_4xx_never_a_500(client, body):
    response = client.post("/v1/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400, 413, 422, 429), response.text


def test_rate_limit_per_client(settings, engine):
    limited = settings.model_copy(update={"api_rate_limit_per_minute": 3})
    with TestClient(create_app(limited, Assistant(engine))) as client:
        codes = [client.get("/v1/regions/63.72").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = client.get("/v1/regions")
        assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 20
        assert client.get("/healthz").status_code == 200  # health checks are never limited


def test_api_key_guards_everything_but_what_the_page_needs(settings, engine):
    keyed = settings.model_copy(update={"api_key": SecretStr("kunci-api-uji")})
    with TestClient(create_app(keyed, Assistant(engine))) as client:
        for url in ("/v1/regions", "/v1/search?q=fkub"):
            assert client.get(url).status_code == 401
            assert client.get(url, headers={"X-API-Key": "salah"}).status_code == 401
            assert client.get(url, headers={"X-API-Key": "kunci-api-uji"}).status_code == 200
            assert client.get(url, headers={"Authorization": "Bearer kunci-api-uji"}).status_code == 200
        # The help-desk page's own calls stay open.
        assert client.post("/v1/ask", json={"text": "berapa ihai banjarbaru"}).status_code == 200
        assert client.get("/v1/regions/63.72").status_code == 200
        assert client.get("/v1/regions/63.72/chart.png").status_code == 200
        assert client.get("/v1/regions/63.72/report.pdf").status_code == 200
        assert client.get("/").status_code == 200


def test_security_headers(client):
    page = client.get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert client.get("/static/app.js").headers["Content-Security-Policy"] == policy
    for url in ("/", "/v1/regions/63.72", "/healthz"):
        headers = client.get(url).headers
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    # Swagger UI at /docs loads its assets from a CDN: the page's policy would break it.
    assert "Content-Security-Policy" not in client.get("/docs").headers


def test_questions_are_logged_under_a_pseudonym(client, settings):
    ask(client, "IHaI Kabupaten Tanah Laut", "sesi-rahasia-123")
    with sqlite3.connect(settings.database_path) as connection:
        rows = connection.execute("SELECT asker, channel, intent, regions FROM query_log").fetchall()
    log = QueryLog(":memory:", settings.query_log_salt.get_secret_value())
    assert (log.pseudonym("api", "sesi-rahasia-123"), "api", "profil", '["63.01"]') in rows
    stored = b"".join(path.read_bytes() for path in settings.data_dir.glob("ihai.sqlite3*"))
    assert b"sesi-rahasia-123" not in stored


def test_regions_list(client, engine):
    regions = client.get("/v1/regions").json()
    assert regions[0]["code"] == "00" and regions[0]["level"] == "nasional"
    by_code = {region["code"]: region for region in regions}
    banjarbaru = by_code["63.72"]
    row = engine.view.row("63.72")
    assert banjarbaru == {
        "code": "63.72",
        "name": "Kota Banjarbaru",
        "level": "kabkota",
        "province": "Kalimantan Selatan",
        "ihai": row["ihai"],
        "category": row["category"],
        "n": row["n_respondents"],
    }
    assert len(regions) == len(engine.view.rows)
    provinces = client.get("/v1/regions", params={"level": "provinsi"}).json()
    assert provinces and {region["level"] for region in provinces} == {"provinsi"}
    assert client.get("/v1/regions", params={"level": "desa"}).status_code == 422


def test_region_detail_and_not_found(client):
    detail = client.get("/v1/regions/63.72").json()
    assert detail["ihai_ci_low"] < detail["ihai"] < detail["ihai_ci_high"]
    assert set(detail["dimensions"]) == {"Ekonomi", "Sosial", "Budaya", "Keberagamaan"}
    assert detail["synthetic"] is True and detail["publishable"] is True
    assert detail["chart_url"] == "/v1/regions/63.72/chart.png?kind=region_dimensions"
    province = client.get("/v1/regions/63").json()
    assert province["chart_url"] == "/v1/regions/63/chart.png?kind=province_ranking"
    missing = client.get("/v1/regions/99.99")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Wilayah dengan kode '99.99' tidak ditemukan."


def test_region_charts(client):
    for url in (
        "/v1/regions/63.72/chart.png",
        "/v1/regions/63/chart.png",
        "/v1/regions/63/chart.png?kind=region_dimensions",
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.content.startswith(PNG_SIGNATURE), url
    assert client.get("/v1/regions/00/chart.png").status_code == 404  # the nation has no chart of its own
    assert client.get("/v1/regions/99.99/chart.png").status_code == 404
    assert client.get("/v1/regions/63.72/chart.png?kind=pie").status_code == 422


def test_region_report_pdf(client, results, tmp_path):
    """The answer to a report request links the PDF; the PDF is the region's report, its figures those of
    the results file; regions without a report get 404."""
    from tests.reports.conftest import pdf_text
    from tests.reports.test_report import Table

    table = Table(results)
    year = int(results.manifest["year"])
    body = ask(client, "minta laporan pdf Kota Banjarbaru", "api-laporan")
    assert body["intent"] == "laporan" and body["regions"] == ["63.72"]
    assert body["document_url"] == f"/v1/regions/63.72/report.pdf?year={year}"
    assert ask(client, "berapa ihai kota banjarbaru", "api-laporan-2")["document_url"] is None
    response = client.get(body["document_url"])
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="laporan-ihai-{year}-63.72-kota-banjarbaru.pdf"'
    )
    text = pdf_text(response.content, tmp_path, layout=False)
    assert "Kota Banjarbaru" in text and table.ihai(table.row("63.72")["ihai"]) in text
    assert client.get("/v1/regions/63.72").json()["report_url"] == body["document_url"]
    province = client.get("/v1/regions/63/report.pdf")
    assert province.status_code == 200 and province.content.startswith(b"%PDF")
    assert client.get("/v1/regions/00").json()["report_url"] is None
    unmeasured = next(code for code in ("91.03", "91.01", "92.01") if code not in table.rows.index)
    for url in ("/v1/regions/00/report.pdf", "/v1/regions/99.99/report.pdf", f"/v1/regions/{unmeasured}/report.pdf",
                "/v1/regions/63.72/report.pdf?year=2019"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.get("/v1/regions/63.72/report.pdf?year=abc").status_code == 422


def test_search_without_an_index_is_empty(client, engine):
    assert engine.index is None  # the shared engine: figures must never depend on the index
    response = client.get("/v1/search", params={"q": "moderasi beragama FKUB", "k": 3})
    assert response.status_code == 200 and response.json() == []
    assert client.get("/v1/search", params={"q": ""}).status_code == 422
    assert client.get("/v1/search", params={"q": "fkub", "k": 0}).status_code == 422


@pytest.fixture(scope="module")
def indexed_client(tmp_path_factory: pytest.TempPathFactory, results, engine):
    """The API over an engine with a real (small) search index: the three forums' mandate documents."""
    from bot.engine.engine import Engine
    from core.gazetteer import get_gazetteer
    from indexing.chunking import chunk_guidance
    from indexing.dense import load_embedding_model
    from indexing.search import SearchIndex
    from indexing.store import build_index
    from knowledge.guidance import load_guidance

    guidance = load_guidance()
    mandates = [doc for doc in guidance if doc.id in INDEXED_DOCS]
    embedder = load_embedding_model()
    directory = tmp_path_factory.mktemp("index")
    build_index([chunk for doc in mandates for chunk in chunk_guidance(doc)], embedder, directory)
    indexed = Engine(
        results, get_gazetteer(), engine.understander.classifier, guidance,
        index=SearchIndex.load(directory, embedder), store=engine.store,
    )  # fmt: skip
    settings = Settings(data_dir=tmp_path_factory.mktemp("api-index"))
    with TestClient(create_app(settings, Assistant(indexed))) as client:
        yield client


INDEXED_DOCS = {"fkub-mandat", "fpk-mandat", "fkdm-mandat"}


def test_search_with_an_index(indexed_client):
    hits = indexed_client.get("/v1/search", params={"q": "pendirian rumah ibadat", "k": 3}).json()
    assert len(hits) == 3 and {hit["doc_id"] for hit in hits} <= INDEXED_DOCS
    assert hits[0]["doc_id"] == "fkub-mandat"
    assert hits[0]["kind"] == "guidance" and hits[0]["sources"] and hits[0]["metadata"]["forums"]
    assert hits[0]["score"] >= hits[-1]["score"]
    assert indexed_client.get("/healthz").json()["index_loaded"] is True
    answer = ask(indexed_client, "apa itu fkdm", "api-indeks")
    assert answer["intent"] == "metodologi" and "fkdm-mandat" in {source["doc_id"] for source in answer["sources"]}


def test_health(client, engine):
    health = client.get("/healthz").json()
    assert health == {"ready": True, "synthetic": True, "index_loaded": engine.index is not None, "telegram": "off",
                      "telegram_mode": "off"}


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    documented = {"/v1/ask", "/v1/regions", "/v1/regions/{code}", "/v1/regions/{code}/chart.png", "/v1/search"}
    assert documented | {"/healthz"} <= set(paths)
    assert "/telegram/webhook" not in paths


def test_webhook_is_closed_without_a_bot(client):
    response = client.post("/telegram/webhook", json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
    assert response.status_code == 403


def test_help_desk_page_is_served_with_local_assets_only(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "DATA SAMPEL SINTETIS" in page.text and 'lang="id"' in page.text
    for name in ("app.js", "style.css"):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200 and asset.text == (WEB_DIR / name).read_text(encoding="utf-8")
    for path in Path(WEB_DIR).iterdir():
        # No CDN, no web fonts, no analytics: the page must work on an offline meeting network.
        assert not re.search(r"(?:https?:)?//[\w.-]+\.\w+/", path.read_text(encoding="utf-8")), path.name


class CountingEngine:
    """The real engine, counting the charts it draws."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.drawn = 0

    def chart_png(self, request):
        self.drawn += 1
        return self.engine.chart_png(request)


def test_charts_are_drawn_once_per_results(engine):
    from bot.engine.model import ChartRequest

    engines = [CountingEngine(engine), CountingEngine(engine)]
    assistant = Assistant(engines[0], rebuild=lambda: engines[1])
    request = ChartRequest("region_dimensions", "63.72")
    first = assistant.chart_png(request)
    assert first.startswith(PNG_SIGNATURE) and assistant.chart_png(request) == first
    assert engines[0].drawn == 1
    assistant.chart_png(ChartRequest("province_ranking", "63"))
    assert engines[0].drawn == 2
    assistant.reload()  # new results may change the figures: drawn again by the new engine
    assert assistant.chart_png(request).startswith(PNG_SIGNATURE) and engines[1].drawn == 1


def test_expired_data_is_purged_when_the_server_starts(settings, engine, tmp_path):
    from bot.storage import open_storage
    from bot.storage.base import QueryRow
    from bot.storage.retention import DAY

    storage = open_storage(tmp_path / "ihai.sqlite3")
    now = time.time()
    storage.save_context("lama", "{}", now - (settings.context_retention_days + 1) * DAY)
    storage.save_context("baru", "{}", now - DAY)
    storage.record_query(QueryRow(now - (settings.query_text_retention_days + 1) * DAY, "api:x", "api",
                                  "pertanyaan lama", "profil", ("63.72",), 3.0))
    try:
        with TestClient(create_app(settings, Assistant(engine), storage=storage)):
            deadline = time.monotonic() + 10
            while storage.load_context("lama") is not None:
                assert time.monotonic() < deadline, "not purged at start-up"
                time.sleep(0.05)
        assert storage.load_context("baru") is not None
        with sqlite3.connect(tmp_path / "ihai.sqlite3") as connection:
            assert connection.execute("SELECT text, intent FROM query_log").fetchall() == [("", "profil")]
    finally:
        storage.close()
