"""Building the configured chain of geocoders from settings.

``VOTERGUIDE_GEOCODER`` names providers in order of preference, e.g. ``census,nominatim,
offline``: the guide's own (``offline``, ``census``) or any geopy geocoder by its geopy name.
Each takes options from ``VOTERGUIDE_GEOCODER_<NAME>_<OPTION>`` variables: geopy's own
keyword arguments (``domain``, ``scheme``, ``api_key``, ``user_agent``, ...) plus ``timeout``,
``rate`` (requests per second across all workers), ``failures`` and ``cooldown``. Their
shared state is a file per provider, or Redis when ``VOTERGUIDE_REDIS_URL`` is set.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from geopy import exc as geopy_exc
from geopy.adapters import URLLibAdapter
from geopy.geocoders import get_geocoder_for_service

from .cache import GeocodeCache
from .census import CensusGeocoder
from .geocoding import PROVIDERS, Locator, Provider, provider
from .resilience import Limits, ProviderState, RedisProviderState

#: Providers whose public servers set a rate limit of their own (requests per second).
PUBLIC_RATE_LIMITS = {"nominatim": 1.0}
#: Options the guide reads itself; the rest go to the geopy geocoder.
OWN_OPTIONS = ("timeout", "rate", "failures", "cooldown", "max_wait")


@provider("census")
def build_census(settings: dict, options: dict) -> CensusGeocoder:
    """The US Census Bureau geocoder (benchmark and vintage are options)."""
    return CensusGeocoder(**options)


def build_locator(settings: dict) -> Locator:
    """The locator for the configured chain; a configuration error names what is wrong."""
    from . import offline  # noqa: F401  (registers the embedded provider)

    names = [n.strip().lower() for n in str(settings["GEOCODER"]).split(",") if n.strip()]
    if not names:
        raise ValueError("VOTERGUIDE_GEOCODER names no geocoder.")
    all_options = settings.get("GEOCODER_OPTIONS") or {}
    providers = [build_provider(name, settings, dict(all_options.get(name, {})))
                 for name in names]
    cache = None
    if any(p.online for p in providers) and float(settings["GEOCODE_CACHE_DAYS"]) > 0:
        cache = GeocodeCache(cache_secret(settings), float(settings["GEOCODE_CACHE_DAYS"]),
                             int(settings["GEOCODE_CACHE_SIZE"]))
    return Locator(providers, ",".join(names), cache=cache,
                   budget=float(settings["GEOCODING_BUDGET"]))


#: geopy's plain urllib adapter: one try per request. With ``requests`` installed geopy
#: would pick its adapter, which retries a 429 after its Retry-After (sleeping in the
#: request thread, past the lookup's budget); the chain's own rests handle failures.
NO_RETRIES = URLLibAdapter


def build_provider(name: str, settings: dict, options: dict) -> Provider:
    """One provider with its timeout, limits and shared state."""
    own = {k: options.pop(k) for k in OWN_OPTIONS if k in options}
    timeout = float(own.get("timeout", settings["GEOCODING_TIMEOUT"]))
    if name in PROVIDERS:
        factory, online = PROVIDERS[name]
        kwargs = {"timeout": timeout, "user_agent": settings["GEOCODING_USER_AGENT"],
                  "adapter_factory": NO_RETRIES, **options} if online else options
        geocoder = _construct(name, factory, settings, kwargs)
    else:
        try:
            service = get_geocoder_for_service(name)
        except geopy_exc.GeocoderNotFound as error:
            known = ", ".join(sorted(PROVIDERS))
            raise ValueError(f"Unknown geocoder {name!r}: use {known} or a geopy name."
                             ) from error
        online = True
        kwargs = {"timeout": timeout, "user_agent": settings["GEOCODING_USER_AGENT"],
                  "adapter_factory": NO_RETRIES, **options}
        geocoder = _construct(name, lambda s, o: service(**o), settings, kwargs)
    if not online:
        return Provider(name, geocoder, online=False)
    limits = Limits(rate=float(own.get("rate", _public_rate(name, options))),
                    max_wait=float(own.get("max_wait", 1.0)),
                    failures=int(own.get("failures", settings["GEOCODING_FAILURES"])),
                    cooldown=float(own.get("cooldown", settings["GEOCODING_COOLDOWN"])))
    state: ProviderState | RedisProviderState
    if settings.get("REDIS_URL"):
        state = RedisProviderState(redis_client(str(settings["REDIS_URL"])), name, limits)
    else:
        state = ProviderState(Path(str(settings["GEOCODING_STATE_DIR"])), name, limits)
    return Provider(name, geocoder, timeout=timeout, online=True, state=state)


def redis_client(url: str):
    """A client of the shared Redis server (it connects on first use)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)


def _construct(name: str, factory, settings: dict, kwargs: dict):
    """Build a geocoder, turning bad options into a clear configuration error."""
    try:
        return factory(settings, kwargs)
    except (TypeError, geopy_exc.ConfigurationError) as error:
        raise ValueError(f"Geocoder {name!r} cannot be built with options "
                         f"{sorted(kwargs)}: {error}") from error


def _public_rate(name: str, options: dict) -> float:
    """The public server's own limit, unless a server of our own is configured."""
    return 0.0 if options.get("domain") else PUBLIC_RATE_LIMITS.get(name, 0.0)


def cache_secret(settings: dict) -> str:
    """The key the cache hashes addresses with: set, or derived from the secret key."""
    if settings.get("GEOCODE_CACHE_KEY"):
        return str(settings["GEOCODE_CACHE_KEY"])
    return hmac.new(str(settings["SECRET_KEY"]).encode(), b"geocode-cache",
                    hashlib.sha256).hexdigest()
