"""The whole workshop in one run, as issue #16 tells it: a facilitator and two
participants, one a member and one a guest who joined by a workshop link, through the
timer, a dot vote, a locked phase, a private round, "Bring everyone here" and "I'm
done", until revoking the link takes the guest off the board. Each feature has its own
file (test_room, test_workshop, test_private_round, test_guests); this one checks that
they hold together on three pages at once, the guest's among them."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from boards.models import Card
from boards.workshop.models import Timer
from tests.browser import pages
from tests.browser.axe import assert_accessible
from tests.browser.test_private_round import note, private_note
from tests.browser.test_room import bar, timer, zoom
from tests.browser.test_workshop import phase_menu


def join_by_link(browser: Browser, browser_context_args, url: str, name: str) -> Page:
    """A fresh browser (no account, no cookies) opens the link and joins by name."""
    page = browser.new_context(**browser_context_args).new_page()
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join the board").click()
    expect(pages.status(page)).to_have_text("Connected")
    expect(page.get_by_text(f"You are here as {name}, a guest")).to_be_visible()
    return page


def make_workshop_link(page: Page) -> str:
    page.get_by_role("link", name="Share").click()
    page.get_by_label("edit the board").check()
    page.get_by_label("Who is it for?").fill("Lifecycle kick-off")
    page.get_by_role("button", name="Make a link").click()
    expect(page.get_by_text("Guests edit")).to_be_visible()
    url = page.get_by_role("textbox", name="Share link").input_value()
    page.get_by_role("link", name="← Webshop lifecycle").click()
    expect(pages.status(page)).to_have_text("Connected")
    return url


def test_a_facilitator_runs_a_workshop_with_a_member_and_a_guest(
    browser: Browser, browser_context_args, open_board, board, members, shot
):
    # 1. The room fills: the facilitator shares a workshop link, a member opens the
    # board, a guest joins by the link with nothing but a name.
    fiona = open_board(members["facilitator"])
    url = make_workshop_link(fiona)
    ana = open_board(members["editor"])
    greta = join_by_link(browser, browser_context_args, url, "Greta Guest")
    expect(fiona.get_by_role("listitem", name="Greta Guest")).to_be_visible()
    expect(fiona.get_by_role("listitem", name="Editor Person")).to_be_visible()
    for page in (fiona, ana, greta):
        pages.whole_board(page)

    # 2. The timer: everyone sees it count down; a late joiner sees the time left.
    bar(fiona).get_by_label("Minutes").fill("10")
    bar(fiona).get_by_role("button", name="Start timer").click()
    for page in (ana, greta):
        expect(timer(page)).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
        expect(bar(page).get_by_role("button", name="Start timer")).to_have_count(0)
    seen = timer(greta).text_content()
    expect(timer(greta)).not_to_have_text(seen)  # it counts down
    # Two and a half minutes later (as far as the server knows), the guest reloads.
    Timer.objects.filter(board=board).update(ends=timezone.now() + timedelta(seconds=450))
    greta.reload()
    expect(pages.status(greta)).to_have_text("Connected")
    expect(timer(greta)).to_have_text(re.compile(r"^7:[2-3]\d$"))

    # 3. A dot vote: hidden while it runs, then counts and a ranking for all.
    fiona.get_by_role("button", name="Dot vote…").click()
    dialog = fiona.get_by_role("dialog", name="Start a dot vote")
    dialog.get_by_label("Question (optional)").fill("Where do we start?")
    dialog.get_by_label("Votes per person").fill("2")
    dialog.get_by_role("button", name="Start the vote").click()
    for page in (ana, greta):
        panel = page.get_by_role("region", name="Dot vote")
        expect(panel).to_contain_text("Where do we start?")
        expect(panel).to_contain_text("2 of 2 votes left")
    ana.get_by_role("button", name="Vote for Welcome e-mail").click()
    expect(ana.get_by_role("region", name="Dot vote")).to_contain_text("1 of 2 votes left")
    ana.get_by_role("button", name="Vote for Welcome e-mail").click()
    expect(ana.get_by_role("region", name="Dot vote")).to_contain_text("0 of 2 votes left")
    greta.get_by_role("button", name="Vote for Welcome e-mail").click()
    greta.get_by_role("button", name="Vote for Instagram ad").click()
    expect(greta.get_by_role("region", name="Dot vote")).to_contain_text("0 of 2 votes left")
    lead_panel = fiona.get_by_role("region", name="Dot vote")
    expect(lead_panel).to_contain_text("2 people have voted")
    for page in (fiona, ana, greta):  # nobody sees counts yet, not even the facilitator
        expect(page.get_by_role("img", name=re.compile(r"votes? for "))).to_have_count(0)
    assert_accessible(fiona, "run the room: the facilitator mid-workshop, timer and vote")
    shot(fiona, "1-facilitator-voting")
    shot(greta, "2-guest-voting")

    lead_panel.get_by_role("button", name="Reveal results").click()
    for page in (fiona, ana, greta):
        expect(page.get_by_role("img", name="3 votes for Welcome e-mail")).to_be_visible()
        expect(page.get_by_role("img", name="1 vote for Instagram ad")).to_be_visible()
        ranking = page.get_by_role("region", name="Dot vote").get_by_role("listitem")
        expect(ranking).to_have_count(2)
        expect(ranking.first).to_contain_text("Welcome e-mail")
        expect(ranking.nth(1)).to_contain_text("Instagram ad")
    shot(ana, "3-member-revealed")
    lead_panel.get_by_role("button", name="Close vote").click()
    for page in (ana, greta):
        expect(page.get_by_role("region", name="Dot vote")).to_be_hidden()

    # 4. A locked phase: the member's drag moves nothing, on the page or in the database.
    phase_menu(fiona, "Awareness").get_by_role("menuitem", name="Lock phase").click()
    padlock = pages.phase(ana, "Awareness").get_by_title("The facilitator has locked Awareness")
    expect(padlock).to_be_visible()
    before = Card.objects.values("phase_id", "x", "y").get(board=board, text="Instagram ad")
    x, y = pages.centre(pages.card(ana, "Instagram ad"))
    pages.drag(ana, (x, y), (x + 520, y + 40))
    expect(ana.get_by_role("status").filter(has_text="locked this")).to_be_visible()
    pages.settled(ana)
    after = Card.objects.values("phase_id", "x", "y").get(board=board, text="Instagram ad")
    assert after == before

    # 5. A private round: each participant sees only their own new card until the reveal.
    fiona.get_by_role("button", name="Start a private round").click()
    for page in (ana, greta):
        expect(
            page.get_by_role("status").filter(has_text="only you see your new cards")
        ).to_be_visible()
    pages.add_card_by_key(ana, "Consideration", "n", "Size quiz")
    pages.add_card_by_key(greta, "Loyalty", "n", "Referral bonus")
    expect(private_note(ana, "Size quiz")).to_be_visible()
    expect(private_note(greta, "Referral bonus")).to_be_visible()
    pages.settled(ana)
    pages.settled(greta)
    for page in (fiona, ana, greta):
        pages.wait_for_rev(page, pages.rev(board))
    expect(note(greta, "Size quiz")).to_have_count(0)
    expect(note(ana, "Referral bonus")).to_have_count(0)
    expect(note(fiona, "Size quiz")).to_have_count(0)
    shot(greta, "4-guest-private-round")
    fiona.get_by_role("button", name="Reveal all cards").click()
    for page in (fiona, ana, greta):
        expect(pages.card(page, "Size quiz", kind="Note")).to_be_visible()
        expect(pages.card(page, "Referral bonus", kind="Note")).to_be_visible()

    # 6. "Bring everyone here": both participants' views move to the facilitator's.
    for _ in range(3):
        fiona.get_by_role("button", name="Zoom in").click()
    expect(zoom(fiona)).not_to_have_text(zoom(ana).text_content())
    bar(fiona).get_by_role("button", name="Bring everyone here").click()
    for page in (ana, greta):
        expect(zoom(page)).to_have_text(zoom(fiona).text_content())
        expect(page.get_by_role("status").filter(has_text="brought everyone")).to_have_text(
            "Facilitator Person brought everyone to their view."
        )

    # 7. "I'm done" (for a step of the guide): the facilitator sees who, by name.
    fiona.get_by_role("button", name="Start the workshop guide").click()
    guide = ana.get_by_role("region", name="Workshop guide")
    expect(guide.get_by_role("status")).to_have_text(re.compile("^Step 1 of 5"))
    summary = bar(fiona).get_by_text("0 of 2 done")
    expect(summary).to_be_visible()
    bar(ana).get_by_role("button", name="I’m done").click()
    expect(bar(ana).get_by_role("button", name="I’m done")).to_have_attribute(
        "aria-pressed", "true"
    )
    summary = bar(fiona).get_by_text("1 of 2 done")
    expect(summary).to_be_visible()
    summary.click()
    done_list, writing_list = (
        bar(fiona).get_by_role("list").nth(0),
        bar(fiona).get_by_role("list").nth(1),
    )
    expect(done_list).to_have_text("Editor Person")
    expect(writing_list).to_have_text("Greta Guest")
    assert_accessible(fiona, "run the room: who is done, open")
    # The facilitator's bar is at its fullest now, beside the side panel: every control
    # of it is on the canvas, none cut off at its edge.
    stage = fiona.locator("#stage").bounding_box()
    for button in bar(fiona).get_by_role("button").all():
        box = button.bounding_box()
        if box:
            assert stage["x"] <= box["x"], button.text_content()
            assert box["x"] + box["width"] <= stage["x"] + stage["width"], button.text_content()
    shot(fiona, "5-facilitator-who-is-done")
    summary.click()

    # 8. Revoking the workshop link takes the guest off the board at once.
    fiona.get_by_role("link", name="Share").click()
    expect(fiona.get_by_text("Joined: Greta Guest")).to_be_visible()
    fiona.once("dialog", lambda dialog: dialog.accept())
    fiona.get_by_role("button", name="Revoke").click()
    expect(fiona.get_by_text("The link is revoked")).to_be_visible()
    expect(greta.get_by_text("Your access to this board has ended.")).to_be_visible()
    # Nothing of the workshop runs on there: no timer counting on, no bar to use.
    expect(bar(greta)).to_be_hidden()
    shot(greta, "6-guest-removed")
    greta.reload()
    expect(greta.get_by_role("heading", name="This link no longer opens the board")).to_be_visible()
    greta.context.close()
