"""Copy the DejaVu Sans faces the share images and PDF flyers draw with into the package.

From Debian's ``fonts-dejavu-core`` (``apt-get install fonts-dejavu-core``), with its
licence (the Bitstream Vera licence, which allows redistribution; DejaVu's changes are in
the public domain) beside them, so a wheel draws the same text on any machine.

    python scripts/vendor_fonts.py

Re-runnable: the same Debian package gives the same files.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

SOURCE = Path("/usr/share/fonts/truetype/dejavu")
COPYRIGHT = Path("/usr/share/doc/fonts-dejavu-core/copyright")
TARGET = Path(__file__).resolve().parent.parent / "voterguide" / "fonts"
FACES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")


def licence_text() -> str:
    """The fonts' own stanza of Debian's copyright file (not the packaging's)."""
    stanza = COPYRIGHT.read_text(encoding="utf-8").split("\nFiles: debian/*")[0]
    return re.sub(r"^Format: .*\n", "", stanza) + "\n"


def main() -> None:
    """Copy the faces and write LICENSE.txt beside them."""
    TARGET.mkdir(exist_ok=True)
    for face in FACES:
        shutil.copyfile(SOURCE / face, TARGET / face)
    (TARGET / "LICENSE.txt").write_text(
        "DejaVu Sans, copied from Debian's fonts-dejavu-core by scripts/vendor_fonts.py.\n\n"
        + licence_text(), encoding="utf-8")


if __name__ == "__main__":
    main()
