"""What a batch holds (boards.live.batch): the rows an op frame names, found before it
is applied, and copies of them that a refused frame can drop without undoing anything
of the frames before it in the group commit."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.base import ModelState


@dataclass
class _Named:
    cards: set[str]
    arrows: set[str]
    links: set[str]
    phases: bool
    owners: set[int]


def _named(ops: list[dict]) -> _Named:
    """The ids of the objects `ops` name, whether they need the phases, the owners named."""
    named = _Named(set(), set(), set(), False, set())
    for op in ops:
        kind = op["op"].split(".")[0]
        # Every op on content asks whether its phase is locked (batch_lock): the phases
        # are read once per group commit, a few rows.
        named.phases |= kind != "board"
        if kind == "card":
            named.cards.add(op["id"])
            if op.get("owner") is not None:
                named.owners.add(op["owner"])
        elif kind == "arrow":
            named.arrows.add(op["id"])
            named.cards.update(op[k] for k in ("from", "to") if k in op)
        elif kind == "link":
            named.links.add(op["id"])
            named.cards.update(op[k] for k in ("from", "to") if k in op)
        elif kind == "phase":
            named.phases = True
    return named


def _copy(obj):
    """A copy of a model instance that can be changed without changing `obj` (its cached
    related objects are shared; the batches read only their ids)."""
    twin = obj.__class__.__new__(obj.__class__)
    twin.__dict__ = obj.__dict__.copy()
    state = twin._state = ModelState()
    state.db, state.adding = obj._state.db, obj._state.adding
    state.fields_cache = dict(obj._state.fields_cache)
    return twin


class _Held:
    """A batch's objects of one model, by id: its own (loaded or made by it), and those
    of the group's earlier frames, copied into its own the first time it reads one."""

    def __init__(self, shared: dict | None = None) -> None:
        self.own: dict[str, object] = {}
        self.shared = shared if shared is not None else {}

    def get(self, ident: str):
        obj = self.own.get(ident)
        if obj is None and ident in self.shared:
            obj = self.own[ident] = _copy(self.shared[ident])
        return obj

    def __contains__(self, ident: str) -> bool:
        return ident in self.own or ident in self.shared

    def __setitem__(self, ident: str, obj) -> None:
        self.own[ident] = obj

    def setdefault(self, ident: str, obj):
        found = self.get(ident)
        if found is None:
            found = self.own[ident] = obj
        return found

    def update(self, pairs) -> None:
        self.own.update(pairs)

    def keys(self) -> set[str]:
        return self.own.keys() | self.shared.keys()

    def values(self):
        for ident in self.shared:
            self.get(ident)
        return self.own.values()
