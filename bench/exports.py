"""Export benchmark: a board of 2,000 cards, 1,000 arrows and 500 links, exported as SVG,
JSON, PNG and PDF, and imported again from its JSON.

Run from the project root:

    .venv/bin/python bench/exports.py [--cards 2000] [--arrows 1000] [--links 500] [--runs 5]

It works in a throwaway SQLite database (a temporary file, migrated, deleted afterwards),
builds the board as bench/editor_scale.py does (four phases, two cards a row), with
arrows between neighbouring rows of adjacent phases (or, with --arrows-between random,
between any two cards, as editor_scale.py draws them), and times each step end to end as
a download does it (boards.exports.build.export_board: reading the board state, the gap
analysis, drawing, converting), and the import as the import page does it
(jsonio.board_import: parsing, checking every field, writing in one transaction). Each
figure is the median of --runs runs (PNG, PDF and import of at most 3). The figures are
printed as Markdown; timings are never asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
TARGETS = {  # seconds
    "SVG": 0.3,
    "JSON": 0.2,
    "PNG": 3.0,
    "PDF": 3.0,
    "Import (JSON)": 2.0,
}


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("SECRET_KEY", "bench-" + "k3y" * 20)
    os.environ["DEBUG"] = "1"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "journeymap.settings"
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_board(cards: int, arrows: int, links: int, spread: str):
    from boards.actions import board_create
    from boards.models import Arrow, Card, CardKind, CardLink
    from journeymap.actions import organisation_create
    from journeymap.models import User

    user = User.objects.create_user(email="exports-bench@bench.invalid", name="Bench Exporter")
    org = organisation_create(name="Exports bench", creator=user)
    board = board_create(
        organisation=org, title="Exports scale board", framework="clm4", created_by=user
    )
    phases = list(board.phases.order_by("position"))
    kinds = [CardKind.TOUCHPOINT, CardKind.ACTIVITY, CardKind.NOTE, CardKind.OPPORTUNITY]
    channels = ["email", "social", "search", "", "display", "content"]
    per_phase = -(-cards // len(phases))
    rows = []
    for index in range(cards):
        slot = index % per_phase
        rows.append(
            Card(
                id=uuid.uuid4(),
                board=board,
                kind=kinds[index % 4],
                phase=phases[index // per_phase],
                x=20 + (slot % 2) * 240,
                y=(slot // 2) * 130,
                text=f"Card {index}: a touchpoint or activity with some text",
                channel=channels[index % len(channels)],
                author=user,
            )
        )
    Card.objects.bulk_create(rows, batch_size=500)
    rng = random.Random(4)
    pairs = []
    while len(pairs) < arrows:
        i = rng.randrange(cards)
        if spread == "random":  # bench/editor_scale.py's: across the whole board
            j = rng.randrange(cards)
        else:  # as customers move: to a nearby row of the next phase, now and then back
            step = rng.choice([per_phase, per_phase, per_phase, -per_phase, 0])
            j = i + step + rng.randint(-6, 6)
        if i != j and 0 <= j < cards:
            pairs.append((rows[i], rows[j]))
    Arrow.objects.bulk_create(
        (
            Arrow(
                id=uuid.uuid4(),
                board=board,
                from_card=a,
                to_card=b,
                label="" if n % 3 else f"{n}%",
                weight=None if n % 2 else n,
                author=user,
            )
            for n, (a, b) in enumerate(pairs)
        ),
        batch_size=500,
    )
    # Each activity serves the touchpoint just before it (kinds alternate).
    served = [
        (rows[i], rows[i - 1])
        for i in range(1, cards)
        if rows[i].kind == CardKind.ACTIVITY and rows[i - 1].kind == CardKind.TOUCHPOINT
    ][:links]
    CardLink.objects.bulk_create(
        (
            CardLink(id=uuid.uuid4(), board=board, source=a, target=b, author=user)
            for a, b in served
        ),
        batch_size=500,
    )
    return board, user, len(served)


def timed(action, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--arrows", type=int, default=1000)
    parser.add_argument("--links", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--arrows-between",
        choices=["neighbours", "random"],
        default="neighbours",
        dest="spread",
        help="neighbours: each arrow to a nearby row of the next (or the same, or the "
        "previous) phase, as a journey map draws them; random: any two cards of the board, "
        "arrows crossing it end to end (the worst case for drawing).",
    )
    parser.add_argument("--keep", type=Path, help="Write the exports into this folder.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="journeymap-exports-bench-") as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from boards.exports.build import export_board
        from boards.exports.jsonio import board_import

        board, user, links = make_board(args.cards, args.arrows, args.links, args.spread)
        heavy = min(args.runs, 3)
        results = {}
        files = {}
        for label, fmt, runs in (
            ("SVG", "svg", args.runs),
            ("JSON", "json", args.runs),
            ("PNG", "png", heavy),
            ("PDF", "pdf", heavy),
        ):
            seconds, export = timed(lambda fmt=fmt: export_board(board, fmt), runs)
            results[label] = (seconds, len(export.content))
            files[fmt] = export.content
        data = files["json"]
        seconds, _board = timed(
            lambda: board_import(organisation=board.organisation, data=data, actor=user),
            heavy,
        )
        results["Import (JSON)"] = (seconds, len(data))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for fmt, content in files.items():
                (args.keep / f"bench-board.{fmt}").write_bytes(content)

    print(
        f"Board: {args.cards:,} cards, {args.arrows:,} arrows ({args.spread}), {links:,} links, "
        "4 phases; "
        f"SQLite; Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs. Median of {args.runs} runs ({heavy} for PNG, PDF, import).\n"
    )
    print("| step | median | target | size | within target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, (seconds, size) in results.items():
        target = TARGETS[label]
        print(
            f"| {label} | {seconds * 1000:,.0f} ms | {target * 1000:,.0f} ms | "
            f"{size / 1024:,.0f} KiB | {'yes' if seconds <= target else 'no'} |"
        )


if __name__ == "__main__":
    main()
