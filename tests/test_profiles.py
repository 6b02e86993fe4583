"""Office profiles and district figures: the model's rules, the figures import with its
error table, publishing and rolling back through change sets, the district page with and
without a profile in contested and uncontested races, the charts' data tables, the open
data round trip, and the unopposed race's flyer, share image and embed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError

from voterguide.models import (
    ChangeSet,
    ChangeSetKind,
    ChangeSetStatus,
    DistrictFact,
    FactUnit,
    OfficeProfile,
)
from voterguide.staff import profiles
from voterguide.staff.demo import load_demo_profiles
from voterguide.staff.profiles import CellProblem

from .support import DATA_DIR

#: Change sets made by staff (the sample election is loaded as change sets too).
STAFF_WORK = ChangeSet.kind != ChangeSetKind.SAMPLE
CIRCUIT_6 = "ocd-division/country:us/state:al/circuit:6"  # three candidates: contested
CIRCUIT_20 = "ocd-division/country:us/state:al/circuit:20"  # one candidate: unopposed
CIRCUIT_13 = "ocd-division/country:us/state:al/circuit:13"
HEADER = "district,fact,period,value,unit,source,link,retrieved,caveat\n"
GOOD = (HEADER
        + "al-circuit-6,Jail population,2021,\"1,204\",people,State jail report,"
          "https://reports.example.org/jails,2024-03-01,\n"
        + "al-circuit-6,Jail population,2022,1310,people,State jail report,"
          "https://reports.example.org/jails,2024-03-01,Excludes people held for others\n"
        + "20th Judicial Circuit,Share held pretrial,2022,71.5%,percent,County sheriff,"
          "https://sheriff.example.org/annual,2024-02-11,\n"
        + "13th Circuit,Felony cases filed,2023,2890,cases,Office annual report,"
          "https://da13.example.org/report,2024-01-20,\n")


def _figure(**values) -> DistrictFact:
    """A valid figure for circuit 13, with any field overridden."""
    fields = {"district_id": CIRCUIT_13, "fact": "Test figure", "period": "2022",
              "value": 10.0, "unit": FactUnit.PEOPLE, "counties": [],
              "source_name": "A report", "source_url": "https://example.org/r",
              "retrieved_on": dt.date(2024, 1, 1)}
    return DistrictFact(**{**fields, **values})


def _clear(db, district_id: str) -> None:
    """Remove a district's sample profile and figures (the seeded demo has them everywhere)."""
    db.session.execute(delete(DistrictFact).where(DistrictFact.district_id == district_id))
    db.session.execute(delete(OfficeProfile).where(OfficeProfile.district_id == district_id))
    db.session.commit()


def _import(client, content: str, name: str = "figures.csv"):
    """Upload a figures file on the staff page; return the change set page's response."""
    response = client.post("/staff/figures/import", data={
        "figures": (io.BytesIO(content.encode("utf-8")), name)},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return client.get(response.headers["Location"])


def _change_set_id(response) -> int:
    """The change set id in a change set page's address."""
    return int(re.search(r"/staff/changes/(\d+)", response.request.path).group(1))


# --- the model's rules ---------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("source_name", "", "source name"),
    ("source_name", "   ", "source name"),
    ("source_url", "", "source url"),
    ("source_url", "ftp://example.org/x", "http"),
])
def test_a_figure_without_a_source_cannot_be_made(app, field, value, message):
    """The model refuses a figure without a source's name or web link."""
    with pytest.raises(ValueError, match=message):
        _figure(**{field: value})


