"""Throwaway servers the tests (and the election-day benchmark) start themselves: a real
PostgreSQL cluster from Debian's ``postgresql`` package (``initdb`` and ``pg_ctl`` in a
temporary folder, listening on a Unix socket only), a real ``redis-server`` (a Unix socket
only) and nginx running the deployment's own configuration (deploy/nginx.conf). Each is
stopped and its folder removed when its block ends.

``initdb`` refuses to run as root: as root (CI, the containers here) the cluster belongs to
the ``postgres`` user that the Debian package creates, and its commands run through
``runuser``. Nothing listens on a TCP port, so parallel runs never collide.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: The superuser of the throwaway cluster (connections over its socket are trusted).
PG_USER = "postgres"
#: Settings for a cluster whose data may be lost: no fsync, no waiting on the disk.
PG_FAST = ("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
           "-c", "max_connections=200", "-c", "listen_addresses=")


class ServiceUnavailable(RuntimeError):
    """A server the tests need is not installed or would not start; the message says how
    to install it (``make test`` does)."""


def postgresql_bin() -> Path:
    """The newest installed PostgreSQL's programs folder (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(Path(path).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServiceUnavailable("PostgreSQL is not installed: apt-get install postgresql "
                             "(make test installs it).")


@dataclass(frozen=True)
class PostgreSQL:
    """A running throwaway cluster: its socket folder and how to reach a database in it."""

    socket_dir: Path
    port: int = 5432

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of one of its databases (psycopg 3, over the Unix socket)."""
        return (f"postgresql+psycopg://{PG_USER}@/{database}"
                f"?host={self.socket_dir}&port={self.port}")

    def environment(self) -> dict[str, str]:
        """libpq's variables for its command-line tools (pg_dump, psql)."""
        return {"PGHOST": str(self.socket_dir), "PGPORT": str(self.port), "PGUSER": PG_USER}


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    """The command, run as ``owner`` when we are root."""
    return ["runuser", "-u", owner, "--", *command] if owner else command


@contextlib.contextmanager
def postgresql() -> Iterator[PostgreSQL]:
    """Start a throwaway PostgreSQL cluster; yield it; stop it and remove its folder."""
    bindir = postgresql_bin()
    owner = PG_USER if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="voterguide-pg-"))
    data, log = folder / "data", folder / "server.log"
    try:
        if owner:
            try:
                record = pwd.getpwnam(owner)
            except KeyError:
                raise ServiceUnavailable("There is no postgres user: apt-get install "
                                         "postgresql (make test installs it).") from None
            os.chown(folder, record.pw_uid, record.pw_gid)
            folder.chmod(0o700)
        subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", PG_USER,
                                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                                  "--no-sync"], owner),
                       check=True, capture_output=True)
        options = " ".join([*PG_FAST, "-k", str(folder)])
        started = subprocess.run(
            _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                       "-t", "60", "-o", options, "start"], owner),
            capture_output=True, text=True)
        if started.returncode != 0:
            raise ServiceUnavailable(f"PostgreSQL did not start:\n{started.stdout}"
                                     f"{started.stderr}{_read(log)}")
        try:
            yield PostgreSQL(folder)
        finally:
            subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                      "-w", "stop"], owner), capture_output=True)
    except subprocess.CalledProcessError as error:
        raise ServiceUnavailable(f"initdb failed: {error.stderr!r}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read(path: Path) -> str:
    """A log's text, or nothing if the server never wrote one."""
    return path.read_text(errors="replace") if path.exists() else ""


@dataclass(frozen=True)
class Redis:
    """A running throwaway redis-server, on a Unix socket."""

    socket: Path

    def url(self, db: int = 0) -> str:
        """Its URL as redis-py, Flask-Caching and the limits library read it."""
        return f"unix://{self.socket}?db={db}"


@contextlib.contextmanager
def redis_server() -> Iterator[Redis]:
    """Start a throwaway redis-server (no persistence, Unix socket only); yield it; stop it."""
    program = shutil.which("redis-server")
    if program is None:
        raise ServiceUnavailable("redis-server is not installed: apt-get install "
                                 "redis-server (make test installs it).")
    folder = Path(tempfile.mkdtemp(prefix="voterguide-redis-"))
    socket, log = folder / "redis.sock", folder / "redis.log"
    process = subprocess.Popen(
        [program, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--dir", str(folder), "--logfile", str(log)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not socket.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServiceUnavailable(f"redis-server did not start:\n{_read(log)}")
            time.sleep(0.02)
        yield Redis(socket)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


#: The deployment's nginx configuration (deploy/nginx.conf), which the tests and the
#: election-day benchmark run with their own addresses and folders.
NGINX_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def render_nginx(upstreams: list[str], port: int, static_dir: Path, folder: Path) -> Path:
    """deploy/nginx.conf with these app servers, port and folders, wrapped in a main
    configuration that runs in the foreground as this user; returns its path."""
    text = NGINX_CONF.read_text()
    machines = re.compile(r"^ *server [0-9.]+:[0-9]+ [^\n]*\n", re.MULTILINE)
    if machines.search(text) is None:
        raise ValueError("deploy/nginx.conf names no app machine (server a.b.c.d:port ...;)")
    ours = "".join(f"    server {address} max_fails=3 fail_timeout=10s;\n"
                   for address in upstreams)
    first = machines.search(text)
    text = text[:first.start()] + ours + machines.sub("", text[first.start():])
    replacements = {"listen 80;": f"listen 127.0.0.1:{port};",
                    "/var/cache/nginx/voterguide": str(folder / "cache"),
                    "/var/log/nginx/voterguide.log": str(folder / "access.log"),
                    "/srv/voterguide/static/": f"{static_dir}/"}
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"deploy/nginx.conf no longer holds {old!r}")
        text = text.replace(old, new)
    for name in ("cache", "temp"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    main = folder / "nginx.conf"
    temp = folder / "temp"
    main.write_text(f"""
daemon off;
worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 2048; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{text}
}}
""")
    return main


def nginx_program() -> str:
    """Debian's nginx, or a clear message."""
    program = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                        else None)
    if program is None:
        raise ServiceUnavailable("nginx is not installed: apt-get install nginx-light "
                                 "(make test installs it).")
    return program


@contextlib.contextmanager
def nginx(upstreams: list[str], port: int, static_dir: Path, folder: Path) -> Iterator[Path]:
    """Run deploy/nginx.conf in front of the upstreams on 127.0.0.1:port; yield its folder
    (access.log, error.log); stop it."""
    main = render_nginx(upstreams, port, static_dir, folder)
    program = nginx_program()
    checked = subprocess.run([program, "-t", "-q", "-c", str(main)], capture_output=True,
                             text=True)
    if checked.returncode != 0:
        raise ServiceUnavailable(f"nginx refused the configuration:\n{checked.stderr}")
    process = subprocess.Popen([program, "-c", str(main)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port),
                                                                          timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServiceUnavailable(f"nginx did not start:\n{_read(folder / 'error.log')}")
            time.sleep(0.05)
        yield folder
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
