"""What the room keeps of a workshop on a board (boards.models imports this module at
its end, so the models belong to the `boards` app). Imports only Django: boards.models,
the lowest layer, imports it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Timer(models.Model):
    """The board's countdown, at most one. Running: `ends` is when it reaches zero (server
    time, so every page and a late joiner count to the same instant). Paused: `ends` is
    null and `left_ms` holds what was left. Stopped: no row."""

    board = models.OneToOneField(
        "boards.Board", on_delete=models.CASCADE, primary_key=True, related_name="timer"
    )
    seconds = models.PositiveIntegerField(_("length"))  # as started, plus extensions
    ends = models.DateTimeField(_("ends"), null=True, blank=True)
    left_ms = models.PositiveBigIntegerField(_("time left"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("timer")
        verbose_name_plural = _("timers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__isnull=True, left_ms__isnull=False)
                | models.Q(ends__isnull=False, left_ms__isnull=True),
                name="timer_running_or_paused",
            )
        ]

    def __str__(self) -> str:
        return f"{self.board_id} timer"


class DoneMark(models.Model):
    """Someone said "I'm done" with a step of the workshop. A mark counts only while the
    board is at that step: moving to another step starts everyone afresh."""

    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=16, blank=True)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("done mark")
        verbose_name_plural = _("done marks")
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="done_mark_one_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} done with {self.stage or '-'} on {self.board_id}"
