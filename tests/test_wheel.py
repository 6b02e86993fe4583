"""The package stands alone: a wheel built from this checkout, installed into a fresh virtual
environment and run from a folder outside the checkout, sets up its database (migrations,
Alabama, the demo) and serves a district page, its stylesheet, share image and PDF flyer, and
the staff sign-in page (the wheel compiles both domains' catalogues)."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

from .support import HOST, REPO
from .support.servers import free_port, wait_until_up

DISTRICT = "/districts/al-circuit-6"


def run(*args: str | Path, cwd: Path, env: dict, timeout: float = 120) -> str:
    """Run a command; fail with its output if it fails; return its standard output."""
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def get(url: str) -> tuple[int, str, bytes]:
    """Status, content type and body of a GET."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_a_wheel_serves_the_guide_from_outside_the_checkout(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VOTERGUIDE_", "PYTHON", "FLASK_")) and k != "SECRET_KEY"}
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "--quiet", "-w", wheels,
        cwd=tmp_path, env=env)
    (wheel,) = wheels.glob("voterguide-*.whl")
    packed = set(zipfile.ZipFile(wheel).namelist())
    for language in ("en", "es"):
        for domain in ("messages", "staff"):
            assert f"voterguide/translations/{language}/LC_MESSAGES/{domain}.mo" in packed

    # A fresh environment holding only the wheel; the dependencies come from this project's
    # environment through a path entry (which, unlike site-packages, runs none of its .pth
    # files, so the editable checkout stays out of sight).
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path, env=env)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "--quiet", wheel, cwd=tmp_path, env=env)
    own_site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                        cwd=tmp_path, env=env).strip())
    (own_site / "project-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")

    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    where = run(python, "-c", "import voterguide; print(voterguide.__file__)", cwd=workdir,
                env=env)
    assert Path(where.strip()).is_relative_to(venv), where

    output = run(python, "-m", "flask", "--app", "voterguide", "setup", "--demo", cwd=workdir,
                 env=env)
    assert "42 districts loaded" in output and "Sample election loaded" in output
    instance = venv / "var" / "voterguide-instance"
    assert (instance / "voterguide.sqlite3").is_file()  # the instance folder, not the cwd

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(python), "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers", "1",
             "voterguide:create_app()"], cwd=workdir, env=env, stdout=log_file,
            stderr=subprocess.STDOUT)
    try:
        base = f"http://{HOST}:{port}"
        wait_until_up(f"{base}/", server, log)
        status, kind, page = get(base + DISTRICT)
        assert status == 200 and kind.startswith("text/html")
        assert b"6th Judicial Circuit" in page and b"Sample data" in page
        assert get(f"{base}/static/style.css")[0] == 200
        status, kind, png = get(f"{base}/share{DISTRICT}.png")
        assert status == 200 and kind == "image/png" and png.startswith(b"\x89PNG")
        status, kind, pdf = get(f"{base}{DISTRICT}/flyer.pdf?size=letter")
        assert status == 200 and pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf
        status, kind, page = get(f"{base}/staff/login")
        assert status == 200 and b"<h1>Staff sign-in</h1>" in page
    finally:
        server.terminate()
        server.wait(timeout=10)
