"""The OpenAPI 3.0 description of /api/v1, served at /api/v1/openapi.json.

Written by hand next to the views it describes; ``tests/test_fuzz_api.py`` has schemathesis
send generated requests against a real server and check that there is never a server error
and that every answer matches this document.
"""

from __future__ import annotations

from ..geo.districts import Reason

NULLABLE_NUMBER = {"type": "number", "nullable": True}
REASONS = [reason.value for reason in Reason]

ERROR = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message"], "additionalProperties": False,
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       # a place not found: close names of covered places, best first
                       "suggestions": {"type": "array", "items": {"type": "string"}}}}},
}

POSSIBLE_DISTRICT = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "name", "url", "office", "certain", "reason", "share", "relation"],
    "properties": {
        "id": {"type": "string"}, "name": {"type": "string"},
        "url": {"type": "string", "format": "uri"}, "office": {"type": "string"},
        "certain": {"type": "boolean"},
        "reason": {"type": "string", "enum": REASONS},
        "share": NULLABLE_NUMBER,
        "relation": {"type": "string", "enum": ["one_of", "also"]},
    },
}

LOOKUP = {
    "type": "object", "additionalProperties": False,
    "required": ["location", "districts", "outside", "ambiguous", "reason"],
    "properties": {
        "location": {"type": "object", "additionalProperties": False,
                     "required": ["lat", "lon", "precision"],
                     "properties": {"lat": NULLABLE_NUMBER, "lon": NULLABLE_NUMBER,
                                    "precision": {"type": "string"}}},
        "districts": {"type": "array", "items": POSSIBLE_DISTRICT},
        "outside": {"type": "object", "required": ["possible"],
                    "properties": {"possible": {"type": "boolean"}, "share": NULLABLE_NUMBER}},
        "ambiguous": {"type": "boolean"},
        "reason": {"type": "string", "enum": REASONS},
        "message": {"type": "string"},
    },
}

#: A record's texts in other languages, by language code: {"es": {"topic": "...", ...}}.
TRANSLATIONS = {"type": "object", "additionalProperties": {
    "type": "object", "additionalProperties": {"type": "string"}}}
CANDIDATE = {
    "type": "object",
    # "party" is left out for a nonpartisan office (docs/open-data.md)
    "required": ["slug", "name", "incumbent", "website", "photo_url", "bio",
                 "response_status", "withdrawn", "answers", "url"],
    "properties": {
        "slug": {"type": "string"}, "name": {"type": "string"},
        "party": {"type": "string", "nullable": True}, "incumbent": {"type": "boolean"},
        "website": {"type": "string", "nullable": True},
        "photo_url": {"type": "string", "nullable": True}, "bio": {"type": "string"},
        "bio_source": {"type": "string", "nullable": True, "enum": ["candidate", "staff", None]},
        "response_status": {"type": "string"}, "withdrawn": {"type": "boolean"},
        "statement": {"type": "string"},
        # the number of the election's stage at which the candidate was elected outright
        "elected_at_stage": {"type": "integer", "nullable": True},
        "url": {"type": "string", "format": "uri"},
        "answers": {"type": "array", "items": {
            "type": "object",
            "required": ["question_id", "question_number", "choice", "explanation",
                         "received_on"],
            "properties": {"question_id": {"type": "integer"},
                           "question_number": {"type": "integer"},
                           "choice": {"type": "string", "nullable": True},
                           "explanation": {"type": "string"},
                           "received_on": {"type": "string", "format": "date",
                                           "nullable": True}}}},
    },
}

