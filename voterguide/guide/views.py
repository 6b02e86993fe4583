"""Public pages: the address form, the picker, districts, candidates and explainers."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import queries
from ..caching import page_cache
from ..extensions import csrf
from ..geo.districts import Reason
from ..geo.geocoding import (
    AddressNotFound,
    GeocoderUnavailable,
    Location,
    Precision,
    Spot,
)
from ..outreach.campaigns import clean_code, count_lookup
from ..outreach.links import site_url
from ..presenters import and_list
from ..web.rules import cacheable, public_page
from . import services
from .forms import AddressForm, PositionForm
from .pages import candidate_html, district_html, race_html

blueprint = Blueprint("guide", __name__)

#: The most districts a picker link may name; more is not a real choice.
MAX_CHOICES = 12


@blueprint.get("/")
@public_page(count_visits=True)
def home():
    """The address form: the same page for every voter, so rendered once per page-cache
    period (one with a campaign code carries it in the form, and is rendered for it)."""
    ref = clean_code(request.args.get("ref"))

    def render() -> str:
        return render_template("guide/home.html", form=AddressForm(), position=PositionForm(),
                               ref=ref)

    return render() if ref else page_cache().get_or_render(("home", site_url()), render)


@blueprint.post("/")
@csrf.exempt
def look_up():
    """Find the voter's district; redirect to it or to a picker. The address is not kept."""
    form = AddressForm()
    ref = clean_code(request.form.get("ref"))  # a campaign code carried by the form, no cookie
    if not form.validate_on_submit():
        return render_template("guide/home.html", form=form, position=PositionForm(),
                               ref=ref), 422
    try:
        result = services.look_up(form.address.data)
    except AddressNotFound as error:
        return _form_problem(form, _("We couldn't find that place. Please check the "
                                     "spelling, or try your ZIP code or your city and state."),
                             422,
                             suggestions=error.suggestions)
    except GeocoderUnavailable:
        return _form_problem(form, _("Our address service is not answering right now. Please "
                                     "try again in a minute, or find your county in the list "
                                     "of districts."), 503)
    return _go_to_districts(form, result)


@blueprint.post("/locate")
@csrf.exempt
def locate():
    """Find the district of the browser's own position ("use my location")."""
    form = PositionForm()
    if not form.validate_on_submit():
        return _form_problem(AddressForm(formdata=None), _("We couldn't read your location. "
                                                           "Please type your address instead."),
                             422)
    spot = Spot(form.lat.data, form.lon.data, min(form.accuracy.data or 0.0, 50_000.0))
    location = Location(spot.lat, spot.lon, Precision.POINT, spots=(spot,))
    return _go_to_districts(AddressForm(formdata=None), services.place(location))


def _go_to_districts(form: AddressForm, result: services.LookupResult):
    """Redirect to the district, to a picker, or explain that the place is not covered.
    The picker's address holds district slugs, the counties the place touches (FIPS codes,
    when known) and a reason code, never the address."""
    if not result.found:
        return _form_problem(form, _("That place is outside the area this guide covers. This "
                                     "guide covers district attorney races in %(states)s.",
                                     states=_covered_states()), 422, outside=True)
    count_lookup(clean_code(request.form.get("ref")), result)
    if not result.match.ambiguous:
        return redirect(url_for(".district", slug=result.choices[0].slug), 303)
    return redirect(url_for(".choose", district=[d.slug for d in result.choices],
                            county=list(result.match.counties),
                            why=result.match.reason.value,
                            **({"outside": "1"} if result.match.outside else {})), 303)


def _form_problem(form: AddressForm, message: str, status: int, outside: bool = False,
                  suggestions: tuple[str, ...] = ()):
    """Re-show the form with a message about the lookup (not about the field), and the
    places whose names are close to the one typed."""
    return render_template("guide/home.html", form=form, position=PositionForm(),
                           problem=message, outside=outside, suggestions=suggestions,
                           ref=clean_code(request.form.get("ref"))), status


def _covered_states() -> str:
    """The covered states' names, joined for a sentence."""
    names = [s.name for s in queries.states()]
    return and_list(names) if names else _("no state yet")


@blueprint.get("/choose")
def choose():
    """The picker: the counties the voter may live in, and one sentence on why we ask."""
    slugs = request.args.getlist("district")
    if not slugs or len(slugs) > MAX_CHOICES:
        abort(404)
    try:
        reason = Reason(request.args.get("why", ""))
    except ValueError:
        reason = None
    counties = request.args.getlist("county")[:MAX_CHOICES * 4]
    picker = services.picker(slugs, reason, outside=request.args.get("outside") == "1",
                             counties=counties)
    if picker is None:
        abort(404)
    if picker.single is not None:
        return redirect(url_for(".district", slug=picker.single.slug), 303)
    return render_template("guide/choose.html", picker=picker)


