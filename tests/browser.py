"""A real headless browser for tests of HTML pages (letters, reports): Chromium from the system
packages (`.ci/run` installs it). Shared: any test can `from browser import browser`.

    def test_page(browser, tmp_path):
        png = browser.screenshot(page, tmp_path / "page.png")   # A4 at 96 dpi: 794 x 1123
        pdf = browser.print_pdf(page, tmp_path / "page.pdf")    # as it would print
        assert browser.pdf_pages(pdf) == 1 and browser.is_a4(pdf)

The browser is started with no network, no sync, no first-run pages and a throw-away profile,
so a page that tried to load anything from outside would render without it. Without Chromium
installed the tests fail (they would otherwise prove nothing), unless CONNECTOR_SKIP_BROWSER=1.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
A4_POINTS = (595.28, 841.89)
A4_PIXELS = (794, 1123)  # 210 x 297 mm at 96 dpi, the size a browser prints A4 at
TIMEOUT_S = 90


def find_chromium() -> str | None:
    return next((found for name in NAMES if (found := shutil.which(name))), None)


class Browser:
    def __init__(self, executable: str, profile: Path):
        self.executable, self.profile = executable, profile

    def _run(self, page: Path, *flags: str) -> None:
        command = [
            self.executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={self.profile}",
            *flags,
            page.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
        assert done.returncode == 0, done.stderr[-2000:]

    def screenshot(self, page: Path, png: Path, size: tuple[int, int] = A4_PIXELS) -> Path:
        self._run(page, f"--screenshot={png}", f"--window-size={size[0]},{size[1]}")
        assert png.exists() and png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), png
        return png

    def print_pdf(self, page: Path, pdf: Path) -> Path:
        self._run(page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), pdf
        return pdf

    @staticmethod
    def pdf_pages(pdf: Path) -> int:
        return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))

    @staticmethod
    def is_a4(pdf: Path) -> bool:
        boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
        return bool(boxes) and all(
            abs(float(w) - A4_POINTS[0]) < 1.5 and abs(float(h) - A4_POINTS[1]) < 1.5
            for w, h in boxes
        )


def png_size(png: Path) -> tuple[int, int]:
    data = png.read_bytes()
    return struct.unpack(">II", data[16:24])


def png_ink(png: Path) -> float:
    """The share of pixel bytes that are not white: 0 for a blank page."""
    data = png.read_bytes()
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    return sum(1 for b in pixels if b < 0xF0) / len(pixels)


@pytest.fixture
def browser(tmp_path_factory: pytest.TempPathFactory) -> Browser:
    found = find_chromium()
    if found is None:
        if os.environ.get("CONNECTOR_SKIP_BROWSER") == "1":
            pytest.skip("Chromium is not installed (CONNECTOR_SKIP_BROWSER=1)")
        pytest.fail("Chromium is not installed: apt-get install -y chromium (see .ci/run)")
    return Browser(found, tmp_path_factory.mktemp("chromium-profile"))
