"""Text for drawn exports: width estimates, wrapping, ellipses, XML escaping, and the
right-to-left handling that cairo's simple text drawing lacks.

No layout engine runs on the server (cairosvg draws glyph by glyph with cairo's "toy"
text API), so every line break is decided here, from the advance widths of DejaVu Sans,
the font the exports name first and the one cairo finds on the machine. Verdana, the
next font in the list for a browser that opens the SVG, is of nearly the same widths.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

FONT_FAMILY = "DejaVu Sans, Verdana, Segoe UI, Arial, sans-serif"
ELLIPSIS = "…"

# Advance widths of DejaVu Sans (per 1000 em) for the printable ASCII range 32 to 126,
# measured with cairo on this machine: regular, then bold.
_ASCII_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838,
)  # fmt: skip
_ASCII_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734,
    830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812,
    774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
    712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652,
    582, 712, 365, 712, 838,
)  # fmt: skip

# Characters XML 1.0 does not allow at all (C0 controls but tab and newline, lone
# surrogates, U+FFFE/FFFF): a card's text may hold them, an SVG may not.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_RTL_CHAR = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def xml_text(value: str) -> str:
    """`value` safe as the content of an XML element: markup characters escaped, and
    characters XML cannot carry at all left out."""
    value = _NOT_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(value: str) -> str:
    """`value` safe inside a double-quoted XML attribute."""
    return xml_text(value).replace('"', "&quot;").replace("\n", " ").replace("\t", " ")


@lru_cache(maxsize=8192)
def _char_width(char: str, bold: bool) -> float:
    code = ord(char)
    if 32 <= code <= 126:
        return (_ASCII_BOLD if bold else _ASCII_REGULAR)[code - 32] / 1000
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and 32 <= ord(base) <= 126:
        return _char_width(base, bold)
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char == ELLIPSIS:
        return 1.0
    return 0.7 if bold else 0.64


def text_width(value: str, size: float, *, bold: bool = False, spacing: float = 0.0) -> float:
    """The estimated width of `value` in board units at font size `size`."""
    return sum(_char_width(c, bold) for c in value) * size + spacing * max(0, len(value) - 1)


def ellipsize(value: str, width: float, size: float, *, bold: bool = False) -> str:
    """`value` on one line, cut with an ellipsis where it would pass `width`."""
    value = " ".join(value.split())
    if text_width(value, size, bold=bold) <= width:
        return value
    room = width - _char_width(ELLIPSIS, bold) * size
    used, cut = 0.0, 0
    for index, char in enumerate(value):
        used += _char_width(char, bold) * size
        if used > room:
            break
        cut = index + 1
    return value[:cut].rstrip() + ELLIPSIS


def _break_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word longer than the line, in pieces that fit (a URL, a long compound)."""
    pieces, current, used = [], "", 0.0
    for char in word:
        advance = _char_width(char, bold) * size
        if current and used + advance > width:
            pieces.append(current)
            current, used = "", 0.0
        current += char
        used += advance
    if current:
        pieces.append(current)
    return pieces


