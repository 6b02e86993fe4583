"""Settings: parsed with their types and ranges, refused with a one-line message that names
the variable and what it takes, from the environment and from a test's dict alike."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from voterguide import config, create_app

from .support import settings

FLASK = Path(sys.executable).with_name("flask")


def flask_cli(*args: str, tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    """Run the real `flask --app voterguide ...` in a fresh process with these variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOTERGUIDE_")}
    env.update(VOTERGUIDE_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
               VOTERGUIDE_GEOCODING_STATE_DIR=str(tmp_path / "geocoders"), **environment)
    return subprocess.run([str(FLASK), "--app", "voterguide", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


def test_a_fractional_page_cache_lifetime_is_accepted(tmp_path):
    """Defect 6: VOTERGUIDE_PAGE_CACHE_SECONDS=2.5 crashed start-up with a raw ValueError."""
    result = flask_cli("--help", tmp_path=tmp_path, VOTERGUIDE_PAGE_CACHE_SECONDS="2.5")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for group in ("places", "staff", "outreach", "setup"):
        assert re.search(rf"^\s+{group}\s", result.stdout, re.MULTILINE), result.stdout


def test_a_non_number_is_one_clear_line_and_help_says_why_commands_are_missing(tmp_path):
    result = flask_cli("--help", tmp_path=tmp_path, VOTERGUIDE_PAGE_CACHE_SECONDS="soon")
    assert "Traceback" not in result.stderr
    problem = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(problem) == 1, result.stderr
    assert "VOTERGUIDE_PAGE_CACHE_SECONDS" in problem[0] and "'soon'" in problem[0]
    assert "number of seconds" in problem[0] and "commands are unavailable" in problem[0]
    # A command of the app is refused with the same reason, not a traceback.
    command = flask_cli("setup", tmp_path=tmp_path, VOTERGUIDE_PAGE_CACHE_SECONDS="soon")
    assert command.returncode != 0
    assert "Traceback" not in command.stderr
    assert "VOTERGUIDE_PAGE_CACHE_SECONDS" in command.stderr


def test_the_page_cache_lifetime_is_a_float(database_path):
    app = create_app(settings(database_path, PAGE_CACHE_SECONDS="2.5"))
    assert app.config["PAGE_CACHE_SECONDS"] == 2.5
    assert config.from_environment({"VOTERGUIDE_PAGE_CACHE_SECONDS": "2.5"})[
        "PAGE_CACHE_SECONDS"] == 2.5


@pytest.mark.parametrize(("name", "value", "takes"), [
    ("PAGE_CACHE_SECONDS", "soon", "a number of seconds, 0 or more"),
    ("PAGE_CACHE_SECONDS", "-1", "a number of seconds, 0 or more"),
    ("PAGE_CACHE_SECONDS", "nan", "a number of seconds, 0 or more"),
    ("PAGE_CACHE_SECONDS", True, "a number of seconds, 0 or more"),
    ("GEOCODING_TIMEOUT", "0", "a number of seconds, from 0.1 to 120"),
    ("CAMPAIGN_MAX_CODES_PER_DAY", "2.5", "a whole number, 1 or more"),
    ("CAMPAIGN_MAX_CODES_PER_DAY", "", "a whole number, 1 or more"),
    ("LOGIN_LOCK_AFTER", "0", "a whole number, from 1 to 100"),
    ("STAFF_UPLOAD_MAX_BYTES", "10MB", "a whole number of bytes, 1024 or more"),
    ("ENV", "staging", "'development' or 'production'"),
    ("DATABASE_URL", "not a url", "a database URL"),
    ("SITE_URL", "guide.example.org", "an http(s) address"),
    ("EMBED_ALLOWED_ORIGINS", "x.org", "* or origins such as https://partner.example.org"),
])
def test_bad_values_are_refused_naming_the_variable_and_what_it_takes(database_path, name,
                                                                      value, takes):
    with pytest.raises(config.ConfigurationError) as from_dict:
        create_app(settings(database_path, **{name: value}))
    message = str(from_dict.value)
    assert "\n" not in message
    assert f"VOTERGUIDE_{name}" in message and takes in message
    if isinstance(value, str):
        with pytest.raises(config.ConfigurationError) as from_environment:
            config.from_environment({f"VOTERGUIDE_{name}": value})
        assert str(from_environment.value) == message


def test_values_in_range_are_converted_to_their_types():
    got = config.from_environment({
        "VOTERGUIDE_PAGE_CACHE_SECONDS": "0", "VOTERGUIDE_GEOCODE_CACHE_SIZE": "1_000",
        "VOTERGUIDE_CAMPAIGN_MAX_CODES_PER_DAY": " 20 ", "VOTERGUIDE_GEOCODING_BUDGET": "4",
    })
    assert got["PAGE_CACHE_SECONDS"] == 0.0 and isinstance(got["PAGE_CACHE_SECONDS"], float)
    assert got["GEOCODE_CACHE_SIZE"] == 1000 and got["CAMPAIGN_MAX_CODES_PER_DAY"] == 20
    assert got["GEOCODING_BUDGET"] == 4.0


def test_settings_other_than_voterguides_pass_through(database_path):
    app = create_app(settings(database_path, MAX_FORM_PARTS=50))
    assert app.config["MAX_FORM_PARTS"] == 50


def test_every_setting_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    undocumented = [s.name for s in config.SETTINGS if f"`VOTERGUIDE_{s.name}`" not in readme]
    assert undocumented == []
