"""The Redis channel layer, with a connection pool that waits instead of failing.

channels_redis builds a `redis.asyncio.ConnectionPool`, which raises
`MaxConnectionsError: Too many connections` as soon as more calls are in flight than it
has connections (100 by default): a few hundred sockets connecting or closing at once
(each adding itself to, or leaving, its groups) did exactly that, and the sockets whose
calls failed ended or stayed listed as present elsewhere. A `BlockingConnectionPool`
makes such a burst queue for a free connection (up to `REDIS_POOL_TIMEOUT` seconds)
instead, with the same cap on connections to Redis (`REDIS_MAX_CONNECTIONS`).
"""

from __future__ import annotations

from channels_redis.core import RedisChannelLayer as _RedisChannelLayer
from redis.asyncio import BlockingConnectionPool


class RedisChannelLayer(_RedisChannelLayer):
    def create_pool(self, index):
        host = dict(self.hosts[index])
        address = host.pop("address")
        return BlockingConnectionPool.from_url(address, **host)
