"""Region reports as PDF bytes for whoever asks (the engine's channels, `ihai report`): the contents
from `content.py`, typeset by `typeset.py`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.deeplink import region_link
from core.gazetteer import Gazetteer
from knowledge.guidance import GuidanceDoc
from reports.content import RegionReport, ReportError, ReportWriter, region_title, report_filename
from reports.typeset import Typesetter
from scoring.results import Results


class ReportBuilder:
    """One-page reports of the rounds loaded (oldest first); the typesetter starts on the first report."""

    def __init__(
        self,
        rounds: Sequence[Results],
        gazetteer: Gazetteer,
        guidance: Sequence[GuidanceDoc],
        bot_username: str | None = None,
    ) -> None:
        """`bot_username`: the Telegram bot whose deep link and QR code each report shows; None for none."""
        self.writer = ReportWriter(rounds, gazetteer, guidance)
        self.bot_username = bot_username
        self._typesetter: Typesetter | None = None

    @property
    def latest_year(self) -> int:
        return self.writer.latest_year

    def reportable(self, code: str, year: int | None = None) -> bool:
        return self.writer.reportable(code, year)

    def filename(self, code: str, year: int | None = None) -> str:
        """What the report file is called; ReportError when there is no report for that region and year."""
        year = year or self.latest_year
        row = self.writer.row(code, year)
        if row is None or not self.reportable(code, year):
            raise ReportError(f"Tidak ada laporan IHaI {year} untuk wilayah {code}.")
        return report_filename(row["code"], region_title(row["name"], row["level"]), year)

    def report(self, code: str, year: int | None = None) -> RegionReport:
        """The contents; ReportError when there is no report for that region and year."""
        report = self.writer.report(code, year)
        if self.bot_username is None:
            return report
        link = region_link(report.code, self.bot_username)
        return replace(report, link=link.url, qr_svg=link.svg().decode())

    def pdf(self, code: str, year: int | None = None) -> bytes:
        if self._typesetter is None:
            self._typesetter = Typesetter()
        return self._typesetter.pdf(self.report(code, year))
