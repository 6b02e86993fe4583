"""Staff accounts: creating users, checking passwords, locking out repeated failures, ending
sessions.

Nothing here waits: repeated attempts from one address are refused by the sign-in view's
rate limit (LOGIN_RATE_LIMIT), never slowed by sleeping in a request thread; and at most
PASSWORD_CHECKS_AT_ONCE passwords are checked at once on a machine (``check_slot``), so a
flood of sign-ins from many addresses cannot take every core from the public pages: an
attempt that finds no slot free is refused at once (``NoCheckSlot``), checking nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import os
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import SignInFailure, StaffRole, StaffUser
from ..web.staff_words import s_


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
        raise AccountError(s_("“%(email)s” is not an email address.", email=email))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(s_("The password must have at least %(count)s characters.",
                              count=MIN_PASSWORD_LENGTH))
    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise AccountError(s_("The role must be editor or admin.")) from None
    if session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email)):
        raise AccountError(s_("There is already a user %(email)s.", email=email))
    user = StaffUser(email=email, password_hash=generate_password_hash(
                         password, current_app.config["PASSWORD_HASH_METHOD"]),
                     role=staff_role, failed_logins=0, created_at=now())
    session.add(user)
    session.flush()
    return user


def client_key(address: str | None) -> str:
    """A client's address as the sign-in counters keep it: a keyed hash, never the address."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"sign-in:" + (address or "").encode(), hashlib.sha256).hexdigest()


class NoCheckSlot(RuntimeError):
    """Every password-check slot of this machine is taken: try again in a moment."""


#: The folder of the instance where the slots' lock files are.
SLOTS_FOLDER = "password-checks"


