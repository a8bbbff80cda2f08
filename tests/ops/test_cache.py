"""The Redis cache: a Redis that is down is bypassed, quickly, and pages keep working."""

import socket

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from ops.cache import ResilientRedisCache


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket closes


@pytest.fixture
def dead_cache() -> ResilientRedisCache:
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {"OPTIONS": options})


def test_get_from_a_dead_redis_is_a_miss(dead_cache):
    assert dead_cache.get("page", "missing") == "missing"


def test_set_on_a_dead_redis_does_not_raise(dead_cache):
    assert dead_cache.set("page", "html") is None


def test_after_one_failure_redis_is_skipped_without_asking_it(dead_cache, monkeypatch):
    dead_cache.get("first")
    asked = []
    monkeypatch.setattr(RedisCache, "get", lambda self, *args: asked.append(args))
    for _ in range(100):
        dead_cache.get("again")
    assert asked == []


def test_health_check_sees_a_dead_redis(dead_cache):
    assert dead_cache.is_available() is False


def redis_running() -> bool:
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_running(), reason="no Redis at 127.0.0.1:6379")
def test_live_redis_round_trips_a_value():
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "test-resilient"})
    cache.set("k", {"v": 1}, 10)
    assert cache.get("k") == {"v": 1}


@pytest.mark.skipif(not redis_running(), reason="no Redis at 127.0.0.1:6379")
def test_health_check_sees_a_live_redis():
    cache = ResilientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "test-resilient"})
    assert cache.is_available() is True
