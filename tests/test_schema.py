"""boards/schema.py, the one definition of board content: that it covers every model
field, and that the protocol, the board state, snapshots, the board file, templates and
the pages' JSON all read the same fields and defaults from it."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse

from boards.actions import board_apply_ops, board_create, template_create_from_board
from boards.exports.jsonio import board_document, board_import
from boards.exports.state import complete_state
from boards.live import fields, protocol
from boards.models import Card, Channel, Phase
from boards.schema import (
    ARROW,
    CARD,
    KPI_DEFAULTS,
    KPI_FIELDS,
    LINK,
    PHASE,
    client_schema,
)
from boards.selectors import board_state
from boards.snapshots import snapshot_create, snapshot_restore
from tests import statemodel

SHAPES = [CARD, ARROW, LINK, PHASE]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.model.__name__)
def test_it_names_every_model_field_in_the_schema_or_as_server_only(shape):
    meta = shape.model._meta
    in_schema = {meta.get_field(field.column).name for field in shape.state_fields}
    model_fields = {field.name for field in meta.concrete_fields}

    unaccounted = model_fields - in_schema - shape.server_only
    assert not unaccounted, (
        f"{shape.model.__name__} has fields boards/schema.py does not know: {unaccounted}; "
        "add them to its Shape, or to its server_only if no client may see them"
    )
    assert not in_schema & shape.server_only
    assert shape.server_only <= model_fields


def test_it_gives_the_protocol_the_schemas_fields_and_defaults():
    assert list(protocol.CARD_FIELDS) == list(CARD.names)
    assert CARD.defaults == protocol.CARD_DEFAULTS
    assert list(protocol.ARROW_FIELDS) == list(ARROW.plain)
    assert ARROW.defaults == protocol.ARROW_DEFAULTS
    assert list(protocol.PHASE_FIELDS) == list(PHASE.names)
    assert [*fields.KPI_REQUIRED, *fields.KPI_OPTIONAL] == list(KPI_FIELDS)


def test_it_defaults_a_card_made_from_its_kind_alone_as_the_database_does():
    op = protocol.clean_op({"op": "card.create", "id": str(uuid.uuid4()), "kind": "note"})
    card = Card(id=op["id"], kind="note")

    assert {k: v for k, v in op.items() if k not in ("op", "id", "kind")} == CARD.defaults
    assert {k: v for k, v in CARD.of(card).items() if k in CARD.defaults} == CARD.defaults
    assert complete_state({"cards": [{"id": op["id"], "kind": "note"}]})["cards"] == [
        {"id": op["id"], "kind": "note", **CARD.state_defaults}
    ]


def test_it_agrees_with_the_test_client_written_from_the_docs():
    # tests/statemodel.py is written from docs/protocol.md alone: the docs and the schema
    # must say the same.
    assert CARD.names == statemodel.CARD_FIELDS
    assert CARD.defaults == statemodel.CARD_DEFAULTS
    assert ARROW.names == statemodel.ARROW_FIELDS
    assert PHASE.names == statemodel.PHASE_FIELDS
    assert set(statemodel.LINK_SOURCE_KINDS) == set(client_schema()["link"]["source_kinds"])
    assert set(statemodel.LINK_TARGET_KINDS) == set(client_schema()["link"]["target_kinds"])


@pytest.fixture
def every_field(board, members):
    """The fixture board with a card that has a value other than the default in every
    field, an arrow with a label and weight, and a link."""
    phase = board.phases.get(position=1)
    board_apply_ops(
        board=board,
        actor=members["owner"],
        ops=[
            {
                "op": "phase.update",
                "id": str(phase.id),
                "kpis": [{"name": "Repeat rate", "value": 12.5, "target": 20, "unit": "%"}],
            }
        ],
    )
    ids = {name: str(uuid.uuid4()) for name in ("opportunity", "arrow", "link")}
    touchpoint = Card.objects.get(board=board, kind="touchpoint")
    board_apply_ops(
        board=board,
        actor=members["editor"],
        ops=[
            {
                "op": "card.create",
                "id": ids["opportunity"],
                "kind": "opportunity",
                "phase": str(phase.id),
                "x": 12.5,
                "y": 300,
                "w": 240,
                "h": 150,
                "text": "Win-back e-mail",
                "colour": "#fbcfe8",
                "channel": "email",
                "priority": "high",
                "owner": members["facilitator"].pk,
                "kpi": "Repeat rate",
                "status": "doing",
                "due": "2026-03-31",
            },
            {
                "op": "arrow.create",
                "id": ids["arrow"],
                "from": str(touchpoint.id),
                "to": ids["opportunity"],
                "label": "12%",
                "weight": 120,
            },
            {
                "op": "link.create",
                "id": ids["link"],
                "from": ids["opportunity"],
                "to": str(touchpoint.id),
            },
        ],
    )
    # Only a facilitator locks a card.
    board_apply_ops(
        board=board,
        actor=members["facilitator"],
        ops=[{"op": "card.update", "id": ids["opportunity"], "locked": True}],
    )
    state = board_state(board)
    card = next(c for c in state["cards"] if c["id"] == ids["opportunity"])
    # Every field of the card differs from its default, so a path that drops one shows.
    assert all(card[name] != default for name, default in CARD.state_defaults.items())
    return board, ids


def test_it_carries_the_schemas_fields_in_the_board_state(every_field):
    board, _ids = every_field
    state = board_state(board)

    assert all(set(card) == set(CARD.state_names) for card in state["cards"])
    assert all(set(arrow) == set(ARROW.state_names) for arrow in state["arrows"])
    assert all(set(link) == set(LINK.state_names) for link in state["links"])
    assert all(set(phase) == set(PHASE.state_names) for phase in state["phases"])
    card = next(card for card in state["cards"] if card["phase"] is not None)
    assert card == CARD.of(Card.objects.get(pk=card["id"]))


def test_it_restores_every_field_from_a_snapshot(every_field, members):
    board, ids = every_field
    before = board_state(board)
    snapshot = snapshot_create(board=board, name="Everything", actor=members["owner"])
    board_apply_ops(
        board=board,
        actor=members["facilitator"],  # the card is locked
        ops=[
            {"op": "card.update", "id": ids["opportunity"], "priority": "low", "owner": None},
            {"op": "card.delete", "id": ids["opportunity"]},
        ],
    )

    snapshot_restore(snapshot=snapshot, actor=members["owner"])

    after = board_state(board)
    for part in ("phases", "cards", "arrows", "links"):
        assert after[part] == before[part]


def test_it_exports_and_imports_every_field(every_field, members):
    board, ids = every_field
    state = board_state(board)
    people = {
        user.pk: {"email": user.email, "name": user.name}
        for user in (members["owner"], members["editor"], members["facilitator"])
    }
    document = board_document(state, people=people, exported=datetime.now(UTC))

    # The same fields as the state (the file names people by address, in its own order).
    assert all(set(card) == set(CARD.state_names) for card in document["cards"])
    assert all(set(arrow) == set(ARROW.state_names) for arrow in document["arrows"])
    assert all(set(link) == set(LINK.state_names) for link in document["links"])
    assert all(list(kpi) == list(KPI_FIELDS) for p in document["phases"] for kpi in p["kpis"])

    copy = board_import(
        organisation=board.organisation, data=json.dumps(document), actor=members["owner"]
    )

    original = next(c for c in state["cards"] if c["id"] == ids["opportunity"])
    imported = Card.objects.get(board=copy, text=original["text"])
    copied = CARD.of(imported)
    phase = Phase.objects.get(pk=imported.phase_id)
    assert phase.name == Phase.objects.get(pk=original["phase"]).name
    assert {k: v for k, v in copied.items() if k not in ("id", "phase")} == {
        k: v for k, v in original.items() if k not in ("id", "phase")
    }


def test_it_starts_a_board_from_a_template_with_every_field_a_template_keeps(every_field, members):
    board, ids = every_field
    template = template_create_from_board(board=board, name="Everything", actor=members["owner"])

    copy = board_create(
        organisation=board.organisation,
        title="From the template",
        framework="clm4",
        created_by=members["owner"],
        template=template,
    )

    original = CARD.of(Card.objects.get(pk=ids["opportunity"]))
    made = CARD.of(Card.objects.get(board=copy, text=original["text"]))
    # A template leaves out whom it names (the owner), the lock of a workshop and how far
    # this board's plan got (an opportunity's status and due date); everything else comes
    # along.
    kept = [name for name in CARD.plain if name not in ("locked", "status", "due")]
    assert {name: made[name] for name in kept} == {name: original[name] for name in kept}
    assert (made["owner"], made["status"], made["due"]) == (None, "", "")
    assert (original["locked"], made["locked"]) == (True, False)


def test_it_fills_in_what_an_old_template_lacks_with_the_defaults(board, members):
    template = template_create_from_board(board=board, name="Old", actor=members["owner"])
    for card in template.content["cards"]:
        del card["priority"], card["kpi"]  # saved before opportunities had them
    template.save(update_fields=["content"])

    copy = board_create(
        organisation=board.organisation,
        title="From an old template",
        framework="clm4",
        created_by=members["owner"],
        template=template,
    )

    assert [(c.priority, c.kpi) for c in Card.objects.filter(board=copy)] == [("", ""), ("", "")]


def test_it_gives_a_kpi_the_schemas_defaults():
    cleaned = fields.kpis("kpis", [{"name": "Visits"}])

    assert cleaned == [{"name": "Visits", **KPI_DEFAULTS}]


# The client's contract: the JSON on the board pages.


def _page_schema(response) -> dict:
    found = re.search(
        r'<script id="board-schema" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "the page carries no board-schema"
    return json.loads(found.group(1))


@pytest.mark.parametrize("view", ["board_detail", "board_outline"])
def test_it_gives_the_board_pages_the_client_schema(view, board, client_for):
    response = client_for("viewer").get(reverse(view, args=[board.id]))

    assert response.status_code == 200
    assert _page_schema(response) == json.loads(json.dumps(client_schema()))


def test_it_tells_the_client_the_fields_limits_and_choices():
    schema = client_schema()

    assert schema["kinds"] == ["touchpoint", "activity", "note", "opportunity"]
    card = schema["card"]
    assert card["fields"] == [
        *("kind", "phase", "x", "y", "w", "h", "text", "colour", "channel", "priority"),
        *("owner", "kpi", "locked", "status", "due"),
    ]
    assert card["defaults"] == {
        "phase": None,
        "x": 0,
        "y": 0,
        "w": 180,
        "h": 110,
        "text": "",
        "colour": "",
        "channel": "",
        "priority": "",
        "owner": None,
        "kpi": "",
        "locked": False,
        "status": "",
        "due": "",
    }
    assert card["limits"] == {"text": 2000, "kpi": 60, "size": [40, 2000], "coord": 1_000_000}
    assert card["choices"]["priority"] == ["", "high", "medium", "low"]
    assert card["choices"]["channel"] == ["", "email", *card["choices"]["channel"][2:]]
    assert card["choices"]["channel"] == list(Channel.values)
    assert schema["arrow"] == {
        "fields": ["from", "to", "label", "weight", "movement"],
        "defaults": {"label": "", "weight": None, "movement": "fall_back"},
        "limits": {"label": 120, "weight": [0, 1_000_000]},
        "choices": {"movement": ["fall_back", "return", "reactivated"]},
    }
    assert schema["link"] == {
        "fields": ["from", "to"],
        "source_kinds": ["activity", "opportunity"],
        "target_kinds": ["touchpoint"],
    }
    phase = schema["phase"]
    assert phase["fields"] == ["name", "colour", "kpis", "locked"]
    assert (phase["min"], phase["max"]) == (2, 8)
    assert phase["limits"] == {"name": 60}
    assert len(phase["colours"]) == 8
    kpi = schema["kpi"]
    assert (kpi["fields"], kpi["max"]) == (["name", "value", "target", "unit", "readings"], 10)
    assert {kpi["limits"]["name"], kpi["limits"]["unit"]} == {60, 12}
    # A copy each time: a caller that changes it changes nobody else's.
    schema["kinds"].append("x")
    assert client_schema()["kinds"] == ["touchpoint", "activity", "note", "opportunity"]


def test_it_matches_the_ops_table_of_the_protocol_docs():
    docs = (settings.BASE_DIR / "docs" / "protocol.md").read_text()

    def fields(op: str) -> list[str]:
        row = next(line for line in docs.splitlines() if line.startswith(f"| `{op}` |"))
        return re.findall(r"`(\w+)`", row.split("|")[2])

    assert fields("card.create") == ["id", *CARD.names]
    assert fields("card.update") == ["id", *CARD.names, "base"]
    assert fields("arrow.create") == ["id", *ARROW.names]
    assert fields("phase.update") == ["id", *PHASE.names]
