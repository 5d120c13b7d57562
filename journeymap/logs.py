"""Log records with the request's context, and a JSON format for log collectors.

`LOG_FORMAT=json` (journeymap.settings) writes one JSON object a line: time, level,
logger, message, and request_id, user_id, board_id where known (journeymap.context),
plus the traceback of an exception. The plain format stays the default for development.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from journeymap import context

CONTEXT_FIELDS = ("request_id", "user_id", "board_id")


class ContextFilter(logging.Filter):
    """Adds the current request's (or socket's) context to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        values = context.current()
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, values[name])
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
