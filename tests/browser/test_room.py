"""Running the room from the facilitation bar, watched from participants' pages: the
timer (counting down alike, right for a late joiner, a flash at the end), the guide's
steps, "I'm done", follow and "Bring everyone here"."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from boards.workshop.models import Timer
from tests.browser.axe import assert_accessible

CLOCK = re.compile(r"^\d+:\d\d$")


def bar(page: Page):
    return page.get_by_role("region", name="Facilitation")


def timer(page: Page):
    return bar(page).get_by_role("timer", name="Time left")


def zoom(page: Page):
    toolbar = page.get_by_role("toolbar", name="Zoom")
    return toolbar.get_by_role("button", name=re.compile("Zoom level"))


def test_the_facilitator_runs_the_room_and_participants_follow(open_board, board, members, shot):
    fiona = open_board(members["facilitator"])
    eddie = open_board(members["editor"])

    # The timer: the facilitator starts it, both pages count down in step.
    expect(bar(fiona).get_by_role("button", name="Start timer")).to_be_visible()
    assert_accessible(fiona, "room: the facilitator's bar before a timer")
    shot(fiona, "0-ready")
    expect(bar(eddie).get_by_role("button", name="Start timer")).to_have_count(0)
    bar(fiona).get_by_label("Minutes").fill("5")
    bar(fiona).get_by_role("button", name="Start timer").click()
    expect(timer(fiona)).to_have_text(re.compile(r"^(5:00|4:\d\d)$"))
    expect(timer(eddie)).to_have_text(re.compile(r"^(5:00|4:\d\d)$"))
    seen = timer(eddie).text_content()
    expect(timer(eddie)).not_to_have_text(seen)  # it counts down
    expect(timer(eddie)).to_have_text(re.compile(r"^4:\d\d$"))
    expect(bar(eddie).get_by_role("button", name="Pause")).to_have_count(0)
    chime = bar(eddie).get_by_role("button", name="Chime when the time is up")
    expect(chime).to_have_attribute("aria-pressed", "false")  # off for participants
    chime.click()
    expect(chime).to_have_attribute("aria-pressed", "true")

    # Paused: everyone sees it stand still.
    bar(fiona).get_by_role("button", name="Pause").click()
    expect(bar(eddie).get_by_text("Paused")).to_be_visible()
    paused = timer(eddie).text_content()
    assert CLOCK.match(paused)
    expect(timer(fiona)).to_have_text(paused)
    bar(fiona).get_by_role("button", name="Resume").click()
    expect(bar(eddie).get_by_text("Paused")).to_be_hidden()

    # A late joiner (and a reload is the same) sees the time that is left, not 5:00.
    Timer.objects.filter(board=board).update(ends=timezone.now() + timedelta(seconds=150))
    vera = open_board(members["viewer"])
    expect(timer(vera)).to_have_text(re.compile(r"^2:[2-3]\d$"))
    expect(bar(vera).get_by_role("button", name="I’m done")).to_have_count(0)

    # The guide's steps drive the room: the step suggests a timer, everyone follows.
    fiona.get_by_role("button", name="Start the workshop guide").click()
    guide = eddie.get_by_role("region", name="Workshop guide")
    expect(guide.get_by_role("status")).to_have_text(re.compile("^Step 1 of 5"))

    # "I'm done": the facilitator sees who.
    done = bar(eddie).get_by_role("button", name="I’m done")
    expect(done).to_have_attribute("aria-pressed", "false")
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    summary = bar(fiona).get_by_text("1 of 1 done")
    expect(summary).to_be_visible()
    summary.click()
    people = bar(fiona).get_by_role("list").first
    expect(people).to_have_text("Editor Person")
    assert_accessible(fiona, "room: the facilitator's bar, who is done open")
    shot(fiona, "1-facilitator")
    assert_accessible(eddie, "room: the participant's bar")
    shot(eddie, "2-participant")
    summary.click()

    # The next step: everyone starts afresh.
    fiona.get_by_role("button", name="Next step").click()
    expect(guide.get_by_role("status")).to_have_text(re.compile("^Step 2 of 5"))
    expect(done).to_have_attribute("aria-pressed", "false")
    expect(bar(fiona).get_by_text("0 of 1 done")).to_be_visible()

    # Bring everyone here: the participants' view moves to the facilitator's.
    for _ in range(3):
        fiona.get_by_role("button", name="Zoom in").click()
    expect(zoom(fiona)).not_to_have_text(zoom(eddie).text_content())
    bar(fiona).get_by_role("button", name="Bring everyone here").click()
    expect(zoom(eddie)).to_have_text(zoom(fiona).text_content())
    expect(zoom(vera)).to_have_text(zoom(fiona).text_content())
    expect(eddie.get_by_role("status").filter(has_text="brought everyone")).to_have_text(
        "Facilitator Person brought everyone to their view."
    )

    # Follow: Eddie follows Fiona's view until he moves himself.
    bar(eddie).get_by_text("Follow", exact=True).click()
    assert_accessible(eddie, "room: whom to follow")
    bar(eddie).get_by_role("button", name="Facilitator Person").click()
    expect(bar(eddie).get_by_text("Following Facilitator Person")).to_be_visible()
    fiona.get_by_role("button", name="Zoom out").click()
    expect(zoom(eddie)).to_have_text(zoom(fiona).text_content())
    shot(eddie, "3-following")
    eddie.get_by_role("button", name="Zoom out").click()
    expect(bar(eddie).get_by_text("Following Facilitator Person")).to_be_hidden()
    fiona.get_by_role("button", name="Zoom in").click()
    expect(zoom(eddie)).not_to_have_text(zoom(fiona).text_content())

    # Time's up: everyone's timer says so (with a flash on the canvas).
    Timer.objects.filter(board=board).update(ends=timezone.now() + timedelta(seconds=2))
    bar(fiona).get_by_role("button", name="+1 min").click()  # a change everyone hears of
    expect(timer(eddie)).to_have_text(re.compile(r"^1:0\d$"))
    Timer.objects.filter(board=board).update(ends=timezone.now() + timedelta(seconds=2))
    done.click()  # another change: the shortened timer reaches every page
    expect(timer(eddie)).to_have_text("Time’s up")
    expect(timer(fiona)).to_have_text("Time’s up")
    expect(eddie.locator("#stage")).to_have_class(re.compile("time-up"))
    shot(eddie, "4-time-up")
    bar(fiona).get_by_role("button", name="Stop").click()
    expect(timer(eddie)).to_be_hidden()


AFTER_RESTART_MS = 30_000  # reconnecting waits a random back-off (tests/browser/test_live_sync)


def test_the_timer_survives_a_server_restart(open_board, live, board, members, shot):
    fiona = open_board(members["facilitator"])
    # Editing alone, the canvas stays clear: the timer is offered once someone is here.
    expect(bar(fiona)).to_be_hidden()
    eddie = open_board(members["editor"])
    bar(fiona).get_by_label("Minutes").fill("10")
    bar(fiona).get_by_role("button", name="Start timer").click()
    expect(timer(eddie)).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))

    live.stop()
    live.start()

    vera = open_board(members["viewer"])
    expect(timer(vera)).to_have_text(re.compile(r"^9:\d\d$"))
    status = fiona.get_by_role("status", name="Connection status")
    expect(status).to_have_text("Connected", timeout=AFTER_RESTART_MS)
    expect(timer(fiona)).to_have_text(re.compile(r"^9:\d\d$"))
    expect(bar(fiona).get_by_role("button", name="Pause")).to_be_visible()
