"""What reaches candidates: invitations by email or by letter, reminders, receipts and
returned answers. Each email goes out after the database work it records is flushed, so a
mail server that refuses it raises MailNotSent and the caller undoes that work."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from sqlalchemy.orm import Session

from ..models import Candidate, Invitation, StaffUser
from . import mail, services, tokens
from .letters import letters_pdf

#: Where a link's token goes, and where a letter's code is typed.
ANSWER_PATH = "/questionnaire/{token}"
ENTRY_PATH = "/questionnaire"


class NoWayToReach(services.QuestionnaireRefused):
    """The candidate has no email address (or no postal address, for a letter)."""


def site_url() -> str:
    """The guide's address: SITE_URL, else this request's; a command needs SITE_URL."""
    configured = current_app.config.get("SITE_URL") or ""
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    raise services.QuestionnaireRefused("Set VOTERGUIDE_SITE_URL so that emails can link to "
                                        "the questionnaire.")


def link_for(invitation: Invitation) -> str:
    """The candidate's private link."""
    return site_url() + ANSWER_PATH.format(token=tokens.token_for(invitation))


def entry_url() -> str:
    """The page where a letter's code is typed."""
    return site_url() + ENTRY_PATH


def in_spanish(url: str) -> str:
    """The same page in Spanish: its path under /es/ (web/language.py), so a candidate who
    reads Spanish answers in Spanish, with their questions in the translations staff gave."""
    root = site_url()
    return root + "/es" + url[len(root):] if url.startswith(root) else url


def _email_of(session: Session, candidate: Candidate) -> str:
    """The candidate's email address (staff-only), or NoWayToReach."""
    contact = services.contact_of(session, candidate)
    if contact is None or not contact.email:
        raise NoWayToReach(f"{candidate.name} has no email address: add one by importing the "
                           "candidate list, or print a letter.")
    return contact.email


def _context(invitation: Invitation) -> dict:
    """What every email to a candidate says."""
    candidate = invitation.candidate
    questionnaire = services.questionnaire_of(invitation)
    return {"candidate": candidate, "race": candidate.race, "questionnaire": questionnaire,
            "link": link_for(invitation), "entry_url": entry_url(),
            "link_es": in_spanish(link_for(invitation)), "entry_url_es": in_spanish(entry_url()),
            "code": tokens.shown_code(tokens.code_for(invitation)),
            "organisation": current_app.config["ORGANISATION"]}


def invite_by_email(session: Session, candidate: Candidate, user: StaffUser | None
                    ) -> Invitation:
    """Issue the candidate a new invitation and email it (flushes, then sends)."""
    address = _email_of(session, candidate)
    services.questionnaire_of_candidate(candidate)
    invitation = tokens.issue(session, candidate, user)
    invitation.sent_by, invitation.sent_at = "email", tokens.now()
    session.flush()
    questionnaire = services.questionnaire_of(invitation)
    mail.send(mail.compose(address, f"Your invitation: {questionnaire.title}",
                           "invitation.txt", **_context(invitation)))
    return invitation


def remind(session: Session, invitation: Invitation) -> None:
    """Email a reminder with the same link (flushes, then sends); refused past the cap."""
    reason = services.why_not_remind(invitation)
    if reason is not None:
        raise services.QuestionnaireRefused(f"{invitation.candidate.name} {reason}.")
    address = _email_of(session, invitation.candidate)
    services.count_reminder(invitation)
    session.flush()
    questionnaire = services.questionnaire_of(invitation)
    mail.send(mail.compose(address, f"Reminder: {questionnaire.title}", "reminder.txt",
                           **_context(invitation)))


def send_receipt(session: Session, invitation: Invitation, current: services.Sheet) -> bool:
    """Email the candidate a copy of what they submitted (or their refusal); False when
    there is no mail server or no address (the page is their receipt then)."""
    contact = services.contact_of(session, invitation.candidate)
    if not mail.configured() or contact is None or not contact.email:
        return False
    declined = invitation.declined_at is not None
    mail.send(mail.compose(contact.email, f"Received: your {'refusal' if declined else 'answers'}"
                           f" to the {current.questionnaire.title}", "receipt.txt",
                           sheet=current, declined=declined,
                           statement=invitation.decline_statement, **_context(invitation)))
    return True


def send_return_note(session: Session, invitation: Invitation) -> bool:
    """Email the candidate staff's note on their returned answers; False without email."""
    contact = services.contact_of(session, invitation.candidate)
    if not mail.configured() or contact is None or not contact.email:
        return False
    questionnaire = services.questionnaire_of(invitation)
    mail.send(mail.compose(contact.email, f"Please look again: {questionnaire.title}",
                           "returned.txt", note=invitation.return_note,
                           **_context(invitation)))
    return True


def invite_by_letter(session: Session, candidates: list[Candidate], user: StaffUser | None
                     ) -> bytes:
    """Issue each candidate a new invitation and lay out one letter per candidate with
    its code (flushes): a PDF to print and post."""
    letters = []
    for candidate in candidates:
        services.questionnaire_of_candidate(candidate)
        invitation = tokens.issue(session, candidate, user)
        invitation.sent_by, invitation.sent_at = "letter", tokens.now()
        contact = services.contact_of(session, candidate)
        letters.append({**_context(invitation),
                        "postal_address": contact.postal_address if contact else None})
    session.flush()
    return letters_pdf(letters)