@blueprint.get("/districts/")
@public_page(count_visits=True)
def districts():
    """Every district, by county, for voters who know their county."""
    states = [(state, [(county, queries.districts_of_county(county))
                       for county in queries.counties_with_districts(state)])
              for state in queries.states()]
    return render_template("guide/districts.html", states=states)


def _canonical(endpoint: str, **slugs: str):
    """A redirect to the lower-case address when a slug was typed in capitals (slugs are
    lower case), keeping a campaign code; None when the address is already canonical."""
    if all(value == value.lower() for value in slugs.values()):
        return None
    ref = clean_code(request.args.get("ref"))
    return redirect(url_for(endpoint, **{k: v.lower() for k, v in slugs.items()},
                            **({"ref": ref} if ref else {})), 301)


@blueprint.get("/districts/<slug>")
@public_page(count_visits=True)
def district(slug: str):
    """A district's races, candidates and their answers side by side."""
    return _canonical(".district", slug=slug) or page_cache().get_or_render(
        ("district", slug, site_url()), lambda: district_html(slug))


@blueprint.get("/districts/<slug>/")
@blueprint.get("/candidates/<slug>/", endpoint="candidate_slash")
def district_slash(slug: str):
    """A district (or candidate) address with a trailing slash: to the page itself."""
    endpoint = ".candidate" if request.endpoint.endswith("candidate_slash") else ".district"
    ref = clean_code(request.args.get("ref"))
    return redirect(url_for(endpoint, slug=slug.lower(), **({"ref": ref} if ref else {})), 301)


@blueprint.get("/districts/<slug>/<election>")
@public_page(count_visits=True)
def race(slug: str, election: str):
    """A district's races at one election: the permanent page of a race."""
    return _canonical(".race", slug=slug, election=election) or page_cache().get_or_render(
        ("race", slug, election, site_url()), lambda: race_html(slug, election))


@blueprint.get("/candidates/<slug>")
@public_page(count_visits=True)
def candidate(slug: str):
    """One candidate: details and every answer in full."""
    return _canonical(".candidate", slug=slug) or page_cache().get_or_render(
        ("candidate", slug, site_url()), lambda: candidate_html(slug))


@blueprint.get("/photos/<digest>.<extension>")
def photo(digest: str, extension: str):
    """A candidate photo uploaded by staff (re-encoded when uploaded), by its checksum."""
    from flask import Response

    from ..extensions import db
    from ..models import Photo

    found = db.session.get(Photo, digest)
    if found is None or extension != {"image/jpeg": "jpg", "image/png": "png"}[found.content_type]:
        abort(404)
    return Response(found.data, mimetype=found.content_type, headers={
        "Cache-Control": "public, max-age=31536000, immutable"})


@blueprint.get("/about")
@public_page(count_visits=True)
def about():
    """Who runs the guide and how it works: contact, corrections, how candidates were
    chosen and asked, what "did not respond" means, source code and licences."""
    return render_template("guide/about.html", questionnaires=queries.questionnaires_shown())


@blueprint.get("/share")
@public_page(count_visits=True)
def share():
    """For organisers: a district's link, QR code, flyers, the embed and campaign codes."""
    states = [(state, [d for d in queries.districts_of_state(state)])
              for state in queries.states()]
    return render_template("guide/share.html", states=states)


@blueprint.get("/favicon.ico")
def favicon():
    """The site's icon, where browsers look for it without being told."""
    from flask import current_app

    response = current_app.send_static_file("favicon.ico")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@blueprint.get("/sitemap.xml")
@cacheable
def sitemap():
    """Every public page for search engines, in each language: each address with its
    twins (``hreflang`` alternates), so a Spanish reader finds the Spanish page."""
    from flask import Response

    from ..web.language import LANGUAGES, page_path

    paths = [url_for(".home"), url_for(".districts"), url_for(".explainer"),
             url_for(".about"), url_for(".share")]
    for state in queries.states():
        paths += [url_for(".district", slug=d.slug) for d in queries.districts_of_state(state)]
    paths += [url_for(".candidate", slug=c.slug) for c in queries.candidates_shown()]
    body = render_template("guide/sitemap.xml", pages=[
        {code: site_url() + page_path(code, path) for code in LANGUAGES} for path in paths])
    return Response(body, mimetype="application/xml")


@blueprint.get("/what-a-district-attorney-does")
@public_page(count_visits=True)
def explainer():
    """What a district attorney decides and why the race matters."""
    return render_template("guide/explainer.html")
