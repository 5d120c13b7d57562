"""The tables of a board: the board, its phases, cards, arrows and links, and around them
templates, the op log, versions (snapshots) and share links.

Longer than the ~400 lines a module of this project gets, for a reason: an app's models
are one module in Django, they refer to one another, and each is short (fields and
constraints); what a card, arrow, link or phase means on the wire is boards/schema.py.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boards.frameworks import BOARD_FRAMEWORK_CHOICES, DEFAULT_FRAMEWORK, PHASE_COLOURS
from journeymap.models import Organisation, Role

TITLE_MAX = 120
TEMPLATE_NAME_MAX = 80
PHASE_NAME_MAX = 60
CARD_TEXT_MAX = 2000
ARROW_LABEL_MAX = 120
KPI_NAME_MAX = PHASE_NAME_MAX  # a card's `kpi` names one of its phase's KPIs
MIN_PHASES = 2
MAX_PHASES = 8
COORD_LIMIT = 1_000_000  # |x|, |y| in board units
COLUMN_WIDTH = 480  # phase i is the column i * 480 <= x < (i + 1) * 480 (docs/protocol.md)
SIZE_MIN, SIZE_MAX = 40, 2000  # w, h of a card
COLOUR_REGEX = r"^#[0-9a-fA-F]{6}$"


class Stage(models.TextChoices):
    """The step of the workshop a board is at (the steps in the order a workshop takes
    them, docs/protocol.md "stage"), so that everyone on it sees what the facilitator asks
    of them now."""

    NONE = "", _("No stage set")
    TOUCHPOINTS = "touchpoints", _("Map the touchpoints")
    ACTIVITIES = "activities", _("Current activities")
    MOVEMENT = "movement", _("Movement")
    GAPS = "gaps", _("Gap analysis")
    STRATEGY = "strategy", _("Strategy")


class Board(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="boards")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    framework = models.CharField(
        _("lifecycle framework"),
        max_length=32,
        choices=BOARD_FRAMEWORK_CHOICES,
        default=DEFAULT_FRAMEWORK,
    )
    # rev counts committed op batches; epoch changes when history is rewritten (a restore,
    # an import), telling clients that the op log no longer continues what they hold.
    rev = models.PositiveBigIntegerField(default=0)
    epoch = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(_("last edited"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    archived = models.BooleanField(_("archived"), default=False)
    stage = models.CharField(
        _("workshop stage"), max_length=16, choices=Stage.choices, blank=True, default=""
    )
    # Locked by a facilitator: nobody below facilitator changes any of its content
    # (boards.live.batch_lock). Set by the board.update op, so it is in the op log.
    locked = models.BooleanField(_("locked"), default=False)
    # While a private writing round runs (since when; null: none), the cards a participant
    # makes are theirs alone until the facilitator reveals them (boards/private.py).
    private_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["-updated"]
        indexes = [models.Index(fields=["organisation", "archived", "-updated"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="board_title_not_empty"),
            models.CheckConstraint(condition=models.Q(epoch__gte=1), name="board_epoch_positive"),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="board_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=PHASE_NAME_MAX)
    colour = models.CharField(_("colour"), max_length=7, default=PHASE_COLOURS[0])
    # [{"name": str, "value": float|None, "target": float|None, "unit": str,
    #   "readings": [{"date": "YYYY-MM-DD", "value": float, "note": str}] (oldest first)}]
    kpis = models.JSONField(_("KPIs"), default=list, blank=True)
    # Locked by a facilitator: the phase and its cards stay as they are for everyone else.
    locked = models.BooleanField(_("locked"), default=False)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["board", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="phase_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(colour__regex=COLOUR_REGEX), name="phase_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CardKind(models.TextChoices):
    TOUCHPOINT = "touchpoint", _("Touchpoint")
    ACTIVITY = "activity", _("Current activity")
    NOTE = "note", _("Note")
    OPPORTUNITY = "opportunity", _("Opportunity")


class Channel(models.TextChoices):
    NONE = "", _("No channel")
    EMAIL = "email", _("E-mail automation")
    DISPLAY = "display", _("Display retargeting")
    ONSITE = "onsite", _("On-site personalisation")
    SOCIAL = "social", _("Social media")
    SEARCH = "search", _("Search")
    CONTENT = "content", _("Content")
    EVENTS = "events", _("Events")
    LOYALTY = "loyalty", _("Loyalty programme")
    SUPPORT = "support", _("Customer support")
    DIRECT_MAIL = "direct_mail", _("Direct mail")
    PHONE = "phone", _("Phone")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    """How urgent an opportunity is, for the strategy step of the workshop."""

    NONE = "", _("No priority")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class PlanStatus(models.TextChoices):
    """Where an opportunity stands in the action plan, from an idea to done (the strategy
    step of the workshop: boards/plans.py). "" is an idea nobody has planned yet."""

    IDEA = "", _("Idea")
    PLANNED = "planned", _("Planned")
    DOING = "doing", _("Doing")
    DONE = "done", _("Done")


DUE_REGEX = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"  # an ISO date, or "" for none

KIND_COLOURS = {
    CardKind.TOUCHPOINT: "#fde68a",
    CardKind.ACTIVITY: "#a7f3d0",
    CardKind.NOTE: "#e5e7eb",
    CardKind.OPPORTUNITY: "#fbcfe8",
}


class Card(models.Model):
    # Client-generated, so a client can create a card and refer to it before the server
    # answers.
    id = models.UUIDField(primary_key=True)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="cards")
    kind = models.CharField(_("kind"), max_length=16, choices=CardKind.choices)
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    x = models.FloatField(default=0)
    y = models.FloatField(default=0)
    w = models.FloatField(default=180)
    h = models.FloatField(default=110)
    text = models.TextField(_("text"), max_length=CARD_TEXT_MAX, blank=True)
    colour = models.CharField(_("colour"), max_length=7, blank=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, blank=True, default=""
    )
    # Opportunity details (any kind may carry them, so a kind change loses nothing): who
    # takes it on, how urgent it is, and which KPI of its phase it aims to move.
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, blank=True, default=""
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kpi = models.CharField(_("KPI"), max_length=KPI_NAME_MAX, blank=True, default="")
    # The action plan: where an opportunity stands and when it is due (an ISO date, kept
    # as text so that the board state, the op log and the exports carry it as the wire
    # does).
    status = models.CharField(
        _("status"), max_length=8, choices=PlanStatus.choices, blank=True, default=""
    )
    due = models.CharField(_("due date"), max_length=10, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Locked by a facilitator: only a facilitator moves, edits or deletes it.
    locked = models.BooleanField(_("locked"), default=False)
    deleted = models.BooleanField(default=False)  # tombstone: edits of it are refused
    # Made in a private writing round and not revealed yet: only its author sees it
    # (boards/private.py). Only while its board's round runs.
    private = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        indexes = [models.Index(fields=["board", "deleted"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CardKind.values), name="card_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="card_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(priority__in=Priority.values), name="card_priority_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PlanStatus.values), name="card_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(due__regex=DUE_REGEX), name="card_due_date"),
            models.CheckConstraint(
                condition=models.Q(
                    w__gte=SIZE_MIN, w__lte=SIZE_MAX, h__gte=SIZE_MIN, h__lte=SIZE_MAX
                ),
                name="card_size_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    x__gte=-COORD_LIMIT, x__lte=COORD_LIMIT, y__gte=-COORD_LIMIT, y__lte=COORD_LIMIT
                ),
                name="card_position_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(colour="") | models.Q(colour__regex=COLOUR_REGEX),
                name="card_colour_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40] or str(self.get_kind_display())


class Direction(models.TextChoices):
    FORWARD = "forward", _("Forward")
    BACKWARD = "backward", _("Backward")
    SAME_PHASE = "same", _("Within a phase")


class Movement(models.TextChoices):
    """What a backward arrow means (its direction stays derived from its ends' phases):
    the method counts losses and the loops it aims for apart (boards/gaps.py). A forward
    or within-phase arrow keeps the default, which means nothing there."""

    FALL_BACK = "fall_back", _("Customers fall back (a loss)")
    RETURN = "return", _("Customers return to buy again")
    REACTIVATED = "reactivated", _("Customers are reactivated")


class Arrow(models.Model):
    id = models.UUIDField(primary_key=True)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="arrows")
    from_card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="arrows_out")
    to_card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="arrows_in")
    label = models.CharField(_("label"), max_length=ARROW_LABEL_MAX, blank=True)
    weight = models.FloatField(_("weight"), null=True, blank=True)
    movement = models.CharField(
        _("movement"), max_length=12, choices=Movement.choices, default=Movement.FALL_BACK
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deleted = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("arrow")
        verbose_name_plural = _("arrows")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_card=models.F("to_card")), name="arrow_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__isnull=True) | models.Q(weight__gte=0),
                name="arrow_weight_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.from_card_id} → {self.to_card_id}"


class CardLink(models.Model):
    """An activity or opportunity serving a touchpoint: the gap analysis counts a
    touchpoint as covered when a live activity links to it (boards/gaps.py).

    Unlike an arrow, a link means "this serves that", not "customers move from here to
    there", so it has a direction fixed by the kinds of its ends (boards.schema,
    LINK_SOURCE_KINDS and LINK_TARGET_KINDS) and no label or weight.
    """

    id = models.UUIDField(primary_key=True)  # client-generated, like cards and arrows
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="links_in")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deleted = models.BooleanField(default=False)  # tombstone, so undo can restore it
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        indexes = [models.Index(fields=["board", "deleted"])]
        constraints = [
            # One live link per pair; tombstones may repeat it (link, unlink, link again).
            models.UniqueConstraint(
                fields=["source", "target"],
                condition=models.Q(deleted=False),
                name="cardlink_unique_live_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="cardlink_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


def arrow_direction(from_position: int | None, to_position: int | None) -> Direction:
    """Forward when the arrow points to a later phase, backward to an earlier one."""
    if from_position is None or to_position is None or from_position == to_position:
        return Direction.SAME_PHASE
    return Direction.FORWARD if to_position > from_position else Direction.BACKWARD


class BoardTemplate(models.Model):
    """A board an organisation saved to start new boards from: its phases with their
    KPIs, its cards and its links, without the ids, authors and owners of the board it
    came from (boards.actions.template_create_from_board writes `content`).

    Arrows are left out: they record how this board's customers moved (measured
    weights), which a new board has to measure for itself.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="board_templates"
    )
    name = models.CharField(_("name"), max_length=TEMPLATE_NAME_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    # {"version": 1, "phases": [{name, colour, kpis}], "cards": [{kind, phase (index or
    # null), x, y, w, h, text, colour, channel, priority, kpi}], "links": [{from, to}]
    # (indexes into "cards")}
    content = models.JSONField()

    class Meta:
        verbose_name = _("board template")
        verbose_name_plural = _("board templates")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                name="boardtemplate_unique_name",
                violation_error_message=_(
                    "Your organisation has a template of that name already; choose another."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="boardtemplate_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OpLog(models.Model):
    """One committed batch of ops: the history a reconnecting client catches up from."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="oplog")
    rev = models.PositiveBigIntegerField()
    op_id = models.UUIDField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ops = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("op log entry")
        verbose_name_plural = _("op log")
        ordering = ["board", "rev"]
        constraints = [
            models.UniqueConstraint(fields=["board", "rev"], name="oplog_unique_rev"),
            models.UniqueConstraint(fields=["board", "op_id"], name="oplog_unique_op_id"),
        ]

    def __str__(self) -> str:
        return f"{self.board_id}@{self.rev}"


class SnapshotKind(models.TextChoices):
    MANUAL = "manual", _("Saved by hand")
    SESSION = "session", _("End of a session")
    BEFORE_RESTORE = "before_restore", _("Before a restore")


class Snapshot(models.Model):
    """A named version of a board: its whole state frozen at one revision, in the shape
    boards.selectors.board_state returns (docs/protocol.md, "Board state"), so exports,
    the gap analysis and a restore read it like the live board."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="snapshots")
    name = models.CharField(_("name"), max_length=TITLE_MAX)
    kind = models.CharField(
        _("kind"), max_length=16, choices=SnapshotKind.choices, default=SnapshotKind.MANUAL
    )
    rev = models.PositiveBigIntegerField(_("revision"))
    epoch = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    # Counted once when frozen, for the list of versions.
    card_count = models.PositiveIntegerField(default=0)
    arrow_count = models.PositiveIntegerField(default=0)
    state = models.JSONField()

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["board", "-created"]
        indexes = [models.Index(fields=["board", "kind", "-created"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="snapshot_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(kind__in=SnapshotKind.values), name="snapshot_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} @{self.rev}"


GUEST_ROLE_CHOICES = [
    (Role.VIEWER.value, _("view the board")),
    (Role.EDITOR.value, _("edit the board")),
]


def _share_token() -> str:
    return secrets.token_urlsafe(32)


class ShareLink(models.Model):
    """A read-only link to a board for people outside its organisation: anyone holding
    the token sees the board (live, or as it is when they open it) and changes nothing.
    Revoking or expiry ends it at once, open sockets included."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=_share_token, editable=False)
    label = models.CharField(_("label"), max_length=TITLE_MAX, blank=True)
    live = models.BooleanField(_("live updates"), default=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    # A workshop link (role editor, or any link with a passcode) asks each guest for a
    # display name (and the passcode) and makes them a guest (boards.guests): a person on
    # the board, with the link's role. A plain viewer link opens the board to watch.
    role = models.CharField(
        _("guests may"), max_length=16, choices=GUEST_ROLE_CHOICES, default=Role.VIEWER
    )
    # Django's password hash of the passcode; empty: none.
    passcode = models.CharField(max_length=128, blank=True, editable=False)

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["board", "-created"]

    def __str__(self) -> str:
        return self.label or f"{self.board_id} share"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked is None and (self.expires is None or self.expires > now)

    @property
    def asks_name(self) -> bool:
        """Whether guests join by name (and passcode) before they see the board."""
        return self.role == Role.EDITOR or bool(self.passcode)


class Guest(models.Model):
    """A person on a board through a workshop link: a user (a guest account, User.is_guest,
    or someone's own account from outside the organisation) tied to the link. The tie is
    what opens the board to them; revoking or expiry of the link ends it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guest_ties"
    )
    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="guests")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        constraints = [models.UniqueConstraint(fields=["user", "link"], name="guest_once_a_link")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.link}"


# The workshop's own models (the room's timer, done marks, dot votes...) live with the
# code that runs them, in boards/workshop/; imported here so that Django finds them.
from boards.workshop.models import DoneMark, Timer  # noqa: E402, F401
from boards.workshop.vote_models import Dot, Vote  # noqa: E402, F401
