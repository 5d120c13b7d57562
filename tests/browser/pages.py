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


def add_card_by_key(page: Page, phase_name: str, key: str, text: str, slot: int = 0) -> None:
    page.mouse.move(*lane_spot(page, phase_name, slot))
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
