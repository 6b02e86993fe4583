"""Small charts of a district's figures over time, as inline SVG: no script, no chart
service. Each chart is drawn beside a data table that holds the same numbers (the table is
what a screen reader reads; the drawing is hidden from it)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import DistrictFact, FactUnit
from ..presenters import number_words

#: The drawing's size in SVG units; it scales to the page's width.
WIDTH, HEIGHT = 320.0, 140.0
#: Room for the axis labels: left, right, top, bottom.
LEFT, RIGHT, TOP, BOTTOM = 8.0, 8.0, 18.0, 22.0


@dataclass(frozen=True)
class Bar:
    """One period's bar: where it stands and its labels."""

    x: float
    y: float
    width: float
    height: float
    period: str
    label: str  # the value in words, printed above the bar
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    """A bar chart of one figure over its periods, with the baseline at zero."""

    width: float
    height: float
    baseline: float
    bars: list[Bar]


def draw(facts: list[DistrictFact]) -> Chart | None:
    """A bar chart of one figure's periods in order, or None for fewer than two periods.

    Bars start at zero (a chart that starts elsewhere makes a small change look large);
    a percentage is drawn against 100."""
    facts = sorted(facts, key=lambda f: f.period)
    if len(facts) < 2:
        return None
    unit = facts[0].unit
    top = 100.0 if unit is FactUnit.PERCENT else max(f.value for f in facts) or 1.0
    inner_width = WIDTH - LEFT - RIGHT
    inner_height = HEIGHT - TOP - BOTTOM
    slot = inner_width / len(facts)
    width = slot * 0.62
    baseline = HEIGHT - BOTTOM
    bars = []
    for index, fact in enumerate(facts):
        height = max(inner_height * fact.value / top, 0.0)
        x = LEFT + index * slot + (slot - width) / 2
        bars.append(Bar(round(x, 1), round(baseline - height, 1), round(width, 1),
                        round(height, 1), fact.period, short_number(fact.value, fact.unit),
                        round(x + width / 2, 1), round(baseline - height - 4, 1)))
    return Chart(WIDTH, HEIGHT, baseline, bars)


def short_number(value: float, unit: FactUnit) -> str:
    """A value short enough to print above a bar: "1,204", "38.5%", "$2.1M"."""
    if unit is FactUnit.DOLLARS and value >= 1_000_000:
        return f"${value / 1_000_000:.1f}M"
    if unit is FactUnit.PERCENT:
        return number_words(value, unit)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
