"""Invitation links and access codes: derived from a key and a random salt, never stored.

A link's token (43 characters, 256 bits) and a letter's short code (10 characters of an
alphabet without look-alike characters, about 46 bits, typed by hand) are HMACs of the
invitation's salt under QUESTIONNAIRE_TOKEN_KEY (else a key derived from the secret key). The
database keeps only their hashes, to find the invitation: a copy of the database opens
nothing, yet the guide can put the same link in a reminder. Guessing is throttled by the
candidate pages' rate limit (voterguide/questionnaire/views.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Candidate, Invitation, StaffUser

#: The code's letters and digits: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, so none reads as another.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 10


def now() -> dt.datetime:
    """The current time in UTC, without a zone (as the database stores it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _key() -> bytes:
    """The key links and codes are derived from."""
    configured = current_app.config.get("QUESTIONNAIRE_TOKEN_KEY")
    if configured:
        return configured.encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"voterguide questionnaire links",
                    hashlib.sha256).digest()


def _mac(label: bytes, value: str) -> bytes:
    """An HMAC-SHA256 of a labelled value under the key."""
    return hmac.new(_key(), label + b":" + value.encode(), hashlib.sha256).digest()


def token_for(invitation: Invitation) -> str:
    """The invitation's link token (URL-safe)."""
    return base64.urlsafe_b64encode(_mac(b"link", invitation.salt)).rstrip(b"=").decode()


def code_for(invitation: Invitation) -> str:
    """The invitation's access code, for letters: ten characters of ALPHABET."""
    number = int.from_bytes(_mac(b"code", invitation.salt), "big")
    characters = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[digit])
    return "".join(characters)


def shown_code(code: str) -> str:
    """A code as printed: two groups of five (ACDEF-GHJKM)."""
    return f"{code[:5]}-{code[5:]}"


def hash_token(token: str) -> str:
    """The stored hash of a link token (a plain SHA-256: the token is 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_code(code: str) -> str:
    """The stored hash of an access code, keyed (a short code would fall to brute force)."""
    return _mac(b"code-hash", code).hex()


def normalise_code(typed: str) -> str | None:
    """A typed code as stored: capitals, without spaces or dashes; None if it cannot be one."""
    code = "".join(typed.split()).replace("-", "").replace("–", "").upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def expiry(candidate: Candidate) -> dt.datetime:
    """When a new invitation stops working: the end of the questionnaire's deadline (UTC),
    else QUESTIONNAIRE_LINK_DAYS from now."""
    questionnaire = candidate.race.questionnaire
    if questionnaire is not None and questionnaire.deadline is not None:
        return dt.datetime.combine(questionnaire.deadline + dt.timedelta(days=1), dt.time())
    return now() + dt.timedelta(days=int(current_app.config["QUESTIONNAIRE_LINK_DAYS"]))


def active_invitation(session: Session, candidate: Candidate) -> Invitation | None:
    """The candidate's invitation that works now, if any."""
    return session.scalar(select(Invitation).where(
        Invitation.candidate_id == candidate.id, Invitation.revoked_at.is_(None),
        Invitation.expires_at > now()).order_by(Invitation.id.desc()))


def latest_invitation(session: Session, candidate: Candidate) -> Invitation | None:
    """The candidate's newest invitation, working or not."""
    return session.scalar(select(Invitation).where(Invitation.candidate_id == candidate.id)
                          .order_by(Invitation.id.desc()))


def issue(session: Session, candidate: Candidate, user: StaffUser | None) -> Invitation:
    """A new invitation for the candidate (flushes); the old one stops working. What the
    candidate did with the old one (opened, drafts, submitted) carries over to the tracker."""
    previous = latest_invitation(session, candidate)
    at = now()
    if previous is not None and previous.revoked_at is None:
        previous.revoked_at = at
    while True:
        invitation = Invitation(candidate=candidate, salt=secrets.token_hex(16), created_at=at,
                                created_by=user, expires_at=expiry(candidate))
        invitation.token_hash = hash_token(token_for(invitation))
        invitation.code_hash = hash_code(code_for(invitation))
        clash = session.scalar(select(Invitation.id).where(
            (Invitation.token_hash == invitation.token_hash)
            | (Invitation.code_hash == invitation.code_hash)))
        if clash is None:  # a clash of two 46-bit codes: vanishingly rare, but never shared
            break
    if previous is not None:
        for name in ("opened_at", "draft_saved_at", "submitted_at", "declined_at",
                     "decline_statement", "returned_at", "return_note", "reminders_sent",
                     "last_reminded_at", "change_set_id"):
            setattr(invitation, name, getattr(previous, name))
    session.add(invitation)
    session.flush()
    return invitation


def revoke(session: Session, invitation: Invitation) -> None:
    """Stop an invitation's link and code from working (flushes)."""
    if invitation.revoked_at is None:
        invitation.revoked_at = now()
    session.flush()


def _working(invitation: Invitation | None) -> Invitation | None:
    """The invitation if it works now (not revoked, not expired), else None."""
    if invitation is None or invitation.revoked_at is not None or invitation.expires_at <= now():
        return None
    return invitation


def by_token(session: Session, token: str) -> Invitation | None:
    """The working invitation a link's token opens, or None: unknown, revoked and expired
    tokens are alike to the caller, so a page can refuse them all in the same words."""
    if not token or len(token) > 100:
        return None
    invitation = session.scalar(select(Invitation).where(
        Invitation.token_hash == hash_token(token)))
    if invitation is None or not hmac.compare_digest(token_for(invitation), token):
        return None  # derived under another key: a changed key ends every link
    return _working(invitation)


def by_code(session: Session, typed: str) -> Invitation | None:
    """The working invitation a typed access code opens, or None (as ``by_token``)."""
    code = normalise_code(typed or "")
    if code is None:
        return None
    return _working(session.scalar(select(Invitation).where(
        Invitation.code_hash == hash_code(code))))
