"""E-mails to people: one place that makes a subject safe to send.

Django refuses a subject with a line break (`BadHeaderError`, a 500 for whoever clicked),
and a name typed by someone else (an organisation's, a person's) reaches subjects. Names
are validated on the way in; this keeps an old row, or a name from a path that forgot,
from breaking the mail anyway.
"""

from __future__ import annotations

import unicodedata

from django.core.mail import send_mail


def one_line(text: str) -> str:
    """`text` with every control character and line break turned into a space, and runs
    of spaces folded into one."""
    cleaned = "".join(
        " " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char for char in str(text)
    )
    return " ".join(cleaned.split())


def send(*, subject: str, body: str, to: str) -> None:
    """Send one plain-text mail to one address, from DEFAULT_FROM_EMAIL."""
    send_mail(one_line(subject), body, None, [to])
