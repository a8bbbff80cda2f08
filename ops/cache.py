"""A Redis cache that a Redis outage cannot take the site down with.

The cache only ever saves work, so when Redis does not answer we log it and carry on as if every key
were missing. After a failure each process skips Redis for a few seconds instead of paying the
connect timeout on every request; that breaker is per process on purpose (nothing to agree on
between servers: each finds out for itself that Redis is back).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("ops.cache")

RETRY_AFTER_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def _call(self, method: str, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except (RedisError, OSError) as error:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("cache unavailable, bypassing it for %ss: %s", RETRY_AFTER_SECONDS, error)
            return default

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def set(self, key, value, timeout=None, version=None):
        self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._call("add", False, key, value, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", False, key, timeout, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def clear(self):
        return self._call("clear", False)

    def is_available(self) -> bool:
        """For the health check: does Redis answer right now? (A key lookup through the documented cache API,
        past the breaker, so a failure shows instead of being taken for a miss.)"""
        try:
            super().has_key("ops:health-probe")
            return True
        except (RedisError, OSError):
            return False
