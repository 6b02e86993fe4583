"""What the browser tests share: a recorder of Content-Security-Policy violations."""

from __future__ import annotations

#: Records every Content-Security-Policy violation of a page, from before its first script
#: (install it with context.add_init_script).
RECORD_VIOLATIONS = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));"""


def csp_violations(page) -> list[str]:
    """The violations recorded on the page so far (the recorder must have run)."""
    found = page.evaluate("window.cspViolations")
    assert isinstance(found, list), f"{page.url}: the CSP recorder did not run"
    return found