DISTRICT = {
    "type": "object",
    "required": ["id", "slug", "name", "url", "state", "counties", "description", "sample",
                 "races"],
    "properties": {
        "id": {"type": "string"}, "slug": {"type": "string"}, "name": {"type": "string"},
        "url": {"type": "string", "format": "uri"}, "state": {"type": "string"},
        "counties": {"type": "array", "items": {
            "type": "object", "required": ["fips", "name"],
            "properties": {"fips": {"type": "string"}, "name": {"type": "string"}}}},
        "description": {"type": "string", "nullable": True},
        "sample": {"type": "boolean"},
        "profile": {"type": "object", "nullable": True},
        "figures": {"type": "array", "items": {"type": "object"}},
        "races": {"type": "array", "items": {
            "type": "object",
            "required": ["office", "election", "district", "questionnaire", "questions",
                         "candidates"],
            "properties": {
                "office": {"type": "string"},
                "partisan": {"type": "boolean"},
                "election": {"type": "object", "required": ["slug", "name", "date", "sample",
                                                            "translations"],
                             "properties": {"stages": {"type": "array", "items": {
                                 "type": "object", "required": ["number", "name", "date"],
                                 "properties": {"number": {"type": "integer"},
                                                "name": {"type": "string"},
                                                "date": {"type": "string",
                                                         "format": "date"}}}},
                                 "translations": TRANSLATIONS}},
                "district": {"type": "object", "required": ["id", "slug", "name"]},
                "questionnaire": {"type": "string", "nullable": True},
                "questions": {"type": "array", "items": {
                    "type": "object",
                    "required": ["id", "number", "topic", "text", "kind", "translations"],
                    "properties": {"id": {"type": "integer"}, "number": {"type": "integer"},
                                   "topic": {"type": "string"}, "text": {"type": "string"},
                                   "kind": {"type": "string",
                                            "enum": ["yes_no", "scale", "text"]},
                                   "scale_low": {"type": "string", "nullable": True},
                                   "scale_high": {"type": "string", "nullable": True},
                                   "translations": TRANSLATIONS}}},
                "candidates": {"type": "array", "items": CANDIDATE}}}},
    },
}


def _errors(*statuses: int) -> dict:
    return {str(status): {"description": description,
                          "content": {"application/json": {"schema": {"$ref":
                                                                      "#/components/schemas/Error"}}}}
            for status, description in ((400, "Bad or missing parameters"),
                                        (404, "No such district"),
                                        (405, "Method not allowed"),
                                        (413, "The body is larger than 64 KB"),
                                        (415, "Not JSON"),
                                        (422, "No place found for the address"),
                                        (429, "Too many requests"),
                                        (503, "Every geocoder is down"))
            if status in statuses}


def _ok(schema: str, description: str) -> dict:
    return {"200": {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}}


LOOKUP_PARAMETERS = [
    {"name": "address", "in": "query", "required": False,
     "description": "An address, ZIP code, town or county (POST it instead to keep it out "
                    "of URLs and logs).", "schema": {"type": "string", "maxLength": 2000}},
    {"name": "lat", "in": "query", "required": False, "schema": {"type": "number"}},
    {"name": "lon", "in": "query", "required": False, "schema": {"type": "number"}},
]


def document(server_url: str) -> dict:
    """The OpenAPI document, its server being this site."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "voterguide API", "version": "1",
                 "description": "Which district attorney races a place votes in, and the "
                                "races' candidates and answers. Errors are "
                                "{\"error\": {\"code\", \"message\"}}, and a place not "
                                "found has \"suggestions\"."},
        "servers": [{"url": server_url + "/api/v1"}],
        "paths": {
            "/lookup": {
                "get": {"summary": "The districts of an address or a point",
                        "operationId": "lookupGet", "parameters": LOOKUP_PARAMETERS,
                        "responses": {**_ok("Lookup", "The districts, with certainty"),
                                      **_errors(400, 422, 503)}},
                "post": {"summary": "The same, the address in a JSON body",
                         "operationId": "lookupPost",
                         "requestBody": {"required": True, "content": {"application/json": {
                             "schema": {"type": "object", "properties": {
                                 "address": {"type": "string"}, "lat": {"type": "number"},
                                 "lon": {"type": "number"}}}}}},
                         "responses": {**_ok("Lookup", "The districts, with certainty"),
                                       **_errors(400, 413, 422, 503)}},
            },
            "/districts/{district_id}": {
                "get": {"summary": "A district's races, candidates and answers",
                        "operationId": "district",
                        "parameters": [{"name": "district_id", "in": "path", "required": True,
                                        "description": "A district's id or slug",
                                        "schema": {"type": "string", "minLength": 1}}],
                        "responses": {**_ok("District", "The district"), **_errors(404)}},
            },
        },
        "components": {"schemas": {"Error": ERROR, "Lookup": LOOKUP, "District": DISTRICT}},
    }
