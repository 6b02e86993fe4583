"""Property tests (hypothesis) of the importer's cleaners and the address parser: any text a
spreadsheet cell or a voter may hold gives a clean value or a CleanError naming the
problem (never another exception), and what is clean is stable and within its limits."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from voterguide.geo import address
from voterguide.models import QuestionKind, ResponseStatus
from voterguide.staff import cleaners
from voterguide.staff.cleaners import CleanError

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
#: Any text: every Unicode category, control characters, long and short.
TEXT = st.text(max_size=600)
CELLS = st.one_of(TEXT, st.sampled_from(["", " ", "Yes", "no", "1", "5", "N/A", "\u00a0",
                                         "=cmd|'/c calc'!A0", "<script>", "\u202e", "🗳️",
                                         "x" * 30_000]))


def _cleans(function, value, *args):
    """The cleaner's result, or None when it refused with a CleanError (and a message)."""
    try:
        return function(value, *args)
    except CleanError as error:
        assert str(error), function.__name__
        return None


@FUZZ
@given(CELLS)
def test_names_are_one_line_and_short(value):
    name = _cleans(cleaners.clean_name, value)
    if name is not None:
        assert name and len(name) <= 200 and name == " ".join(name.split())
        assert cleaners.clean_name(name) == name


@FUZZ
@given(CELLS)
def test_parties_bios_and_explanations_keep_their_limits(value):
    party = _cleans(cleaners.clean_party, value)
    assert party is None or (0 < len(party) <= 100 and "\n" not in party)
    bio = _cleans(cleaners.clean_bio, value)
    assert bio is None or (len(bio) <= 10_000 and "\r\n" not in bio)
    explanation = _cleans(cleaners.clean_explanation, value)
    assert explanation is None or len(explanation) <= 20_000


@FUZZ
@given(CELLS)
@example("javascript:alert(1)")
@example("https://evil.example/\n<script>")
@example("data:image/png;base64,AAAA")
def test_urls_are_http_and_one_word(value):
    url = _cleans(cleaners.clean_url, value)
    if url is not None:
        assert url.lower().startswith(("http://", "https://")) and len(url) <= 500
        assert not any(c.isspace() for c in url)
        assert cleaners.clean_url(url) == url


@FUZZ
@given(CELLS)
def test_yes_no_statuses_dates_and_emails_are_from_their_vocabularies(value):
    assert _cleans(cleaners.clean_incumbent, value) in (True, False, None)
    assert _cleans(cleaners.clean_status, value) in (None, *ResponseStatus)
    date = _cleans(cleaners.clean_date, value)
    assert date is None or isinstance(date, dt.date)
    email = _cleans(cleaners.clean_email, value)
    assert email is None or (email == email.lower() and "@" in email and len(email) <= 254)


@FUZZ
@given(CELLS, st.sampled_from(list(QuestionKind)), st.one_of(st.none(), TEXT),
       st.one_of(st.none(), TEXT))
def test_choices_are_yes_no_or_one_to_five(value, kind, low, high):
    choice = _cleans(cleaners.clean_choice, value, kind, low, high)
    allowed = {QuestionKind.YES_NO: {"Yes", "No", None},
               QuestionKind.SCALE: {"1", "2", "3", "4", "5", None}}.get(kind, {None})
    assert choice in allowed


@FUZZ
@given(TEXT)
def test_normalising_is_idempotent(value):
    once = cleaners.normalise(value)
    assert cleaners.normalise(once) == once
    assert address.normalise(address.normalise(value)) == address.normalise(value)


@FUZZ
@given(st.one_of(TEXT, st.from_regex(r"\A\d{1,6} [A-Za-z ]{1,30}, [A-Za-z ]{1,20},? "
                                     r"[A-Z]{2} \d{5}(-\d{4})?\Z")))
@example("Tuscaloosa, AL 35401")
@example("Jefferson Co")
@example("-" * 200)
@example("35401" * 40)
def test_the_address_parser_never_fails_and_reads_only_what_is_there(value):
    parts = address.parse(value)
    if parts.zip_code is not None:
        assert len(parts.zip_code) == 5 and parts.zip_code.isdigit()
        assert parts.zip_code in value
    for part in (parts.city, parts.state, parts.county):
        assert part is None or (part and len(part) <= len(value))


@FUZZ
@given(st.floats(-90, 90), st.floats(-180, 180))
def test_coordinates_read_back_as_typed(lat, lon):
    text = f"{lat:.5f}, {lon:.5f}"
    assert address.coordinates(text) == pytest.approx((round(lat, 5), round(lon, 5)))


@FUZZ
@given(TEXT)
def test_coordinates_are_in_range_or_none(value):
    found = address.coordinates(value)
    assert found is None or (-90 <= found[0] <= 90 and -180 <= found[1] <= 180)