@pytest.mark.parametrize("column, value", [
    ("source_name", "''"), ("source_url", "'notalink'"), ("period", "'22'"),
    ("fact", "''"),
])
def test_the_database_refuses_what_the_model_refuses(db, column, value):
    """The same rules hold in the database for rows written past the model (CHECKs)."""
    values = {"district_id": f"'{CIRCUIT_13}'", "fact": "'F'", "period": "'2022'",
              "value": "1", "unit": "'people'", "counties": "'[]'", "source_name": "'S'",
              "source_url": "'https://example.org'", "retrieved_on": "'2024-01-01'",
              "caveat": "''", "is_sample": "false", column: value}
    with pytest.raises(IntegrityError):
        db.session.execute(text(f"INSERT INTO district_facts ({', '.join(values)}) "
                                f"VALUES ({', '.join(values.values())})"))
    db.session.rollback()


@pytest.mark.parametrize("unit, value", [(FactUnit.PERCENT, 100.5), (FactUnit.PERCENT, -1),
                                         (FactUnit.PEOPLE, -3)])
def test_values_out_of_range_are_refused_by_the_database(db, unit, value):
    """A percentage lies within 0 to 100; no figure is negative."""
    db.session.add(_figure(unit=unit, value=value))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_figure_per_district_fact_and_period(db):
    """The same fact for the same period is one row."""
    db.session.add_all([_figure(), _figure(value=11.0)])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- cleaners ------------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize("cell, expected", [("2023", "2023"), (" 2023-06 ", "2023-06"),
                                            ("1900", "1900"), ("２０２３", "2023")])
def test_periods_read(cell, expected):
    """A year or a year and month."""
    assert profiles.clean_period(cell, TODAY) == expected


@pytest.mark.parametrize("cell, message", [
    ("23", "not a period"), ("2023-13", "01 to 12"), ("2027", "1900 to 2026"),
    ("FY2023", "not a period"), ("", "not a period"), ("٢٠٢٣", "not a period"),
])
def test_periods_refused(cell, message):
    """Anything else is named plainly."""
    with pytest.raises(CellProblem, match=message):
        profiles.clean_period(cell, TODAY)


@pytest.mark.parametrize("cell, unit, expected", [
    ("1,204", FactUnit.PEOPLE, 1204.0), ("71.5%", FactUnit.PERCENT, 71.5),
    ("$2,100,000", FactUnit.DOLLARS, 2_100_000.0), ("0", FactUnit.CASES, 0.0),
    ("12 345", FactUnit.PEOPLE, 12345.0),
])
def test_values_read(cell, unit, expected):
    """Numbers as spreadsheets write them."""
    assert profiles.clean_value(cell, unit) == expected


@pytest.mark.parametrize("cell, unit, message", [
    ("abc", FactUnit.PEOPLE, "not a number"), ("1,20,4", FactUnit.PEOPLE, "not a number"),
    ("-5", FactUnit.PEOPLE, "negative"), ("101", FactUnit.PERCENT, "more than 100"),
    ("nan", FactUnit.PEOPLE, "not a number"), ("1e400", FactUnit.PEOPLE, "not a number"),
    ("9" * 20, FactUnit.PEOPLE, "too large"), ("", FactUnit.PEOPLE, "not a number"),
])
def test_values_refused(cell, unit, message):
    """A value that is not a plain non-negative number is refused."""
    with pytest.raises(CellProblem, match=message):
        profiles.clean_value(cell, unit)


@pytest.mark.parametrize("cell, expected", [("People", FactUnit.PEOPLE), ("%", FactUnit.PERCENT),
                                            ("per 100,000", FactUnit.PER_100K),
                                            ("Dollars", FactUnit.DOLLARS)])
def test_units_read(cell, expected):
    """A unit by any of its names."""
    assert profiles.clean_unit(cell) is expected


@pytest.mark.parametrize("cell", ["bananas", "", "prisoners"])
def test_units_refused(cell):
    """Unknown units are refused with the list of known ones."""
    with pytest.raises(CellProblem, match="people, percent, cases"):
        profiles.clean_unit(cell)


@pytest.mark.parametrize("cell", ["javascript:alert(1)", "example.org", "https://", "http://a b",
                                  ""])
