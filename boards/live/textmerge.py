"""Three-way merge of a card's text, so that two people typing in one card both keep
their words (docs/protocol.md, "Concurrent text").

An editor sends the text it started from (`base`) with the text it ends with (`mine`).
If someone else's edit was committed meanwhile, the card holds `theirs`: last-writer-wins
would throw it away. Instead both changes are replayed against `base`, word by word:

- changes to different words (one fixes a typo at the start, the other adds a sentence
  at the end) merge cleanly, as both meant;
- both adding words at the same place keep both additions (theirs first: it was
  committed first), and the same change made twice is kept once;
- both changing the same words differently is a conflict: no merge can say which words
  are meant, so the result keeps both whole texts, theirs, then a marker line, then
  mine, and the people involved are told (the patch's op says `merge: "conflict"`).

Words, not characters: a merge that interleaves letters of two rewrites of one word
makes a word neither person wrote; whole words (runs of letters and digits, each run
of whitespace, each other character) are what people change. The texts are short (a
card holds at most 2,000 characters), so difflib's matcher is fast enough and its
output stable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    """`text` as words, runs of whitespace and single other characters; joined, the list
    is `text` again."""
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Merge:
    text: str
    clean: bool  # False: the changes collided, and `text` holds both versions whole


@dataclass(frozen=True)
class _Hunk:
    start: int  # the base tokens [start, end) are replaced by `new`
    end: int
    new: tuple[str, ...]


def _hunks(base: list[str], other: list[str]) -> list[_Hunk]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        _Hunk(i1, i2, tuple(other[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _touches(span: _Hunk, hunk: _Hunk) -> bool:
    """Whether `hunk` (starting at or after `span`) changes base tokens that `span`
    changes. An insertion at the edge of a replaced range lands beside it; two insertions
    at one place both stand, unless they are the same words (then they are one)."""
    if hunk.start == hunk.end:
        if span.start == span.end:
            return hunk.start == span.start and hunk.new == span.new
        return span.start < hunk.start < span.end
    return hunk.start < span.end and not (span.start == span.end == hunk.start)


def merge3(base: str, theirs: str, mine: str, *, marker: str) -> Merge:
    """Merge `mine` (an edit of `base`) into `theirs` (another edit of `base`, already
    committed). `marker` is the line put between the two texts when they conflict."""
    if theirs in (base, mine):
        return Merge(mine, True)
    if mine == base:
        return Merge(theirs, True)
    base_tokens = tokens(base)
    # Insertions before replacements at one place, theirs before mine.
    hunks = sorted(
        [(hunk, 0) for hunk in _hunks(base_tokens, tokens(theirs))]
        + [(hunk, 1) for hunk in _hunks(base_tokens, tokens(mine))],
        key=lambda item: (item[0].start, item[0].end > item[0].start, item[1]),
    )
    out: list[str] = []
    at = 0  # base tokens before `at` are written out (or replaced)
    glued = False  # the last group written was an insertion at `at`
    k = 0
    while k < len(hunks):
        group = [hunks[k]]
        span = hunks[k][0]
        k += 1
        while k < len(hunks) and _touches(span, hunks[k][0]):
            hunk = hunks[k][0]
            span = _Hunk(span.start, max(span.end, hunk.end), span.new)
            group.append(hunks[k])
            k += 1
        sides = [[h for h, side in group if side == s] for s in (0, 1)]
        parts = [_apply(base_tokens, span.start, span.end, side) for side in sides if side]
        if len(parts) == 2 and parts[0] != parts[1]:
            return Merge(f"{theirs.rstrip()}\n\n{marker}\n{mine.strip()}", False)
        out.extend(base_tokens[at : span.start])
        if glued and span.start == span.end == at and _wordy(out[-1:], parts[0][:1]):
            # Both added words at one place: keep them apart, not glued into one word.
            out.append(" ")
        out.extend(parts[0])
        glued = span.start == span.end
        at = span.end
    out.extend(base_tokens[at:])
    return Merge("".join(out), True)


def _wordy(before: list[str], after: list[str]) -> bool:
    return bool(before and after and not before[0][-1:].isspace() and not after[0][:1].isspace())


def _apply(base: list[str], start: int, end: int, hunks: list[_Hunk]) -> list[str]:
    """base[start:end] with one side's `hunks` (all inside it, in order) applied."""
    out: list[str] = []
    at = start
    for hunk in hunks:
        out.extend(base[at : hunk.start])
        out.extend(hunk.new)
        at = max(at, hunk.end)
    out.extend(base[at:end])
    return out
