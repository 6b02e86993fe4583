"""Share images: the 1200×630 PNG a chat or social site shows beside a pasted link.

Drawn with Pillow from the district map (geo.svgmap's projection) and the race's names,
kept in a small in-memory cache keyed by what they show, so an edit makes a new image.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..geo.svgmap import SvgMap

WIDTH, HEIGHT = 1200, 630
INK, MUTED, ACCENT, CONTEXT, PAPER = "#1b1b1b", "#4a4a4a", "#0b4f8a", "#d5dae2", "#ffffff"
WARN, WARN_EDGE, UNMAPPED = "#fff4d6", "#8a6d00", "#8fb3d6"
#: DejaVu Sans, shipped inside the package (voterguide/fonts, with its licence).
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"


@dataclass(frozen=True)
class Card:
    """What a share image shows: a kicker, a title, lines under it, a map, a sample flag."""

    kicker: str
    title: str
    lines: tuple[str, ...]
    map: SvgMap | None = None
    unmapped: bool = False
    sample: bool = False
    #: The sample flag's words, in the card's language.
    sample_label: str = "SAMPLE DATA: fictional candidates"
    footer: str = ""

    @property
    def key(self) -> str:
        """A digest of everything drawn: the cache key and the ETag."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:32]


@cache
def font(size: int, bold: bool = False) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """DejaVu Sans at a size (Pillow's built-in font only if the package lost its fonts)."""
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int, max_lines: int) -> list[str]:
    """Break text into at most max_lines lines that fit width, ending with … if cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=face) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;") + "…"
    while lines and draw.textlength(lines[-1], font=face) > width and len(lines[-1]) > 2:
        lines[-1] = lines[-1][:-2] + "…"
    return lines


def render(card: Card) -> bytes:
    """Draw a card as a 1200×630 PNG."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    text_right = 760 if card.map else WIDTH - 60
    if card.map:
        _draw_map(draw, card.map, (800, 60, 1140, 560), card.unmapped)
    y = 60
    if card.sample:
        label = card.sample_label
        face = font(30, bold=True)
        box = draw.textbbox((60, y), label, font=face)
        draw.rounded_rectangle((box[0] - 14, box[1] - 10, box[2] + 14, box[3] + 10), 8,
                               fill=WARN, outline=WARN_EDGE, width=3)
        draw.text((60, y), label, font=face, fill=INK)
        y = box[3] + 34
    draw.text((60, y), card.kicker, font=font(32), fill=MUTED)
    y += 52
    title_face = font(58, bold=True)
    for line in wrap(draw, card.title, title_face, text_right - 60, 3):
        draw.text((60, y), line, font=title_face, fill=INK)
        y += 70
    y += 16
    body = font(32)
    for text in card.lines:
        for line in wrap(draw, text, body, text_right - 60, 2):
            if y > HEIGHT - 130:
                break
            draw.text((60, y), line, font=body, fill=INK)
            y += 44
    if card.footer:
        draw.text((60, HEIGHT - 70), card.footer, font=font(28), fill=ACCENT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


_NUMBER = re.compile(r"-?[0-9.]+")


def _rings(path: str) -> list[list[tuple[float, float]]]:
    """The rings of an SVG path made by svgmap.path (M x yL x y…Z subpaths)."""
    rings = []
    for part in path.split("Z"):
        numbers = [float(n) for n in _NUMBER.findall(part)]
        if len(numbers) >= 6:
            rings.append(list(zip(numbers[0::2], numbers[1::2], strict=False)))
    return rings


def _draw_map(draw: ImageDraw.ImageDraw, svg: SvgMap, box: tuple[int, int, int, int],
              unmapped: bool) -> None:
    """Draw the state and the district, scaled to fit the box."""
    left, top, right, bottom = box
    scale = min((right - left) / svg.width, (bottom - top) / max(svg.height, 1e-9))
    dx = left + ((right - left) - svg.width * scale) / 2
    dy = top + ((bottom - top) - svg.height * scale) / 2

    def place(ring):
        return [(dx + x * scale, dy + y * scale) for x, y in ring]

    for ring in _rings(svg.context_path):
        draw.polygon(place(ring), fill=CONTEXT, outline=PAPER)
    for ring in _rings(svg.district_path):
        draw.polygon(place(ring), fill=UNMAPPED if unmapped else ACCENT,
                     outline=ACCENT if unmapped else None)


class ImageCache:
    """Rendered PNGs by card key, at most ``size`` of them (least recently used go first)."""

    def __init__(self, size: int):
        self.size = size
        self._images: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, card: Card) -> bytes:
        """The card's PNG, drawn once while it stays in the cache."""
        with self._lock:
            if card.key in self._images:
                self._images.move_to_end(card.key)
                return self._images[card.key]
        png = render(card)
        with self._lock:
            self._images[card.key] = png
            while len(self._images) > self.size:
                self._images.popitem(last=False)
        return png

    def __len__(self) -> int:
        return len(self._images)
