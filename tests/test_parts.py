"""boards/live/parts.py: what goes on the wire fits the message limit, and a client that
joins the parts (docs/protocol.md, "Large messages") gets back exactly the frame."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from boards.live.parts import bundles, parts, size
from boards.live.protocol import dumps_frame

# Text as cards hold it: quotes, backslashes, new lines, accents, emoji (4 UTF-8 bytes).
TEXT = st.text(alphabet=st.sampled_from('ab "\\\n\té€😀ü<>'), max_size=3000)


def joined(messages: list[str]) -> str:
    frames = [json.loads(message) for message in messages]
    if len(frames) == 1 and frames[0]["type"] != "part":
        return messages[0]
    assert [f["index"] for f in frames] == list(range(len(frames)))
    assert {f["count"] for f in frames} == {len(frames)}
    assert len({f["id"] for f in frames}) == 1
    return "".join(f["text"] for f in frames)


@given(st.lists(TEXT, max_size=30), st.integers(min_value=4096, max_value=20000))
def test_a_frame_cut_into_parts_joins_back_exactly_and_each_part_fits(texts, limit):
    text = dumps_frame({"type": "snapshot", "rev": 1, "epoch": 1, "state": {"cards": texts}})
    messages = parts(text, limit)
    assert all(size(message) <= limit for message in messages)
    assert joined(messages) == text
    assert (len(messages) == 1) == (size(text) <= limit)


@given(st.lists(TEXT, min_size=1, max_size=20), st.integers(min_value=4096, max_value=20000))
def test_patches_go_as_bundles_that_fit_in_revision_order(texts, limit):
    patches = [
        dumps_frame({"type": "patch", "rev": rev, "ops": [{"op": "card.update", "text": text}]})
        for rev, text in enumerate(texts, start=1)
    ]
    messages = bundles(patches, limit)
    revs = []
    for message in messages:
        frame = json.loads(message)
        inner = frame["frames"] if frame["type"] == "bundle" else [frame]
        # Only a patch too big on its own passes the limit (it is cut into parts when sent).
        assert size(message) <= limit or len(inner) == 1
        revs += [f["rev"] for f in inner]
    assert revs == list(range(1, len(texts) + 1))
