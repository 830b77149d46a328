# Needs only Python 3.11 and pip: every other dependency is installed into .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench bench-load browser postgres poppler report-image clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned, so that nothing later resolves it to a CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

## Generate sample data if missing, score it, build the index, serve API + help-desk page (and the bot when TELEGRAM_BOT_TOKEN is set).
run: $(STAMP)
	$(BIN)/ihai run

## The browser test drives Debian's Chromium; install it where it is missing (CI runs as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium'" >&2; exit 1; fi; }

## The storage tests run against a real PostgreSQL server (a throwaway cluster on a Unix socket that the
## tests start and stop); install Debian's server where it is missing (CI runs as root).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL server missing: run 'sudo apt-get install postgresql'" >&2; exit 1; fi; }

## The report tests read the PDFs back with poppler's pdftotext (and pdfinfo); install Debian's
## poppler-utils where it is missing (CI runs as root).
poppler:
	@command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; \
	  else echo "poppler-utils missing: run 'sudo apt-get install poppler-utils'" >&2; exit 1; fi; }

## The README's picture of a report page: Kabupaten Banjar from the synthetic sample (seed 2025), typeset by
## `ihai report` and rendered by pdftoppm into docs/laporan-contoh.png.
report-image: $(STAMP) poppler
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for year in 2023 2024 2025; do \
		$(BIN)/ihai sample --year $$year --out "$$tmp/sample-$$year" --seed 2025 >/dev/null && \
		$(BIN)/ihai score "$$tmp"/sample-$$year/*.parquet --year $$year --out "$$tmp/hasil/$$year" >/dev/null 2>&1 || exit 1; \
	done && \
	$(BIN)/ihai report 63.03 --results "$$tmp/hasil" --out "$$tmp/laporan.pdf" && \
	pdftoppm -png -gray -r 110 -singlefile "$$tmp/laporan.pdf" docs/laporan-contoh 2>/dev/null

test: $(STAMP) browser postgres poppler
	$(BIN)/lint-imports
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest -q

## Benchmarks as modules (`-m`), so that bench/scoring.py does not shadow the scoring package.
bench: $(STAMP)
	$(BIN)/python -m bench.scoring
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.ask
	$(BIN)/python -m bench.reports

## Two `ihai serve` workers sharing a throwaway PostgreSQL, 20,000 mixed requests (see bench/load.py).
bench-load: $(STAMP) postgres
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) data
