"""The API fuzzed from its own OpenAPI document (/api/v1/openapi.json): schemathesis
generates requests, valid and not, against the real gunicorn server; no answer may be a
server error, and every answer must match the document (status, content type, body)."""

from __future__ import annotations

import json
import urllib.request

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance


@pytest.fixture(scope="session")
def api_schema(server):
    """The document the running server serves."""
    return schemathesis.openapi.from_url(server + "/api/v1/openapi.json")


OPERATIONS = ["GET /lookup", "POST /lookup", "GET /districts/{district_id}"]


@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_never_errs_and_always_matches_its_document(api_schema, label):
    operations = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations[f"{operation.method.upper()} {operation.path}"] = operation
    assert set(operations) == set(OPERATIONS)  # every operation the document has is fuzzed
    operation = operations[label]

    @given(case=operation.as_strategy())
    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def call(case):
        # Every check but "a request the schema allows is accepted": OpenAPI 3.0 cannot say
        # "address, or lat and lon" (a request with neither is rightly a 400, documented).
        case.call_and_validate(excluded_checks=[positive_data_acceptance])

    call()


def test_the_document_is_served_and_names_this_site(server):
    with urllib.request.urlopen(server + "/api/v1/openapi.json") as response:
        document = json.load(response)
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": server + "/api/v1"}]
    assert set(document["paths"]) == {"/lookup", "/districts/{district_id}"}
