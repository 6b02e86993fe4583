"""Campaign counts for staff: a table and a bar chart of visits and lookups per code.

A blueprint nested in the staff area (/staff/campaigns), so the area's rules cover it: staff
sign-in, no caching, no indexing. ``flask campaign-report`` prints the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for

from .. import queries
from ..extensions import db
from ..staff import blueprint as staff_area
from ..web.hosts import absolute_url
from ..web.staff_words import s_
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
    link, problem, status = made_link(request.args)
    return render_template("outreach/campaigns.html", rows=rows, days=days,
                           chart=chart(campaigns.daily_totals(rows)), link=link,
                           problem=problem, districts=[d for state in queries.states()
                                      for d in queries.districts_of_state(state)],
                           code=request.args.get("code", ""),
                           page=request.args.get("page", "")), status


def made_link(args) -> tuple[str | None, str | None, int]:
    """The link a volunteer shares, from the report's "make a link" form: a page of the
    guide (the home page or a district's) with ``?ref=<code>``; or why it can't be made."""
    if "code" not in args:
        return None, None, 200
    code = campaigns.clean_code(args.get("code"))
    if code is None:
        return None, s_("A campaign code is 1 to 32 letters, digits, hyphens or underscores, "
                        "e.g. church-flyer-may."), 422
    slug = args.get("page", "")
    if not slug:
        return absolute_url(url_for("guide.home", ref=code)), None, 200
    district = queries.district_by_slug_or_id(slug) if len(slug) <= 200 else None
    if district is None:
        return None, s_("Choose the home page or one of the districts in the list."), 422
    return absolute_url(url_for("guide.district", slug=district.slug, ref=code)), None, 200


staff_area.register_blueprint(blueprint)
