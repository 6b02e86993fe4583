"""``flask staff …``: staff users, importing answers as the import page does, the sample
election."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..models import Election
from ..staff.demo import load_demo_election, load_demo_profiles
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


@staff.command("set-password")
@click.argument("email")
@click.password_option(envvar="VOTERGUIDE_NEW_USER_PASSWORD",
                       help="Asked for if not given (or set VOTERGUIDE_NEW_USER_PASSWORD).")
def set_password_command(email: str, password: str) -> None:
    """Give a staff user a new password; every session they had signed in ends."""
    from ..models import StaffUser
    from ..staff.accounts import AccountError, set_password

    try:
        with unit_of_work() as session:
            user = session.scalar(select(StaffUser).where(StaffUser.email == email.lower()))
            if user is None:
                raise AccountError(f"There is no user {email}.")
            set_password(session, user, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"New password set for {email.lower()}; their sessions have ended.")


@staff.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Lift every sign-in lock on a staff account (its own and its addresses')."""
    from ..models import StaffUser
    from ..staff.accounts import unlock

    with unit_of_work() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.email == email.lower()))
        if user is None:
            raise click.ClickException(f"There is no user {email}.")
        unlock(session, user)
    click.echo(f"Unlocked {email.lower()}.")


@staff.command("fetch-photos")
@click.option("--timeout", type=click.FloatRange(0.1, 120), default=10.0, show_default=True,
              help="Seconds each photo may take to fetch.")
def fetch_photos_command(timeout: float) -> None:
    """Bring candidate photos that other sites hold onto this one (checked and re-encoded
    like uploads); pages never show another site's image."""
    from ..staff.photos import fetch_photos

    with unit_of_work() as session:
        results = fetch_photos(session, timeout)
    for result in results:
        if result.path:
            click.echo(f"{result.slug}: fetched, now {result.path}")
        else:
            click.echo(f"{result.slug}: not fetched: {result.problem}")
    fetched = sum(1 for r in results if r.path)
    click.echo(f"{fetched} of {len(results)} photos brought onto this site.")


def _problem_lines(change_set) -> list[str]:
    """Each problem of a checked file as 'error: row 2, column C: message' (a question the
    preview asks as 'question: …')."""
    lines = []
    for problem in change_set.problems:
        where = ", ".join(x for x in (f"row {problem['row']}" if problem["row"] else "",
                                      f"column {problem['column']}" if problem["column"] else "")
                          if x) or "file"
        kind = "question" if problem.get("ask") else "error" if problem["blocking"] else "note"
        lines.append(f"{kind}: {where}: {problem['message']}")
    return lines


@staff.command("import-answers")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--election", "election_slug", required=True, help="The election's slug.")
@click.option("--shape", type=click.Choice(["auto", "wide", "long"]), default="auto",
              show_default=True)
@click.option("--delete-missing", is_flag=True,
              help="Also delete published answers the file leaves blank.")
@click.option("--draft", "keep_draft", is_flag=True,
              help="Keep it as a draft for an admin to publish (without: only check).")
@click.option("--publish", "publish_now", is_flag=True,
              help="Publish at once (without: only check).")
