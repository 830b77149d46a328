"""Typesetting a report with Typst (the PyPI `typst` package ships the compiler and its fonts; nothing
is downloaded): the template in `templates/` reads the report's data as JSON from `sys.inputs`.

One `Typesetter` keeps one compiler, so fonts are loaded once; compiling is serialised by a lock, as the
compiler object is not meant to be shared by threads at once.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import typst

from reports.content import RegionReport, as_data

TEMPLATES = Path(__file__).with_name("templates")
REGION_TEMPLATE = TEMPLATES / "region.typ"


class TypesetError(RuntimeError):
    """The compiler refused a report (a defect of the template or the data, never the user's input)."""


class Typesetter:
    def __init__(self, template: Path = REGION_TEMPLATE) -> None:
        # The package's embedded fonts only: the same PDF on every machine, whatever fonts it has installed.
        self._compiler = typst.Compiler(template, root=template.parent, ignore_system_fonts=True)
        self._lock = threading.Lock()

    def pdf(self, report: RegionReport) -> bytes:
        """The report as PDF bytes (A4)."""
        data = json.dumps(as_data(report), ensure_ascii=False)
        with self._lock:
            try:
                pdf = self._compiler.compile(format="pdf", sys_inputs={"data": data})
            except typst.TypstError as error:
                raise TypesetError(f"laporan {report.code} tidak dapat disusun: {error.message}") from error
        assert isinstance(pdf, bytes)  # one document, one PDF (a list only for per-page PNG/SVG)
        return pdf
