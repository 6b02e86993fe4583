"""Write the SQLite schema that an earlier release of voterguide made, as SQL.

Releases before migrations made their tables with ``db.create_all()``. This script checks
out a commit's package into a temporary folder, builds its app on an empty SQLite file,
runs ``create_all`` and writes the resulting ``CREATE TABLE`` / ``CREATE INDEX`` statements,
so a test can build a database exactly as that release did and upgrade it.

    python scripts/dump_release_schema.py 99a5e46 tests/fixtures/schema-99a5e46.sql

Re-runnable: the same commit gives the same file.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: Runs inside the old release's package: make its tables, print their SQL in a fixed order.
DUMP = """
import sqlite3, sys
from voterguide import create_app
from voterguide.extensions import db
path = sys.argv[1]
app = create_app({"DATABASE_URL": "sqlite:///" + path, "GEOCODER": "offline",
                  "GEOCODING_STATE_DIR": sys.argv[2], "DATA_DIR": sys.argv[3]})
with app.app_context():
    db.create_all()
rows = sqlite3.connect(path).execute(
    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
    "ORDER BY type DESC, name").fetchall()
print(";\\n\\n".join(sql for (sql,) in rows) + ";")
"""


def release_schema(commit: str) -> str:
    """The SQL of every table and index that ``commit``'s create_all makes on SQLite."""
    archive = subprocess.run(["git", "archive", commit, "voterguide"], cwd=REPO, check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(work, filter="data")
        result = subprocess.run(
            [sys.executable, "-c", DUMP, str(work / "db.sqlite3"), str(work / "geocoders"),
             str(REPO / "data")],
            cwd=work, env={"PYTHONPATH": str(work), "PATH": "/usr/bin:/bin"},
            check=True, capture_output=True, text=True)
    return result.stdout


def main() -> None:
    """Write the schema of the given commit to the given file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit")
    parser.add_argument("output", type=Path)
    options = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", options.commit], cwd=REPO,
                            check=True, capture_output=True, text=True).stdout.strip()
    header = (f"-- The tables voterguide {commit} made with db.create_all() on SQLite.\n"
              f"-- Written by scripts/dump_release_schema.py {commit}; do not edit.\n\n")
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(header + release_schema(commit), encoding="utf-8")


if __name__ == "__main__":
    main()
