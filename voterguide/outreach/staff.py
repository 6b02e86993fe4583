"""Campaign counts for staff: a table and a bar chart of visits and lookups per code.

A blueprint nested in the staff area (/staff/campaigns), so the area's rules cover it: staff
sign-in, no caching, no indexing. ``flask campaign-report`` prints the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request

from ..extensions import db
from ..staff import blueprint as staff_area
from . import campaigns

blueprint = Blueprint("campaigns", __name__)

#: The longest period the report page shows, in days.
MAX_DAYS = 366


@dataclass(frozen=True)
class Bar:
    """One day's bars in the chart, in SVG units."""

    total: campaigns.DayTotal
    x: float
    visits_height: float
    lookups_height: float


@dataclass(frozen=True)
class Chart:
    """An inline SVG bar chart of visits and lookups per day."""

    width: float
    height: float
    bars: list[Bar]
    peak: int


def chart(totals: list[campaigns.DayTotal], height: float = 120, bar: float = 12) -> Chart:
    """Lay out two bars per day, scaled to the busiest day."""
    peak = max((max(t.visits, t.lookups) for t in totals), default=0) or 1
    bars = [Bar(t, i * (2 * bar + 8), height * t.visits / peak, height * t.lookups / peak)
            for i, t in enumerate(totals)]
    return Chart(max(len(totals) * (2 * bar + 8), 1), height, bars, peak)


@blueprint.get("/campaigns")
def campaign_report():
    """Visits and lookups per day, code and district, as a table and a chart."""
    try:
        days = int(request.args.get("days", "30"))
    except ValueError:
        abort(400, description="days must be a whole number of days, e.g. days=30.")
    if not 1 <= days <= MAX_DAYS:
        abort(400, description=f"days must be from 1 to {MAX_DAYS}.")
    rows = campaigns.report(db.session, days=days)
    return render_template("outreach/campaigns.html", rows=rows, days=days,
                           chart=chart(campaigns.daily_totals(rows)))


staff_area.register_blueprint(blueprint)
