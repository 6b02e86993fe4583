"""A large publication in the middle of an election-eve load: are visits answered, counted,
and can staff still sign in?

Starts gunicorn with the repository's gunicorn.conf.py on a seeded SQLite database (the
embedded default) with one admin and a large draft (2,500 new fictional candidates with 10
answers each). 100 client threads then make 10,000 campaign visits (`?ref=`, each one a
count written to the database) on keep-alive connections; once a third of them are
answered the admin publishes the draft, and one more thread signs in again and again
throughout. Afterwards it waits for the counts kept aside during the publication to be
added, and compares them with the visits answered.

Beside it, in the same run, the baseline: the same 10,000 requests from the same 100 threads
to a bare Flask route under the same gunicorn settings. Prints the visits' p50 and p99
before, during and after the publication beside the baseline's, the errors, how long the
publication held the write lock (its answer time), the sign-ins' times outside and during
it, and the counts. Nothing is asserted.

    python benchmarks/publish_under_load.py
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from election_day import Staff
from serving import HOST, REPO, free_port, gunicorn, seed_database, stop, wait_until_ready

VISITS, CONNECTIONS = 10_000, 100
CANDIDATES, QUESTIONS = 2_500, 10
PAGE = "/districts/al-circuit-6"
CODE = "eve"
ADMIN, PASSWORD = "admin@example.org", "publish-under-load benchmark"


def add_admin_and_draft(database: Path) -> int:
    """An admin, and a draft of CANDIDATES new candidates with QUESTIONS answers each; the
    draft's id."""
    from sqlalchemy import select

    from voterguide import create_app
    from voterguide.extensions import db
    from voterguide.models import (
        ChangeSet,
        ChangeSetKind,
        ChangeSetStatus,
        Question,
        QuestionKind,
        Race,
    )
    from voterguide.staff.accounts import create_user

    app = create_app({"DATABASE_URL": f"sqlite:///{database}", "DATA_DIR": str(REPO / "data"),
                      "STATES": "al"})
    with app.app_context():
        admin = create_user(db.session, ADMIN, PASSWORD, "admin")
        race = db.session.scalars(select(Race).where(Race.questionnaire_id.isnot(None))
                                  .order_by(Race.id)).first()
        questionnaire = race.questionnaire
        while len(questionnaire.all_questions) < QUESTIONS:
            n = len(questionnaire.all_questions) + 1
            questionnaire.all_questions.append(Question(
                position=1000 + n, topic=f"Benchmark topic {n}", text=f"Benchmark {n}?",
                kind=QuestionKind.YES_NO))
        db.session.flush()
        spec = {"election": race.election.slug, "district": race.district_id,
                "office": race.office}
        changes = []
        for c in range(CANDIDATES):
            slug = f"sample-load-{c}"
            changes.append({"entity": "candidate", "key": slug, "label": slug, "before": None,
                            "after": {"name": f"Sample Load {c}", "party": None,
                                      "incumbent": False, "website": None, "photo_url": None,
                                      "bio": "", "response_status": "responded",
                                      "withdrawn": False, "race": spec}})
            changes += [{"entity": "answer", "key": [slug, q.id], "label": slug, "before": None,
                         "after": {"choice": "yes", "explanation": f"Because {c}.",
                                   "received_on": None}}
                        for q in questionnaire.all_questions[:QUESTIONS]]
        draft = ChangeSet(kind=ChangeSetKind.EDIT, status=ChangeSetStatus.DRAFT,
                          changes=changes, problems=[], created_by=admin,
                          created_at=dt.datetime.now(), summary="A large draft")
        db.session.add(draft)
        db.session.commit()
        return draft.id


def counted(database: Path) -> int:
    """The visits counted for CODE so far."""
    import sqlite3

    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute("SELECT coalesce(sum(count), 0) FROM campaign_counts "
                                  "WHERE code = ?", (CODE,)).fetchone()[0]


