"""Staff accounts: creating users, checking passwords, locking accounts after repeated failures.

Nothing here waits: repeated attempts from one address are refused by the sign-in view's
rate limit (LOGIN_RATE_LIMIT), never slowed by sleeping in a request thread."""

from __future__ import annotations

import datetime as dt
from functools import cache

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import StaffRole, StaffUser


@cache
def _dummy_hash(method: str) -> str:
    """A hash to check against when the email is unknown, made the way real ones are, so
    timing does not reveal which emails have accounts."""
    return generate_password_hash("not a real password", method)
MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A user cannot be created as asked; the message says why."""


def now() -> dt.datetime:
    """The current time in UTC, without a zone (as the database stores it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def create_user(session: Session, email: str, password: str, role: str) -> StaffUser:
    """Add a staff user (flushes); the password is stored as a scrypt hash."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError(f"“{email}” is not an email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise AccountError("The role must be editor or admin.") from None
    if session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email)):
        raise AccountError(f"There is already a user {email}.")
    user = StaffUser(email=email, password_hash=generate_password_hash(
                         password, current_app.config["PASSWORD_HASH_METHOD"]),
                     role=staff_role, failed_logins=0, created_at=now())
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The user if the password is right and the account not locked; counts failures (flushes).

    After LOGIN_LOCK_AFTER failures in a row the account is locked for LOGIN_LOCK_MINUTES.
    The caller says the same thing for every failure, so nobody learns which emails have
    accounts (an unknown email costs a password check too, so timing does not tell either).
    """
    settings = current_app.config
    user = session.scalar(select(StaffUser).where(
        func.lower(StaffUser.email) == email.strip().lower()))
    dummy = _dummy_hash(settings["PASSWORD_HASH_METHOD"])
    password_ok = check_password_hash(user.password_hash if user else dummy, password)
    if user is not None and user.locked_until and user.locked_until > now():
        password_ok = False
    elif user is not None and password_ok:
        user.failed_logins, user.locked_until = 0, None
        session.flush()
        return user
    elif user is not None:
        user.failed_logins += 1
        if user.failed_logins >= int(settings["LOGIN_LOCK_AFTER"]):
            user.locked_until = now() + dt.timedelta(minutes=int(settings["LOGIN_LOCK_MINUTES"]))
            user.failed_logins = 0
        session.flush()
    return None


def users(session: Session) -> list[StaffUser]:
    """Every staff user, by email."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))
