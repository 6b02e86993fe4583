"""The public district, race and candidate pages rendered to HTML: served (through the page
cache) by the guide's views, and rendered with a draft applied by the staff's previews."""

from __future__ import annotations

from flask import abort, render_template

from .. import queries
from . import services
from .voting import voting_summary


def district_html(slug: str) -> str:
    """Render a district page, or 404."""
    found = queries.district_by_slug_or_id(slug)
    if found is None:
        abort(404)
    return render_template("guide/district.html", page=services.district_page(found))


def race_html(slug: str, election: str) -> str:
    """Render a race page (the district page narrowed to one election), or 404."""
    found = queries.district_by_slug_or_id(slug)
    if found is None:
        abort(404)
    page = services.district_page(found, election)
    if not page.races:
        abort(404)
    return render_template("guide/district.html", page=page, election_slug=election)


def candidate_html(slug: str) -> str:
    """Render a candidate page, or 404."""
    found = queries.candidate_by_slug(slug)
    if found is None:
        abort(404)
    race = found.race
    return render_template("guide/candidate.html", candidate=found,
                           view=services.race_view(race),
                           voting=voting_summary(race.district.state, race.election))
