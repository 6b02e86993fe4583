#!/usr/bin/env python3
"""Write data/al/demo-profiles.json: a fictional office profile and fictional figures for
every district of the sample election (data/al/demo-election.json).

Everything in the output is invented and marked as sample data. The incumbent of an office
is the sample election's incumbent candidate where there is one; where the sample race is an
open seat, the retiring incumbent gets a new invented name from the same name lists
(scripts/make_demo_election.py), never a real person's. Figures cite no real source: their
links point at example.org. Standard library only, fixed seed, byte-identical on re-runs:

    python scripts/make_demo_profiles.py
"""

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_demo_election as election_script  # noqa: E402  (the same name lists)

SEED = 20281108
ROOT = Path(__file__).resolve().parent.parent
#: Alabama's sample election description: its districts and its major parties.
ALABAMA = election_script.Description.read(ROOT / "data" / "al")
ELECTION = ROOT / "data" / "al" / "demo-election.json"
OUTPUT = ROOT / "data" / "al" / "demo-profiles.json"

SOURCE = "Sample data: invented for this demonstration (no real source)"
CAVEAT = "Sample data: an invented figure, not a real count."
RETRIEVED = "2026-05-01"
YEARS = [str(year) for year in range(2019, 2024)]
JAIL = "County jail population, average daily"
PRETRIAL = "Share of the jail population held awaiting trial"
PRISON = "People sent to state prison from the circuit's counties"
POLICIES = [
    "Charging policy for first-time, low-level offenses",
    "Policy on requests for money bail",
    "Annual report on cases charged and resolved",
    "Diversion program for people with a mental illness",
    "Policy on charging children as adults",
    "Review of police use of force",
    "Victim and witness services guide",
]
HOW_CHOSEN = ("Elected by the voters of the circuit in a partisan election for a six-year "
              "term; a vacancy is filled by the governor's appointment until the next "
              "election.")


def district_slug(district_id: str) -> str:
    """The demo's slug of a district id (the ids are the sample election's own)."""
    for division, slug in ALABAMA.districts():
        if division == district_id:
            return slug
    raise KeyError(district_id)


def office_name(slug: str) -> str:
    """The office's name, e.g. "Office of the District Attorney, 6th Judicial Circuit"."""
    number = int(slug.split("-")[2])
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    name = f"Office of the District Attorney, {number}{suffix} Judicial Circuit"
    return name + (", Bessemer Division" if slug.endswith("bessemer") else "")


def series(rng: random.Random, start: float, drift: float, low: float,
           high: float) -> list[float]:
    """Five yearly values wandering from ``start``, kept within [low, high]."""
    values, value = [], start
    for _ in YEARS:
        values.append(value)
        value = min(high, max(low, value * (1 + rng.uniform(-drift, drift))))
    return values


def figures(rng: random.Random, slug: str, counties: int) -> list[dict]:
    """A district's invented figures: jail population and pretrial share over five years,
    and prison admissions in the last year."""
    link = f"https://example.org/sample/{slug}/figures"
    jail = series(rng, rng.randint(60, 400) * counties ** 0.5, 0.12, 20, 5000)
    pretrial = series(rng, rng.uniform(55, 80), 0.06, 30, 95)
    rows = []
    for year, value in zip(YEARS, jail, strict=True):
        rows.append({"fact": JAIL, "period": year, "value": round(value), "unit": "people"})
    for year, value in zip(YEARS, pretrial, strict=True):
        rows.append({"fact": PRETRIAL, "period": year, "value": round(value, 1),
                     "unit": "percent"})
    rows.append({"fact": PRISON, "period": YEARS[-1], "value": round(jail[-1] * rng.uniform(
        0.3, 0.9)), "unit": "people"})
    for row in rows:
        row.update(source_name=SOURCE, source_url=link, retrieved_on=RETRIEVED, caveat=CAVEAT)
    return rows


def build_profiles() -> dict:
    """Every district's sample profile and figures; the same every time."""
    data = json.loads(ELECTION.read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    names = election_script.NameBook()
    for race in data["races"]:
        for candidate in race["candidates"]:
            names.used.add(candidate["name"])
    profiles = []
    for race in data["races"]:
        slug = district_slug(race["district"])
        incumbent = next((c for c in race["candidates"] if c["incumbent"]), None)
        if incumbent is not None:
            name, party, running = incumbent["name"], incumbent["party"], True
        else:
            name = names.draw(rng, {c["name"].split()[-1] for c in race["candidates"]})[0]
            party, running = rng.choice(ALABAMA.parties["major"]), False
        contested = rng.choice([2022, 2016, 2010, None])
        result = "" if contested is None else (
            f"Sample data: the incumbent won with {rng.randint(51, 68)}% of the vote.")
        policies = [{"title": title, "url": f"https://example.org/sample/{slug}/policies/"
                     f"{index + 1}"} for index, title in enumerate(rng.sample(POLICIES, 3))]
        counties = 1 if "circuit-10" in slug else rng.randint(1, 4)
        profiles.append({
            "district": race["district"],
            "office_name": office_name(slug),
            "incumbent_name": name,
            "incumbent_party": party,
            "in_office_since": rng.choice([2011, 2017, 2017, 2023]),
            "term_ends": "2029-01-15",
            "running_again": running,
            "how_chosen": HOW_CHOSEN.replace("the circuit", "the Bessemer Division")
            if slug.endswith("bessemer") else HOW_CHOSEN,
            "last_contested_year": contested,
            "last_contested_result": result,
            "website": f"https://example.org/sample/{slug}",
            "contact": f"Sample data: (555) 01{rng.randint(0, 99):02d}",
            "policies": policies,
            "headline_fact": JAIL,
            "figures": figures(rng, slug, counties),
        })
    return {"sample": True, "profiles": profiles}


def main() -> None:
    """Write the sample profiles file and print a one-line summary."""
    data = build_profiles()
    OUTPUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8",
                      newline="\n")
    count = sum(len(p["figures"]) for p in data["profiles"])
    print(f"wrote {OUTPUT}: {len(data['profiles'])} profiles, {count} figures")


if __name__ == "__main__":
    main()
