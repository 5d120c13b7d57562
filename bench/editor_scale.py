"""Editor scale benchmark: a board of 2,000 cards and 1,000 arrows in headless Chromium.

Run from the project root:

    .venv/bin/python bench/editor_scale.py [--cards 2000] [--arrows 1000]

It creates (or reuses) the database `journeymap_editor_bench` on the local PostgreSQL
(127.0.0.1:5432, user postgres), migrates it, makes a user, an organisation and a fresh
board (ORM bulk_create), starts ONE daphne process against it (Redis channel layer),
opens the board in Debian's Chromium through Playwright and measures:

- time from navigation start until every card and arrow is drawn;
- frame times (requestAnimationFrame deltas) while panning (drag on empty space),
  zooming (wheel) and dragging a card that has arrows.

The figures are printed as Markdown; docs/performance.md ("Editor") records them.
Timings are never asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import uuid
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))  # the project's packages, tests.daphne among them

from tests.daphne import DaphneProcess, free_port  # noqa: E402

DB_NAME = "journeymap_editor_bench"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET_KEY = "bench-" + "k3y" * 20
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "bench-password-not-secret"

FRAME_RECORDER = """
() => {
  window.__frames = [];
  let last = performance.now();
  const tick = (now) => {
    window.__frames.push(now - last);
    last = now;
    window.__frameLoop = requestAnimationFrame(tick);
  };
  window.__frameLoop = requestAnimationFrame(tick);
}
"""


def ensure_database() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))


def server_env(port: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "journeymap.settings",
        "PYTHONPATH": str(BASE),
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        # DEBUG serves the static files through the finders (no collectstatic needed).
        "DEBUG": "1",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEBSOCKET_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def setup_django(env: dict) -> None:
    for name in ("DATABASE_URL", "DEBUG", "SECRET_KEY"):
        os.environ[name] = env[name]
    os.environ["DJANGO_SETTINGS_MODULE"] = "journeymap.settings"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def arrow_pairs(cards: int, per_phase: int, arrows: int, between: str) -> list[tuple[int, int]]:
    """Card index pairs. "random": any two cards of the board (long arrows across it, the
    worst case for drawing); "neighbours": from a card to a card a few rows away in the
    next phase (or the same one), the way a journey map draws customer movement."""
    rng = random.Random(4)
    pairs: list[tuple[int, int]] = []
    while len(pairs) < arrows:
        i = rng.randrange(cards)
        if between == "random":
            j = rng.randrange(cards)
        else:
            phase, slot = divmod(i, per_phase)
            target_phase = min(phase + rng.choice([0, 1, 1, 1]), cards // per_phase - 1)
            target_slot = max(0, min(per_phase - 1, slot + rng.randrange(-6, 7)))
            j = min(cards - 1, target_phase * per_phase + target_slot)
        if i != j:
            pairs.append((i, j))
    return pairs


def make_board(cards: int, arrows: int, between: str = "random") -> tuple[str, tuple[str, str]]:
    """A fresh board; returns (board id, (session cookie name, value))."""
    from django.conf import settings
    from django.test import Client

    from boards.actions import board_create
    from boards.models import Arrow, Board, Card, CardKind
    from journeymap.actions import organisation_create
    from journeymap.models import Organisation, User

    email = "editor-bench@bench.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=PASSWORD, name="Bench Editor")
    org = Organisation.objects.filter(name="Editor bench").first()
    if org is None:
        org = organisation_create(name="Editor bench", creator=user)
    Board.objects.filter(organisation=org).delete()
    board = board_create(
        organisation=org, title="Editor scale board", framework="clm4", created_by=user
    )
    phases = list(board.phases.order_by("position"))
    kinds = [CardKind.TOUCHPOINT, CardKind.ACTIVITY, CardKind.NOTE, CardKind.OPPORTUNITY]
    per_phase = -(-cards // len(phases))
    rows = []
    for index in range(cards):
        phase = phases[index // per_phase]
        slot = index % per_phase
        rows.append(
            Card(
                id=uuid.uuid4(),
                board=board,
                kind=kinds[index % 4],
                phase=phase,
                x=20 + (slot % 2) * 240,
                y=(slot // 2) * 130,
                text=f"Card {index}: a touchpoint or activity with some text",
                author=user,
            )
        )
    Card.objects.bulk_create(rows, batch_size=500)
    Arrow.objects.bulk_create(
        (
            Arrow(
                id=uuid.uuid4(),
                board=board,
                from_card=rows[i],
                to_card=rows[j],
                label="" if n % 3 else f"{n}%",
                author=user,
            )
            for n, (i, j) in enumerate(arrow_pairs(cards, per_phase, arrows, between))
        ),
        batch_size=500,
    )
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return str(board.pk), (name, client.cookies[name].value)


def frame_stats(frames: list[float]) -> dict[str, float]:
    frames = [f for f in frames[1:] if f > 0] or [0.0]
    ordered = sorted(frames)
    return {
        "frames": len(frames),
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "max": ordered[-1],
        "fps": 1000 / statistics.mean(ordered) if statistics.mean(ordered) else 0.0,
    }


def measure(page, action) -> dict[str, float]:
    page.evaluate(FRAME_RECORDER)
    action()
    page.wait_for_timeout(200)
    frames = page.evaluate(
        "() => { cancelAnimationFrame(window.__frameLoop); return window.__frames; }"
    )
    return frame_stats(frames)


def run_browser(url: str, board_id: str, cookie: tuple[str, str], cards: int, arrows: int) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": url}])
        page = context.new_page()
        page.goto(f"{url}/boards/{board_id}/")
        page.wait_for_function(
            f"() => document.querySelectorAll('.card-item').length === {cards}"
            f" && document.querySelectorAll('[data-arrow-id]').length === {arrows}",
            timeout=120_000,
        )
        # performance.now() counts from the navigation's start (the time origin).
        results["first_render_ms"] = page.evaluate("() => performance.now()")
        results["dom_nodes"] = page.evaluate("() => document.getElementsByTagName('*').length")
        if os.environ.get("EDITOR_BENCH_CSS"):
            page.add_style_tag(content=os.environ["EDITOR_BENCH_CSS"])
        page.get_by_role("button", name=re.compile("^Zoom level")).click()
        page.wait_for_timeout(300)
        stage = page.get_by_role("application", name="Board canvas").bounding_box()
        cx, cy = stage["x"] + stage["width"] * 0.75, stage["y"] + stage["height"] * 0.6

        def pan():
            # Empty space: to the right of the last phase.
            page.mouse.move(cx, cy)
            page.mouse.down()
            for step in range(60):
                page.mouse.move(cx - step * 8, cy - step * 3)
            page.mouse.up()

        def zoom():
            page.mouse.move(cx, cy)
            for step in range(40):
                page.mouse.wheel(0, 120 if step < 20 else -120)

        results["pan"] = measure(page, pan)
        results["zoom"] = measure(page, zoom)
        page.get_by_role("button", name=re.compile("^Zoom level")).click()
        page.wait_for_timeout(300)
        busiest = page.evaluate(
            """() => {
              const ed = globalThis.journeymapEditor;
              let best = null, most = -1;
              for (const [id, set] of ed.renderer.byCard) {
                const el = ed.renderer.cards.get(id)?.el;
                if (!el) continue;
                const r = el.getBoundingClientRect();
                if (r.top < 200 || r.bottom > 700 || r.left < 100 || r.right > 1000) continue;
                if (set.size > most) { most = set.size; best = id; }
              }
              return best;
            }"""
        )
        box = page.locator(f'[data-card-id="{busiest}"]').bounding_box() if busiest else None

        def drag():
            if not box:
                return
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            for step in range(60):
                page.mouse.move(x + step * 5, y + step * 2)
            page.mouse.up()

        results["drag"] = measure(page, drag)
        results["drag_arrows"] = page.evaluate(
            f"() => globalThis.journeymapEditor.renderer.byCard.get('{busiest}')?.size ?? 0"
        )
        results["chromium"] = browser.version
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--arrows", type=int, default=1000)
    parser.add_argument(
        "--arrows-between",
        choices=["random", "neighbours"],
        default="random",
        help="random: long arrows across the board (worst case); neighbours: short ones "
        "to nearby cards of the next phase, as journey maps have them",
    )
    args = parser.parse_args()

    ensure_database()
    port = free_port()
    env = server_env(port)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE,
        env=env,
        check=True,
        timeout=300,
    )
    setup_django(env)
    board_id, cookie = make_board(args.cards, args.arrows, args.arrows_between)
    with DaphneProcess(env=env, port=port, log=BASE / "test-results" / "bench-editor-daphne.log"):
        results = run_browser(f"http://127.0.0.1:{port}", board_id, cookie, args.cards, args.arrows)

    print(f"## Editor scale: {args.cards} cards, {args.arrows} arrows ({args.arrows_between})\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()},"
        f" Chromium {results['chromium']} headless, --disable-gpu (software rendering).\n"
    )
    print(f"- Navigation start to every card and arrow drawn: {results['first_render_ms']:.0f} ms")
    print(f"- DOM elements on the page: {results['dom_nodes']}")
    print()
    print("| interaction | frames | p50 ms | p95 ms | max ms | mean fps |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, label in (
        ("pan", "pan (drag on empty space)"),
        ("zoom", "zoom (40 wheel steps around the pointer)"),
        ("drag", f"drag a card with {results['drag_arrows']} arrows"),
    ):
        r = results[name]
        print(
            f"| {label} | {r['frames']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f}"
            f" | {r['fps']:.0f} |"
        )


if __name__ == "__main__":
    main()