def test_links_refused(cell):
    """Only http(s) web addresses are source links."""
    with pytest.raises(CellProblem, match="not a web address"):
        profiles.clean_link(cell)


@pytest.mark.parametrize("cell, message", [("2026-07-01", "future"), ("31/12/2023", "not a date"),
                                           ("yesterday", "not a date")])
def test_retrieved_dates_refused(cell, message):
    """The retrieval date is a real day, not in the future."""
    with pytest.raises(CellProblem, match=message):
        profiles.clean_retrieved(cell, TODAY)


# --- the import, its error table, publish and rollback -------------------------------------

def test_a_figures_file_is_previewed_then_published_then_rolled_back(admin, db):
    """Figures for three districts: a preview that changes nothing, a draft, a publication
    that shows on the district pages, and a rollback that removes them again."""
    page = _import(admin, GOOD)
    body = page.get_data(as_text=True)
    assert "4 new figures, 0 changed figures" in body
    assert "Problems" not in body
    change_set_id = _change_set_id(page)
    assert db.session.scalar(select(DistrictFact).where(DistrictFact.fact == "Jail population")) \
        is None  # a preview writes nothing live
    preview = admin.get(f"/staff/changes/{change_set_id}/districts/al-circuit-6")
    assert "Jail population" in preview.get_data(as_text=True)
    assert "Jail population" not in admin.get("/districts/al-circuit-6").get_data(as_text=True)
    assert admin.post(f"/staff/changes/{change_set_id}/apply").status_code == 303
    assert admin.post(f"/staff/changes/{change_set_id}/publish").status_code == 303
    assert db.session.get(ChangeSet, change_set_id).status is ChangeSetStatus.PUBLISHED
    district = admin.get("/districts/al-circuit-6").get_data(as_text=True)
    assert "Jail population" in district and "1,204 people" in district
    assert "State jail report</a>, retrieved 2024-03-01" in district
    assert "Note: Excludes people held for others" in district
    assert "71.5%" in admin.get("/districts/al-circuit-20").get_data(as_text=True)
    assert "2,890 cases" in admin.get("/districts/al-circuit-13").get_data(as_text=True)
    history = admin.get("/staff/history").get_data(as_text=True)
    assert "figures.csv" in history
    assert admin.post(f"/staff/changes/{change_set_id}/rollback").status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(DistrictFact).where(DistrictFact.fact == "Jail population")) \
        is None
    assert "Jail population" not in admin.get("/districts/al-circuit-6").get_data(as_text=True)


def test_an_import_that_corrects_a_figure_rolls_back_to_the_old_value(admin, db):
    """A second file changes one value; rolling it back restores the first file's value."""
    first = _change_set_id(_import(admin, GOOD))
    admin.post(f"/staff/changes/{first}/apply")
    admin.post(f"/staff/changes/{first}/publish")
    corrected = GOOD.replace('"1,204"', "1250")
    page = _import(admin, corrected)
    assert "0 new figures, 1 changed figure, 3 figures unchanged" in page.get_data(as_text=True)
    second = _change_set_id(page)
    admin.post(f"/staff/changes/{second}/apply")
    admin.post(f"/staff/changes/{second}/publish")
    key = (DistrictFact.district_id == CIRCUIT_6, DistrictFact.fact == "Jail population",
           DistrictFact.period == "2021")
    assert db.session.scalar(select(DistrictFact.value).where(*key)) == 1250
    admin.post(f"/staff/changes/{second}/rollback")
    db.session.expire_all()
    assert db.session.scalar(select(DistrictFact.value).where(*key)) == 1204


