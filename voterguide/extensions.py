"""Unbound extension objects; the app factory binds them with init_app. Also the one typed
object the factory hangs on each app (``runtime()``): its locator, caches and district index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from .caching import PageCache
    from .geo.boundaries import BuiltIndex
    from .geo.geocoding import Locator
    from .outreach.images import ImageCache

#: Every constraint and index gets a predictable name, so that a migration can drop or
#: change it by name on any database (SQLite's batch mode needs names to find them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "%(constraint_name)s",  # as the models name them (and as create_all did)
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
#: Rendered pages, shared by every worker when the backend is (SimpleCache: per process).
cache = Cache()
#: Request rate limits (the staff sign-in); the address is held in memory, never stored.
limiter = Limiter(key_func=get_remote_address)


@dataclass
class Runtime:
    """What the factory builds once per app, typed: read it through ``runtime()``."""

    #: The geocoders, in order (tests put a fake in its place).
    locator: Locator
    #: Rendered public pages, keyed by the published guide's version.
    page_cache: PageCache
    #: Share images (link-card pictures) of this process.
    share_images: ImageCache
    #: This process's district index and the boundary version it was built from.
    district_index: BuiltIndex | None = None


def runtime(app: Flask | None = None) -> Runtime:
    """The running app's (or ``app``'s) runtime object."""
    return (app or current_app).extensions["voterguide"]
