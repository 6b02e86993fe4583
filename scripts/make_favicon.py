#!/usr/bin/env python3
"""Write voterguide/static/favicon.ico: the check mark of favicon.svg, drawn with Pillow at
16, 32 and 48 pixels for browsers that ask for /favicon.ico. Re-running it rewrites the
same file:

    .venv/bin/python scripts/make_favicon.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUTPUT = Path(__file__).resolve().parent.parent / "voterguide" / "static" / "favicon.ico"
ACCENT, WHITE = (11, 79, 138, 255), (255, 255, 255, 255)


def icon(size: int = 256) -> Image.Image:
    """The icon as favicon.svg draws it (a 32-unit square), at ``size`` pixels."""
    unit = size / 32
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=round(6 * unit), fill=ACCENT)
    points = [(8 * unit, 17 * unit), (13 * unit, 22 * unit), (24 * unit, 10 * unit)]
    draw.line(points, fill=WHITE, width=round(4 * unit), joint="curve")
    return image


def main() -> None:
    """Write the icon file."""
    icon().save(OUTPUT, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