def wrap(value: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """`value` broken into lines no wider than `width`: at its own line breaks, then
    between words, and inside a word only when the word alone is too wide."""
    lines: list[str] = []
    space = _char_width(" ", bold) * size
    for paragraph in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        words = paragraph.replace("\t", " ").split()
        if not words:
            lines.append("")
            continue
        current, used = "", 0.0
        for word in words:
            word_width = text_width(word, size, bold=bold)
            if word_width > width:
                if current:
                    lines.append(current)
                *full, last = _break_word(word, width, size, bold)
                lines.extend(full)
                current, used = last, text_width(last, size, bold=bold)
            elif not current:
                current, used = word, word_width
            elif used + space + word_width <= width:
                current, used = f"{current} {word}", used + space + word_width
            else:
                lines.append(current)
                current, used = word, word_width
        lines.append(current)
    # Blank lines at the end show nothing but take the room of text that would.
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def wrap_paragraphs(
    value: str, width: float, size: float, *, bold: bool = False, direction: str | None = None
) -> list[tuple[str, str]]:
    """Like `wrap`, each line with the direction of its paragraph ("ltr" or "rtl"), so
    that every line of a Hebrew or Arabic paragraph is aligned to the right, even one that
    starts with a Latin word. A sentence of the interface with someone's words in it
    passes the interface's `direction` instead: its words decide nothing about it."""
    lines: list[tuple[str, str]] = []
    for paragraph in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        direction_of = direction or base_direction(paragraph)
        lines.extend((line, direction_of) for line in wrap(paragraph, width, size, bold=bold))
    while len(lines) > 1 and not lines[-1][0]:
        lines.pop()
    return lines


def clip_lines(
    lines: list[str], count: int, width: float, size: float, *, bold: bool = False
) -> list[str]:
    """At most `count` lines; when some are left out, the last one shown ends with an
    ellipsis, so a reader knows the card says more than the picture."""
    if count <= 0:
        return []
    if len(lines) <= count:
        return lines
    kept = lines[:count]
    last = kept[-1].rstrip()
    while last and text_width(last + ELLIPSIS, size, bold=bold) > width:
        last = last[:-1].rstrip()
    kept[-1] = last + ELLIPSIS
    return kept


# Right-to-left text.


def has_rtl(value: str) -> bool:
    return _RTL_CHAR.search(value) is not None


def base_direction(value: str) -> str:
    """ "rtl" or "ltr": the direction of the first strong character (the Unicode
    bidirectional algorithm's rules P2 and P3), "ltr" when there is none."""
    for char in value:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


_ALEFS = frozenset("\u0622\u0623\u0625\u0627")


def _arabic_forms() -> tuple[dict, dict]:
    """Contextual forms of Arabic letters, read from Unicode's presentation forms
    (their decompositions name the letter and the form), and the lam-alef ligatures."""
    forms: dict[str, dict[str, str]] = {}
    ligatures: dict[tuple[str, str], dict[str, str]] = {}
    for code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        char = chr(code)
        parts = unicodedata.decomposition(char).split()
        if len(parts) < 2 or parts[0] not in ("<isolated>", "<final>", "<initial>", "<medial>"):
            continue
        form = parts[0][1:-1]
        letters = tuple(chr(int(p, 16)) for p in parts[1:])
        if len(letters) == 1:
            forms.setdefault(letters[0], {}).setdefault(form, char)
        elif len(letters) == 2 and letters[0] == "\u0644" and letters[1] in _ALEFS:
            ligatures.setdefault(letters, {}).setdefault(form, char)
    return forms, ligatures


_FORMS, _LAM_ALEF = _arabic_forms()
_TATWEEL = "\u0640"


def _joining(char: str) -> str:
    """D (joins both sides), R (joins the letter before it only), T (transparent), C
    (tatweel, joins both) or U (does not join)."""
    if char == _TATWEEL:
        return "C"
    if unicodedata.category(char) in ("Mn", "Me") or char == "\u200d":
        return "T"
    forms = _FORMS.get(char)
    if not forms or not ("\u0600" <= char <= "\u06ff"):
        return "U"
    return "D" if "medial" in forms or "initial" in forms else "R"


def shape_arabic(value: str) -> str:
    """Arabic letters replaced by their contextual presentation forms, so that a renderer
    that draws one code point at a time still joins them as Arabic is written."""
    if not any("\u0600" <= c <= "\u06ff" for c in value):
        return value
    kinds = [_joining(c) for c in value]

    def neighbour(index: int, step: int) -> int | None:
        index += step
        while 0 <= index < len(value) and kinds[index] == "T":
            index += step
        return index if 0 <= index < len(value) else None

    out: list[str] = []
    skip: set[int] = set()
    for index, char in enumerate(value):
        if index in skip:
            continue
        kind = kinds[index]
        if kind not in ("D", "R"):
            out.append(char)
            continue
        before = neighbour(index, -1)
        after = neighbour(index, 1)
        joins_before = before is not None and kinds[before] in ("D", "C")
        joins_after = kind == "D" and after is not None and kinds[after] in ("D", "R", "C")
        if char == "\u0644" and after is not None and (char, value[after]) in _LAM_ALEF:
            ligature = _LAM_ALEF[(char, value[after])]
            out.append(ligature.get("final" if joins_before else "isolated", char))
            out.extend(value[index + 1 : after])  # marks between lam and alef
            skip.add(after)
            continue
        forms = _FORMS[char]
        if joins_before and joins_after:
            form = "medial"
        elif joins_before:
            form = "final"
        elif joins_after:
            form = "initial"
        else:
            form = "isolated"
        out.append(forms.get(form) or forms.get("isolated") or char)
    return "".join(out)


_MIRRORED = str.maketrans("()[]{}<>\u00ab\u00bb\u2039\u203a", ")(][}{><\u00bb\u00ab\u203a\u2039")


def visual_order(value: str, direction: str | None = None) -> str:
    """One line of text in the order its glyphs appear from left to right: a reduced form
    of the Unicode bidirectional algorithm (one paragraph, no explicit embeddings), with
    Arabic shaped first. For renderers without a bidi algorithm of their own (cairo's
    toy text API); an SVG itself keeps the logical order and a `direction`, which is
    the paragraph's base direction here too (found from the text when not given)."""
    if not has_rtl(value):
        return value
    value = shape_arabic(value)
    # Clusters: a base character with the marks that follow it move together.
    clusters: list[str] = []
    for char in value:
        if clusters and unicodedata.category(char) in ("Mn", "Me"):
            clusters[-1] += char
        else:
            clusters.append(char)
    raw = [unicodedata.bidirectional(c[0]) for c in clusters]
    base = 1 if (direction or base_direction(value)) == "rtl" else 0
    types = []
    for kind in raw:
        if kind in ("R", "AL"):
            types.append("R")
        elif kind == "L":
            types.append("L")
        elif kind in ("EN", "AN"):
            types.append("EN")
        elif kind in ("ES", "CS", "ET"):
            types.append(kind)
        else:
            types.append("N")
    count = len(types)
    # W4, W5: a separator between two digits, and a currency or percent sign next to
    # digits, belong to the number.
    for i in range(1, count - 1):
        if types[i] in ("ES", "CS") and types[i - 1] == "EN" and types[i + 1] == "EN":
            types[i] = "EN"
    for i in range(count):
        if types[i] == "ET":
            j = i
            while j < count and types[j] == "ET":
                j += 1
            if (i > 0 and types[i - 1] == "EN") or (j < count and types[j] == "EN"):
                for k in range(i, j):
                    types[k] = "EN"
    types = ["N" if t in ("ES", "CS", "ET") else t for t in types]
    # W7: digits after left-to-right text are left-to-right text.
    strong = "R" if base else "L"
    for i in range(count):
        if types[i] in ("L", "R"):
            strong = types[i]
        elif types[i] == "EN" and strong == "L":
            types[i] = "L"
    # N1, N2: neutrals between two runs of one direction take it; others the paragraph's.
    i = 0
    while i < count:
        if types[i] != "N":
            i += 1
            continue
        j = i
        while j < count and types[j] == "N":
            j += 1
        before = ("R" if base else "L") if i == 0 else types[i - 1]
        after = ("R" if base else "L") if j == count else types[j]
        before = "R" if before == "EN" else before
        after = "R" if after == "EN" else after
        resolved = before if before == after else ("R" if base else "L")
        for k in range(i, j):
            types[k] = resolved
        i = j
    # I1, I2: embedding levels.
    levels = []
    for kind in types:
        if base == 0:
            levels.append({"L": 0, "R": 1, "EN": 2}[kind])
        else:
            levels.append({"R": 1, "L": 2, "EN": 2}[kind])
    # L2: reverse every run at each level from the highest down to the lowest odd one.
    order = list(range(count))
    for level in range(max(levels), 0, -1):
        i = 0
        while i < count:
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < count and levels[order[j]] >= level:
                j += 1
            order[i:j] = reversed(order[i:j])
            i = j
    # L4: mirrored characters (brackets) in right-to-left runs face the other way.
    return "".join(
        clusters[k].translate(_MIRRORED) if levels[k] % 2 else clusters[k] for k in order
    )
