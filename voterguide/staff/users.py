"""Managing staff users: disable and re-enable, change a role, reset a password (a temporary
one shown once), change one's own password. Every change is kept in the history as a
published change set of its own ("User change by …"), with no password or hash in it.

The guide never locks itself out: nobody disables themselves or takes their own admin role,
and the last enabled admin stays an enabled admin."""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import ChangeSet, ChangeSetKind, ChangeSetStatus, StaffRole, StaffUser
from ..web.staff_words import s_
from .accounts import MIN_PASSWORD_LENGTH, AccountError, now


def _history(session: Session, actor: StaffUser, user: StaffUser, before: dict, after: dict,
             summary: str) -> ChangeSet:
    """Keep a user change in the history (flushes)."""
    record = ChangeSet(kind=ChangeSetKind.EDIT, status=ChangeSetStatus.PUBLISHED,
                       changes=[{"entity": "user", "key": user.email, "label": user.email,
                                 "before": before, "after": after}],
                       problems=[], summary=summary, created_by=actor, created_at=now(),
                       published_by=actor, published_at=now())
    session.add(record)
    session.flush()
    return record


def _enabled_admins(session: Session) -> int:
    """How many admins can sign in."""
    return session.scalar(select(func.count()).select_from(StaffUser).where(
        StaffUser.role == StaffRole.ADMIN, StaffUser.disabled.is_(False)))


def set_disabled(session: Session, actor: StaffUser, user: StaffUser, disabled: bool) -> None:
    """Disable a user (they are signed out at their next request) or enable them again."""
    if bool(user.disabled) == disabled:
        raise AccountError(s_("%(email)s is already disabled.", email=user.email) if disabled
                           else s_("%(email)s is already enabled.", email=user.email))
    if disabled and user.id == actor.id:
        raise AccountError(s_("You cannot disable your own account: ask another admin."))
    if disabled and user.is_admin and _enabled_admins(session) <= 1:
        raise AccountError(s_("That is the last admin who can sign in: make someone else an "
                              "admin first."))
    user.disabled = disabled
    if not disabled:
        user.failed_logins, user.locked_until = 0, None
    _history(session, actor, user, {"disabled": not disabled}, {"disabled": disabled},
             f"{'Disabled' if disabled else 'Enabled'} {user.email}")


def set_role(session: Session, actor: StaffUser, user: StaffUser, role: str) -> None:
    """Make a user an editor or an admin."""
    try:
        wanted = StaffRole(role)
    except ValueError:
        raise AccountError(s_("The role must be editor or admin.")) from None
    if wanted is user.role:
        raise AccountError(s_("%(email)s is already an admin.", email=user.email)
                           if wanted is StaffRole.ADMIN
                           else s_("%(email)s is already an editor.", email=user.email))
    if user.id == actor.id:
        raise AccountError(s_("You cannot change your own role: ask another admin."))
    if user.is_admin and not user.disabled and _enabled_admins(session) <= 1:
        raise AccountError(s_("That is the last admin who can sign in: make someone else an "
                              "admin first."))
    before = user.role.value
    user.role = wanted
    _history(session, actor, user, {"role": before}, {"role": wanted.value},
             f"{user.email} is now an {wanted.value}")


def _hash(password: str) -> str:
    """A password hash, made as the settings say."""
    return generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])


def reset_password(session: Session, actor: StaffUser, user: StaffUser) -> str:
    """Give a user a new temporary password, returned once to show to the admin (flushes);
    the lockout is cleared. It is never stored but as a hash, and never in the history."""
    temporary = "-".join(secrets.token_urlsafe(5) for _ in range(4))
    user.password_hash = _hash(temporary)
    user.failed_logins, user.locked_until = 0, None
    _history(session, actor, user, {"password": "(old)"}, {"password": "(reset)"},
             f"Reset the password of {user.email}")
    return temporary


def change_own_password(session: Session, user: StaffUser, current: str, new: str) -> None:
    """Change one's own password, given the current one (flushes)."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError(s_("That is not your current password; nothing was changed."))
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError(s_("The new password must have at least %(count)s characters.",
                              count=MIN_PASSWORD_LENGTH))
    if new == current:
        raise AccountError(s_("The new password is the same as the current one."))
    user.password_hash = _hash(new)
    _history(session, user, user, {"password": "(old)"}, {"password": "(changed)"},
             f"{user.email} changed their password")
