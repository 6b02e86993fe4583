"""Rate limits only where a view declares one (the staff sign-in, the candidates' links).

Flask-Limiter hooks itself into every request: a check before it (for app-wide limits, which
the guide has none of) and, after it, the conditional deductions and the limit headers. The
guide's limits are all declared on views (``@limiter.limit``, ``limiter.shared_limit``),
whose decorators check them inside the view. So here the app-wide check goes, and the
after-request and teardown steps run only for a request whose view checked a limit: a
public page costs the limiter nothing.
"""

from __future__ import annotations

from flask import Flask, Response
from flask.globals import request_ctx
from flask_limiter import Limiter

#: Where Flask-Limiter keeps a request's state, on the request context, once a limit ran.
LIMITER_STATE = "_limiter_request_context"


def only_where_declared(app: Flask, limiter: Limiter) -> None:
    """Take the limiter's hooks off every request but those that checked a limit (call it
    right after ``limiter.init_app(app)``)."""
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        return  # app-wide limits need the check on every request
    check = limiter._check_request_limit
    app.before_request_funcs[None] = [hook for hook in app.before_request_funcs.get(None, [])
                                      if hook != check]
    after = [hook for hook in app.after_request_funcs.get(None, [])
             if getattr(hook, "func", None) is Limiter._Limiter__inject_headers]
    release = limiter._Limiter__release_context
    teardown = [hook for hook in app.teardown_request_funcs.get(None, []) if hook == release]
    if len(after) != 1 or len(teardown) != 1:
        return  # another Flask-Limiter release: leave its hooks as they are
    inject = after[0]
    app.after_request_funcs[None] = [
        _when_checked(inject) if hook is inject else hook for hook in
        app.after_request_funcs[None]]
    app.teardown_request_funcs[None] = [
        _when_checked(release) if hook == release else hook for hook in
        app.teardown_request_funcs[None]]


def _when_checked(hook):
    """A limiter hook that runs only when this request checked a limit."""

    def run(value: Response | BaseException | None):
        if hasattr(request_ctx._get_current_object(), LIMITER_STATE):
            return hook(value)
        return value

    return run
