"""Managing staff users in the browser's forms (test client, real SQLite): disable and
re-enable (a disabled user cannot sign in and is signed out), change a role, reset a
password (shown once), change one's own password; every change in the history; the guide
never locks itself out of its last admin."""

from __future__ import annotations

from sqlalchemy import select

from voterguide.models import ChangeSet, StaffRole, StaffUser

from .support import PASSWORD, sign_in


def user_id(db, email: str) -> int:
    """A user's id."""
    return db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))


def test_disable_signs_out_and_refuses_sign_in_and_enable_lets_back_in(app, make_app,
                                                                       make_user, db):
    """A disabled colleague's open session ends; they cannot sign in until enabled."""
    make_user("boss@example.org", "admin")
    make_user("colleague@example.org", "editor")
    # The colleague's own app on the same database: each of its requests has its own context.
    boss, colleague = app.test_client(), make_app().test_client()
    sign_in(boss, "boss@example.org")
    assert sign_in(colleague, "colleague@example.org").status_code == 303
    assert colleague.get("/staff/").status_code == 200
    target = user_id(db, "colleague@example.org")
    response = boss.post(f"/staff/users/{target}", data={"action": "disable"},
                         follow_redirects=True)
    assert "colleague@example.org is disabled." in response.get_data(as_text=True)
    assert "No: disabled" in response.get_data(as_text=True)
    assert colleague.get("/staff/").status_code == 302  # signed out
    assert sign_in(colleague, "colleague@example.org").status_code == 401
    boss.post(f"/staff/users/{target}", data={"action": "enable"})
    assert sign_in(colleague, "colleague@example.org").status_code == 303
    history = boss.get("/staff/history").get_data(as_text=True)
    assert "Disabled colleague@example.org" in history
    assert "Enabled colleague@example.org" in history
    assert "User change by boss@example.org" in history


def test_role_change_and_the_last_admin_is_kept(app, make_app, make_user, db):
    """Make an editor an admin and back; nobody changes their own role or disables the
    last admin."""
    make_user("boss@example.org", "admin")
    make_user("colleague@example.org", "editor")
    boss = app.test_client()
    sign_in(boss, "boss@example.org")
    me, other = user_id(db, "boss@example.org"), user_id(db, "colleague@example.org")
    boss.post(f"/staff/users/{other}", data={"action": "role", "role": "admin"})
    db.session.expire_all()
    assert db.session.get(StaffUser, other).role is StaffRole.ADMIN
    refused = boss.post(f"/staff/users/{me}", data={"action": "disable"},
                        follow_redirects=True).get_data(as_text=True)
    assert "cannot disable your own account" in refused
    refused = boss.post(f"/staff/users/{me}", data={"action": "role", "role": "editor"},
                        follow_redirects=True).get_data(as_text=True)
    assert "cannot change your own role" in refused
    boss.post(f"/staff/users/{other}", data={"action": "role", "role": "editor"})
    colleague = make_app().test_client()
    boss.post(f"/staff/users/{other}", data={"action": "role", "role": "nonsense"})
    db.session.expire_all()
    assert db.session.get(StaffUser, other).role is StaffRole.EDITOR
    assert db.session.get(StaffUser, me).role is StaffRole.ADMIN and not \
        db.session.get(StaffUser, me).disabled
    assert colleague.post(f"/staff/users/{other}", data={"action": "disable"}).status_code \
        == 401
    assert boss.post(f"/staff/users/{other}", data={"action": "explode"}).status_code == 400
    assert boss.post("/staff/users/99999", data={"action": "disable"}).status_code == 404


def test_reset_password_is_shown_once_and_works(app, make_app, make_user, db):
    """The temporary password is on the reset's page only; the old one stops working; the
    history names the reset but holds no password."""
    make_user("boss@example.org", "admin")
    make_user("colleague@example.org", "editor")
    boss = app.test_client()
    sign_in(boss, "boss@example.org")
    page = boss.post(f"/staff/users/{user_id(db, 'colleague@example.org')}",
                     data={"action": "reset"}).get_data(as_text=True)
    temporary = page.split("<code>")[1].split("</code>")[0]
    assert len(temporary) >= 12
    assert temporary not in boss.get("/staff/users").get_data(as_text=True)
    colleague = make_app().test_client()
    assert sign_in(colleague, "colleague@example.org").status_code == 401
    assert sign_in(colleague, "colleague@example.org", temporary).status_code == 303
    for change_set in db.session.scalars(select(ChangeSet)):
        assert temporary not in str(change_set.changes) + change_set.summary


def test_change_own_password(editor, db):
    """An editor changes their own password with the current one; wrong or short refused."""
    assert editor.get("/staff/account").status_code == 200
    wrong = editor.post("/staff/account", data={"current": "nope", "new": "x" * 20})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(
        as_text=True)
    short = editor.post("/staff/account", data={"current": PASSWORD, "new": "short"})
    assert short.status_code == 422
    done = editor.post("/staff/account", data={"current": PASSWORD,
                                               "new": "a much longer passphrase ✓"},
                       follow_redirects=True)
    assert "Your password is changed." in done.get_data(as_text=True)
    editor.post("/staff/logout")
    assert sign_in(editor, "editor@example.org").status_code == 401
    assert sign_in(editor, "editor@example.org", "a much longer passphrase ✓").status_code \
        == 303


def test_a_user_change_in_history_offers_no_rollback(app, make_user, db):
    """A user change's page says how to undo it instead of offering a rollback."""
    make_user("boss@example.org", "admin")
    make_user("colleague@example.org", "editor")
    boss = app.test_client()
    sign_in(boss, "boss@example.org")
    boss.post(f"/staff/users/{user_id(db, 'colleague@example.org')}",
              data={"action": "disable"})
    change_set = db.session.scalar(select(ChangeSet).order_by(ChangeSet.id.desc()))
    page = boss.get(f"/staff/changes/{change_set.id}").get_data(as_text=True)
    assert "A change to a staff account" in page and "Roll back…" not in page
