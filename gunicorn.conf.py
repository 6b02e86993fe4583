"""Production server settings: `gunicorn -c gunicorn.conf.py 'voterguide:create_app()'`.

The access log keeps the method, the path WITHOUT its query string, the status and the time
taken: never a query string (an API caller may put an address there) and never the
visitor's IP address. A candidate's private questionnaire link is logged without its token.
"""

import os
import re

from gunicorn.glogging import Logger

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads let a worker wait on an online geocoder while its other threads answer.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = os.environ.get("ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
loglevel = "warning"

#: The secret part of a candidate's questionnaire link.
SECRET_PATH = re.compile(r"^/questionnaire/[^/]+")


class GuideLogger(Logger):
    """The access log, with candidates' questionnaire tokens left out of the path."""

    def atoms(self, resp, req, environ, request_time):
        """gunicorn's log fields, the path's secret replaced."""
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = SECRET_PATH.sub("/questionnaire/<link>", atoms["U"])
        return atoms


logger_class = GuideLogger
# The last guard against a worker that grew (a costly upload refused too late, a leak): each
# worker is replaced after this many requests, at staggered times so they never all restart
# at once. Uploads are bounded before they are read (voterguide/staff/reading.py), and the
# memory per worker stays flat over an election-day load (benchmarks/election_day.py), so the
# number is high: a worker replaced every few seconds of a rush loses its warm caches (the
# district index, the rendered pages, the kept answers) and costs a restart each time.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
# The app is built once in the master and each worker forked from it (GUNICORN_PRELOAD=0:
# each worker builds its own): the workers share the district index's memory, and a worker
# replaced after max_requests answers at once instead of rebuilding the app first.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in ("0", "false", "no", "")


def post_fork(server, worker):
    """A forked worker opens its own database connections, never the master's."""
    app = getattr(server.app, "callable", None)  # the app the master built (preload_app)
    if "sqlalchemy" in getattr(app, "extensions", {}):  # the guide (not another Flask app)
        from voterguide.extensions import db

        with app.app_context():
            db.engine.dispose(close=False)
