"""QR codes for page addresses, drawn by segno as SVG or PNG (no imaging library needed)."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup, escape


def qr_svg(url: str, title: str | None = None, scale: int = 4) -> bytes:
    """A QR code for url as a standalone SVG document."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="svg", scale=scale, border=4,
                                       title=title, svgclass="qr", lineclass=None)
    return out.getvalue()


def qr_svg_inline(url: str, label: str, scale: int = 4) -> Markup:
    """A QR code for url as a scalable <svg> image element, labelled, to put in a page."""
    svg = segno.make_qr(url, error="m").svg_inline(scale=scale, border=4, svgclass="qr",
                                                   lineclass=None, omitsize=True)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def qr_png(url: str, scale: int = 8) -> bytes:
    """A QR code for url as a PNG image."""
    out = io.BytesIO()
    segno.make_qr(url, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
