"""``flask questionnaire …``: scheduled reminders for candidates who have not answered
(run it daily from cron)."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup

from ..questionnaire import mail, sending, services, tokens
from . import unit_of_work

questionnaire = AppGroup("questionnaire", help="The online questionnaire: reminders.")


@questionnaire.command("remind")
@click.option("--dry-run", is_flag=True, help="List who is due a reminder; send nothing.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Act as if today were this day (UTC), e.g. to catch up.")
def remind(dry_run: bool, today: dt.datetime | None) -> None:
    """Email a reminder to every invited candidate who has not answered, on the days
    QUESTIONNAIRE_REMINDER_DAYS before the deadline; never more than
    QUESTIONNAIRE_MAX_REMINDERS per candidate. Safe to run more than once a day."""
    day = today.date() if today else tokens.now().date()
    if not dry_run and not mail.configured():
        raise click.ClickException("No mail server is set up (VOTERGUIDE_SMTP_HOST): "
                                   "reminders go by email. Print letters from the tracker.")
    if not dry_run and not current_app.config["SITE_URL"]:
        raise click.ClickException("Set VOTERGUIDE_SITE_URL: reminders link to the guide.")
    failures = []
    with unit_of_work() as session:
        due = services.due_reminders(session, day)
        for invitation in due:
            name = invitation.candidate.name
            if dry_run:
                click.echo(f"due: {name} ({invitation.reminders_sent} sent so far)")
                continue
            try:
                with session.begin_nested():  # a failure undoes this count only
                    sending.remind(session, invitation)
            except (services.QuestionnaireRefused, mail.MailNotSent) as failure:
                failures.append(f"{name}: {failure}")
            else:
                click.echo(f"reminded: {name}")
    sent = len(due) - len(failures)
    click.echo(f"{len(due)} due, {0 if dry_run else sent} reminded on {day.isoformat()}.")
    if failures:
        raise click.ClickException("Not reminded: " + "; ".join(failures))