def test_a_malformed_file_changes_nothing_and_names_every_problem(admin, db):
    """Each bad cell is named by row and column in the preview; nothing can be applied and
    nothing published changes."""
    before = sorted((f.district_id, f.fact, f.period, f.value)
                    for f in db.session.scalars(select(DistrictFact)))
    bad = (HEADER
           + "al-circuit-6,Jail population,2021,lots,people,State report,"
             "https://e.org/a,2024-03-01,\n"
           + "Atlantis,Jail population,2022,5,people,State report,https://e.org/a,2024-03-01,\n"
           + "al-circuit-6,Share held,2022,140,percent,,javascript:alert(1),2099-01-01,\n"
           + "al-circuit-6,<script>alert(1)</script>,2022,5,bananas,S,https://e.org,2024-01-01,\n"
           + "al-circuit-6,Jail population,2023,5,people,S,https://e.org,2024-01-01,\n"
           + "al-circuit-6,Jail population,2023,6,people,S,https://e.org,2024-01-01,\n")
    page = _import(admin, bad)
    body = page.get_data(as_text=True)
    rows = re.findall(r"<tr><td[^>]*>(\d+)</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>",
                      body)
    found = {(int(row), column) for row, column, _ in rows}
    assert {(2, "D (value)"), (3, "A (district)"), (4, "D (value)"), (4, "F (source)"),
            (4, "G (link)"), (4, "H (retrieved)"), (5, "E (unit)"), (7, "B (fact)")} <= found
    messages = " ".join(message for _, _, message in rows)
    assert "a figure without a source cannot be published" in messages
    assert "Atlantis" in messages and "more than 100 percent" in messages
    assert "<script>alert(1)</script>" not in body  # shown escaped, never as markup
    change_set_id = _change_set_id(page)
    assert admin.post(f"/staff/changes/{change_set_id}/apply").status_code == 303
    assert db.session.get(ChangeSet, change_set_id).status is ChangeSetStatus.PREVIEW
    after = sorted((f.district_id, f.fact, f.period, f.value)
                   for f in db.session.scalars(select(DistrictFact)))
    assert after == before


@pytest.mark.parametrize("content, message", [
    ("", "The file is empty."),
    ("district,fact\nal-circuit-6,x\n", "has no “period” column"),
    (HEADER, "a header row but no figures"),
    ("%PDF-1.4 not a spreadsheet", "is a PDF"),
])
def test_files_that_are_not_figures_files(admin, content, message):
    """An empty, header-only, column-less or non-spreadsheet file: a plain message, no 500."""
    response = admin.post("/staff/figures/import", data={
        "figures": (io.BytesIO(content.encode("utf-8")), "figures.csv")},
        content_type="multipart/form-data")
    if response.status_code == 303:
        response = admin.get(response.headers["Location"])
    assert response.status_code in (200, 422)
    assert message in response.get_data(as_text=True)


