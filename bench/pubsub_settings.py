"""journeymap.settings with channels_redis' Redis pub/sub layer instead of the default one.

Used by `bench/live_sync.py --layer pubsub` to compare channel layers; not used by the app.
"""

from journeymap.settings import *  # noqa: F403
from journeymap.settings import CHANNEL_LAYERS, REDIS_URL

if REDIS_URL:
    CHANNEL_LAYERS["default"] = {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
