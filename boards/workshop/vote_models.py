"""What a dot vote keeps (boards.models imports this module at its end, so the models
belong to the `boards` app). Imports only Django: boards.models, the lowest layer,
imports it. The rules are boards.workshop.vote_rules."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

VOTES_MAX = 99  # dots one person may have in one vote
TITLE_MAX = 120


class VoteScope(models.TextChoices):
    ALL = "all", _("All cards")
    KIND = "kind", _("Cards of one kind")
    PHASE = "phase", _("Cards of one phase")
    SELECTION = "selection", _("Selected cards")


class VoteStatus(models.TextChoices):
    OPEN = "open", _("Voting")  # dots are placed; the counts are hidden
    REVEALED = "revealed", _("Revealed")  # counts shown to everyone; no more dots
    CLOSED = "closed", _("Closed")  # kept with the board, for exports and the record


class Vote(models.Model):
    """A dot vote on a board: a set of cards, fixed when it opens (`cards`, their ids),
    and how many dots each person has. At most one vote of a board is not closed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    board = models.ForeignKey("boards.Board", on_delete=models.CASCADE, related_name="votes")
    title = models.CharField(_("question"), max_length=TITLE_MAX, blank=True)
    scope = models.CharField(_("cards"), max_length=12, choices=VoteScope.choices)
    cards = models.JSONField(_("cards"), default=list)  # card ids, as text
    per_person = models.PositiveSmallIntegerField(_("votes per person"))
    per_card = models.PositiveSmallIntegerField(_("votes per card"))  # of one person
    anonymous = models.BooleanField(_("anonymous"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened = models.DateTimeField(_("opened"))
    revealed = models.DateTimeField(_("revealed"), null=True, blank=True)
    closed = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("dot vote")
        verbose_name_plural = _("dot votes")
        ordering = ["board", "opened"]
        constraints = [
            models.UniqueConstraint(
                fields=["board"],
                condition=~models.Q(status="closed"),
                name="vote_one_running_per_board",
            ),
            models.CheckConstraint(
                condition=models.Q(per_person__gte=1, per_person__lte=VOTES_MAX)
                & models.Q(per_card__gte=1)
                & models.Q(per_card__lte=models.F("per_person")),
                name="vote_allowance_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.id)


class Dot(models.Model):
    """How many dots one person put on one card in one vote (one row per person and card)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="dots")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey("boards.Card", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("vote dot")
        verbose_name_plural = _("vote dots")
        constraints = [
            models.UniqueConstraint(fields=["vote", "user", "card"], name="dot_one_row_per_card"),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="dot_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.count} on {self.card_id}"