def test_the_import_command_checks_drafts_and_publishes(runner, db, tmp_path):
    """``flask staff import-figures``: a check saves nothing; --publish publishes."""
    path = tmp_path / "figures.csv"
    path.write_text(GOOD, encoding="utf-8")
    checked = runner.invoke(args=["staff", "import-figures", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "4 new figures" in checked.output and "Checked only" in checked.output
    assert db.session.scalar(select(DistrictFact).where(DistrictFact.fact == "Jail population")) \
        is None
    published = runner.invoke(args=["staff", "import-figures", str(path), "--publish"])
    assert published.exit_code == 0, published.output
    db.session.expire_all()
    assert db.session.scalar(select(DistrictFact.value).where(
        DistrictFact.fact == "Jail population", DistrictFact.period == "2021")) == 1204
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "al-circuit-6,X,2022,1,people,,https://e.org,2024-01-01,\n",
                   encoding="utf-8")
    refused = runner.invoke(args=["staff", "import-figures", str(bad), "--publish"])
    assert refused.exit_code != 0
    assert "row 2, column F (source)" in refused.output


# --- staff edits in the browser ------------------------------------------------------------

def test_editing_a_profile_goes_into_the_draft_and_publishes(admin, db):
    """The profile form saves into the editor's draft; publishing changes the public page;
    rolling back restores it."""
    _clear(db, CIRCUIT_13)
    assert "The office" not in admin.get("/districts/al-circuit-13").get_data(as_text=True)
    form = {"office_name": "Office of the District Attorney, 13th Circuit",
            "incumbent_name": "Test Person", "incumbent_party": "Independent",
            "in_office_since": "2017", "term_ends": "2029-01-15", "running_again": "no",
            "how_chosen": "Elected for six years.", "last_contested_year": "2010",
            "last_contested_result": "Won 55% to 45%.", "website": "https://da13.example.org",
            "contact": "(555) 010-0000",
            "policies": "Bail policy | https://da13.example.org/bail\nAnnual report",
            "headline_fact": ""}
    response = admin.post("/staff/profiles/al-circuit-13", data=form)
    assert response.status_code == 303
    assert "The office" not in admin.get("/districts/al-circuit-13").get_data(as_text=True)
    draft = db.session.scalar(select(ChangeSet).where(ChangeSet.status ==
                                                      ChangeSetStatus.DRAFT))
    assert [c["entity"] for c in draft.changes] == ["profile"]
    assert admin.post(f"/staff/changes/{draft.id}/publish").status_code == 303
    page = admin.get("/districts/al-circuit-13").get_data(as_text=True)
    assert "Test Person (Independent), in office since 2017" in page
    assert "No: the seat is open" in page
    assert '<a href="https://da13.example.org/bail" rel="noopener">Bail policy</a>' in page
    assert "<li>Annual report</li>" in page
    assert "Sample data.</strong> This profile" not in page
    admin.post(f"/staff/changes/{draft.id}/rollback")
    assert "Test Person" not in admin.get("/districts/al-circuit-13").get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("office_name", "", "This field is required"),
    ("website", "javascript:alert(1)", "Invalid URL"),
    ("in_office_since", "17", "A year"),
    ("policies", "Bail | not a link", "not a web address"),
    ("term_ends", "soon", "Not a valid date"),
])
def test_a_bad_profile_form_is_refused_with_its_reason(admin, db, field, value, message):
    """Each field's problem is shown beside it, with a 422, and no draft is made."""
    form = {"office_name": "Office", "running_again": "unknown", field: value}
    response = admin.post("/staff/profiles/al-circuit-13", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(ChangeSet).where(STAFF_WORK)) is None


def test_a_figure_is_added_in_the_browser_and_refused_without_a_source(admin, db):
    """The figure form: a figure without a source is refused; with one it goes into the
    draft and publishes."""
    form = {"fact": "Jail population", "period": "2023", "value": "300", "unit": "people",
            "source": "", "link": "https://e.org/jail", "retrieved": "2024-01-01"}
    response = admin.post("/staff/profiles/al-circuit-13/figures", data=form,
                          follow_redirects=True)
    assert "A figure without a source cannot be saved." in response.get_data(as_text=True)
    assert db.session.scalar(select(ChangeSet).where(STAFF_WORK)) is None
    form["source"] = "County report"
    admin.post("/staff/profiles/al-circuit-13/figures", data=form)
    draft = db.session.scalar(select(ChangeSet).where(STAFF_WORK))
    assert draft.changes[0]["key"] == [CIRCUIT_13, "Jail population", "2023"]
    admin.post(f"/staff/changes/{draft.id}/publish")
    assert "300 people" in admin.get("/districts/al-circuit-13").get_data(as_text=True)
    admin.post("/staff/profiles/al-circuit-13/figures", data={**form, "remove": "y"})
    db.session.expire_all()
    removal = db.session.scalar(select(ChangeSet).where(ChangeSet.status ==
                                                        ChangeSetStatus.DRAFT))
    assert removal.changes[0]["after"] is None


# --- the district page ---------------------------------------------------------------------