class Load:
    """VISITS GETs of ``path`` from CONNECTIONS threads; each answer's time and status, and
    when it ended (time.monotonic())."""

    def __init__(self, port: int, path: str):
        self.port, self.path = port, path
        self.answers: list[tuple[float, float, int]] = []  # (ended, ms, status)
        self.third = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> None:
        threads = [threading.Thread(target=self._client) for _ in range(CONNECTIONS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _client(self) -> None:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        for _ in range(VISITS // CONNECTIONS):
            start = time.perf_counter()
            try:
                connection.request("GET", self.path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            with self._lock:
                self.answers.append((time.monotonic(), (time.perf_counter() - start) * 1000,
                                     status))
                if len(self.answers) >= VISITS // 3:
                    self.third.set()
        connection.close()


def percentiles(times: list[float]) -> str:
    """p50 and p99 in milliseconds."""
    if not times:
        return "      (none)"
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):7.1f} ms   p99 {p99:7.1f} ms   ({len(times)})"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        database = seed_database(workdir)
        draft = add_admin_and_draft(database)
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with gunicorn("serving:trivial_app()", "/ok", env, workdir,
                      ("-c", str(REPO / "gunicorn.conf.py"))) as trivial_port:
            baseline = Load(trivial_port, "/ok")
            baseline.run()
        port = free_port()
        env = {**os.environ, "VOTERGUIDE_DATABASE_URL": f"sqlite:///{database}",
               "VOTERGUIDE_DATA_DIR": str(REPO / "data"), "VOTERGUIDE_STATES": "al",
               "VOTERGUIDE_SECRET_KEY": "bench-" + "x" * 40, "HOST": HOST, "PORT": str(port),
               "ACCESS_LOG": "/dev/null",
               "VOTERGUIDE_INSTANCE_PATH": str(workdir / "instance")}
        log = workdir / "gunicorn.log"
        with open(log, "w") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(REPO / "gunicorn.conf.py"),
                 "voterguide:create_app()"], cwd=REPO, env=env, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_ready(process, port, PAGE, log)
            base = f"http://{HOST}:{port}"
            staff = Staff(base)
            staff.post("/staff/login", {"email": ADMIN, "password": PASSWORD},
                       staff.page("/staff/login"))
            confirm = staff.page(f"/staff/changes/{draft}/publish")
            load = Load(port, f"{PAGE}?ref={CODE}")
            visits = threading.Thread(target=load.run)
            sign_ins: list[tuple[float, float]] = []  # (ended, ms)
            failed_sign_ins: list[str] = []
            done = threading.Event()

            def sign_in_again_and_again() -> None:
                while not done.is_set():
                    other = Staff(base)
                    start = time.perf_counter()
                    try:
                        form = other.page("/staff/login")
                        other.post("/staff/login", {"email": ADMIN, "password": PASSWORD},
                                   form)
                    except OSError as error:  # urllib's errors and timeouts (10 s)
                        failed_sign_ins.append(type(error).__name__)
                    else:
                        sign_ins.append((time.monotonic(),
                                         (time.perf_counter() - start) * 1000))
                    time.sleep(0.2)

            signing = threading.Thread(target=sign_in_again_and_again)
            visits.start()
            signing.start()
            load.third.wait()
            began = time.monotonic()
            staff.post(f"/staff/changes/{draft}/publish", {}, confirm)
            ended = time.monotonic()
            visits.join()
            done.set()
            signing.join()
            answered = sum(1 for _, _, status in load.answers if status == 200)
            deadline = time.monotonic() + 60
            while counted(database) < answered and time.monotonic() < deadline:
                time.sleep(0.5)
            kept = counted(database)
        finally:
            stop(process)
    statuses = Counter(status for _, _, status in load.answers)
    phases = {"before the publication": [ms for at, ms, _ in load.answers if at < began],
              "during it": [ms for at, ms, _ in load.answers if began <= at <= ended],
              "after it": [ms for at, ms, _ in load.answers if at > ended]}
    print(f"{VISITS:,} campaign visits from {CONNECTIONS} connections (gunicorn.conf.py), "
          f"a publication of {CANDIDATES:,} new candidates x {QUESTIONS} answers after "
          f"{VISITS // 3:,}:")
    floor = [ms for _, ms, _ in baseline.answers]
    print(f"  {'baseline: bare Flask route':<34} {percentiles(floor)}")
    for label, times in phases.items():
        print(f"  {'visits ' + label:<34} {percentiles(times)}")
    print(f"  answers by status: {dict(sorted(statuses.items()))} (0: no answer)")
    print(f"  the publication answered after {ended - began:.2f} s (it holds the write lock)")
    print(f"  {'sign-ins outside it':<34} "
          f"{percentiles([ms for at, ms in sign_ins if not began <= at <= ended])}")
    print(f"  {'sign-ins during it':<34} "
          f"{percentiles([ms for at, ms in sign_ins if began <= at <= ended])}")
    print(f"  sign-ins that failed or took over 10 s: {len(failed_sign_ins)}")
    print(f"  visits answered 200: {answered:,}; counted: {kept:,} "
          f"({'none lost' if kept == answered else f'{answered - kept:,} lost'})")


if __name__ == "__main__":
    main()
