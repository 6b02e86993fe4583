"""``flask staff …``: staff users, importing answers as the import page does, the sample
election."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..demo import load_demo_election
from ..models import Election
from . import state_dir, unit_of_work

staff = AppGroup("staff", help="Staff users, imports and the sample election.")


@staff.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["editor", "admin"]), default="editor",
              show_default=True, help="editor: import and edit; admin: also publish, users.")
@click.password_option(envvar="VOTERGUIDE_NEW_USER_PASSWORD",
                       help="Asked for if not given (or set VOTERGUIDE_NEW_USER_PASSWORD).")
def create_user_command(email: str, role: str, password: str) -> None:
    """Create a staff user who can sign in at /staff/login."""
    from ..staff.accounts import AccountError, create_user

    try:
        with unit_of_work() as session:
            user = create_user(session, email, password, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} {user.email}.")


def _problem_lines(change_set) -> list[str]:
    """Each problem of a checked file as 'error: row 2, column C: message'."""
    lines = []
    for problem in change_set.problems:
        where = ", ".join(x for x in (f"row {problem['row']}" if problem["row"] else "",
                                      f"column {problem['column']}" if problem["column"] else "")
                          if x) or "file"
        lines.append(f"{'error' if problem['blocking'] else 'note'}: {where}: "
                     f"{problem['message']}")
    return lines


@staff.command("import-answers")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--election", "election_slug", required=True, help="The election's slug.")
@click.option("--shape", type=click.Choice(["auto", "wide", "long"]), default="auto",
              show_default=True)
@click.option("--delete-missing", is_flag=True,
              help="Also delete published answers the file leaves blank.")
@click.option("--publish", "publish_now", is_flag=True,
              help="Publish at once instead of leaving a draft for an admin.")
@click.pass_context
def import_answers_command(ctx: click.Context, path: Path, election_slug: str, shape: str,
                           delete_missing: bool, publish_now: bool) -> None:
    """Check a CSV/XLSX of candidates and answers; keep it as a draft (or publish it).

    The same steps as the import page: check the file (start_import), apply it to the
    draft (queue), and with --publish publish it; the services refuse what they refuse.
    """
    from ..staff import services

    limit = int(current_app.config["STAFF_UPLOAD_MAX_BYTES"])
    try:
        if path.stat().st_size > limit:
            raise click.ClickException(f"{path} is larger than {limit // (1024 * 1024)} MB.")
        content = path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"Cannot read {path}: {error}") from error
    with unit_of_work() as session:
        election = session.scalar(select(Election).where(Election.slug == election_slug))
        if election is None:
            raise click.ClickException(f"No election {election_slug!r}.")
        try:
            change_set = services.start_import(session, election, path.name, content, None,
                                               None if shape == "auto" else shape,
                                               delete_missing)
        except services.FileRefused as refusal:
            raise click.ClickException(str(refusal)) from refusal
        for line in _problem_lines(change_set):
            click.echo(line, err=True)
        click.echo(f"{path.name} ({change_set.file_shape}): {change_set.summary}.")
        if not change_set.changes and not any(p["blocking"] for p in change_set.problems):
            click.echo("Nothing to change: the guide already says all of this.")
            ctx.exit(0)  # leaves the unit of work without keeping the preview
        try:
            services.queue(session, change_set)
            if publish_now:
                services.publish(session, change_set, None)
        except services.StaffActionRefused as refusal:
            raise click.ClickException(f"Nothing was imported: {refusal}") from refusal
    click.echo(f"Change set #{change_set.id} " + ("published." if publish_now else
                                                  "saved as a draft for an admin to publish."))


@staff.command("load-demo")
@click.argument("state")
def load_demo_command(state: str) -> None:
    """Load or update the fictional sample election in data/<state>/demo-election.json."""
    path = state_dir(state) / "demo-election.json"
    try:
        with unit_of_work() as session:
            election = load_demo_election(session, path)
    except (OSError, ValueError, KeyError) as error:
        raise click.ClickException(f"Cannot load {path}: {error}") from error
    click.echo(f"Sample election loaded: {election.name} ({len(election.races)} races).")
