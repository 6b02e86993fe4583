"""Keeping a provider polite and the guide up: a rate limit and a circuit breaker whose
state is shared by every worker process through a small locked file per provider.

One file per provider holds when the next request may start, how many calls failed in a
row, and until when the provider is skipped. ``fcntl.flock`` serialises the workers on one
machine. With ``VOTERGUIDE_REDIS_URL`` set, the same state lives in Redis instead
(``RedisProviderState``), shared by every machine: one quota and one rest for them all.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class ProviderSkipped(Exception):
    """The provider is resting after failures, or busy beyond our wait: ask the next one."""


@dataclass(frozen=True)
class Limits:
    """How a provider may be used."""

    rate: float = 0.0  # requests per second across all workers; 0 = no limit
    max_wait: float = 1.0  # longest a request waits for its slot before moving on
    failures: int = 3  # failures in a row that rest the provider
    cooldown: float = 60.0  # seconds a failing provider rests before it is tried again


class ProviderState:
    """A provider's shared rate-limit and failure state, in ``<directory>/<name>.json``."""

    def __init__(self, directory: Path, name: str, limits: Limits):
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{name}.json"
        self.limits = limits

    @contextmanager
    def _locked(self):
        """The state, read under an exclusive lock and written back when the block ends."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            try:
                text = file.read()
                try:
                    state = json.loads(text) if text else {}
                except ValueError:
                    state = {}
                yield state
                file.seek(0)
                file.truncate()
                file.write(json.dumps(state))
                file.flush()
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def reserve(self) -> float:
        """Take the next request slot; return how long to wait for it, or skip the provider."""
        now = time.time()
        with self._locked() as state:
            if state.get("resting_until", 0) > now:
                raise ProviderSkipped("resting after failures")
            if self.limits.rate <= 0:
                return 0.0
            slot = max(now, state.get("next_slot", 0.0))
            wait = slot - now
            if wait > self.limits.max_wait:
                raise ProviderSkipped("rate limit: no slot soon enough")
            state["next_slot"] = slot + 1.0 / self.limits.rate
            return wait

    def succeeded(self) -> None:
        """Reset the failure count."""
        with self._locked() as state:
            state["failures"] = 0

    def failed(self, retry_after: float | None = None) -> None:
        """Count a failure; rest the provider after too many, or as long as it asked."""
        now = time.time()
        with self._locked() as state:
            state["failures"] = state.get("failures", 0) + 1
            if retry_after:
                state["resting_until"] = now + float(retry_after)
            elif state["failures"] >= self.limits.failures:
                state["resting_until"] = now + self.limits.cooldown
                state["failures"] = 0

    def resting(self) -> bool:
        """True while the provider is skipped."""
        with self._locked() as state:
            return state.get("resting_until", 0) > time.time()


#: The shared state's operations, each one atomic in Redis (a script runs alone). Times come
#: from the caller, so every machine's clock counts as it does for the file.
_RESERVE = """
local now = tonumber(ARGV[1])
if tonumber(redis.call('HGET', KEYS[1], 'resting_until') or '0') > now then
  return {'resting', '0'}
end
local rate = tonumber(ARGV[2])
if rate <= 0 then return {'ok', '0'} end
local slot = math.max(now, tonumber(redis.call('HGET', KEYS[1], 'next_slot') or '0'))
if slot - now > tonumber(ARGV[3]) then return {'busy', '0'} end
redis.call('HSET', KEYS[1], 'next_slot', tostring(slot + 1 / rate))
return {'ok', tostring(slot - now)}
"""
_FAILED = """
local now = tonumber(ARGV[1])
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local retry_after = tonumber(ARGV[2])
if retry_after > 0 then
  redis.call('HSET', KEYS[1], 'resting_until', tostring(now + retry_after))
elseif failures >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'resting_until', tostring(now + tonumber(ARGV[4])),
             'failures', '0')
end
return failures
"""


class RedisProviderState:
    """The same state as ``ProviderState``, in a Redis hash that every machine shares
    (``VOTERGUIDE_REDIS_URL``): one rate limit and one rest for the whole deployment."""

    def __init__(self, client, name: str, limits: Limits):
        self.client, self.limits = client, limits
        self.key = f"voterguide:geocoder:{name}"
        self._reserve = client.register_script(_RESERVE)
        self._failed = client.register_script(_FAILED)

    def reserve(self) -> float:
        """Take the next request slot; return how long to wait for it, or skip the provider
        (also while Redis is out of reach: no machine may then overrun the quota)."""
        from redis import RedisError

        try:
            verdict, wait = self._reserve(keys=[self.key], args=[
                repr(time.time()), repr(self.limits.rate), repr(self.limits.max_wait)])
        except RedisError as error:
            log.warning("The geocoders' shared state is unavailable (%s): skipping %s.",
                        type(error).__name__, self.key)
            raise ProviderSkipped("shared state unavailable") from None
        verdict = verdict.decode() if isinstance(verdict, bytes) else verdict
        if verdict == "resting":
            raise ProviderSkipped("resting after failures")
        if verdict == "busy":
            raise ProviderSkipped("rate limit: no slot soon enough")
        return float(wait)

    def succeeded(self) -> None:
        """Reset the failure count (a Redis outage loses only this note)."""
        from redis import RedisError

        with contextlib.suppress(RedisError):
            self.client.hset(self.key, "failures", 0)

    def failed(self, retry_after: float | None = None) -> None:
        """Count a failure; rest the provider after too many, or as long as it asked."""
        from redis import RedisError

        with contextlib.suppress(RedisError):
            self._failed(keys=[self.key], args=[
                repr(time.time()), repr(float(retry_after or 0)), self.limits.failures,
                repr(self.limits.cooldown)])

    def resting(self) -> bool:
        """True while the provider is skipped."""
        resting_until = self.client.hget(self.key, "resting_until")
        return resting_until is not None and float(resting_until) > time.time()
