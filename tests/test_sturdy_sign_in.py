"""Sign-in under attack: parallel wrong passwords against gunicorn are all counted and lock
the attacker out (never a 500); a stranger cannot lock a staff member out; a copied session
cookie dies at sign-out; the default setup signs sessions with a key nobody else knows."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from voterguide import config
from voterguide.models import SignInFailure, StaffUser

from .support import PASSWORD, sign_in
from .support.http import Visitor

WRONG = "not the password at all"


def _parallel_wrong_logins(base_url: str, count: int) -> list[int]:
    visitors = [Visitor(base_url) for _ in range(count)]
    for visitor in visitors:
        visitor.get("/staff/login")
    barrier = threading.Barrier(count)
    statuses = [0] * count

    def attempt(index):
        barrier.wait()
        statuses[index] = visitors[index].post(
            "/staff/login", {"email": "admin@example.org", "password": WRONG}).status

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_16_and_32_parallel_wrong_logins_are_all_counted_and_the_lock_holds(
        app, db, make_user, database_path, tmp_path, gunicorn_server):
    make_user("admin@example.org", "admin")
    # A generous per-address rate limit, so that what holds below is the lock itself; the
    # lock after 100, so that the first rounds show every failure counted.
    with gunicorn_server(database_path, tmp_path, WEB_CONCURRENCY="2",
                         VOTERGUIDE_LOGIN_RATE_LIMIT="1000 per minute",
                         VOTERGUIDE_LOGIN_LOCK_AFTER="100",
                         VOTERGUIDE_LOGIN_ACCOUNT_LOCK_AFTER="1000",
                         VOTERGUIDE_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
                         # Slots for every attempt: here each one must be checked.
                         VOTERGUIDE_PASSWORD_CHECKS_AT_ONCE="64") as base_url:
        counted = 0
        for count in (16, 32):
            statuses = _parallel_wrong_logins(base_url, count)
            assert set(statuses) == {401}, statuses  # never a 500
            counted += count
            db.session.expire_all()
            user = db.session.scalar(select(StaffUser))
            failure = db.session.scalar(select(SignInFailure))
            assert (user.failed_logins, failure.failures) == (counted, counted)  # none lost
            assert failure.locked_until is None
        statuses = _parallel_wrong_logins(base_url, 64)  # past 100: this address is locked
        assert set(statuses) == {401}, statuses
        db.session.expire_all()
        assert db.session.scalar(select(SignInFailure)).locked_until is not None
        assert Visitor(base_url).sign_in("admin@example.org").status == 401  # the lock holds
        assert db.session.scalar(select(StaffUser)).locked_until is None  # only for it


def test_a_sign_in_that_finds_every_check_slot_taken_gets_a_503_and_counts_nothing(
        make_app, make_user):
    from voterguide.staff import accounts

    app = make_app(PASSWORD_CHECKS_AT_ONCE=2)
    with app.app_context():
        make_user("editor@example.org")
        client = app.test_client()
        with accounts.check_slot(), accounts.check_slot():  # both slots taken
            with pytest.raises(accounts.NoCheckSlot), accounts.check_slot():
                pass
            for password in (WRONG, PASSWORD):
                refused = sign_in(client, "editor@example.org", password)
                assert refused.status_code == 503
                assert int(refused.headers["Retry-After"]) > 0
                assert "Try again in a few seconds" in refused.get_data(as_text=True)
            db = app.extensions["sqlalchemy"]
            db.session.expire_all()
            assert db.session.scalar(select(StaffUser)).failed_logins == 0  # nothing counted
            assert db.session.scalar(select(SignInFailure)) is None
        assert sign_in(client, "editor@example.org", WRONG).status_code == 401
        assert sign_in(client, "editor@example.org").status_code == 303  # slots free again


def test_parallel_sign_ins_beyond_the_slots_are_503s_never_500s_and_the_lock_holds(
        app, db, make_user, database_path, tmp_path, gunicorn_server):
    """The server's workers share the slots (lock files) with every process of the machine
    serving the same database: with its one slot held here, every attempt is refused; freed,
    the attempts are checked and counted, and the lock holds."""
    from voterguide.staff import accounts

    make_user("admin@example.org", "admin")
    with gunicorn_server(database_path, tmp_path, WEB_CONCURRENCY="2",
                         VOTERGUIDE_LOGIN_RATE_LIMIT="1000 per minute",
                         VOTERGUIDE_LOGIN_LOCK_AFTER="20",
                         VOTERGUIDE_PASSWORD_CHECKS_AT_ONCE="1") as base_url:
        with accounts.check_slot():
            assert set(_parallel_wrong_logins(base_url, 16)) == {503}
        db.session.expire_all()
        assert db.session.scalar(select(StaffUser)).failed_logins == 0
        statuses = _parallel_wrong_logins(base_url, 16)  # scrypt, one at a time at most
        assert set(statuses) <= {401, 503} and 401 in statuses, statuses  # never a 500
        db.session.expire_all()
        failure = db.session.scalar(select(SignInFailure))
        assert failure.failures == statuses.count(401)  # each checked attempt counted
        for _ in range(40):  # on, one at a time, until this address is locked out
            if failure.locked_until is not None:
                break
            assert Visitor(base_url).sign_in("admin@example.org", WRONG).status == 401
            db.session.expire_all()
            failure = db.session.scalar(select(SignInFailure))
        assert failure.locked_until is not None
        assert Visitor(base_url).sign_in("admin@example.org").status in (401, 503)


def _from(address: str) -> dict:
    return {"REMOTE_ADDR": address}


def test_a_stranger_cannot_lock_a_staff_member_out(app, make_user):
    make_user("editor@example.org")
    attacker = app.test_client()
    attacker.environ_base.update(_from("203.0.113.66"))
    for _ in range(app.config["LOGIN_LOCK_AFTER"] + 3):
        assert sign_in(attacker, "editor@example.org", WRONG).status_code == 401
    assert sign_in(attacker, "editor@example.org").status_code == 401  # the attacker: locked
    owner = app.test_client()
    owner.environ_base.update(_from("198.51.100.7"))
    assert sign_in(owner, "editor@example.org").status_code == 303  # the owner: not


def test_a_distributed_guess_locks_the_account_until_an_admin_unlocks_it(make_app, make_user):
    app = make_app(LOGIN_ACCOUNT_LOCK_AFTER=10, LOGIN_RATE_LIMIT="1000 per minute")
    with app.app_context():
        make_user("editor@example.org")
        make_user("admin@example.org", "admin")
        for number in range(10):
            guesser = app.test_client()
            guesser.environ_base.update(_from(f"203.0.113.{number}"))
            assert sign_in(guesser, "editor@example.org", WRONG).status_code == 401
        owner = app.test_client()
        owner.environ_base.update(_from("198.51.100.7"))
        assert sign_in(owner, "editor@example.org").status_code == 401  # locked for everyone
        admin = app.test_client()
        assert sign_in(admin, "admin@example.org").status_code == 303
        users = admin.get("/staff/users").get_data(as_text=True)
        assert "locked out after wrong passwords" in users
        user_id = next(u.id for u in app.extensions["sqlalchemy"].session.scalars(
            select(StaffUser)) if u.email == "editor@example.org")
        assert admin.post(f"/staff/users/{user_id}/unlock").status_code == 303
        assert "locked out" not in admin.get("/staff/users").get_data(as_text=True)
        assert sign_in(owner, "editor@example.org").status_code == 303


def test_editors_cannot_unlock(editor, make_user):
    assert editor.post("/staff/users/1/unlock").status_code == 403


def test_a_session_cookie_copied_before_sign_out_no_longer_signs_in(client, make_user):
    make_user("editor@example.org")
    assert sign_in(client, "editor@example.org").status_code == 303
    copied = client.get_cookie("session").value
    assert client.post("/staff/logout").status_code == 303
    thief = client.application.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_new_password_ends_every_session(make_app):
    from voterguide.extensions import db
    from voterguide.staff.accounts import create_user

    app = make_app()  # no app context held across requests: each request loads its user
    with app.app_context():
        create_user(db.session, "editor@example.org", PASSWORD, "editor")
        db.session.commit()
    client, runner = app.test_client(), app.test_cli_runner()
    assert sign_in(client, "editor@example.org").status_code == 303
    assert client.get("/staff/").status_code == 200
    result = runner.invoke(args=["staff", "set-password", "editor@example.org"],
                           env={"VOTERGUIDE_NEW_USER_PASSWORD": "a brand new passphrase"})
    assert result.exit_code == 0, result.output
    assert client.get("/staff/").status_code == 302
    assert sign_in(client, "editor@example.org", PASSWORD).status_code == 401
    assert sign_in(client, "editor@example.org", "a brand new passphrase").status_code == 303


def _forged_admin_cookie(secret_key: str) -> str:
    """A session cookie saying 'user 1', signed with a given key, as Flask-Login writes it."""
    forger = Flask("forger")
    forger.secret_key = secret_key
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return serializer.dumps({"_user_id": "1", "_fresh": True})


def test_the_default_setup_accepts_no_cookie_forged_with_a_known_key(make_app, make_user,
                                                                     tmp_path):
    instance = tmp_path / "instance"
    app = make_app(INSTANCE_PATH=str(instance))  # no secret key configured, as `make serve`
    with app.app_context():
        make_user("admin@example.org", "admin")
        for known in (config.DEVELOPMENT_SECRET_KEY, "dev", "secret", ""):
            visitor = app.test_client()
            if known:
                visitor.set_cookie("session", _forged_admin_cookie(known))
            assert visitor.get("/staff/").status_code == 302
    key = (instance / "secret_key").read_text().strip()
    assert len(key) == 64 and key == app.config["SECRET_KEY"]
    assert (instance / "secret_key").stat().st_mode & 0o077 == 0
    again = make_app(INSTANCE_PATH=str(instance))
    assert again.config["SECRET_KEY"] == key  # made once, then kept: sessions survive restarts
