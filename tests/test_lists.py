"""Placing a CSV of addresses: streamed, batched where the provider can, every row marked."""

from __future__ import annotations

import csv
import io

from voterguide.extensions import runtime

from .support import PASSWORD, sign_in

ROWS = [
    ("1", "2000 University Blvd, Tuscaloosa, AL 35401"),  # the stand-in Census knows it
    ("2", "710 20th St N, Birmingham, AL 35203"),  # Jefferson County: two offices
    ("3", "Montgomery County, AL"),  # only the offline geocoder knows it
    ("4", "Atlanta, GA 30303"),  # another state
    ("5", "qwertyuiop"),  # nowhere
    ("6", ""),  # empty
    ("7", '=HYPERLINK("http://x")'),  # hostile, and placed nowhere
]


def volunteer_csv() -> str:
    """A small volunteer list with an extra column that must survive."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "address", "team"])
    for number, address in ROWS:
        writer.writerow([number, address, "north"])
    return out.getvalue()


def run(app, tmp_path, **options) -> tuple[list[dict], str]:
    """Run the command on the volunteer list; return the rows written and its messages."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("\ufeff" + volunteer_csv(), encoding="utf-8")
    args = ["places", "geocode-list", str(source), str(target)]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    with open(target, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file)), result.output


def test_a_list_through_the_census_batch(make_app, chain_settings, standin, tmp_path):
    standin.mode = "ok"
    standin.requests.clear()
    app = make_app(**chain_settings())
    rows, output = run(app, tmp_path, chunk_size=3)
    assert [r["id"] for r in rows] == [n for n, _ in ROWS] and rows[0]["team"] == "north"
    by_id = {r["id"]: r for r in rows}
    assert (by_id["1"]["district_id"], by_id["1"]["precision"], by_id["1"]["status"]) == (
        "ocd-division/country:us/state:al/circuit:6", "address", "placed")
    # Jefferson County: the Birmingham Division for certain, the Bessemer Division perhaps.
    assert (by_id["2"]["status"], by_id["2"]["district_id"]) == (
        "placed", "ocd-division/country:us/state:al/circuit:10")
    assert by_id["2"]["also_possible"].endswith("circuit:10/division:bessemer")
    assert (by_id["3"]["district_name"], by_id["3"]["precision"]) == (
        "15th Judicial Circuit", "county")
    assert [by_id[n]["status"] for n in "4567"] == ["outside", "not_found", "empty", "not_found"]
    assert standin.requests.count("/geocoder/geographies/addressbatch") == 3  # 7 rows, 3 a chunk
    assert "7 rows done" in output and "3 placed." in output


def test_a_failing_batch_falls_back_row_by_row(make_app, chain_settings, standin, tmp_path):
    standin.mode = "503"
    app = make_app(**chain_settings())
    rows, _ = run(app, tmp_path)
    assert rows[0]["status"] == "placed" and rows[0]["precision"] == "zip"  # offline answered


def test_a_list_offline(make_app, tmp_path):
    rows, _ = run(make_app(), tmp_path)
    assert rows[0]["precision"] == "zip" and rows[0]["status"] == "placed"


def test_a_missing_column_is_a_clear_error(make_app, tmp_path):
    app = make_app()
    source = tmp_path / "in.csv"
    source.write_text("name,street\nA,1 Main St\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["places", "geocode-list", str(source), "-"])
    assert result.exit_code != 0 and "no column named 'address'" in result.output


def test_cache_stats_command(make_app, chain_settings, standin):
    standin.mode = "ok"
    app = make_app(**chain_settings())
    with app.app_context():
        locator = runtime(app).locator
        locator.locate("2000 University Blvd, Tuscaloosa, AL 35401")
        locator.locate("2000 University Blvd, Tuscaloosa, AL 35401")
    result = app.test_cli_runner().invoke(args=["places", "geocode-cache-stats"])
    assert result.exit_code == 0
    assert "50%" in result.output and "1 addresses cached" in result.output
    offline = make_app().test_cli_runner()
    assert "No cache" in offline.invoke(args=["places", "geocode-cache-stats"]).output


def test_staff_see_the_cache_hit_rate(make_app, chain_settings, standin):
    standin.mode = "ok"
    app = make_app(**chain_settings())
    client = app.test_client()
    assert client.get("/staff/geocoding").status_code == 302  # signed out: sent to sign in
    with app.app_context():
        from voterguide.extensions import db
        from voterguide.staff.accounts import create_user

        create_user(db.session, "editor@example.org", PASSWORD, "editor")
        db.session.commit()
        locator = runtime(app).locator
        for _ in range(4):
            locator.locate("2000 University Blvd, Tuscaloosa, AL 35401")
    sign_in(client, "editor@example.org")
    page = client.get("/staff/geocoding").get_data(as_text=True)
    assert "census,offline" in page and "<td>75%</td>" in page
    assert "University" not in page
