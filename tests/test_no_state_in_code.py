"""Another state is new data, not new code: nothing under voterguide/ (code, comments,
templates, static files) names a state; every state's facts live in data/ (and docs/)."""

from __future__ import annotations

import csv
import re

from .support import REPO

PACKAGE = REPO / "voterguide"
STATES = list(csv.DictReader((REPO / "data" / "gazetteer" / "us-states.csv").read_text(
    encoding="utf-8").splitlines()))
#: Two-letter strings that mean something else where they are quoted in the code.
OTHER_MEANINGS = {"LA": "Pillow's luminance-and-alpha image mode",
                  "ID": "a survey tool's respondent id column"}
#: Lower-case codes that are also words or identifiers ("id", "in", "as", "mt" for mount,
#: "nd" as in 2nd): quoted, they are not taken for states.
LOWER_WORDS = {"as", "co", "de", "hi", "id", "in", "la", "ma", "me", "mt", "nd", "oh", "ok",
               "or", "pa"}
SCANNED = {".py", ".html", ".txt", ".js", ".css", ".svg", ".json", ".cfg", ".ini", ".mako"}


def patterns() -> list[re.Pattern]:
    """What naming a state looks like: its name; its code quoted ("al", 'CA'), in a slug
    (al-circuit-6) or a division id (state:al), or after a town (", AL 35401")."""
    names = "|".join(re.escape(s["name"]) for s in STATES)
    upper = "|".join(s["code"] for s in STATES if s["code"] not in OTHER_MEANINGS)
    lower = "|".join(s["code"].lower() for s in STATES)
    quoted = "|".join(s["code"].lower() for s in STATES if s["code"].lower() not in LOWER_WORDS)
    return [re.compile(rf"\b({names})\b(?! County)"),  # Washington County is no state
            re.compile(rf"[\"']({upper}|{quoted})[\"']"),
            re.compile(rf"\b({lower})-(circuit|county|district|division)\b"),
            re.compile(rf"state:({lower})\b"),
            re.compile(rf", ({upper})\b(?=\s*(\d{{5}}|$|[\"'.,)]))")]


def files() -> list:
    """Every text file of the package but its installed data and the fonts' licence."""
    return [path for path in sorted(PACKAGE.rglob("*"))
            if path.suffix in SCANNED and path.is_file()
            and "data" not in path.relative_to(PACKAGE).parts[:1]
            and "fonts" not in path.relative_to(PACKAGE).parts[:1]]


def test_no_code_or_template_names_a_state():
    found = []
    for path in files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in patterns()):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    """The patterns would catch the mentions that used to be in the code."""
    for line in ['description="e.g. 2000 University Blvd, Tuscaloosa, AL 35401."',
                 'Setting("STATES", "al", text,', "e.g. /districts/al-circuit-6",
                 "ocd-division/country:us/state:ca/county:alameda", "# Outside Alabama",
                 "if state == 'CA':", "New Mexico"]:
        assert any(p.search(line) for p in patterns()), line
    for line in ['image.mode in ("RGBA", "LA")', "Jefferson County", "a circuit breaker",
                 "OR OTHER RIGHT", "if the label is in the ballot",
                 "Choctaw, Clarke or Washington County", '{"id": district.id}']:
        assert not any(p.search(line) for p in patterns()), line
    assert len(files()) > 100
