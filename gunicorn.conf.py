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
# at once. Uploads are bounded before they are read (voterguide/staff/reading.py).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
