"""The office's record on a district page: its profile (who holds the office, how it is
chosen, when it was last contested, what it has published) and its sourced figures, each
figure's periods as a chart and a table."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import queries
from ..models import District, DistrictFact, FactUnit, OfficeProfile
from . import charts


@dataclass(frozen=True)
class Source:
    """Where a figure's numbers came from, and when they were read."""

    name: str
    url: str
    retrieved: str  # the latest retrieval date, YYYY-MM-DD


@dataclass(frozen=True)
class FigureSeries:
    """One figure over its periods: the chart, the table's rows, its sources and caveats."""

    fact: str
    unit: FactUnit
    facts: list[DistrictFact]
    chart: charts.Chart | None
    sources: list[Source]
    caveats: list[str]
    counties: list[str]  # county names the figure covers

    @property
    def latest(self) -> DistrictFact:
        """The most recent period's figure."""
        return self.facts[-1]


@dataclass(frozen=True)
class OfficeView:
    """A district's office profile and figures, as its page shows them."""

    district: District
    profile: OfficeProfile | None
    figures: list[FigureSeries] = field(default_factory=list)

    @property
    def is_sample(self) -> bool:
        """Whether any of it is fictional sample data."""
        return bool(self.profile and self.profile.is_sample) or any(
            f.is_sample for s in self.figures for f in s.facts)

    @property
    def headline(self) -> DistrictFact | None:
        """The one figure a flyer or share image shows: the profile's chosen figure, else the
        first, at its latest period."""
        wanted = self.profile.headline_fact if self.profile else None
        chosen = next((s for s in self.figures if s.fact == wanted), None) or (
            self.figures[0] if self.figures else None)
        return chosen.latest if chosen else None


def figure_series(district: District, facts: list[DistrictFact]) -> list[FigureSeries]:
    """A district's figures grouped by fact (in name order), each in period order."""
    names = {c.fips: c.name for c in district.counties}
    grouped: dict[tuple[str, FactUnit], list[DistrictFact]] = {}
    for fact in sorted(facts, key=lambda f: (f.fact, f.period)):
        grouped.setdefault((fact.fact, fact.unit), []).append(fact)
    result = []
    for (name, unit), rows in grouped.items():
        sources: dict[tuple[str, str], str] = {}
        for row in rows:
            key = (row.source_name, row.source_url)
            sources[key] = max(sources.get(key, ""), row.retrieved_on.isoformat())
        covered = sorted({f for row in rows for f in row.counties or []})
        result.append(FigureSeries(
            name, unit, rows, charts.draw(rows),
            [Source(n, u, r) for (n, u), r in sources.items()],
            list(dict.fromkeys(row.caveat for row in rows if row.caveat)),
            [names.get(fips, fips) for fips in covered]))
    return result


def office_view(district: District) -> OfficeView | None:
    """The district's office record, or None when staff have published none."""
    profile = queries.office_profile(district.id)
    facts = queries.district_facts(district.id)
    if profile is None and not facts:
        return None
    return OfficeView(district, profile, figure_series(district, facts))