@contextlib.contextmanager
def check_slot() -> Iterator[None]:
    """Hold one of PASSWORD_CHECKS_AT_ONCE slots for a password check, or raise NoCheckSlot.

    A slot is a lock file in the instance folder (``flock``, released by the system if the
    process dies), shared by every server process of the machine that serves this guide's
    database (the files are named after it); a check takes a core for a moment (scrypt), so
    the bound is per machine. Nothing waits: every slot is tried once, in a random order.
    """
    count = int(current_app.config["PASSWORD_CHECKS_AT_ONCE"])
    folder = Path(current_app.instance_path) / SLOTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    guide = hashlib.sha256(str(current_app.config["SQLALCHEMY_DATABASE_URI"]).encode()
                           ).hexdigest()[:12]
    for number in random.sample(range(count), count):
        descriptor = os.open(folder / f"{guide}-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)
        return
    raise NoCheckSlot("Every password-check slot is taken.")


def authenticate(session: Session, email: str, password: str,
                 client: str = "") -> StaffUser | None:
    """The user if the password is right and neither the account nor this client is locked
    out of it; counts failures (writes, to be committed even though the sign-in fails).

    ``client`` is the caller's address (``request.remote_addr``). LOGIN_LOCK_AFTER wrong
    passwords in a row for an account from one client lock that client out of that account
    for LOGIN_LOCK_MINUTES: a stranger cannot lock a staff member out from elsewhere.
    LOGIN_ACCOUNT_LOCK_AFTER failures in a row from anywhere (a distributed guess) lock the
    account itself for LOGIN_ACCOUNT_LOCK_MINUTES, or until an admin unlocks it. Counts
    are single UPDATEs (``failures = failures + 1``), so parallel attempts never lose one.
    The caller says the same thing for every failure, so nobody learns which emails have
    accounts (an unknown email costs a password check too, so timing does not tell either).
    Raises NoCheckSlot, having checked and counted nothing, when no check slot is free.
    """
    settings = current_app.config
    user = session.scalar(select(StaffUser).where(
        func.lower(StaffUser.email) == email.strip().lower()))
    dummy = _dummy_hash(settings["PASSWORD_HASH_METHOD"])
    with check_slot():
        password_ok = check_password_hash(user.password_hash if user else dummy, password)
    if user is None:
        return None
    key, moment = client_key(client), now()
    client_lock = session.scalar(select(SignInFailure.locked_until).where(
        SignInFailure.user_id == user.id, SignInFailure.client == key))
    if (user.locked_until and user.locked_until > moment) or \
            (client_lock and client_lock > moment):
        return None  # locked: not even counted
    if password_ok:
        session.execute(update(StaffUser).where(StaffUser.id == user.id)
                        .values(failed_logins=0, locked_until=None))
        session.execute(delete(SignInFailure).where(SignInFailure.user_id == user.id,
                                                    SignInFailure.client == key))
        session.refresh(user)
        return user
    _count_failure(session, user.id, key, moment)
    return None


def _count_failure(session: Session, user_id: int, key: str, moment: dt.datetime) -> None:
    """Count one wrong password for the account and for the client, locking either at its
    threshold (single UPDATEs, so that parallel failures are all counted)."""
    settings = current_app.config
    window = dt.timedelta(minutes=int(settings["LOGIN_LOCK_MINUTES"]))
    session.execute(update(StaffUser).where(StaffUser.id == user_id)
                    .values(failed_logins=StaffUser.failed_logins + 1))
    session.execute(update(StaffUser).where(
        StaffUser.id == user_id,
        StaffUser.failed_logins >= int(settings["LOGIN_ACCOUNT_LOCK_AFTER"])).values(
        failed_logins=0, locked_until=moment + dt.timedelta(
            minutes=int(settings["LOGIN_ACCOUNT_LOCK_MINUTES"]))))
    counted = session.execute(update(SignInFailure).where(
        SignInFailure.user_id == user_id, SignInFailure.client == key).values(
        failures=case((SignInFailure.last_at < moment - window, 1),
                      else_=SignInFailure.failures + 1), last_at=moment)).rowcount
    if not counted:
        try:
            with session.begin_nested():
                session.add(SignInFailure(user_id=user_id, client=key, failures=1,
                                          last_at=moment))
        except IntegrityError:  # a parallel attempt made the row first: count on it
            session.execute(update(SignInFailure).where(
                SignInFailure.user_id == user_id, SignInFailure.client == key).values(
                failures=SignInFailure.failures + 1, last_at=moment))
    session.execute(update(SignInFailure).where(
        SignInFailure.user_id == user_id, SignInFailure.client == key,
        SignInFailure.failures >= int(settings["LOGIN_LOCK_AFTER"])).values(
        failures=0, locked_until=moment + window))
    # Old counts are forgotten: a day after its last attempt a client starts afresh.
    session.execute(delete(SignInFailure).where(
        SignInFailure.last_at < moment - max(window, dt.timedelta(days=1))))


def unlock(session: Session, user: StaffUser) -> None:
    """An admin lifts every lock on an account: its own and its clients' (flushes)."""
    session.execute(update(StaffUser).where(StaffUser.id == user.id)
                    .values(failed_logins=0, locked_until=None))
    session.execute(delete(SignInFailure).where(SignInFailure.user_id == user.id))
    session.refresh(user)


def locked_out(session: Session, user: StaffUser) -> bool:
    """Whether the account, or some client of it, is locked out right now."""
    moment = now()
    if user.locked_until and user.locked_until > moment:
        return True
    return session.scalar(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.user_id == user.id, SignInFailure.locked_until > moment)) > 0


def set_password(session: Session, user: StaffUser, password: str) -> None:
    """Give a user a new password; every session signed in before it ends (flushes)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(s_("The password must have at least %(count)s characters.",
                              count=MIN_PASSWORD_LENGTH))
    user.password_hash = generate_password_hash(password,
                                                current_app.config["PASSWORD_HASH_METHOD"])
    session.flush()
    end_sessions(session, user)


def end_sessions(session: Session, user: StaffUser) -> None:
    """End every session of the user, on every device: their cookies stop working (flushes)."""
    session.execute(update(StaffUser).where(StaffUser.id == user.id)
                    .values(session_version=StaffUser.session_version + 1))
    session.refresh(user)


def users(session: Session) -> list[StaffUser]:
    """Every staff user, by email."""
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))