def import_answers_command(path: Path, election_slug: str, shape: str, delete_missing: bool,
                           keep_draft: bool, publish_now: bool) -> None:
    """Check a survey tool's export (CSV/XLSX); save nothing unless --draft or --publish.

    The same service as the import page (import_file): it reads the file, and keeps nothing,
    a draft, or publishes; a file whose only problems are questions for staff (a near name,
    the date order) is kept as a preview to answer in the browser.
    """
    from ..staff import services

    keep = "publish" if publish_now else "draft" if keep_draft else "nothing"
    content = _read_upload(path)
    refusal, outcome = None, None
    with unit_of_work() as session:
        election = session.scalar(select(Election).where(Election.slug == election_slug))
        if election is None:
            raise click.ClickException(f"No election {election_slug!r}.")
        try:
            change_set = services.import_file(
                session, election, path.name, content, None, keep=keep,
                shape=None if shape == "auto" else shape, delete_missing=delete_missing)
        except services.FileRefused as refused:
            raise click.ClickException(str(refused)) from refused
        except services.ImportNotKept as refused:
            refusal, change_set = refused, refused.change_set
        reading = change_set.reading or {}
        rows = reading.get("header_rows", [])
        click.echo(f"{path.name}: read as {reading.get('tool_name', 'a spreadsheet')} "
                   f"({reading.get('file', '')}), header row{'s' * (len(rows) != 1)} "
                   f"{', '.join(map(str, rows))}.")
        for line in _problem_lines(change_set):
            click.echo(line, err=True)
        click.echo(f"{path.name} ({change_set.file_shape}): {change_set.summary}.")
        blocking = [p for p in change_set.problems if p["blocking"]]
        if blocking and keep != "nothing" and all(p.get("ask") for p in blocking):
            outcome = "asks"  # keep the preview (the unit of work commits), answer it online
        elif blocking:
            raise click.ClickException("Nothing was imported: fix the errors above first.")
        elif not change_set.changes:
            click.echo("Nothing to change: the guide already says all of this.")
            session.rollback()
            return
        elif refusal is not None:
            raise click.ClickException(f"Nothing was imported: {refusal}") from refusal
        elif keep == "nothing":
            session.rollback()
            click.echo("Checked only: nothing was saved. Run it again with --draft to keep a "
                       "draft for an admin, or --publish to publish it.")
            return
    if outcome == "asks":
        raise click.ClickException(f"Not imported yet: answer the questions above at "
                                   f"/staff/changes/{change_set.id}, then apply it there.")
    click.echo(f"Change set #{change_set.id} " + ("published." if publish_now else
                                                  "saved as a draft for an admin to publish."))


@staff.command("import-figures")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--draft", "keep_draft", is_flag=True,
              help="Keep it as a draft for an admin to publish (without: only check).")
@click.option("--publish", "publish_now", is_flag=True,
              help="Publish at once (without: only check).")
def import_figures_command(path: Path, keep_draft: bool, publish_now: bool) -> None:
    """Check a figures file (CSV/XLSX: district, fact, period, value, unit, source, link,
    retrieved, caveat); save nothing unless --draft or --publish. The same service as the
    figures import page."""
    from ..staff import profiles, services

    keep = "publish" if publish_now else "draft" if keep_draft else "nothing"
    content = _read_upload(path)
    with unit_of_work() as session:
        refusal = None
        try:
            change_set = profiles.import_figures(session, path.name, content, None, keep=keep)
        except services.FileRefused as refused:
            raise click.ClickException(str(refused)) from refused
        except services.ImportNotKept as refused:
            refusal, change_set = refused, refused.change_set
        for line in _problem_lines(change_set):
            click.echo(line, err=True)
        click.echo(f"{path.name}: {change_set.summary}.")
        if any(p["blocking"] for p in change_set.problems):
            raise click.ClickException("Nothing was imported: fix the errors above first.")
        if refusal is not None:
            raise click.ClickException(f"Nothing was imported: {refusal}") from refusal
        if keep == "nothing":
            session.rollback()
            click.echo("Checked only: nothing was saved. Run it again with --draft or --publish.")
            return
    click.echo(f"Change set #{change_set.id} " + ("published." if publish_now else
                                                  "saved as a draft for an admin to publish."))


@staff.command("load-demo")
@click.argument("state")
def load_demo_command(state: str) -> None:
    """Load or update the fictional sample election in data/<state>/demo-election.json, and
    the sample office profiles in data/<state>/demo-profiles.json if there are any."""
    path = state_dir(state) / "demo-election.json"
    profiles_path = state_dir(state) / "demo-profiles.json"
    try:
        with unit_of_work() as session:
            election = load_demo_election(session, path)
            profiles = load_demo_profiles(session, profiles_path) \
                if profiles_path.exists() else 0
    except (OSError, ValueError, KeyError) as error:
        raise click.ClickException(f"Cannot load {path}: {error}") from error
    click.echo(f"Sample election loaded: {election.name} ({len(election.races)} races).")
    if profiles:
        click.echo(f"Sample office profiles loaded: {profiles}.")


def _read_upload(path: Path) -> bytes:
    """A file given to an import command, within the upload limit staff pages have too."""
    limit = int(current_app.config["STAFF_UPLOAD_MAX_BYTES"])
    try:
        if path.stat().st_size > limit:
            raise click.ClickException(f"{path} is larger than {limit // (1024 * 1024)} MB.")
        return path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"Cannot read {path}: {error}") from error