def test_the_district_page_without_a_profile_shows_the_race_only(client, db):
    """No profile and no figures: no office section, the race as before."""
    _clear(db, CIRCUIT_6)
    page = client.get("/districts/al-circuit-6").get_data(as_text=True)
    assert 'class="office"' not in page
    assert "Candidates" in page and "Unopposed" not in page


def test_the_uncontested_race_without_a_profile_says_unopposed(client, db):
    """One candidate: "Unopposed" and what it means, and the sole candidate's answers."""
    _clear(db, CIRCUIT_20)
    page = client.get("/districts/al-circuit-20").get_data(as_text=True)
    assert 'class="office"' not in page
    assert "<strong>Unopposed.</strong> Only one candidate is on the ballot" in page
    assert "What they told us" in page  # the questionnaire still matters


def test_the_district_page_shows_the_profile_above_the_race(client):
    """Contested and uncontested, the office comes first, labelled as sample data."""
    for slug, unopposed in (("al-circuit-6", False), ("al-circuit-20", True)):
        page = client.get(f"/districts/{slug}").get_data(as_text=True)
        assert page.index('class="office"') < page.index('class="race"')
        assert "Sample data.</strong> Invented, about no real office or person." in page
        assert "Holds the office now" in page and "Last contested election" in page
        assert ("<strong>Unopposed.</strong>" in page) is unopposed


def test_a_withdrawn_rival_leaves_the_race_unopposed(client, db):
    """Two candidates, one withdrawn: one name is on the ballot."""
    from voterguide.models import Candidate, District, Race

    race = db.session.scalar(select(Race).join(District).where(District.slug == "al-circuit-2"))
    names = sorted(race.candidates, key=lambda c: c.name)
    assert len(names) == 2
    assert "Unopposed" not in client.get("/districts/al-circuit-2").get_data(as_text=True)
    db.session.get(Candidate, names[0].id).withdrawn = True
    db.session.commit()
    assert "<strong>Unopposed.</strong>" in client.get("/districts/al-circuit-2").get_data(
        as_text=True)


