"""A big board, made fast (bulk inserts), for the tests and the bench of big boards:
`cards` cards spread over the board's phases with a sentence of text each, and `arrows`
arrows between them."""

from __future__ import annotations

import random
import uuid

from boards.models import Arrow, Board, Card, CardKind

KINDS = [CardKind.TOUCHPOINT, CardKind.ACTIVITY, CardKind.NOTE, CardKind.OPPORTUNITY]


def fill_board(board: Board, author, *, cards: int, arrows: int, seed: int = 15) -> None:
    rng = random.Random(seed)
    phases = list(board.phases.order_by("position"))
    made = [
        Card(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            board=board,
            kind=KINDS[index % len(KINDS)],
            phase=phases[index % len(phases)],
            x=(index // len(phases)) % 2 * 220 + 20,
            y=(index // len(phases) // 2) * 130,
            text=f"Card {index}: follow-up e-mail after the first order, with a voucher",
            author=author,
        )
        for index in range(cards)
    ]
    Card.objects.bulk_create(made, batch_size=1000)
    Arrow.objects.bulk_create(
        (
            Arrow(
                id=uuid.uuid4(),
                board=board,
                from_card=made[index % cards],
                to_card=made[(index * 7 + 1) % cards],
                label=f"{index % 100}%",
                author=author,
            )
            for index in range(arrows)
        ),
        batch_size=1000,
    )
