"""Create the demo organisation, user and board, once: running it again changes nothing."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand
from django.db import transaction

from boards.actions import board_create
from boards.models import Arrow, Board, Card, CardKind, CardLink, Channel, Phase
from journeymap.actions import organisation_create
from journeymap.locale import organisation_locale
from journeymap.models import Membership, Organisation, Role, User

DEMO_EMAIL = "demo@journeymap.local"
DEMO_PASSWORD = "journeymap-demo"
DEMO_ORGANISATION = "Demo Marketing Team"
DEMO_BOARD = "Online shop: customer lifecycle"

# (phase index, kind, text, channel, x offset, y)
DEMO_CARDS = [
    (0, CardKind.TOUCHPOINT, "Instagram ad", Channel.SOCIAL, 0, 0),
    (0, CardKind.TOUCHPOINT, "Google search result", Channel.SEARCH, 0, 1),
    (0, CardKind.ACTIVITY, "Paid social campaign each quarter", Channel.SOCIAL, 1, 0),
    (1, CardKind.TOUCHPOINT, "Product page", Channel.ONSITE, 0, 0),
    (1, CardKind.TOUCHPOINT, "Newsletter sign-up", Channel.EMAIL, 0, 1),
    (1, CardKind.ACTIVITY, "Welcome e-mail on sign-up", Channel.EMAIL, 1, 1),
    (2, CardKind.TOUCHPOINT, "Checkout", Channel.ONSITE, 0, 0),
    (2, CardKind.TOUCHPOINT, "Order confirmation e-mail", Channel.EMAIL, 0, 1),
    (3, CardKind.TOUCHPOINT, "Delivery and unboxing", Channel.OTHER, 0, 0),
    (3, CardKind.TOUCHPOINT, "Review request", Channel.EMAIL, 0, 1),
    (
        3,
        CardKind.NOTE,
        "Repeat customers are worth about 130% more: focus after the buy button",
        Channel.NONE,
        1,
        0,
    ),
]
DEMO_LINKS = [
    ("Paid social campaign each quarter", "Instagram ad"),
    ("Welcome e-mail on sign-up", "Newsletter sign-up"),
    ("Welcome e-mail on sign-up", "Order confirmation e-mail"),
]
DEMO_KPIS = [
    [{"name": "Website traffic", "value": 42000, "target": 60000, "unit": "visits"}],
    [{"name": "Newsletter sign-ups", "value": 1.8, "target": 3, "unit": "%"}],
    [{"name": "Cart abandonment rate", "value": 70, "target": 55, "unit": "%"}],
    [{"name": "Repeat-purchase rate", "value": 18, "target": 25, "unit": "%"}],
]
ROW_HEIGHT = 150  # x is relative to the card's phase column (docs/protocol.md, Geometry)


class Command(BaseCommand):
    help = "Create the demo organisation, user and board if they do not exist yet."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            user = User.objects.filter(email=DEMO_EMAIL).first()
            if user is None:
                user = User.objects.create_user(
                    email=DEMO_EMAIL, password=DEMO_PASSWORD, name="Demo Facilitator"
                )
            organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
            if organisation is None:
                organisation = organisation_create(name=DEMO_ORGANISATION, creator=user)
            Membership.objects.get_or_create(
                organisation=organisation, user=user, defaults={"role": Role.OWNER}
            )
            if not Board.objects.filter(organisation=organisation, title=DEMO_BOARD).exists():
                # The framework's phase names, in the organisation's language.
                with organisation_locale(organisation):
                    self._create_board(organisation, user)
        self.stdout.write(self.style.SUCCESS(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}"))

    def _create_board(self, organisation: Organisation, user: User) -> None:
        board = board_create(
            organisation=organisation, title=DEMO_BOARD, framework="clm4", created_by=user
        )
        phases = list(board.phases.order_by("position"))
        cards = []
        for phase_index, kind, text, channel, column, row in DEMO_CARDS:
            cards.append(
                Card(
                    id=uuid.uuid4(),
                    board=board,
                    kind=kind,
                    phase=phases[phase_index],
                    x=30 + column * 220,
                    y=30 + row * ROW_HEIGHT,
                    text=text,
                    channel=channel,
                    author=user,
                )
            )
        Card.objects.bulk_create(cards)
        by_text = {card.text: card for card in cards}
        Arrow.objects.bulk_create(
            [
                Arrow(
                    id=uuid.uuid4(),
                    board=board,
                    from_card=by_text["Instagram ad"],
                    to_card=by_text["Product page"],
                    label="62% of visitors",
                    weight=62,
                    author=user,
                ),
                Arrow(
                    id=uuid.uuid4(),
                    board=board,
                    from_card=by_text["Product page"],
                    to_card=by_text["Checkout"],
                    label="8% add to cart",
                    weight=8,
                    author=user,
                ),
                Arrow(
                    id=uuid.uuid4(),
                    board=board,
                    from_card=by_text["Checkout"],
                    to_card=by_text["Product page"],
                    label="7 in 10 carts abandoned",
                    weight=70,
                    author=user,
                ),
            ]
        )
        # What the team does today, and what it serves: the gap analysis then shows the
        # checkout, delivery and review with nothing behind them.
        CardLink.objects.bulk_create(
            CardLink(
                id=uuid.uuid4(),
                board=board,
                source=by_text[activity],
                target=by_text[touchpoint],
                author=user,
            )
            for activity, touchpoint in DEMO_LINKS
        )
        for phase, kpis in zip(phases, DEMO_KPIS, strict=True):
            Phase.objects.filter(pk=phase.pk).update(kpis=kpis)
