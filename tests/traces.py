"""Where personal data must never be found: every key of the Redis the portal uses."""

from __future__ import annotations


def redis_contents() -> str:
    """Every key of the portal's Redis (broker queues, results, cache) with its value."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    parts = []
    for key in client.scan_iter("*"):
        kind = client.type(key).decode()
        if kind == "string":
            value = client.get(key)
        elif kind == "list":
            value = b"\n".join(client.lrange(key, 0, -1))
        elif kind == "hash":
            value = b"\n".join(k + b"=" + v for k, v in client.hgetall(key).items())
        elif kind == "set":
            value = b"\n".join(client.smembers(key))
        elif kind == "zset":
            value = b"\n".join(client.zrange(key, 0, -1))
        else:
            value = b""
        parts.append(key.decode(errors="replace") + " " + (value or b"").decode(errors="replace"))
    return "\n".join(parts)
