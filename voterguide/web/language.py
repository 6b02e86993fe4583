"""The language of a page is in its address, never in a cookie or a header.

English pages live at their plain paths; each other language's twin lives under its
prefix (``/es/districts/<slug>``). A small WSGI middleware takes the prefix off the path
and adds it to ``SCRIPT_NAME``, so the views stay single and every ``url_for`` made on a
Spanish page (links, forms, QR codes, flyers, the embed) stays Spanish by itself. Flask-Babel
reads the language the middleware found. ``?lang=es`` redirects to the prefixed address.

``Accept-Language`` chooses the first page only: the bare home page ``/``, opened from
outside the guide (typed, bookmarked, a QR code, another site's link: no ``Referer`` of this
site), redirects a browser that prefers Spanish to ``/es/``. Every other page, and the home
page reached by the guide's own links (the language switch's "English" among them), never
negotiates, so a reader who chose English keeps it, with no cookie. The home page's answers
say so (``Vary: Accept-Language, Referer``), and a shared cache (nginx, with deploy/nginx.conf)
keeps them apart by those headers. Every other page stays the same for every visitor,
cacheable with no ``Vary``.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, redirect, request
from flask_babel import Babel, refresh

from .rules import rules_of

#: The guide's languages, the default first, with their names in their own language.
LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT = "en"
#: The pages whose query is part of what they show (the picker's districts, the flyer's
#: paper size): the language switch keeps it. Every other page is the same whatever its
#: query, and may be rendered once for everyone (caching.py): its switch names the path only.
#: A campaign code (``ref``) is never carried, so it is not spread beyond its own link.
KEEPS_QUERY = frozenset({"guide.choose", "outreach.flyer", "outreach.flyer_pdf"})
#: Where the middleware leaves the language, and the script root it found before it.
ENVIRON_KEY = "voterguide.language"
ROOT_KEY = "voterguide.root"

babel = Babel()


class LanguagePrefix:
    """WSGI middleware: ``/es/x`` becomes path ``/x`` under script root ``…/es``, language es."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        root = environ.get("SCRIPT_NAME", "")
        code, rest = split_path(environ.get("PATH_INFO", ""))
        environ[ROOT_KEY] = root
        environ[ENVIRON_KEY] = code
        if code != DEFAULT:
            environ["SCRIPT_NAME"] = root + "/" + code
            environ["PATH_INFO"] = rest
        return self.wsgi_app(environ, start_response)


def split_path(path: str) -> tuple[str, str]:
    """The language a path names by its prefix, and the path without it ("/es" → "/")."""
    for code in LANGUAGES:
        if code != DEFAULT and (path == "/" + code or path.startswith(f"/{code}/")):
            return code, path[len(code) + 1:] or "/"
    return DEFAULT, path


def prefix(code: str) -> str:
    """The path prefix of a language's pages ("" for English)."""
    return "" if code == DEFAULT else "/" + code


def current_language() -> str:
    """This request's language (English outside a request)."""
    try:
        return request.environ.get(ENVIRON_KEY, DEFAULT)
    except RuntimeError:
        return DEFAULT


def page_path(code: str, path: str | None = None) -> str:
    """A path of this site in another language: ``path`` as made by ``url_for`` on this
    request (default: this request's own path), under ``code``'s prefix instead."""
    root = request.environ.get(ROOT_KEY, "")
    if path is None and rules_of(request.endpoint).secret_url:
        path = request.script_root + "/"  # a secret address (a candidate's link) is never echoed
    own = request.path if path is None else path.removeprefix(request.script_root) or "/"
    return root + prefix(code) + own


def twin_url(code: str) -> str:
    """This page in language ``code``: the language switch's link (the query kept only
    where it is part of the page, never a campaign code). The English home page is
    ``/?lang=en``, which never negotiates: a reader who chose English stays there."""
    if request.endpoint not in KEEPS_QUERY:
        path = page_path(code)
        return path + "?lang=en" if code == DEFAULT and path == request.environ.get(
            ROOT_KEY, "") + "/" else path
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "ref"]
    return page_path(code) + (f"?{urlencode(kept)}" if kept else "")


def init_app(app: Flask) -> None:
    """Install the middleware, Flask-Babel and the ``?lang=`` redirect."""
    app.wsgi_app = LanguagePrefix(app.wsgi_app)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=current_language)
    app.before_request(refresh)  # the language is the request's, even in a shared app context
    app.before_request(redirect_lang_parameter)
    # Before every other hook (a 304 from web/freshness.py among them): the first page's
    # language is chosen before anything is answered.
    app.before_request_funcs.setdefault(None, []).insert(0, first_page_language)
    app.after_request(say_the_first_page_varies)
    app.add_template_global(LANGUAGES, "LANGUAGES")
    app.add_template_global(current_language)
    app.add_template_global(page_path, "language_path")
    app.add_template_global(twin_url)


def redirect_lang_parameter() -> Response | None:
    """``?lang=es`` (a link or an embed snippet written by hand) to the page's own address in
    that language; an unknown language is ignored."""
    code = request.args.get("lang")
    if code is None or request.method not in ("GET", "HEAD"):
        return None
    rest = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if code not in LANGUAGES:
        return None
    if code == DEFAULT == current_language() and request.path == "/" and not rest:
        return None  # the language switch's English home page: served, never negotiated
    target = page_path(code) + (f"?{urlencode(rest)}" if rest else "")
    return redirect(target, 301)


#: What the home page's answers depend on, when it may negotiate.
NEGOTIATED_BY = ("Accept-Language", "Referer")


def _negotiable() -> bool:
    """The bare English home page, asked for with GET or HEAD and no query at all."""
    return (request.method in ("GET", "HEAD") and request.path == "/"
            and current_language() == DEFAULT and not request.query_string)


def _from_this_site() -> bool:
    """The request follows a link of this site (its Referer names this Host)."""
    referrer = request.headers.get("Referer")
    return bool(referrer) and urlsplit(referrer).netloc.lower() == request.host.lower()


def preferred_language() -> str:
    """The guide's language the browser ranks highest ("es-ES" counts as "es"; a tie keeps
    the order the browser wrote), else the default."""
    for value, quality in request.accept_languages:  # best first
        code = value.lower().replace("_", "-").split("-")[0]
        if quality > 0 and code in LANGUAGES:
            return code
        if value == "*" and quality > 0:
            return DEFAULT
    return DEFAULT


def first_page_language() -> Response | None:
    """The home page opened from outside the guide, by a browser that prefers another of the
    guide's languages: a redirect to that language's home page."""
    if not _negotiable() or _from_this_site():
        return None
    best = preferred_language()
    if best == DEFAULT:
        return None
    response = redirect(page_path(best), 302)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def say_the_first_page_varies(response: Response) -> Response:
    """The negotiating home page's answers name what they depend on."""
    if _negotiable():
        for header in NEGOTIATED_BY:
            response.vary.add(header)
    return response
