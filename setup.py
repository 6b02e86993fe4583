"""Packaging that pyproject.toml cannot say: ship the repository's top-level data/ folder
inside the package, as voterguide/data, so an installed guide finds its state files; and
compile the translation catalogues (``voterguide/translations/*/LC_MESSAGES/*.po``, the
voters' domain "messages" and the staff pages' "staff") into the ``.mo`` files Flask-Babel
reads, so a wheel speaks every language it has.

Everything else (name, dependencies, package data) is in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path("voterguide") / "translations"


def compile_catalogues(source: Path, target: Path) -> None:
    """Write each catalogue's .mo beside where its .po goes under target."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as infile:
            catalogue = read_po(infile)
        with mo.open("wb") as outfile:
            write_mo(outfile, catalogue)


class BuildWithCatalogues(build_py):
    """build_py, then the compiled catalogues: into the build (a wheel) or, for an editable
    install, beside their sources."""

    def run(self):
        super().run()
        editable = getattr(self, "editable_mode", False)
        compile_catalogues(TRANSLATIONS, TRANSLATIONS if editable
                           else Path(self.build_lib) / TRANSLATIONS)


setup(
    packages=[*find_packages(include=["voterguide", "voterguide.*"]), "voterguide.data"],
    package_dir={"voterguide.data": "data"},
    cmdclass={"build_py": BuildWithCatalogues},
)
