"""JSON API: look up an address or a point; read a district's races and answers, in the
same vocabulary as the open data (voterguide/serializers.py, docs/open-data.md).

Errors are ``{"error": {"code", "message"}}`` with a 4xx status (503 when the geocoder is
down). ``POST /api/v1/lookup`` with a JSON body keeps the address out of URLs and logs.
A lookup by a ZIP code or a place's name alone is answered from the process's kept answers
(answers.py) while the published guide is unchanged; an address never is.
"""

from __future__ import annotations

import math

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from .. import content, queries, serializers
from ..extensions import db
from ..geo.districts import DistrictShape
from ..geo.geocoding import AddressNotFound, GeocoderUnavailable, Location, Precision
from ..guide import services
from ..guide.forms import AddressForm
from ..models import District
from ..web.errors import json_error
from ..web.hosts import absolute_url, site_url
from ..web.rules import cacheable
from ..web.snapshots import KEEP_HERE, kept_here
from .answers import kept_answers, place_query

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


class ApiError(Exception):
    """An error answered as JSON."""

    def __init__(self, status: int, code: str, message: str, **details):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        #: Further fields of the error object, e.g. ``suggestions``.
        self.details = details


@blueprint.errorhandler(ApiError)
def api_error(error: ApiError):
    """Answer an API error as JSON."""
    return jsonify(error={"code": error.code, "message": error.message,
                          **error.details}), error.status


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Answer HTTP errors (404, 405, 413, ...) under /api as JSON too."""
    return json_error(error)


@blueprint.route("/lookup", methods=["GET", "POST"])
def lookup():
    """The districts for an address, or for a latitude and longitude."""
    params = _lookup_params()
    kept = None
    if "address" in params:
        if any(k in params for k in ("lat", "lon")):
            raise ApiError(400, "conflicting_parameters",
                           "Give an address or lat and lon, not both.")
        kept = _kept_key(params["address"])
        if kept is not None:
            body = kept_answers().get(*kept)
            if body is not None:
                return _kept_here(_no_store(current_app.response_class(
                    body, mimetype="application/json")))
        location = _locate(params["address"])
    elif "lat" in params or "lon" in params:
        location = Location(_coordinate(params, "lat", 90), _coordinate(params, "lon", 180),
                            Precision.POINT)
    else:
        raise ApiError(400, "missing_parameters", "Give an address, or lat and lon.")
    result = services.place(location)
    match = result.match
    body = {
        "location": {"lat": _rounded(location.lat), "lon": _rounded(location.lon),
                     "precision": location.precision.value},
        "districts": [_possible(d, p, "one_of") for d, p in zip(result.choices, match.choices,
                                                                 strict=True)]
        + [_possible(d, p, "also") for d, p in zip(result.also, match.also, strict=True)],
        "outside": ({"possible": True, "share": _share(match.outside_share)}
                    if match.outside and result.found else {"possible": not result.found}),
        "ambiguous": match.ambiguous,
        "reason": match.reason.value,
    }
    if not result.found:
        body["message"] = "That place is outside every district this guide covers."
    elif match.ambiguous:
        body["message"] = result.message()
    response = jsonify(body)
    if kept is not None:
        kept_answers().put(*kept, response.get_data())
        _kept_here(response)
    return _no_store(response)


def _kept_here(response):
    """A kept place query's answer, marked for the process's snapshots too (served again
    by its URL without Flask, web/snapshots.py) when its URL holds nothing but the query."""
    if kept_here(current_app, request.environ) and list(request.args.items(multi=True)) == [
            ("address", request.args.get("address"))]:
        response.headers[KEEP_HERE] = "1"
    return response


def _no_store(response):
    """A lookup's answer, which no cache may keep: a GET may carry an address in its query
    string, and a cache would keep it by its URL."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _kept_key(query: object) -> tuple[int, tuple[str, ...]] | None:
    """The version and key a place query's answer is kept under; None for an address (or
    anything the address form would refuse: it is then checked, and looked up, as ever)."""
    if not isinstance(query, str):
        return None
    text = " ".join(query.split())
    if not text.isprintable() or len(text) > current_app.config["ADDRESS_MAX_LENGTH"]:
        return None
    place = place_query(text, services.locator())
    if place is None:
        return None
    return (content.for_request(db.session).number,
            (place, site_url(), request.script_root, str(get_locale() or "")))


