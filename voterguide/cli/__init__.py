"""``flask`` commands, by feature: ``flask places …``, ``flask staff …``,
``flask outreach …``, ``flask questionnaire …`` and ``flask setup``. Each is a thin call
into the services the views use, and writes in one transaction (``unit_of_work``): one
commit at its end, or nothing if it fails."""

from __future__ import annotations

import copy
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

# The command's one transaction, the same rule as a request's: commit once if the body
# succeeded, roll back if it raised (a refusal, a ClickException, or ctx.exit()).
from ..web.transaction import unit_of_work

__all__ = ["unit_of_work", "state_dir", "covered_states", "register"]


def state_dir(state: str) -> Path:
    """The data folder of a state, e.g. data/al."""
    path = Path(current_app.config["DATA_DIR"]) / state.lower()
    if not path.is_dir():
        raise click.ClickException(f"No data folder for {state!r} at {path}.")
    return path


def covered_states() -> list[str]:
    """The states this deployment covers (VOTERGUIDE_STATES)."""
    return [s.strip().lower() for s in current_app.config["STATES"].split(",") if s.strip()]


def upgrade_database() -> None:
    """Bring the database to the newest schema, adopting one made before migrations."""
    from .. import migrations

    try:
        migrations.upgrade()
    except migrations.PreviousReleaseError as error:
        raise click.ClickException(str(error)) from error


@click.command("setup")
@click.option("--demo/--no-demo", default=False, help="Also load the sample election.")
@click.pass_context
@with_appcontext
def setup(ctx: click.Context, demo: bool) -> None:
    """Upgrade the database and load every covered state (and the demo): safe to re-run."""
    from .places import load_state_command
    from .staff import load_demo_command

    upgrade_database()
    click.echo("Database ready.")
    for state in covered_states():
        ctx.invoke(load_state_command, state=state)
        if demo and (state_dir(state) / "demo-election.json").exists():
            ctx.invoke(load_demo_command, state=state)
        elif demo:
            click.echo(f"No sample election for {state.upper()}: its pages say no race is "
                       "in the guide yet.")


@click.command("init-db", hidden=True)
@with_appcontext
def init_db() -> None:
    """Old name of the database step of 'flask setup' (also 'flask db upgrade')."""
    click.echo("'flask init-db' is now part of 'flask setup' (or 'flask db upgrade').",
               err=True)
    upgrade_database()
    click.echo("Database ready.")


def hidden_alias(group: click.Group, name: str) -> click.Command:
    """A command under its old top-level name, hidden from --help, kept for one release."""
    command = group.commands[name]
    alias = copy.copy(command)
    alias.hidden = True
    callback = command.callback

    def note_new_name(*args, **kwargs):
        click.echo(f"'flask {name}' is now 'flask {group.name} {name}'.", err=True)
        return callback(*args, **kwargs)

    alias.callback = note_new_name
    return alias


def register(app: Flask) -> None:
    """Add the command groups, setup, and the old names as hidden aliases."""
    from .outreach import outreach
    from .places import places
    from .questionnaire import questionnaire
    from .staff import staff

    for group in (places, staff, outreach):
        app.cli.add_command(group)
        for name in group.commands:
            app.cli.add_command(hidden_alias(group, name), name)
    app.cli.add_command(questionnaire)  # new: no old names to keep
    app.cli.add_command(setup)
    app.cli.add_command(init_db)
