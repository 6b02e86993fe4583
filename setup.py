"""Packaging that pyproject.toml cannot say: ship the repository's top-level data/ folder
inside the package, as voterguide/data, so an installed guide finds its state files.

Everything else (name, dependencies, package data) is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["voterguide", "voterguide.*"]), "voterguide.data"],
    package_dir={"voterguide.data": "data"},
)
