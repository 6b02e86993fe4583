"""Keeping a provider polite and the guide up: a rate limit and a circuit breaker whose
state is shared by every worker process through a small locked file per provider.

One file per provider holds when the next request may start, how many calls failed in a
row, and until when the provider is skipped. ``fcntl.flock`` serialises the workers on one
machine; a deployment across machines should give each machine its own quota.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


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
