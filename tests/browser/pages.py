"""What the browser tests do on a board page, the way a person does it: roles and labels,
the mouse and the keyboard. Shared by the editor's test files."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from boards.models import Board


def status(page: Page):
    return page.get_by_role("status", name="Connection status")


def phase(page: Page, name: str):
    return page.get_by_role("list", name="Lifecycle phases").get_by_role(
        "listitem", name=name, exact=True
    )


def card(page: Page, text: str, kind: str = "Touchpoint"):
    return page.get_by_role("group", name=f"{kind}: {text}", exact=True)


def whole_board(page: Page) -> None:
    """Zoom out, as a person does, until every phase is on the canvas: the board opens at
    a readable size with the first phases in view, the rest a pan away. The wheel turns
    over the board's top left corner (or the canvas's nearest point, when that is off it),
    so the board shrinks towards it and comes wholly into view."""
    expect(
        page.get_by_role("list", name="Lifecycle phases").get_by_role("heading").first
    ).to_be_attached()
    where = None
    for _ in range(30):
        where = page.evaluate(
            """() => {
                const view = document.getElementById("viewport").getBoundingClientRect();
                const cols = [...document.querySelectorAll(".phase-col")].map(
                    (n) => n.getBoundingClientRect());
                const bar = document.getElementById("toolbar").getBoundingClientRect();
                return {view: view.toJSON(), left: Math.min(...cols.map((r) => r.left)),
                        right: Math.max(...cols.map((r) => r.right)), top: cols[0].top,
                        below: Math.max(view.top, bar.bottom) + 16};
            }"""
        )
        view = where["view"]
        if where["left"] >= view["left"] - 4 and where["right"] <= view["right"] + 4:
            return
        x = min(max(where["left"], view["left"] + 16), view["right"] - 16)
        zoom = page.locator("#zoom-level").inner_text().strip()
        y = min(max(where["top"], where["below"]), view["bottom"] - 16)
        page.mouse.move(x, y)
        page.mouse.wheel(0, 240)
        page.wait_for_function(
            "(before) => document.getElementById('zoom-level').textContent.trim() !== before",
            arg=zoom,
            timeout=5000,
        )
    raise AssertionError(f"zooming out never brought every phase into view: {where}")


def low_in_lane(page: Page, phase_name: str) -> tuple[float, float]:
    """A screen point on empty canvas, low in the phase's lane: the lowest spot there that
    no card, toolbar or control covers, whatever the zoom and the screen."""
    lane = phase(page, phase_name).bounding_box()
    spot = page.evaluate(
        """([x, top, bottom]) => {
            const view = document.getElementById("viewport");
            const foot = Math.min(bottom, view.getBoundingClientRect().bottom) - 12;
            for (let y = foot; y > top; y -= 12) {
                const hit = document.elementFromPoint(x, y);
                if (hit && view.contains(hit)
                    && !hit.closest(".card-item, .dock, .zoombar, .toolbar, .room-bar, button"))
                    return y;
            }
            return null;
        }""",
        [lane["x"] + lane["width"] / 2, lane["y"], lane["y"] + lane["height"]],
    )
    assert spot is not None, f"no empty canvas in {phase_name}"
    return lane["x"] + lane["width"] / 2, spot


def centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def lane_spot(page: Page, phase_name: str, slot: int = 0) -> tuple[float, float]:
    """A screen point in the empty lower part of a phase's lane."""
    column = phase(page, phase_name)
    expect(column).to_be_visible()
    box = column.bounding_box()
    for _ in range(50):  # a redraw may detach it for a moment
        if box:
            break
        page.wait_for_timeout(100)
        box = column.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + 190 + slot * 95


def type_card_text(page: Page, text: str) -> None:
    editor = page.get_by_label("Card text")
    expect(editor).to_be_focused()
    editor.fill(text)
    editor.press("Escape")
    expect(editor).to_have_count(0)


def on_canvas(page: Page, spot: tuple[float, float]) -> bool:
    """Whether the screen point is on the canvas itself: no toolbar, bar or button over it."""
    return page.evaluate(
        """([x, y]) => {
            const hit = document.elementFromPoint(x, y);
            return !!hit && document.getElementById("viewport").contains(hit)
                && !hit.closest(".dock, .zoombar, .toolbar, .room-bar, button");
        }""",
        list(spot),
    )


def add_card_by_key(page: Page, phase_name: str, key: str, text: str, slot: int = 0) -> None:
    spot = lane_spot(page, phase_name, slot)
    if not on_canvas(page, spot):  # the phase is a pan away, or a bar covers the spot
        whole_board(page)
        spot = lane_spot(page, phase_name, slot)
    page.mouse.move(*spot)
    # Chromium hands pointer moves to the page at a frame, keys at once: wait until the
    # editor has seen the pointer arrive, or the card goes where the pointer was before.
    page.wait_for_function(
        """([x, y]) => {
            const ed = journeymapEditor, seen = ed.pointer, at = ed.viewport.toBoard(x, y);
            return seen && Math.abs(seen.x - at.x) < 1 && Math.abs(seen.y - at.y) < 1;
        }""",
        arg=list(spot),
        timeout=5000,
    )
    page.keyboard.press(key)
    type_card_text(page, text)


def drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 6, start[1] + 6, steps=2)
    page.mouse.move(*end, steps=8)
    page.mouse.up()


def settled(page: Page) -> None:
    """Wait until the server has committed every edit this page made."""
    page.wait_for_function("() => journeymapEditor.sync.pending.length === 0")


def rev(board) -> int:
    return Board.objects.get(pk=board.pk).rev


def wait_for_rev(page: Page, value: int) -> None:
    expect(page.locator("#board-rev")).to_have_text(str(value))
