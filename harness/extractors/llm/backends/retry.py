"""When and how long to wait before sending a failed request again.

A busy server answers 429 (too many requests) or 503, a restarting one
drops the connection: waiting and trying again usually works, while a 400
(a field the server refuses) will fail the same way every time. The waits
grow exponentially, so a struggling server gets air, and are jittered, so
the requests that failed together do not come back together. The jitter is
drawn from a seeded generator: two runs with the same seed wait the same
(given the same failures in the same order).

Everything here is a pure function of its inputs except ``Backoff``, which
holds the seeded generator behind a lock (several threads draw from it).
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

#: HTTP statuses worth another try: request timeout, too many requests, and the server's own errors.
RETRY_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))


@dataclass(frozen=True)
class RetryPolicy:
    #: Sends of one request in all (1: no retry).
    max_attempts: int = 4
    #: The wait before the second send; each later wait doubles it.
    backoff_seconds: float = 1.0
    #: No wait is longer; a Retry-After asking for more ends the retries.
    max_backoff_seconds: float = 60.0
    #: Seed of the jitter.
    seed: int = 0

    @classmethod
    def from_params(cls, params: Any, where: str) -> RetryPolicy:
        if not isinstance(params, dict):
            raise ValueError(f"{where}: expected a mapping, got {params!r}")
        known = {"max_attempts", "backoff_seconds", "max_backoff_seconds", "seed"}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values: dict[str, Any] = {}
        for key in ("max_attempts", "seed"):
            if key in params:
                value = params[key]
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"{where}.{key}: expected an integer, got {value!r}")
                values[key] = value
        for key in ("backoff_seconds", "max_backoff_seconds"):
            if key in params:
                value = params[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                    raise ValueError(f"{where}.{key}: expected a number of seconds >= 0, got {value!r}")
                values[key] = float(value)
        policy = cls(**values)
        if policy.max_attempts < 1:
            raise ValueError(f"{where}.max_attempts: must be at least 1, got {policy.max_attempts}")
        if policy.max_backoff_seconds < policy.backoff_seconds:
            raise ValueError(f"{where}.max_backoff_seconds: must be at least backoff_seconds ({policy.backoff_seconds})")
        return policy

    def ceiling(self, retry: int) -> float:
        """The longest wait before retry number ``retry`` (1 for the first retry)."""
        return min(self.max_backoff_seconds, self.backoff_seconds * 2 ** (retry - 1))


def jittered(ceiling: float, draw: float) -> float:
    """A wait between half the ceiling and the ceiling, ``draw`` in [0, 1) choosing where.

    Half is kept fixed so that a retry never comes at once; the other half is
    spread so that requests that failed together come back apart.
    """
    return ceiling / 2 + draw * ceiling / 2


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for: delta-seconds or an HTTP date; None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Backoff:
    """The waits of one backend: its policy and its seeded jitter, shared by its threads."""

    def __init__(self, policy: RetryPolicy):
        self.policy = policy
        self._random = random.Random(policy.seed)
        self._lock = threading.Lock()

    def wait_before(self, retry: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry number ``retry``; None when the server asks for longer
        than ``max_backoff_seconds`` (waiting that long would stall the run: give up instead)."""
        if retry_after is not None:
            return retry_after if retry_after <= self.policy.max_backoff_seconds else None
        with self._lock:
            draw = self._random.random()
        return jittered(self.policy.ceiling(retry), draw)
