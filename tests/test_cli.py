"""The flask commands by feature: groups, setup, the old names, one transaction each."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from voterguide.models import StaffUser

GROUPS = {
    "places": {"load-state", "load-districts-csv", "load-districts-geojson", "geocode-list",
               "geocode-cache-stats"},
    "staff": {"create-user", "import-answers", "load-demo"},
    "outreach": {"campaign-report", "prune-campaigns"},
}


def test_help_lists_the_groups_and_setup_not_the_old_names(runner):
    result = runner.invoke(args=["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines()
              if line.strip()}
    assert {"places", "staff", "outreach", "setup", "db"} <= listed
    assert not listed & set().union(*GROUPS.values())  # old names are hidden


@pytest.mark.parametrize(("group", "name"), [(g, n) for g, names in GROUPS.items()
                                             for n in sorted(names)])
def test_each_command_is_in_its_group_and_its_old_name_still_works(runner, group, name):
    result = runner.invoke(args=[group, name, "--help"])
    assert result.exit_code == 0, result.output
    old = runner.invoke(args=[name, "--help"])
    assert old.exit_code == 0 and old.output == result.output.replace(
        f"{group} {name}", name)


def test_an_old_name_runs_the_same_command_and_names_the_new_one(runner):
    result = runner.invoke(args=["places", "load-state", "zz"])
    old = runner.invoke(args=["load-state", "zz"])
    assert old.exit_code == result.exit_code != 0
    assert "'flask load-state' is now 'flask places load-state'" in old.output
    assert "No data folder for 'zz'" in old.output


def test_a_refused_command_keeps_nothing(runner, db):
    """create-user refuses a short password: no user is left behind in the session or file."""
    result = runner.invoke(args=["staff", "create-user", "x@example.org"],
                           env={"VOTERGUIDE_NEW_USER_PASSWORD": "short"})
    assert result.exit_code != 0
    db.session.close()
    assert db.session.scalar(select(func.count()).select_from(StaffUser)) == 0
