"""Email to candidates by SMTP (Python's smtplib): invitations, reminders, receipts and
returned answers. Without VOTERGUIDE_SMTP_HOST there is no email: staff print letters.

A message is plain text, rendered from templates/questionnaire/email/, from SMTP_SENDER.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app, render_template


class MailNotSent(RuntimeError):
    """The mail server could not be reached or refused the message; says which."""


def configured() -> bool:
    """Whether the guide can send email (SMTP_HOST is set)."""
    return bool(current_app.config["SMTP_HOST"])


def compose(to: str, subject: str, template: str, **context) -> EmailMessage:
    """A plain-text message from a template under questionnaire/email/."""
    settings = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((settings["ORGANISATION"], settings["SMTP_SENDER"]))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings["SMTP_SENDER"].rpartition("@")[2])
    message.set_content(render_template(f"questionnaire/email/{template}", **context))
    return message


def send(message: EmailMessage) -> None:
    """Send one message through the configured server; raise MailNotSent if it fails."""
    settings = current_app.config
    host, port = settings["SMTP_HOST"], int(settings["SMTP_PORT"])
    timeout = float(settings["SMTP_TIMEOUT"])
    security = settings["SMTP_SECURITY"]
    if not host:
        raise MailNotSent("No mail server is set up (VOTERGUIDE_SMTP_HOST).")
    try:
        if security == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if settings["SMTP_USERNAME"]:
                server.login(settings["SMTP_USERNAME"], settings["SMTP_PASSWORD"])
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(f"The mail server {host}:{port} did not take the message "
                          f"({type(error).__name__}: {error}).") from error
