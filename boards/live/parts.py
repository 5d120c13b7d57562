"""Server messages that fit the WebSocket server's message limit (docs/protocol.md,
"Large messages").

daphne (autobahn underneath) refuses to *send* a message larger than its
`--websocket-max-message-size` (1 MiB by default), the same limit that guards what it
reads: the send raises, and the socket drops, so a client that syncs again gets the same
refusal and loops. A snapshot of 10,000 cards and 5,000 arrows is about 3.8 MiB, and one
busy group commit can bundle more than 1 MiB of patches. So nothing larger than
`WEBSOCKET_MAX_MESSAGE_BYTES` leaves the server as one message:

- a group commit's patches go out as several `bundle` frames, each under the limit, in
  revision order (`bundles`): each is a frame a client handles on its own;
- any other frame over the limit (a snapshot, the `patches` of a long sync, one huge
  patch) is cut into `part` frames (`parts`), whose `text`s joined are the frame; the
  client handles it once every part is in, so it never sees half a board.
"""

from __future__ import annotations

import json
import uuid

# {"type":"part","id":"<32 hex>","index":…,"count":…,"text":"…"} without the text, with
# room for index and count of up to 9 digits each.
_PART_OVERHEAD = 100
_BUNDLE_HEAD = '{"type":"bundle","frames":['
_BUNDLE_TAIL = "]}"


def size(text: str) -> int:
    """The message's length on the wire (UTF-8 bytes)."""
    return len(text.encode())


def fits(text: str, limit: int) -> bool:
    # A character is at most 4 bytes in UTF-8: a short text needs no encoding to know.
    return len(text) * 4 <= limit or size(text) <= limit


def bundles(texts: list[str], limit: int) -> list[str]:
    """Patch frames (as text, in revision order) as the fewest messages under `limit`:
    a frame alone goes as itself, several as a `bundle`. A frame larger than `limit` on
    its own goes alone (and is cut into parts when sent)."""
    messages: list[str] = []
    group: list[str] = []
    used = len(_BUNDLE_HEAD) + len(_BUNDLE_TAIL)
    for text in texts:
        length = size(text)
        if group and used + length + len(group) > limit:
            messages.append(_bundle(group))
            group, used = [], len(_BUNDLE_HEAD) + len(_BUNDLE_TAIL)
        group.append(text)
        used += length
    if group:
        messages.append(_bundle(group))
    return messages


def _bundle(texts: list[str]) -> str:
    if len(texts) == 1:
        return texts[0]
    return _BUNDLE_HEAD + ",".join(texts) + _BUNDLE_TAIL


def parts(text: str, limit: int) -> list[str]:
    """`text` as it goes on the wire: itself if it fits in `limit` bytes, else `part`
    frames of at most `limit` bytes each whose texts, joined in order, are `text`."""
    if fits(text, limit):
        return [text]
    budget = max(64, limit - _PART_OVERHEAD)
    pieces: list[str] = []
    start, step = 0, max(16, budget // 2)
    while start < len(text):
        piece = text[start : start + step]
        encoded = _quoted_size(piece)
        while encoded > budget:  # escapes and non-ASCII: take fewer characters
            step = max(1, int(len(piece) * budget / encoded * 0.98))
            piece = text[start : start + step]
            encoded = _quoted_size(piece)
        pieces.append(piece)
        start += len(piece)
        if encoded < budget * 0.8:  # plain text again: take more next time
            step = max(step, min(budget, int(step * budget / max(encoded, 1) * 0.9)))
    ident = uuid.uuid4().hex
    count = len(pieces)
    return [
        json.dumps(
            {"type": "part", "id": ident, "index": index, "count": count, "text": piece},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        for index, piece in enumerate(pieces)
    ]


def _quoted_size(piece: str) -> int:
    return size(json.dumps(piece, ensure_ascii=False))
