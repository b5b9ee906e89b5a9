"""The Redis cache, degraded rather than broken when Redis cannot be reached.

Sign-in limits, cached list columns and counts live in the cache; an unreachable Redis used to
make every sign-in and the customer list answer 500. During an outage each call here behaves as
a cache that holds nothing and keeps nothing: reads miss, writes are dropped, `add` reports
success (so allauth's rate-limit lock does not wait) and the limits fail open until Redis is
back. Each process logs the outage at most once a minute.
"""

import logging
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("lumytic.cache")
OUTAGE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 60
_last_logged = 0.0


def _log_outage(error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning("Cache unreachable, serving without it: %s", error)


def _degrades(fallback):
    """Run the cache call; during an outage, log it and answer `fallback(*args, **kwargs)`."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except OUTAGE as error:
                _log_outage(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


class ResilientRedisCache(RedisCache):
    get = _degrades(_default)(RedisCache.get)
    get_many = _degrades(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _degrades(lambda *args, **kwargs: False)(RedisCache.has_key)
    set = _degrades(_nothing)(RedisCache.set)
    set_many = _degrades(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    add = _degrades(lambda *args, **kwargs: True)(RedisCache.add)
    touch = _degrades(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _degrades(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _degrades(_nothing)(RedisCache.delete_many)
    incr = _degrades(lambda key, delta=1, *args, **kwargs: delta)(RedisCache.incr)
    clear = _degrades(lambda *args, **kwargs: False)(RedisCache.clear)
