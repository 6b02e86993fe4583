"""``flask outreach …``: what campaign codes brought, and pruning old counts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..outreach import campaigns
from . import unit_of_work

outreach = AppGroup("outreach", help="Campaign codes: reports and pruning.")


@outreach.command("campaign-report")
@click.option("--days", type=click.IntRange(1, 3660), default=30, show_default=True,
              help="How many days back, today included.")
def campaign_report(days: int) -> None:
    """Print visits and lookups per day, campaign code and district."""
    rows = campaigns.report(db.session, days=days)
    if not rows:
        click.echo(f"No campaign visits in the last {days} days.")
        return
    header = ("day", "code", "district", "visits", "lookups")
    table = [header] + [(str(r.day), r.code, r.district or "(none)", str(r.visits),
                         str(r.lookups)) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        click.echo("  ".join(cell.rjust(w) if i >= 3 else cell.ljust(w)
                             for i, (cell, w) in enumerate(zip(line, widths, strict=True))))


@outreach.command("prune-campaigns")
@click.option("--days", type=click.IntRange(1, None), required=True,
              help="Keep this many days of counts, today included; delete the rest.")
def prune_campaigns(days: int) -> None:
    """Delete campaign counts older than --days days."""
    with unit_of_work() as session:
        removed = campaigns.prune(session, days)
    click.echo(f"Removed {removed} campaign count rows older than {days} days.")
