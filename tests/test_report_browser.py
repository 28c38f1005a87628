"""The HTML report in headless Chromium: a screenshot that is not blank, and a PDF of several A4 pages."""

from __future__ import annotations

import importlib.util
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest

from campuseval.report import render

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "_artifacts"  # git-ignored; look at the PNGs and PDFs after a run
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


def _example() -> Any:
    spec = importlib.util.spec_from_file_location("golden_regenerate", ROOT / "tests" / "golden" / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.example_results()


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        pytest.skip("Chromium not found (looked for 'chromium' and 'chromium-browser' on PATH); "
                    "install Debian's chromium package and fonts-wqy-microhei to run the browser checks")
    return CHROMIUM


@pytest.fixture(scope="module")
def reports() -> dict[str, Path]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    results = _example()
    out = {}
    for lang in ("zh", "en"):
        path = ARTIFACTS / f"report.{lang}.html"
        path.write_bytes(render(results, "html", lang).encode("utf-8"))
        out[lang] = path
    return out


def _run(chromium: str, tmp_path: Path, *args: str) -> None:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args], check=True, timeout=180,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the inflated scanlines of a PNG (filter bytes included), without Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, width, height, idat = 8, 0, 0, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    return width, height, zlib.decompress(idat)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_screenshot_is_not_blank(lang: str, chromium: str, reports: dict[str, Path], tmp_path: Path) -> None:
    png = ARTIFACTS / f"report.{lang}.png"
    png.unlink(missing_ok=True)
    _run(chromium, tmp_path, "--window-size=1280,4000", "--hide-scrollbars", f"--screenshot={png}",
         reports[lang].as_uri())
    assert png.exists(), "Chromium wrote no screenshot"
    data = png.read_bytes()
    assert len(data) > 100_000, f"a suspiciously small screenshot ({len(data)} bytes)"
    width, height, pixels = _png_pixels(data)
    assert (width, height) == (1280, 4000)
    # PNG rows are stored as differences from the pixel to the left or above, so a one-colour
    # page inflates to almost all zero bytes and few distinct values; text, tables and charts do not.
    assert len(set(pixels)) > 64, "the page looks like one colour"
    changing = 1 - pixels.count(0) / len(pixels)
    assert changing > 0.01, f"only {changing:.2%} of the page differs from its neighbours"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prints_to_several_a4_pages(lang: str, chromium: str, reports: dict[str, Path], tmp_path: Path) -> None:
    pdf = ARTIFACTS / f"report.{lang}.pdf"
    pdf.unlink(missing_ok=True)
    _run(chromium, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", reports[lang].as_uri())
    assert pdf.exists(), "Chromium wrote no PDF"
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 2, f"{pages} page(s)"
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "no page size in the PDF"
    for w, h in boxes:  # A4 is 595 x 842 points
        assert abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2, (w, h)