def test_the_chart_has_a_data_table_with_every_period(client, db):
    """A figure over five years: an SVG (hidden from screen readers) with five bars, and a
    table with the same five periods and values, and its source line."""
    facts = list(db.session.scalars(select(DistrictFact).where(
        DistrictFact.district_id == CIRCUIT_6,
        DistrictFact.fact == "County jail population, average daily")
        .order_by(DistrictFact.period)))
    assert len(facts) == 5
    page = client.get("/districts/al-circuit-6").get_data(as_text=True)
    start = page.index('<h3 id="figure-1">County jail population, average daily</h3>')
    section = page[start:page.index("</section>", start)]
    svg = section[section.index("<svg"):section.index("</svg>")]
    assert 'aria-hidden="true"' in svg
    assert svg.count('<rect class="bar"') == 5
    heights = [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([\d.]+)"', svg)]
    tallest = max(range(5), key=lambda i: facts[i].value)
    assert heights.index(max(heights)) == tallest
    table = re.findall(r'<tr><th scope="row">(\d{4})</th><td>([^<]+)</td></tr>', section)
    assert table == [(f.period, f"{f.value:,.0f} people") for f in facts]
    assert "<caption>County jail population, average daily (" in section
    assert 'class="source">Source: <a href="https://example.org/sample/al-circuit-6/figures"' \
        in section


def test_a_single_period_figure_has_a_table_and_no_chart(client):
    """One period is a table row, not a chart of one bar."""
    page = client.get("/districts/al-circuit-6").get_data(as_text=True)
    start = page.index("People sent to state prison")
    section = page[start:page.index("</section>", start)]
    assert "<svg" not in section and '<th scope="row">2023</th>' in section


# --- open data and the API -----------------------------------------------------------------

def test_guide_json_holds_the_profiles_and_figures(client, db):
    """Every district's published profile and figures, in the serializers' vocabulary."""
    data = client.get("/data/guide.json").get_json()
    districts = {d["id"]: d for d in data["districts"]}
    assert len(districts) == 42
    record = districts[CIRCUIT_20]
    assert record["profile"]["incumbent_name"] == "Gregory Hollis"
    assert record["profile"]["sample"] is True
    assert record["profile"]["running_again"] is True
    assert {f["fact"] for f in record["figures"]} == {
        "County jail population, average daily",
        "Share of the jail population held awaiting trial",
        "People sent to state prison from the circuit's counties"}
    figure = record["figures"][0]
    assert set(figure) == {"fact", "period", "value", "unit", "counties", "source_name",
                           "source_url", "retrieved_on", "caveat", "sample"}
    assert data["races"]  # the races are still there


def test_the_api_district_response_has_the_profile_and_figures(client):
    """The district's API answer carries the same profile and figures."""
    data = client.get("/api/v1/districts/al-circuit-20").get_json()
    assert data["profile"]["office_name"].startswith("Office of the District Attorney")
    assert len(data["figures"]) == 11
    json_figures = [d for d in client.get("/data/guide.json").get_json()["districts"]
                    if d["id"] == CIRCUIT_20][0]["figures"]
    assert data["figures"] == json_figures


def test_the_figures_csv_loads_back_as_it_is(admin, db):
    """The open data's figures CSV, imported by staff, changes nothing: the same columns and
    the same values (sample figures aside, which the import marks as staff's own)."""
    db.session.execute(delete(DistrictFact).where(DistrictFact.is_sample.is_(True)))
    db.session.commit()
    first = _change_set_id(_import(admin, GOOD))
    admin.post(f"/staff/changes/{first}/apply")
    admin.post(f"/staff/changes/{first}/publish")
    exported = admin.get("/data/figures.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    text_body = exported.get_data(as_text=True)  # as downloaded: with the byte-order mark
    assert text_body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text_body.removeprefix("\ufeff"))))
    assert len(rows) == 4
    assert rows[0]["district"].startswith("ocd-division/")
    page = _import(admin, text_body, "exported.csv")
    body = page.get_data(as_text=True)
    assert "0 new figures, 0 changed figures, 4 figures unchanged" in body
    assert "Problems" not in body


def test_a_figures_csv_cell_never_runs_as_a_formula(admin, db):
    """A source name starting with = is written with an apostrophe."""
    hostile = HEADER + ("al-circuit-6,Jail,2022,5,people,\"=HYPERLINK(\"\"x\"\")\","
                        "https://e.org/a,2024-01-01,\n")
    change_set_id = _change_set_id(_import(admin, hostile))
    admin.post(f"/staff/changes/{change_set_id}/apply")
    admin.post(f"/staff/changes/{change_set_id}/publish")
    rows = list(csv.DictReader(io.StringIO(admin.get("/data/figures.csv").data.decode(
        "utf-8-sig"))))
    assert [r["source"] for r in rows if r["fact"] == "Jail"] == ['\'=HYPERLINK("x")']


# --- outreach of an unopposed race ---------------------------------------------------------

def test_the_flyer_of_an_unopposed_race_shows_the_incumbent_and_a_figure(client):
    """Instead of an empty comparison: "Unopposed", who holds the office, one sourced figure."""
    page = client.get("/districts/al-circuit-20/flyer").get_data(as_text=True)
    assert "<strong>Unopposed.</strong>" in page
    assert "Gregory Hollis (Republican), in office since" in page
    assert re.search(r"County jail population, average daily, 2023: [\d,]+ people", page)
    assert "Source: Sample data" in page
    contested = client.get("/districts/al-circuit-6/flyer").get_data(as_text=True)
    assert "Unopposed" not in contested and "office-brief" not in contested


