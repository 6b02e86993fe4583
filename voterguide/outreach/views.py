"""Outreach pages and files: short links, share images, QR codes, flyers, calendar files and
the embeddable lookup; plus the response hook that counts campaign visits to the pages that
declare ``@public_page(count_visits=True)``."""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import queries
from ..extensions import csrf, db
from ..geo.geocoding import AddressNotFound, GeocoderUnavailable
from ..guide import services as guide
from ..guide.forms import AddressForm
from ..models import CampaignEvent
from ..web.rules import cacheable, frameable, public_page, rules_of
from . import campaigns, qr, services
from .calendar import calendar
from .links import NotAPublicPage, absolute_url, shared_page

blueprint = Blueprint("outreach", __name__)

#: How long browsers and link-card fetchers may keep share images and QR codes.
IMAGE_MAX_AGE = 3600


def _ref() -> str | None:
    """The valid campaign code of this request's ?ref=, if any."""
    return campaigns.clean_code(request.args.get("ref"))


def _campaign_args() -> dict[str, str]:
    """The valid ?ref= of this request, as url_for keyword arguments (or none)."""
    code = campaigns.clean_code(request.args.get("ref"))
    return {"ref": code} if code else {}


@blueprint.get("/d/<slug>")
def short_district(slug: str):
    """A short link to a district page (keeps a campaign code)."""
    district = queries.district_by_slug_or_id(slug) or abort(404)
    return redirect(url_for("guide.district", slug=district.slug, **_campaign_args()), 301)


@blueprint.get("/c/<slug>")
def short_candidate(slug: str):
    """A short link to a candidate page (keeps a campaign code)."""
    candidate = queries.candidate_by_slug(slug) or abort(404)
    return redirect(url_for("guide.candidate", slug=candidate.slug, **_campaign_args()), 301)


def _image_response(body: bytes, mimetype: str, etag: str,
                    max_age: int = IMAGE_MAX_AGE) -> Response:
    """An image answer that browsers, link-card fetchers and caches may keep (QR codes, which
    never change, for an hour); its ETag is made from what it shows."""
    response = Response(body, mimetype=mimetype)
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)


def _card_response(card) -> Response:
    """A share image answer, kept as long as a public page (it shows the published guide)."""
    return _image_response(services.image_cache().get_or_render(card), "image/png", card.key,
                           int(current_app.config["PUBLIC_MAX_AGE"]))


@blueprint.get("/share/districts/<slug>.png")
@cacheable
def district_image(slug: str):
    """A district's 1200×630 share image."""
    district = queries.district_by_slug_or_id(slug) or abort(404)
    return _card_response(services.district_card(guide.district_page(district)))


@blueprint.get("/share/candidates/<slug>.png")
@cacheable
def candidate_image(slug: str):
    """A candidate's 1200×630 share image."""
    candidate = queries.candidate_by_slug(slug) or abort(404)
    return _card_response(services.candidate_card(candidate))


@blueprint.get("/share/guide.png")
@cacheable
def site_image():
    """The share image of pages about no one district."""
    return _card_response(services.site_card())


def _qr_target() -> str:
    """The absolute address a QR code request names, or a 400 that says what is wrong."""
    try:
        page = shared_page(request.args.get("path", ""))
    except NotAPublicPage as error:
        abort(400, description=str(error))
    return absolute_url(page.path, _ref())


@blueprint.get("/qr.svg")
@cacheable
def qr_code_svg():
    """A QR code (SVG) for a page of this guide: ?path=/districts/<slug>[&ref=<code>]."""
    url = _qr_target()
    return _image_response(qr.qr_svg(url, title=f"QR code for {url}"), "image/svg+xml",
                           hashlib.sha256(url.encode()).hexdigest()[:32])


@blueprint.get("/qr.png")
@cacheable
def qr_code_png():
    """A QR code (PNG) for a page of this guide: ?path=/districts/<slug>[&ref=<code>]."""
    url = _qr_target()
    return _image_response(qr.qr_png(url), "image/png",
                           hashlib.sha256(url.encode()).hexdigest()[:32])


#: The height (CSS pixels) the share page suggests for the embed's frame: its tallest answer
#: (a district with four candidates, at the frame's 40rem width) fits, as a browser test checks.
EMBED_HEIGHT = 960

#: Paper sizes a flyer is laid out for.
FLYER_SIZES = {"letter": "Letter", "a4": "A4"}


def _flyer_size() -> str:
    """The ?size= of a flyer: letter (the default) or a4; anything else is a 400."""
    size = request.args.get("size", "letter").lower()
    if size not in FLYER_SIZES:
        abort(400, description="The flyer comes in two sizes: size=letter or size=a4.")
    return size


@blueprint.get("/districts/<slug>/flyer")
@cacheable
def flyer(slug: str):
    """A printable one-page flyer for a district: race, candidates, answers, QR code."""
    size = _flyer_size()
    district = queries.district_by_slug_or_id(slug) or abort(404)
    page = guide.district_page(district)
    ref = _ref()
    page_url = absolute_url(url_for("guide.district", slug=district.slug), ref)
    return render_template("outreach/flyer.html", page=page, size=size,
                           races=services.flyer_races(page), page_url=page_url,
                           qr_svg=qr.qr_svg_inline(page_url, f"QR code: {page_url}"),
                           home_url=absolute_url(url_for("guide.home")), ref=ref)


