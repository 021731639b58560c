"""Caches: the shared one (Redis) that may go away, and a per-process memo keyed by a version.

The cache may go away with Redis; pages and answers must not.

Rate-limit counters, cached pages and health probes live in the cache. While Redis is down this
backend logs and carries on as a cache that holds nothing (reads miss, writes are dropped), so the
site keeps answering, with rate limits open until Redis returns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ForgivingRedisCache(RedisCache):
    def _forgive(self, operation: str, default: Any, call, *args: Any, **kwargs: Any) -> Any:  # type: ignore[no-untyped-def]
        try:
            return call(*args, **kwargs)
        except UNAVAILABLE as exc:
            logger.warning("cache unavailable", extra={"operation": operation, "error": f"{type(exc).__name__}: {exc}"})
            return default

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._forgive("get", default, super().get, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = ..., version: int | None = None) -> None:  # type: ignore[override]
        kwargs = {} if timeout is ... else {"timeout": timeout}
        self._forgive("set", None, super().set, key, value, version=version, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = ..., version: int | None = None) -> bool:  # type: ignore[override]
        kwargs = {} if timeout is ... else {"timeout": timeout}
        return bool(self._forgive("add", False, super().add, key, value, version=version, **kwargs))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._forgive("delete", False, super().delete, key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._forgive("get_many", {}, super().get_many, keys, version)

    def set_many(self, data: Any, timeout: Any = ..., version: int | None = None) -> list[Any]:  # type: ignore[override]
        kwargs = {} if timeout is ... else {"timeout": timeout}
        return self._forgive("set_many", [], super().set_many, data, version=version, **kwargs)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._forgive("incr", delta, super().incr, key, delta, version)

    def touch(self, key: Any, timeout: Any = ..., version: int | None = None) -> bool:  # type: ignore[override]
        kwargs = {} if timeout is ... else {"timeout": timeout}
        return bool(self._forgive("touch", False, super().touch, key, version=version, **kwargs))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._forgive("has_key", False, super().has_key, key, version))


class VersionedMemo:
    """A value built once per process for each version of what it is built from.

    `get(version, build)` returns the value built for `version`, calling `build()` when this process
    has none yet. `build` returns `(value, version_it_saw)`: the value is kept under the version it
    was actually built from, which may be newer than the one asked for. Only the latest value is kept.
    The version itself must come from somewhere every process sees (a database row), so a change
    made by one process reaches all of them on their next request.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: Any = None
        self._value: Any = None

    def get(self, version: Any, build: Callable[[], tuple[Any, Any]]) -> Any:
        with self._lock:
            if version is not None and version == self._version:
                return self._value
        value, built_version = build()
        with self._lock:
            self._version, self._value = built_version, value
        return value

    def clear(self) -> None:
        with self._lock:
            self._version = self._value = None


# --- the catalog's version, for apps below the one that keeps it ---------------------------------
# The catalog token lives in the dashboard app (`apps.dashboard.catalog`), which sits above the roadmap
# in the layers; it registers its reader here at start-up so lower apps can key their own per-process
# memos by it without importing it. With no reader registered the version is None and memos rebuild on
# every call (correct, only slower).
_catalog_version_reader: Callable[[], Any] | None = None


def register_catalog_version(reader: Callable[[], Any]) -> None:
    global _catalog_version_reader
    _catalog_version_reader = reader


def catalog_version() -> Any:
    """The catalog's current version token (one query), or None when no app registered a reader."""
    return _catalog_version_reader() if _catalog_version_reader is not None else None
