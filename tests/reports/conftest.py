"""Reports on the scored sample, read back from the PDF with poppler's pdftotext (installed by `make test`;
a missing pdftotext is a failure, never a skip)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from core.gazetteer import get_gazetteer
from knowledge.guidance import load_guidance
from reports.builder import ReportBuilder
from scoring.results import Results, load_results


@pytest.fixture(scope="session")
def sample_results(sample_results_dir: Path) -> Results:
    return load_results(sample_results_dir)


@pytest.fixture(scope="session")
def builder(sample_results: Results) -> ReportBuilder:
    return ReportBuilder([sample_results], get_gazetteer(), load_guidance())


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    assert found, f"{tool} missing: `make test` installs Debian's poppler-utils (apt-get install poppler-utils)"
    return found


def pdf_text(pdf: bytes, tmp_path: Path, layout: bool) -> str:
    """The PDF's text as pdftotext reads it: `layout` keeps table rows on their lines (runs of spaces
    between cells collapsed to one), else reading order with all whitespace collapsed."""
    path = tmp_path / f"laporan-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(pdf)
    args = [poppler("pdftotext"), *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    if layout:
        return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\s+", " ", text).strip()


def pdf_info(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([poppler("pdfinfo"), str(path)], check=True, capture_output=True, text=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}
