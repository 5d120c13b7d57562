"""The Redis channel layer, with a connection pool that waits instead of failing, and
a backup-queue cleaner that cannot leave an unretrieved task error behind.

channels_redis builds a `redis.asyncio.ConnectionPool`, which raises
`MaxConnectionsError: Too many connections` as soon as more calls are in flight than it
has connections (100 by default): a few hundred sockets connecting or closing at once
(each adding itself to, or leaving, its groups) did exactly that, and the sockets whose
calls failed ended or stayed listed as present elsewhere. A `BlockingConnectionPool`
makes such a burst queue for a free connection (up to `REDIS_POOL_TIMEOUT` seconds)
instead, with the same cap on connections to Redis (`REDIS_MAX_CONNECTIONS`).

After each message it receives, channels_redis fires a task that pops the message off
the channel's backup queue, and nothing awaits that task: when Redis resets the
connection meanwhile (300 sockets closing at once in the fault drill did), asyncio logs
"Task exception was never retrieved" with a traceback. The message was already handled;
the worst a failed cleanup does is let Redis deliver it once more, which the sync
protocol tolerates (a patch the client already has is skipped by its `rev`). So the
cleaner logs one warning instead.
"""

from __future__ import annotations

import logging

from channels_redis.core import RedisChannelLayer as _RedisChannelLayer
from redis.asyncio import BlockingConnectionPool
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class RedisChannelLayer(_RedisChannelLayer):
    def create_pool(self, index):
        host = dict(self.hosts[index])
        address = host.pop("address")
        return BlockingConnectionPool.from_url(address, **host)

    async def _clean_receive_backup(self, index, channel):
        try:
            await super()._clean_receive_backup(index, channel)
        except (RedisError, OSError) as error:
            logger.warning(
                "Could not clear a received message from its Redis backup queue "
                "(it may be delivered once more): %s",
                error,
            )