@blueprint.get("/districts/<slug>/flyer.pdf")
@cacheable
def flyer_pdf(slug: str):
    """The district's flyer as a one-page PDF download."""
    from .flyer_pdf import flyer_pdf as make_pdf

    size = _flyer_size()
    district = queries.district_by_slug_or_id(slug) or abort(404)
    page = guide.district_page(district)
    page_url = absolute_url(url_for("guide.district", slug=district.slug),
                            _ref())
    pdf = make_pdf(page, services.flyer_races(page), page_url,
                   absolute_url(url_for("guide.home")), FLYER_SIZES[size],
                   current_app.config["ORGANISATION"])
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{district.slug}-flyer-{size}.pdf"')
    return response


@blueprint.get("/districts/<slug>/election.ics")
@cacheable
def election_calendar(slug: str):
    """Election day for the district's races, as an iCalendar file."""
    district = queries.district_by_slug_or_id(slug) or abort(404)
    events = services.calendar_events(guide.district_page(district))
    if not events:
        abort(404, description="No election has been added for this district yet.")
    body = calendar(events, current_app.config["ORGANISATION"], dt.datetime.now(dt.UTC))
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{district.slug}-election.ics"'
    return response


def _embed_form() -> AddressForm:
    """The embed's address form: without CSRF, see embed_lookup."""
    return AddressForm(meta={"csrf": False})


@blueprint.get("/embed")
@public_page(count_visits=True, frameable=True)
def embed():
    """The embeddable lookup: an address form that answers inside the partner's frame."""
    return render_template("outreach/embed.html", form=_embed_form(), ref=_ref())


@blueprint.get("/embed/<slug>")
@public_page(count_visits=True, frameable=True)
def embed_district(slug: str):
    """The embed set to one district: its races in brief, a link to the full page."""
    district = queries.district_by_slug_or_id(slug)
    if district is None:
        return render_template("outreach/embed.html", form=_embed_form(), ref=_ref(),
                               problem="We don't know that district. Type an address to find "
                               "the right one."), 404
    page = guide.district_page(district)
    return render_template("outreach/embed.html", form=_embed_form(), ref=_ref(), page=page,
                           office=services.office_summary(page))


@blueprint.post("/embed")
@frameable
@csrf.exempt
def embed_lookup():
    """Look up an address inside the embed.

    Exempt from CSRF on purpose: a partner's page frames this form, and browsers do not send
    our SameSite=Lax session cookie into a third-party frame, so a CSRF token could never be
    checked. The request changes nothing a forger could want: it stores nothing but a
    campaign count, and answers only to whoever sent it.
    """
    form = AddressForm(meta={"csrf": False})
    ref = campaigns.clean_code(request.form.get("ref"))
    context = {"form": form, "ref": ref}
    if not form.validate():
        return render_template("outreach/embed.html", **context), 422
    try:
        result = guide.look_up(form.address.data)
    except AddressNotFound as error:
        near = f" Did you mean {' or '.join(error.suggestions)}?" if error.suggestions else ""
        problem = ("We couldn't find that place. Please check the spelling, or try your ZIP "
                   "code or your city and state." + near)
        return render_template("outreach/embed.html", **context, problem=problem), 422
    except GeocoderUnavailable:
        return render_template("outreach/embed.html", **context,
                               problem="Our address service is not answering right now. "
                               "Please try again in a minute."), 503
    if not result.found:
        return render_template("outreach/embed.html", **context,
                               problem="That place is outside the area this guide covers."), 422
    campaigns.count_lookup(ref, result)
    if not result.match.ambiguous:
        return redirect(url_for(".embed_district", slug=result.choices[0].slug), 303)
    return render_template("outreach/embed.html", **context, choices=result.options(),
                           why=result.message(), state_names=result.state_names)


def count_visit(response: Response) -> Response:
    """After a page declared ``count_visits`` with a valid ?ref=, count a visit (outside any
    page cache; the request commits it)."""
    if (request.method != "GET" or response.status_code != 200
            or not rules_of(request.endpoint).count_visits):
        return response
    code = campaigns.clean_code(request.args.get("ref"))
    if code is not None:
        campaigns.count_softly(db.session, code, CampaignEvent.VISIT, _visited_district())
    return response


def _visited_district() -> str:
    """The slug of the district the requested page shows, or ""."""
    slug = (request.view_args or {}).get("slug", "")
    if request.endpoint == "guide.candidate":
        candidate = queries.candidate_by_slug(slug)
        return candidate.race.district.slug if candidate else ""
    if slug:
        district = queries.district_by_slug_or_id(slug)
        return district.slug if district else ""
    return ""


def register(app: Flask) -> None:
    """Mount the outreach pages and the visit counter."""
    app.register_blueprint(blueprint)
    app.add_template_global(absolute_url)
    app.add_template_global(EMBED_HEIGHT, "EMBED_HEIGHT")
    app.add_template_global(services.share_links)
    app.after_request(count_visit)
