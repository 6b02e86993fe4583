"""The PDF flyer, printed and looked at: poppler's pdfinfo reads its metadata and page count,
pdftoppm renders it to PNG, and the picture is checked for what a reader would see (one page,
no filled rows) beside the text pdftotext finds in it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import time_machine
from PIL import Image

from .support.paths import DATA_DIR as DATA

DEMO = json.loads((DATA / "al" / "demo-election.json").read_text(encoding="utf-8"))
QUESTIONS = DEMO["questionnaire"]["questions"]


def race_of(slug: str) -> dict:
    """The demo race of a district, by its slug."""
    return next(r for r in DEMO["races"] if r["candidates"][0]["slug"].startswith(slug + "-"))


def most_candidates() -> str:
    """The slug of a district whose race has the most candidates."""
    race = max(DEMO["races"], key=lambda r: len(r["candidates"]))
    return race["candidates"][0]["slug"].rsplit("-", 2)[0]


def nobody_responded() -> str:
    """The slug of a district where no candidate responded."""
    race = next(r for r in DEMO["races"]
                if all(c["questionnaire_status"] != "responded" for c in r["candidates"]))
    return race["candidates"][0]["slug"].rsplit("-", 2)[0]


def pdf_of(client, slug: str, size: str, tmp_path: Path) -> Path:
    response = client.get(f"/districts/{slug}/flyer.pdf?size={size}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / f"{slug}-{size}.pdf"
    path.write_bytes(response.data)
    return path


def info(path: Path) -> dict[str, str]:
    """pdfinfo's fields."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return {k.strip(): v.strip() for k, _, v in
            (line.partition(":") for line in out.stdout.splitlines())}


def render(path: Path, dpi: int = 100) -> list[Image.Image]:
    """Every page of the PDF as an image."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(path.with_suffix(""))],
                   check=True)
    return [Image.open(p).convert("L") for p in sorted(path.parent.glob(path.stem + "-*.png"))]


def filled_bands(image: Image.Image, shade: int = 250, share: float = 0.8,
                 tallest_line: int = 3) -> list[tuple[int, int]]:
    """Runs of pixel rows where most of the width is not white and that are taller than a
    rule line: what a filled table row or box looks like once printed."""
    width, height = image.size
    pixels = image.load()
    dark = [sum(pixels[x, y] < shade for x in range(width)) > share * width
            for y in range(height)]
    bands, start = [], None
    for y, is_dark in enumerate([*dark, False]):
        if is_dark and start is None:
            start = y
        elif not is_dark and start is not None:
            if y - start > tallest_line:
                bands.append((start, y))
            start = None
    return bands


def text_of(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True)
    return out.stdout


def test_the_band_finder_sees_a_filled_row():
    """The check below can fail: a grey band across a white page is found."""
    image = Image.new("L", (400, 300), 255)
    image.paste(243, (0, 100, 400, 120))
    image.paste(0, (0, 200, 400, 201))  # a rule line is not a band
    assert filled_bands(image) == [(100, 120)]


@pytest.mark.parametrize("size", ["letter", "a4"])
@pytest.mark.parametrize("slug", ["al-circuit-6", most_candidates(), nobody_responded()])
def test_the_pdf_flyer_prints_on_one_page_without_filled_rows(client, tmp_path, slug, size):
    path = pdf_of(client, slug, size, tmp_path)
    meta = info(path)
    assert meta["Pages"] == "1"
    assert meta["Tagged"] == "yes"
    assert meta["Title"].startswith("District Attorney candidates: ")
    assert "sample data" in meta["Keywords"]
    expected = {"letter": "612 x 792", "a4": "595.28 x 841.89"}[size]
    assert meta["Page size"].startswith(expected)
    [page] = render(path)
    assert filled_bands(page) == []


def test_the_pdf_flyer_has_the_questions_the_scale_key_and_a_captioned_qr(client, tmp_path):
    text = " ".join(text_of(pdf_of(client, "al-circuit-6", "letter", tmp_path)).split())
    assert "Scan for every answer in full" in text
    for question in QUESTIONS[:3]:
        assert question["text"].split()[0] in text and question["topic"] in text
    assert "Scale answers: 1 Strongly disagree" in text
    assert "Answered in words" not in text
    assert "alphabetically by last name" in text
    assert "10th     Judicial" not in text


@time_machine.travel(dt.datetime(2028, 8, 16, 12), tick=False)  # past the deadline
def test_a_district_nobody_answered_says_so_once(client, tmp_path):
    slug = nobody_responded()
    race = race_of(slug)
    text = " ".join(text_of(pdf_of(client, slug, "letter", tmp_path)).split())
    total = len(race["candidates"])
    assert f"{total} of {total} candidates did not respond" in text
    assert text.count("Did not respond") == total  # once per candidate, in their line
    assert "The questions we asked" in text


def test_the_html_flyer_names_non_responders_once(client):
    slug = nobody_responded()
    page = client.get(f"/districts/{slug}/flyer").get_data(as_text=True)
    assert "<table" not in page
    assert page.count("Did not respond") == len(race_of(slug)["candidates"])
    assert "Scan for every answer in full" in page