def _rounded(value: float | None) -> float | None:
    """A coordinate to five decimals (about a metre); None for a place without a point."""
    return None if value is None else round(value, 5)


def _share(value: float | None) -> float | None:
    """A share of the place's land, to four decimals; None when not known."""
    return None if value is None else round(value, 4)


def _possible(district: DistrictShape, possibility, relation: str) -> dict:
    """A district of a lookup: certain or not, why not, and how it relates to the others:
    ``one_of`` (the voter lives in one of these) or ``also`` (an office inside one of them
    whose race may be on the ballot too)."""
    return {**_district_summary(district), "office": district.office,
            "certain": possibility.certain, "reason": possibility.reason.value,
            "share": _share(possibility.share), "relation": relation}


def _lookup_params() -> dict[str, object]:
    """Parameters from the query string (GET) or a JSON object body (POST)."""
    if request.method in ("GET", "HEAD"):  # HEAD answers as GET, without the body
        return {k: v for k, v in request.args.items() if k in ("address", "lat", "lon")}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "Send a JSON object such as {\"address\": \"...\"}.")
    return {k: v for k, v in body.items() if k in ("address", "lat", "lon")}


def _locate(address: object) -> Location:
    """Validate an address as the form does, then geocode it."""
    if not isinstance(address, str):
        raise ApiError(400, "invalid_address", "The address must be text.")
    form = AddressForm(formdata=MultiDict({"address": address}), meta={"csrf": False})
    if not form.validate():
        raise ApiError(400, "invalid_address", form.address.errors[0])
    try:
        return services.locator().locate(form.address.data)
    except AddressNotFound as error:
        near = f" Did you mean {' or '.join(error.suggestions)}?" if error.suggestions else ""
        raise ApiError(422, "address_not_found", "We couldn't find that place. "
                       "Try a ZIP code, or a city and state." + near,
                       suggestions=list(error.suggestions)) from error
    except GeocoderUnavailable as error:
        raise ApiError(503, "geocoder_unavailable", str(error)) from error


def _coordinate(params: dict, name: str, limit: float) -> float:
    """A latitude or longitude within ±limit degrees."""
    raw = params.get(name)
    if raw is None:
        raise ApiError(400, "missing_parameters", "Give both lat and lon.")
    try:
        value = float(raw) if not isinstance(raw, bool) else math.nan
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or abs(value) > limit:
        raise ApiError(400, f"invalid_{name}",
                       f"{name} must be a number from -{limit:g} to {limit:g}.")
    return value


def _district_summary(district: District | DistrictShape) -> dict[str, str]:
    """A district's id, name and page address."""
    return {"id": district.id, "name": district.name,
            "url": absolute_url(url_for("guide.district", slug=district.slug))}


@blueprint.get("/districts/<path:district_id>")
@cacheable
def district(district_id: str):
    """A district's races, candidates and answers."""
    found = queries.district_by_slug_or_id(district_id)
    if found is None:
        raise ApiError(404, "unknown_district", "There is no district with that id.")
    page = services.district_page(found)
    return jsonify({
        **serializers.district(found),
        "url": absolute_url(url_for("guide.district", slug=found.slug)),
        "state": found.state_code,
        "counties": [{"fips": c.fips, "name": c.name} for c in found.counties],
        "description": found.description,
        "sample": page.is_sample,
        "races": [_race(view) for view in page.races],
        "profile": serializers.office_profile(page.office.profile if page.office else None),
        "figures": [serializers.figure(f) for s in (page.office.figures if page.office
                                                    else []) for f in s.facts],
    })


def _race(view: services.RaceView) -> dict:
    """A race as the open data has it, each candidate with the address of their page."""
    race = serializers.race(view.race, view.candidates)
    for candidate in race["candidates"]:
        candidate["url"] = absolute_url(url_for("guide.candidate", slug=candidate["slug"]))
    return race


@blueprint.get("/openapi.json")
def openapi():
    """This API's OpenAPI 3 description."""
    from ..web.hosts import site_url
    from .openapi import document

    return jsonify(document(site_url()))


def register(app) -> None:
    """Mount the API without CSRF (it changes nothing) and with JSON errors."""
    from ..extensions import csrf

    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)
