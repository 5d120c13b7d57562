"""Imports of board files (boards/exports/jsonio.py, docs/exports.md): a good file makes a
new board equal to the one it came from; a bad one is refused with a message that says
what is wrong and where, and nothing at all is written."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boards.exports.build import export_board
from boards.exports.jsonio import ImportRefused, board_import
from boards.models import Arrow, Board, Card, CardLink, OpLog, Phase
from tests.boardfiles import make_full_board, without_ids
from tests.helpers import page_text


@pytest.fixture
def document(org, members) -> dict:
    board, _ids = make_full_board(org, members)
    return json.loads(export_board(board, "json").content)


def _rows() -> tuple[int, ...]:
    return (
        Board.objects.count(),
        Phase.objects.count(),
        Card.objects.count(),
        Arrow.objects.count(),
        CardLink.objects.count(),
        OpLog.objects.count(),
    )


def _card(document: dict, kind: str) -> tuple[int, dict]:
    return next((i, c) for i, c in enumerate(document["cards"]) if c["kind"] == kind)


def _set(path: str, value) -> Callable[[dict], None]:
    """A change of the field at `path` ("cards.0.x") of a board file."""

    def change(document: dict) -> None:
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _drop(path: str) -> Callable[[dict], None]:
    def change(document: dict) -> None:
        *parents, last = path.split(".")
        target = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return change


def _duplicate_card_id(document: dict) -> None:
    document["cards"][1]["id"] = document["cards"][0]["id"]


def _dangling_arrow(document: dict) -> None:
    document["arrows"][0]["to"] = str(uuid.uuid4())


def _self_arrow(document: dict) -> None:
    document["arrows"][0]["to"] = document["arrows"][0]["from"]


def _dangling_link(document: dict) -> None:
    document["links"][-1]["from"] = str(uuid.uuid4())


def _touchpoint_to_touchpoint(document: dict) -> None:
    touchpoints = [c["id"] for c in document["cards"] if c["kind"] == "touchpoint"]
    document["links"].append(
        {"id": str(uuid.uuid4()), "from": touchpoints[0], "to": touchpoints[1]}
    )


def _activity_to_activity(document: dict) -> None:
    activities = [c["id"] for c in document["cards"] if c["kind"] == "activity"]
    document["links"].append({"id": str(uuid.uuid4()), "from": activities[0], "to": activities[1]})


def _repeated_link(document: dict) -> None:
    document["links"].append({**document["links"][0], "id": str(uuid.uuid4())})


def _one_phase(document: dict) -> None:
    document["phases"] = document["phases"][:1]
    for card in document["cards"]:
        card["phase"] = document["phases"][0]["id"]


def _nine_phases(document: dict) -> None:
    for position in range(4, 9):
        document["phases"].append(
            {"id": str(uuid.uuid4()), "position": position, "name": f"P{position}", "kpis": []}
        )


def _positions_twice(document: dict) -> None:
    document["phases"][1]["position"] = 0


def _unknown_phase(document: dict) -> None:
    document["cards"][0]["phase"] = str(uuid.uuid4())


def _eleven_kpis(document: dict) -> None:
    document["phases"][0]["kpis"] = [{"name": f"KPI {n}"} for n in range(11)]


HOSTILE = [
    # (id, change, message the refusal must contain)
    ("wrong format", _set("format", "trello-board"), "This is not a Journeymap board file"),
    ("no format", _drop("format"), "it has no “format”"),
    ("newer version", _set("version", 2), "of version 2; this Journeymap reads version 1"),
    ("version as text", _set("version", "1"), "“version” must be a whole number."),
    ("unknown top field", _set("macro", "x"), "has fields a board file does not have: macro."),
    ("no board", _drop("board"), "needs “board”."),
    ("board not an object", _set("board", ["x"]), "“board” must be an object."),
    ("no title", _drop("board.title"), "“board” needs “title”."),
    ("blank title", _set("board.title", "   "), "“board.title” may not be empty."),
    ("title too long", _set("board.title", "T" * 121), "“board.title” is 121 characters long"),
    ("unknown framework", _set("board.framework", "aida"), "“board.framework” must be one of"),
    ("unknown stage", _set("board.stage", "party"), "“board.stage” must be one of"),
    ("phases not a list", _set("phases", {"a": 1}), "“phases” must be a list."),
    ("no phases", _drop("phases"), "The file needs “phases”."),
    ("one phase", _one_phase, "A board has 2 to 8 phases; this file has 1."),
    ("nine phases", _nine_phases, "A board has 2 to 8 phases; this file has 9."),
    ("positions twice", _positions_twice, "positions must be 0 to 3, each once"),
    ("phase position text", _set("phases.0.position", "0"), "“phases[0].position” must be a whole"),
    ("phase without name", _drop("phases.1.name"), "“phases[1]” needs “name”."),
    ("phase colour", _set("phases.0.colour", "blue"), "“phases[0].colour” must be a colour"),
    ("eleven KPIs", _eleven_kpis, "“phases[0].kpis” has 11 KPIs; a phase holds at most 10."),
    (
        "KPI value text",
        _set("phases.0.kpis.0.value", "high"),
        "“phases[0].kpis[0].value” must be a number.",
    ),
    (
        "KPI value huge",
        _set("phases.0.kpis.0.value", 1e13),
        "“phases[0].kpis[0].value” must be between",
    ),
    ("KPI unknown field", _set("phases.0.kpis.0.owner", "x"), "“phases[0].kpis[0]” has fields"),
    ("cards not a list", _set("cards", "many"), "“cards” must be a list."),
    ("card not an object", _set("cards.3", 42), "“cards[3]” must be an object."),
    ("card without kind", _drop("cards.3.kind"), "“cards[3]” needs “kind”."),
    ("card kind unknown", _set("cards.3.kind", "sticky"), "“cards[3].kind” must be one of"),
    ("card x as text", _set("cards.3.x", "12"), "“cards[3].x” must be a number."),
    ("card x boolean", _set("cards.3.x", True), "“cards[3].x” must be a number."),
    (
        "card x out of range",
        _set("cards.3.x", 2_000_000),
        "“cards[3].x” must be between -1e+06 and 1e+06.",
    ),
    ("card too narrow", _set("cards.3.w", 10), "“cards[3].w” must be between 40 and 2000."),
    (
        "card text too long",
        _set("cards.3.text", "x" * 2001),
        "“cards[3].text” is 2001 characters long; the limit is 2000.",
    ),
    ("card text NUL", _set("cards.3.text", "a\x00b"), "“cards[3].text” contains a NUL character."),
    (
        "card text lone surrogate",
        _set("cards.3.text", "\ud800"),
        "“cards[3].text” contains characters that are not valid Unicode.",
    ),
    ("card colour", _set("cards.3.colour", "url(#x)"), "“cards[3].colour” must be a colour"),
    ("card channel", _set("cards.3.channel", "tiktok"), "“cards[3].channel” must be one of"),
    ("card priority", _set("cards.3.priority", "urgent"), "“cards[3].priority” must be one of"),
    ("card owner id", _set("cards.3.owner", 7), "“cards[3].owner” must be an object."),
    ("card owner email", _set("cards.3.owner", {"name": "X"}), "“cards[3].owner” needs “email”."),
    (
        "card unknown field",
        _set("cards.3.deleted", True),
        "“cards[3]” has fields a board file does not have: deleted.",
    ),
    ("card id not an id", _set("cards.3.id", "card-3"), "“cards[3].id” is not a valid id."),
    ("card id twice", _duplicate_card_id, "“cards[1].id” repeats the id of cards[0]."),
    (
        "card in no phase of the file",
        _unknown_phase,
        "“cards[0].phase” names a phase the file does not have.",
    ),
    ("arrow to nothing", _dangling_arrow, "“arrows[0].to” names a card the file does not have."),
    ("arrow to itself", _self_arrow, "“arrows[0]” joins a card to itself."),
    (
        "arrow weight negative",
        _set("arrows.0.weight", -1),
        "“arrows[0].weight” must be between 0 and 1e+06.",
    ),
    (
        "arrow label long",
        _set("arrows.0.label", "l" * 121),
        "“arrows[0].label” is 121 characters long",
    ),
    ("arrow without from", _drop("arrows.0.from"), "“arrows[0]” needs “from”."),
    ("link to nothing", _dangling_link, "“links[2].from” names a card the file does not have."),
    (
        "touchpoint to touchpoint",
        _touchpoint_to_touchpoint,
        "“links[3].from” starts at a card of kind “touchpoint”",
    ),
    (
        "activity to activity",
        _activity_to_activity,
        "“links[3].to” ends at a card of kind “activity”",
    ),
    ("same link twice", _repeated_link, "“links[3]” links the same two cards as links[0]."),
    (
        "link with label",
        _set("links.0.label", "x"),
        "“links[0]” has fields a board file does not have: label.",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE]
)
def test_it_refuses_a_bad_board_file_and_writes_nothing(change, message, document, org, members):
    bad = copy.deepcopy(document)
    change(bad)
    before = _rows()

    with pytest.raises(ImportRefused) as refused:
        board_import(organisation=org, data=json.dumps(bad), actor=members["editor"])

    assert message in refused.value.message
    assert _rows() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello", "The file is not valid JSON: the error is at line 1, column 1."),
        (b'{"format": "journeymap-board",\n "version": 1,,}', "line 2, column 15"),
        (b"\xff\xfe\x00{", "The file is not UTF-8 text."),
        ("Kundtjänst".encode("latin-1"), "The file is not UTF-8 text."),
        (b"[1, 2, 3]", "one JSON object"),
        (b'"journeymap-board"', "one JSON object"),
        (b"[" * 100_000 + b"]" * 100_000, "nests lists or objects too deeply"),
        (b'{"format": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_001, "nests lists or objects"),
        (b'{"format": "journeymap-board", "format": "x"}', "names “format” twice in one object"),
        (b'{"x": 1' + b"0" * 5000 + b"}", "The file is not valid JSON."),
    ],
    ids=[
        "not JSON",
        "a syntax error",
        "UTF-16",
        "Latin-1",
        "a list",
        "a string",
        "deeply nested lists",
        "deeply nested objects",
        "a repeated key",
        "a number too long",
    ],
)
def test_it_refuses_what_is_not_a_board_file_at_all(data, message, org, members):
    before = _rows()

    with pytest.raises(ImportRefused) as refused:
        board_import(organisation=org, data=data, actor=members["editor"])

    assert message in refused.value.message
    assert _rows() == before


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(settings, org, members):
    settings.IMPORT_MAX_BYTES = 2048
    before = _rows()

    with pytest.raises(ImportRefused) as refused:
        # Not even JSON: the size alone decides, before any parsing.
        board_import(organisation=org, data=b"x" * 3000, actor=members["editor"])

    assert refused.value.message == "The file is 2.9\xa0KB; the limit is 2.0\xa0KB."
    assert _rows() == before


def test_it_refuses_more_cards_than_an_import_takes(settings, document, org, members):
    settings.BOARD_MAX_CARDS = 3  # the live board's cap too (test_big_boards)

    with pytest.raises(ImportRefused) as refused:
        board_import(organisation=org, data=json.dumps(document), actor=members["editor"])

    assert "The file has 11 cards; at most 3 can be imported." in refused.value.message


def test_it_takes_a_file_with_only_the_required_fields(org, members):
    phases = [str(uuid.uuid4()), str(uuid.uuid4())]
    card = str(uuid.uuid4())
    data = {
        "format": "journeymap-board",
        "version": 1,
        "board": {"title": "Hand-made"},
        "phases": [
            {"id": phases[0], "position": 1, "name": "After"},
            {"id": phases[1], "position": 0, "name": "Before"},
        ],
        "cards": [{"id": card, "kind": "note", "phase": phases[0], "text": "Hello"}],
    }

    board = board_import(
        organisation=org, data=b"\xef\xbb\xbf" + json.dumps(data).encode(), actor=members["owner"]
    )

    assert board.framework == "custom"
    assert [p.name for p in board.phases.order_by("position")] == ["Before", "After"]
    note = board.cards.get()
    # A card the file names no author for is the importer's.
    assert (note.phase.name, note.w, note.h, note.author) == ("After", 180, 110, members["owner"])


def test_it_starts_the_imported_board_at_revision_zero(document, org, members):
    board = board_import(organisation=org, data=json.dumps(document), actor=members["editor"])

    assert (board.rev, board.epoch) == (0, 1)
    assert not OpLog.objects.filter(board=board).exists()
    assert board.title == document["board"]["title"]
    assert board.stage == "strategy"


def test_it_keeps_owners_and_authors_who_are_members(document, org, members):
    board = board_import(organisation=org, data=json.dumps(document), actor=members["facilitator"])

    reminder = board.cards.get(text="Cart reminder after 1 hour")
    assert reminder.owner == members["editor"]
    assert reminder.author == members["owner"]
    assert without_ids(json.loads(export_board(board, "json").content)) == without_ids(document)


def test_it_names_no_one_outside_the_organisation(document, org, members, outsider):
    """An address of someone in the installation but not in this organisation names
    nobody: the author is the importer, the owner nobody."""
    index, _opportunity = _card(document, "opportunity")
    stranger = {"email": outsider.email.upper(), "name": "Olivia Owner"}
    document["cards"][index].update(owner=stranger, author=stranger)

    board = board_import(organisation=org, data=json.dumps(document), actor=members["editor"])

    card = board.cards.get(text=document["cards"][index]["text"])
    assert (card.owner, card.author) == (None, members["editor"])
    assert not board.cards.filter(owner=outsider).exists()
    assert not board.cards.filter(author=outsider).exists()


def test_it_refuses_an_import_to_a_member_who_may_not_create_boards(document, org, members):
    members_before = _rows()

    with pytest.raises(PermissionDenied):
        board_import(organisation=org, data=json.dumps(document), actor=members["viewer"])

    assert _rows() == members_before


# The import page


def _upload(content: bytes) -> dict:
    return {"file": SimpleUploadedFile("board.json", content, "application/json")}


def test_it_imports_an_uploaded_board_file_and_opens_the_new_board(document, org, client_for):
    response = client_for("editor").post(
        reverse("board_import", args=[org.id]), _upload(json.dumps(document).encode())
    )

    board = Board.objects.filter(organisation=org).order_by("-created").first()
    assert response.status_code == 302
    assert response["Location"] == reverse("board_detail", args=[board.id])
    assert board.cards.count() == len(document["cards"])


def test_it_shows_why_an_upload_was_refused_and_creates_nothing(document, org, client_for):
    document["cards"][3]["x"] = "12"
    before = _rows()

    response = client_for("editor").post(
        reverse("board_import", args=[org.id]), _upload(json.dumps(document).encode())
    )

    assert response.status_code == 400
    text = page_text(response)
    assert "The file was not imported, and nothing was created" in text
    assert "“cards[3].x” must be a number." in text
    assert _rows() == before


def test_it_asks_for_a_file_when_none_was_chosen(org, client_for):
    response = client_for("editor").post(reverse("board_import", args=[org.id]), {})

    assert response.status_code == 400
    assert "Choose the board file to import." in page_text(response)


def test_it_reads_no_more_of_an_upload_than_the_limit(settings, org, client_for):
    settings.IMPORT_MAX_BYTES = 4096
    before = _rows()

    response = client_for("editor").post(
        reverse("board_import", args=[org.id]), _upload(b" " * 1_000_000)
    )

    assert response.status_code == 400
    assert "the limit is 4.0" in page_text(response)
    assert _rows() == before


def test_it_shows_the_import_form(org, client_for):
    response = client_for("facilitator").get(reverse("board_import", args=[org.id]))

    assert response.status_code == 200
    text = page_text(response)
    assert "Import a board" in text
    assert 'enctype="multipart/form-data"' in response.content.decode()