def test_the_pdf_flyer_of_an_unopposed_race(client):
    """The PDF says the same (its text, read back by pdftotext where installed)."""
    import shutil
    import subprocess

    response = client.get("/districts/al-circuit-20/flyer.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:  # poppler-utils: installed by `make test`
        pytest.fail("pdftotext is missing: run make test (it installs poppler-utils)")
    words = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                           check=True).stdout.decode()
    assert "Unopposed" in words and "Gregory Hollis" in words
    assert "County jail population" in words


def test_the_share_image_of_an_unopposed_race(client, app):
    """The card's lines name the sole candidate as unopposed and carry the headline figure."""
    from voterguide import queries
    from voterguide.guide.services import district_page
    from voterguide.outreach.services import district_card

    with app.test_request_context():
        card = district_card(district_page(queries.district_by_slug_or_id("al-circuit-20")))
        contested = district_card(district_page(queries.district_by_slug_or_id("al-circuit-6")))
    assert card.lines[1] == "Unopposed: Gregory Hollis (incumbent)"
    assert card.lines[2].startswith("County jail population, average daily, 2023: ")
    assert not any("Unopposed" in line for line in contested.lines)
    image = client.get("/share/districts/al-circuit-20.png")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert image.data != client.get("/share/districts/al-circuit-6.png").data


def test_the_embed_of_an_unopposed_race(client):
    """The embed says unopposed and shows who holds the office and one figure."""
    page = client.get("/embed/al-circuit-20").get_data(as_text=True)
    assert "<strong>Unopposed.</strong>" in page
    assert "Holds the office now: Gregory Hollis" in page
    assert "County jail population, average daily, 2023" in page


# --- the demo ------------------------------------------------------------------------------

def test_every_demo_district_has_a_sample_profile_and_figures(db):
    """Alabama's 42 districts (the state of the sample election), each with a sample profile
    and sourced sample figures; the demo's incumbents are its own fictional candidates."""
    from voterguide.models import Candidate, District, Race

    profiles_ = list(db.session.scalars(select(OfficeProfile)))
    assert len(profiles_) == len(list(db.session.scalars(
        select(District).where(District.state_code == "AL")))) == 42
    assert all(p.is_sample for p in profiles_)
    facts = list(db.session.scalars(select(DistrictFact)))
    assert all(f.is_sample and f.source_name.startswith("Sample data") and
               f.source_url.startswith("https://example.org/sample/") for f in facts)
    incumbents = {c.race.district_id: c.name for c in db.session.scalars(
        select(Candidate).join(Race).where(Candidate.incumbent.is_(True)))}
    for profile in profiles_:
        if profile.district_id in incumbents:
            assert profile.incumbent_name == incumbents[profile.district_id]
            assert profile.running_again is True
        else:
            assert profile.running_again is False


def test_loading_the_demo_profiles_twice_changes_nothing(db):
    """The loader is idempotent, and a staff figure beside the sample ones survives it."""
    db.session.add(_figure(fact="Staff's own figure"))
    db.session.commit()
    path = DATA_DIR / "al" / "demo-profiles.json"
    before = sorted((f.district_id, f.fact, f.period, f.value)
                    for f in db.session.scalars(select(DistrictFact)))
    load_demo_profiles(db.session, path)
    db.session.commit()
    after = sorted((f.district_id, f.fact, f.period, f.value)
                   for f in db.session.scalars(select(DistrictFact)))
    assert after == before
    assert json.loads(path.read_text(encoding="utf-8"))["sample"] is True


def test_the_demo_profiles_file_is_what_its_script_makes():
    """data/al/demo-profiles.json is derived by scripts/make_demo_profiles.py, unedited."""
    import importlib.util

    from .support import REPO

    spec = importlib.util.spec_from_file_location("make_demo_profiles",
                                                  REPO / "scripts" / "make_demo_profiles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made = json.dumps(module.build_profiles(), indent=1, ensure_ascii=False) + "\n"
    assert made == (REPO / "data" / "al" / "demo-profiles.json").read_text(encoding="utf-8")
