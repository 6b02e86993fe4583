"""The request class: its largest accepted body comes from what its view declared."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Request, current_app
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from .rules import rules_of


class GuideRequest(Request):
    """A request whose size limit is the view's declared upload limit, else the app's 64 KB.

    Read when the body is parsed (by CSRF protection or a form), after the URL is matched.
    """

    @property
    def max_content_length(self) -> int | None:
        """The declared upload setting's value for upload views, else MAX_CONTENT_LENGTH."""
        setting = rules_of(self.url_rule.endpoint if self.url_rule else None).upload_setting
        if setting is not None:
            return int(current_app.config[setting])
        return current_app.config["MAX_CONTENT_LENGTH"]

    def _load_form_data(self) -> None:
        """Parse the form, refusing a URL-encoded one that is not UTF-8 (a 400 naming the
        problem): Werkzeug would keep such bytes percent-escaped ("Caf%E9"), and a name or
        an answer would be saved that way without a word."""
        if "form" not in self.__dict__ and self.mimetype == "application/x-www-form-urlencoded":
            body = self.get_data(cache=True)  # within max_content_length, kept for parsing
            try:
                unquote_to_bytes(body.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                raise BadRequest(_("This form was not sent as UTF-8 text, so it could not be "
                                   "read. Please send it again from the page.")) from None
        super()._load_form_data()

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        """The JSON body; nested too deeply to parse is refused as bad JSON (a 400, never a
        500), like any other malformed body."""
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("The JSON is nested too deeply.") from None
