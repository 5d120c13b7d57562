"""The `workshop` frame of one person: every registered section, read for them
(per person, because some sections differ: who is done, hidden votes, private rounds)."""

from __future__ import annotations

from django.utils import timezone

from boards.workshop import features  # noqa: F401  (registers every section)
from boards.workshop.registry import SECTIONS
from boards.workshop.timer import epoch_ms


def state_for(board, viewer, now=None) -> dict:
    """`{now, <section>: …}` for `viewer` on `board`: `now` is the server's clock in epoch
    milliseconds, which pages use to count down in server time."""
    now = now or timezone.now()
    state = {"now": epoch_ms(now)}
    for name, reader in SECTIONS.items():
        state[name] = reader(board, viewer, now)
    return state
