"""The field validators of the wire protocol (docs/protocol.md, "Field types and
limits"): each takes (name, value) and returns the cleaned value or raises ProtocolError.
boards.live.protocol puts them together into ops and frames; the board file import
(boards.exports.boardfile) checks a file with them, so that a file can hold nothing an
editor could not have made. The limits are boards.schema's.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from boards.schema import KPI_DEFAULTS, KPI_FIELDS, KPI_LIMITS, KPI_MAX


class ProtocolError(Exception):
    """A frame or op that breaks the protocol: sent back as error{code, message}, with the
    `op_id` of an op frame or the `ref` of a facilitate frame it answers."""

    def __init__(
        self, code: str, message: str, op_id: str | None = None, ref: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.op_id = op_id
        self.ref = ref

    def frame(self) -> dict:
        frame = {"type": "error", "code": self.code, "message": self.message}
        if self.op_id is not None:
            frame["op_id"] = self.op_id
        if self.ref is not None:
            frame["ref"] = self.ref
        return frame


# Field validators: each takes (name, value) and returns the cleaned value or raises.


def _is_number(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer of 309 digits or more: no float holds it
        return False


def storable(value: str) -> bool:
    """Whether PostgreSQL can store `value` as text: UTF-8 without NUL. A lone UTF-16
    surrogate (half an emoji, which JSON's \\ud83d escapes can carry) is not UTF-8, and
    would fail the whole transaction that writes it, not only its own frame."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(value: Any, limit: int = 40) -> str:
    """`value` as it may be quoted back in a message: short, and storable (an unknown
    field name or op from the wire may hold anything)."""
    text = value if isinstance(value, str) else type(value).__name__
    text = text[:limit]
    return text if storable(text) else text.encode("utf-8", "replace").decode().replace("\x00", "?")


def uuid_field(name: str, value: Any) -> str:
    """An id as the protocol writes it: lower case, with hyphens (what str(uuid) gives).
    Other spellings are refused rather than rewritten: the client would hold an id the
    server knows under another name."""
    if not isinstance(value, str):
        raise ProtocolError("invalid", _("“%(field)s” must be an id.") % {"field": name})
    try:
        cleaned = str(uuid.UUID(value))
    except ValueError:
        cleaned = None
    if cleaned != value:
        raise ProtocolError(
            "invalid", _("“%(field)s” is not a valid id.") % {"field": name}
        ) from None
    return cleaned


def optional_uuid(name: str, value: Any) -> str | None:
    return None if value is None else uuid_field(name, value)


def number(low: float, high: float) -> Callable[[str, Any], float]:
    def check(name: str, value: Any) -> float:
        if not _is_number(value):
            raise ProtocolError("invalid", _("“%(field)s” must be a number.") % {"field": name})
        if not low <= value <= high:
            raise ProtocolError(
                "out_of_range",
                _("“%(field)s” must be between %(low)s and %(high)s.")
                % {"field": name, "low": f"{low:g}", "high": f"{high:g}"},
            )
        return float(value)

    return check


def optional_number(low: float, high: float) -> Callable[[str, Any], float | None]:
    check = number(low, high)
    return lambda name, value: None if value is None else check(name, value)


def integer(low: int, high: int) -> Callable[[str, Any], int]:
    def check(name: str, value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ProtocolError(
                "invalid", _("“%(field)s” must be a whole number.") % {"field": name}
            )
        if not low <= value <= high:
            raise ProtocolError(
                "out_of_range",
                _("“%(field)s” must be between %(low)s and %(high)s.")
                % {"field": name, "low": low, "high": high},
            )
        return value

    return check


def text(limit: int, *, required: bool = False) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise ProtocolError("invalid", _("“%(field)s” must be text.") % {"field": name})
        if "\x00" in value:
            raise ProtocolError(
                "invalid", _("“%(field)s” contains a NUL character.") % {"field": name}
            )
        if not storable(value):  # a lone surrogate
            raise ProtocolError(
                "invalid",
                _("“%(field)s” contains characters that are not valid Unicode.") % {"field": name},
            )
        cleaned = value.strip() if required else value
        if required and not cleaned:
            raise ProtocolError("invalid", _("“%(field)s” may not be empty.") % {"field": name})
        if len(cleaned) > limit:
            raise ProtocolError(
                "too_long",
                _("“%(field)s” is %(length)d characters long; the limit is %(limit)d.")
                % {"field": name, "length": len(cleaned), "limit": limit},
            )
        return cleaned

    return check


def trimmed_text(limit: int) -> Callable[[str, Any], str]:
    """Text stored trimmed, empty allowed: a name that is matched against other names
    (a card's `kpi` against its phase's KPIs) must not differ by a stray space."""
    check = text(limit)
    return lambda name, value: check(name, value.strip() if isinstance(value, str) else value)


def optional_user(name: str, value: Any) -> int | None:
    """A user id or null. Whether that person may be named is the board's business
    (boards.live.commit: a member of its organisation)."""
    if value is None:
        return None
    return integer(1, 2**63 - 1)(name, value)


def boolean(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError("invalid", _("“%(field)s” must be true or false.") % {"field": name})
    return value


def choice(values: list[str]) -> Callable[[str, Any], str]:
    def check(name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in values:
            raise ProtocolError(
                "invalid",
                _("“%(field)s” must be one of: %(values)s.")
                % {"field": name, "values": ", ".join(v or '""' for v in values)},
            )
        return value

    return check


def colour(name: str, value: Any) -> str:
    if not isinstance(value, str) or not (
        value == ""
        or (
            len(value) == 7
            and value[0] == "#"
            and all(c in "0123456789abcdefABCDEF" for c in value[1:])
        )
    ):
        raise ProtocolError(
            "invalid", _("“%(field)s” must be a colour like #ffcc00.") % {"field": name}
        )
    return value.lower()


def iso_date(name: str, value: Any) -> str:
    """A calendar date as "YYYY-MM-DD" (a KPI reading's date, an opportunity's due date)."""
    try:
        valid = (
            isinstance(value, str)
            and len(value) == 10
            and datetime.date.fromisoformat(value).isoformat() == value
        )
    except ValueError:
        valid = False
    if not valid:
        raise ProtocolError(
            "invalid", _("“%(field)s” must be a date like 2026-03-31.") % {"field": name}
        )
    return value


def optional_date(name: str, value: Any) -> str:
    """A date, or "" for none."""
    return "" if value == "" else iso_date(name, value)


def phase_colour(name: str, value: Any) -> str:
    cleaned = colour(name, value)
    if not cleaned:
        raise ProtocolError("invalid", _("“%(field)s” may not be empty.") % {"field": name})
    return cleaned


def kpis(name: str, value: Any) -> list[dict]:
    if not isinstance(value, list):
        raise ProtocolError("invalid", _("“%(field)s” must be a list.") % {"field": name})
    if len(value) > KPI_MAX:
        raise ProtocolError(
            "out_of_range", _("A phase holds at most %(limit)d KPIs.") % {"limit": KPI_MAX}
        )
    return [
        object_fields(
            item,
            required=KPI_REQUIRED,
            optional=KPI_OPTIONAL,
            where=_("a KPI"),
            defaults=KPI_DEFAULTS,
        )
        for item in value
    ]


def object_fields(
    data: Any,
    *,
    required: dict[str, Callable],
    optional: dict[str, Callable],
    where: str,
    defaults: dict[str, Any] | None = None,
    at_least_one: bool = False,
) -> dict:
    """`data`, an object of the wire, checked field by field: `defaults` completed with
    the `required` fields and those of the `optional` present, each cleaned by its
    validator; unknown fields are refused (`where` names the object in a refusal)."""
    if not isinstance(data, dict):
        raise ProtocolError("invalid", _("%(where)s must be an object.") % {"where": where})
    unknown = set(data) - set(required) - set(optional)
    if unknown:
        raise ProtocolError(
            "invalid",
            _("%(where)s does not take: %(fields)s.")
            % {"where": where, "fields": ", ".join(sorted(shown(field) for field in unknown))},
        )
    cleaned = dict(defaults or {})
    for name, check in required.items():
        if name not in data:
            raise ProtocolError(
                "invalid", _("%(where)s needs “%(field)s”.") % {"where": where, "field": name}
            )
        cleaned[name] = check(name, data[name])
    present = [name for name in optional if name in data]
    if at_least_one and not present:
        raise ProtocolError(
            "invalid",
            _("%(where)s changes nothing: give at least one of %(fields)s.")
            % {"where": where, "fields": ", ".join(optional)},
        )
    for name in present:
        cleaned[name] = optional[name](name, data[name])
    return cleaned


# A KPI, an item of a phase's `kpis` (boards.schema KPI_FIELDS).
_FIGURE_LIMIT = KPI_LIMITS["figure"]
_FIGURE = optional_number(-_FIGURE_LIMIT, _FIGURE_LIMIT)
_KPI_CHECKS: dict[str, Callable] = {
    "name": text(KPI_LIMITS["name"], required=True),
    "value": _FIGURE,
    "target": _FIGURE,
    "unit": text(KPI_LIMITS["unit"]),
}
_READING_REQUIRED = {"date": iso_date, "value": number(-_FIGURE_LIMIT, _FIGURE_LIMIT)}
_READING_OPTIONAL = {"note": text(KPI_LIMITS["note"])}


def readings(name: str, value: Any) -> list[dict]:
    """A KPI's dated readings: at most KPI_READINGS_MAX, stored oldest first (readings of
    one day keep the order given)."""
    if not isinstance(value, list):
        raise ProtocolError("invalid", _("“%(field)s” must be a list.") % {"field": name})
    if len(value) > KPI_LIMITS["readings"]:
        raise ProtocolError(
            "out_of_range",
            _("A KPI holds at most %(limit)d readings.") % {"limit": KPI_LIMITS["readings"]},
        )
    cleaned = [
        object_fields(
            item,
            required=_READING_REQUIRED,
            optional=_READING_OPTIONAL,
            where=_("a reading"),
            defaults={"note": ""},
        )
        for item in value
    ]
    return sorted(cleaned, key=lambda reading: reading["date"])


_KPI_CHECKS["readings"] = readings
KPI_REQUIRED = {"name": _KPI_CHECKS["name"]}
KPI_OPTIONAL = {name: _KPI_CHECKS[name] for name in KPI_FIELDS if name != "name"}
