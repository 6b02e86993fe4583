"""The staff side: sign-in, spreadsheet imports, drafts, publishing, edits and history.

The staff area: every /staff URL is one blueprint tree (this blueprint, its own pages in
views.py and editing.py, and the blueprints nested in it, such as the campaign report), so
its rules cover them all: sign-in required, admins only where a view says so, no caching,
no indexing (voterguide/web/access.py)."""

from flask import Blueprint

from ..web import access

blueprint = Blueprint("staff", __name__, url_prefix="/staff")
access.guard(blueprint, sign_in_endpoint="staff.login")
