"""The three-way merge of a card's text (boards/live/textmerge.py): what two people
typing in one card end up with."""

from __future__ import annotations

import pytest

from boards.live.textmerge import merge3, tokens

MARK = "— Also written at the same time, by Ben:"


def merged(base: str, theirs: str, mine: str):
    return merge3(base, theirs, mine, marker=MARK)


def test_tokens_join_back_to_the_text():
    text = "Hej  världen!\nE-mail: 2,5 % 😀"
    assert "".join(tokens(text)) == text


@pytest.mark.parametrize(
    ("base", "theirs", "mine", "expected"),
    [
        # Nobody else changed it, or only I did, or we did the same.
        ("Signup", "Signup", "Signup form", "Signup form"),
        ("Signup", "Signup form", "Signup", "Signup form"),
        ("Signup", "Signup form", "Signup form", "Signup form"),
        # Changes to different words both stand.
        (
            "The customer signs up",
            "The customer signs up online",
            "The client signs up",
            "The client signs up online",
        ),
        (
            "Ad on Instagram",
            "Paid ad on Instagram",
            "Ad on Instagram and TikTok",
            "Paid ad on Instagram and TikTok",
        ),
        # Both added words at the same place: both kept, theirs first, never glued.
        ("Plan:", "Plan: call", "Plan: mail", "Plan: call mail"),
        ("", "Alex", "Ben", "Alex Ben"),
        ("Notes", "Notes\nAlex: call", "Notes\nBen: mail", "Notes\nAlex: call\nBen: mail"),
        # An insertion beside a replaced word lands beside it.
        ("a b c", "a x c", "a b y c", "a x y c"),
    ],
)
def test_it_merges_changes_that_do_not_collide(base, theirs, mine, expected):
    result = merged(base, theirs, mine)
    assert result.clean
    assert result.text == expected


def test_both_changing_the_same_word_keeps_both_texts_with_a_marker():
    result = merged("Send a coupon", "Send a voucher", "Send a discount")
    assert not result.clean
    assert result.text == f"Send a voucher\n\n{MARK}\nSend a discount"


def test_one_deleting_what_the_other_rewrote_is_a_conflict_too():
    result = merged(
        "Call every lead within a day", "Call every lead", "Call every lead within an hour"
    )
    assert not result.clean
    assert "Call every lead within an hour" in result.text
    assert result.text.startswith("Call every lead\n")
