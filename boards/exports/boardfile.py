"""Reading and checking a board file (docs/exports.md), before an import writes anything.

Everything is checked: the size before parsing, then encoding, syntax, format and
version, every field's type, range and length with the live protocol's own validators
(boards.live.fields, put together as boards.live.protocol does, so that a file can hold
nothing an editor could not have made), then duplicated ids, references to things the
file does not have, the kinds a link may join, and the phase and item counts. A refusal
names the first problem and its place:
"“cards[3].x” must be a number."
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from boards.frameworks import BOARD_FRAMEWORK_CHOICES, PHASE_COLOURS
from boards.live.fields import (
    KPI_OPTIONAL,
    KPI_REQUIRED,
    ProtocolError,
    choice,
    integer,
    optional_uuid,
    text,
    uuid_field,
)
from boards.live.protocol import (
    ARROW_DEFAULTS,
    ARROW_FIELDS,
    CARD_DEFAULTS,
    CARD_FIELDS,
    PHASE_FIELDS,
)
from boards.models import MAX_PHASES, MIN_PHASES, TITLE_MAX, Stage
from boards.schema import (
    CARD,
    KPI_DEFAULTS,
    KPI_MAX,
    LINK_SOURCE_KINDS,
    LINK_TARGET_KINDS,
)

FORMAT = "journeymap-board"
VERSION = 1
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_ARROWS = 20_000
MAX_LINKS = 20_000
EMAIL_MAX = 254
NAME_MAX = 120


class ImportRefused(Exception):
    """A board file that cannot be imported; `message` says what is wrong and where."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _refuse_size(size: int) -> None:
    limit = max_bytes()
    if size > limit:
        raise ImportRefused(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise ImportRefused(_("The file names “%(key)s” twice in one object.") % {"key": key})
        result[key] = value
    return result


def parse_document(data: bytes | str) -> dict:
    """The JSON object in `data`, or ImportRefused: too large (checked before anything
    is parsed), not UTF-8, not JSON, nested too deeply, or not an object."""
    if isinstance(data, str):
        _refuse_size(len(data.encode("utf-8", "surrogatepass")))
        content = data
    else:
        _refuse_size(len(data))
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(_("The file is not UTF-8 text.")) from None
    try:
        document = json.loads(content, object_pairs_hook=_no_repeated_keys)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            _("The file is not valid JSON: the error is at line %(line)s, column %(column)s.")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    except RecursionError:
        raise ImportRefused(
            _("The file nests lists or objects too deeply to be a board file.")
        ) from None
    except ValueError:  # e.g. a number with more digits than Python converts
        raise ImportRefused(_("The file is not valid JSON.")) from None
    if not isinstance(document, dict):
        raise ImportRefused(
            _("The file must hold one JSON object (a board file), not a list or a single value.")
        )
    return document


# Import: checking the document.


def _checked(check: Callable[[str, Any], Any], path: str, value: Any) -> Any:
    """`check` (a boards.live.fields validator) applied as the live protocol applies
    it, its refusal turned into an ImportRefused naming `path`."""
    try:
        cleaned = check(path, value)
    except ProtocolError as error:
        raise ImportRefused(error.message) from None
    if isinstance(cleaned, str):
        try:
            cleaned.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, which JSON's \u escapes allow
            raise ImportRefused(
                _("“%(field)s” contains characters that are not valid Unicode.") % {"field": path}
            ) from None
    return cleaned


def _object(
    value: Any,
    path: str,
    *,
    required: dict[str, Callable],
    optional: dict[str, Callable],
    defaults: dict[str, Any] | None = None,
) -> dict:
    if not isinstance(value, dict):
        raise ImportRefused(_("“%(field)s” must be an object.") % {"field": path})
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise ImportRefused(
            _("“%(field)s” has fields a board file does not have: %(fields)s.")
            % {"field": path, "fields": ", ".join(unknown)}
        )
    cleaned = dict(defaults or {})
    for name, check in required.items():
        if name not in value:
            raise ImportRefused(_("“%(field)s” needs “%(name)s”.") % {"field": path, "name": name})
        cleaned[name] = _checked(check, f"{path}.{name}", value[name])
    for name, check in optional.items():
        if name in value:
            cleaned[name] = _checked(check, f"{path}.{name}", value[name])
    return cleaned


def _list(document: dict, name: str, limit: int | None, *, required: bool = False) -> list:
    if name not in document:
        if required:
            raise ImportRefused(_("The file needs “%(name)s”.") % {"name": name})
        return []
    value = document[name]
    if not isinstance(value, list):
        raise ImportRefused(_("“%(field)s” must be a list.") % {"field": name})
    if limit is not None and len(value) > limit:
        raise ImportRefused(
            _("The file has %(count)s %(name)s; at most %(limit)s can be imported.")
            % {"count": len(value), "name": name, "limit": limit}
        )
    return value


def _person_field(path: str, value: Any) -> dict | None:
    if value is None:
        return None
    return _object(
        value,
        path,
        required={"email": text(EMAIL_MAX, required=True)},
        optional={"name": text(NAME_MAX)},
        defaults={"name": ""},
    )


def _anything(path: str, value: Any) -> Any:
    return value


def _kpis(path: str, value: Any) -> list[dict]:
    if not isinstance(value, list):
        raise ImportRefused(_("“%(field)s” must be a list.") % {"field": path})
    if len(value) > KPI_MAX:
        raise ImportRefused(
            _("“%(field)s” has %(count)s KPIs; a phase holds at most %(limit)s.")
            % {"field": path, "count": len(value), "limit": KPI_MAX}
        )
    return [
        _object(
            item,
            f"{path}[{index}]",
            required=KPI_REQUIRED,
            optional=KPI_OPTIONAL,
            defaults=KPI_DEFAULTS,
        )
        for index, item in enumerate(value)
    ]


def _unique_ids(items: list[dict], name: str) -> dict[str, int]:
    """id -> index in `items`; refuses an id used twice."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item["id"] in seen:
            raise ImportRefused(
                _("“%(field)s” repeats the id of %(first)s.")
                % {"field": f"{name}[{index}].id", "first": f"{name}[{seen[item['id']]}]"}
            )
        seen[item["id"]] = index
    return seen


def clean_document(document: dict) -> dict:
    """The board file checked field by field and as a whole; returns the cleaned
    {board, phases (in position order), cards, arrows, links}, or raises ImportRefused."""
    if "format" not in document:
        raise ImportRefused(_("This is not a Journeymap board file: it has no “format”."))
    if document["format"] != FORMAT:
        raise ImportRefused(
            _("This is not a Journeymap board file: “format” must be “%(format)s”.")
            % {"format": FORMAT}
        )
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportRefused(_("“version” must be a whole number."))
    if version != VERSION:
        raise ImportRefused(
            _("This board file is of version %(version)s; this Journeymap reads version %(ours)s.")
            % {"version": version, "ours": VERSION}
        )
    top = _object(
        {k: v for k, v in document.items() if k not in ("phases", "cards", "arrows", "links")},
        _("the file"),
        required={"format": _anything, "version": _anything, "board": _anything},
        # The gap list an export adds is computed again from the content, never read.
        optional={"exported": text(64), "gaps": _anything, "votes": _anything},
    )
    board = _object(
        top["board"],
        "board",
        required={"title": text(TITLE_MAX, required=True)},
        optional={
            "id": optional_uuid,  # the board it came from: not used
            "framework": choice([key for key, _label in BOARD_FRAMEWORK_CHOICES]),
            "stage": choice(Stage.values),
        },
        defaults={"framework": "custom", "stage": ""},
    )
    raw_phases = _list(document, "phases", None, required=True)
    if not MIN_PHASES <= len(raw_phases) <= MAX_PHASES:
        raise ImportRefused(
            _("A board has %(low)s to %(high)s phases; this file has %(count)s.")
            % {"low": MIN_PHASES, "high": MAX_PHASES, "count": len(raw_phases)}
        )
    # The same cap as the live board's card.create (boards.live.batch_cards).
    raw_cards = _list(document, "cards", settings.BOARD_MAX_CARDS)
    raw_arrows = _list(document, "arrows", MAX_ARROWS)
    raw_links = _list(document, "links", MAX_LINKS)

    phases = [
        _object(
            item,
            f"phases[{index}]",
            required={
                "id": uuid_field,
                "name": PHASE_FIELDS["name"],
                "position": integer(0, MAX_PHASES - 1),
            },
            optional={"colour": PHASE_FIELDS["colour"], "kpis": _kpis},
            defaults={"colour": PHASE_COLOURS[index % len(PHASE_COLOURS)], "kpis": []},
        )
        for index, item in enumerate(raw_phases)
    ]
    if sorted(p["position"] for p in phases) != list(range(len(phases))):
        raise ImportRefused(
            _("The phases' positions must be 0 to %(last)s, each once.") % {"last": len(phases) - 1}
        )
    phases.sort(key=lambda phase: phase["position"])
    phase_ids = _unique_ids(phases, "phases")

    # The file names people by address (a user id means someone else elsewhere).
    people = dict.fromkeys(CARD.refs("user"), _person_field)
    card_optional = {k: v for k, v in CARD_FIELDS.items() if k != "kind"}
    cards = [
        _object(
            item,
            f"cards[{index}]",
            required={"id": uuid_field, "kind": CARD_FIELDS["kind"]},
            optional={**card_optional, **people},
            defaults={**CARD_DEFAULTS, **dict.fromkeys(people)},
        )
        for index, item in enumerate(raw_cards)
    ]
    card_index = _unique_ids(cards, "cards")
    for index, card in enumerate(cards):
        if card["phase"] is not None and card["phase"] not in phase_ids:
            raise ImportRefused(
                _("“%(field)s” names a phase the file does not have.")
                % {"field": f"cards[{index}].phase"}
            )

    arrows = [
        _object(
            item,
            f"arrows[{index}]",
            required={"id": uuid_field, "from": uuid_field, "to": uuid_field},
            optional=ARROW_FIELDS,
            defaults=ARROW_DEFAULTS,
        )
        for index, item in enumerate(raw_arrows)
    ]
    _unique_ids(arrows, "arrows")
    for index, arrow in enumerate(arrows):
        _check_ends(arrow, f"arrows[{index}]", card_index)
        if arrow["from"] == arrow["to"]:
            raise ImportRefused(
                _("“%(field)s” joins a card to itself.") % {"field": f"arrows[{index}]"}
            )

    links = [
        _object(
            item,
            f"links[{index}]",
            required={"id": uuid_field, "from": uuid_field, "to": uuid_field},
            optional={},
        )
        for index, item in enumerate(raw_links)
    ]
    _unique_ids(links, "links")
    pairs: dict[tuple[str, str], int] = {}
    for index, link in enumerate(links):
        path = f"links[{index}]"
        _check_ends(link, path, card_index)
        source = cards[card_index[link["from"]]]["kind"]
        target = cards[card_index[link["to"]]]["kind"]
        if source not in LINK_SOURCE_KINDS:
            raise ImportRefused(
                _(
                    "“%(field)s” starts at a card of kind “%(kind)s”; a link starts at a "
                    "current activity or an opportunity."
                )
                % {"field": f"{path}.from", "kind": source}
            )
        if target not in LINK_TARGET_KINDS:
            raise ImportRefused(
                _("“%(field)s” ends at a card of kind “%(kind)s”; a link ends at a touchpoint.")
                % {"field": f"{path}.to", "kind": target}
            )
        pair = (link["from"], link["to"])
        if pair in pairs:
            raise ImportRefused(
                _("“%(field)s” links the same two cards as %(first)s.")
                % {"field": path, "first": f"links[{pairs[pair]}]"}
            )
        pairs[pair] = index
    return {"board": board, "phases": phases, "cards": cards, "arrows": arrows, "links": links}


def _check_ends(item: dict, path: str, card_index: dict[str, int]) -> None:
    for end in ("from", "to"):
        if item[end] not in card_index:
            raise ImportRefused(
                _("“%(field)s” names a card the file does not have.") % {"field": f"{path}.{end}"}
            )
