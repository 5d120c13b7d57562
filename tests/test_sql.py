"""boards.live.sql: the commit path's plain statements read and write what the ORM would."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from boards.live import sql
from boards.live.commit import Commit, OpRequest, commit_requests
from boards.models import Board, Card, OpLog
from journeymap.models import Membership

pytestmark = pytest.mark.django_db


def _values(obj, names):
    return {name: getattr(obj, name) for name in names}


def test_fetch_reads_whole_rows_as_the_orm_does(board):
    names = sql.attnames(Card)
    expected = {str(card.pk): _values(card, names) for card in Card.objects.filter(board=board)}
    found = sql.fetch(Card, names, id=set(expected))
    assert {str(card.pk): _values(card, names) for card in found} == expected
    assert all(isinstance(card.pk, uuid.UUID) for card in found)
    [locked] = sql.fetch(Board, sql.attnames(Board), lock=True, id=board.pk)
    assert _values(locked, sql.attnames(Board)) == _values(board, sql.attnames(Board))


def test_fetch_takes_fields_in_any_order_and_defers_the_rest(board, members):
    [membership] = sql.fetch(
        Membership,
        ("role", "user_id"),
        organisation_id=board.organisation_id,
        user_id={members["viewer"].pk},
    )
    assert (membership.user_id, membership.role) == (members["viewer"].pk, "viewer")
    assert membership.get_deferred_fields() >= {"id", "organisation_id"}
    assert (
        sql.fetch(Membership, ("role",), organisation_id=board.organisation_id, user_id=set()) == []
    )
    with pytest.raises(ValueError, match="columns"):
        sql.fetch(Membership, ("role", "no_such_column"), user_id=1)


def test_insert_and_update_write_what_the_orm_reads_back(board, members):
    now = timezone.now()
    entries = [
        OpLog(
            board=board,
            rev=rev,
            op_id=str(uuid.uuid4()),
            user_id=members["editor"].pk,
            ops=[{"op": "board.update", "title": "Ünïcode ✓"}],
            created=now,
        )
        for rev in (1, 2)
    ]
    sql.insert(OpLog, entries, ("board_id", "rev", "op_id", "user_id", "ops", "created"))
    stored = list(OpLog.objects.filter(board=board).order_by("rev"))
    assert [(e.rev, str(e.op_id), e.ops, e.created) for e in stored] == [
        (e.rev, e.op_id, e.ops, now) for e in entries
    ]
    [found] = sql.fetch(OpLog, ("op_id", "rev", "ops"), board_id=board.pk, op_id={entries[1].op_id})
    assert (str(found.op_id), found.rev, found.ops) == (entries[1].op_id, 2, entries[1].ops)

    card = Card.objects.filter(board=board).first()
    card.x, card.text, card.phase = 12.5, "Moved", None
    board.rev = 2
    sql.update(Card, {card: {"x", "text", "phase"}})
    sql.update(Board, {board: {"rev"}})
    card.refresh_from_db()
    board.refresh_from_db()
    assert (card.x, card.text, card.phase, board.rev) == (12.5, "Moved", None, 2)


def _commit(board, user, cards) -> None:
    requests = [
        OpRequest(user, str(uuid.uuid4()), [{"op": "card.update", "id": str(card.pk), "x": 5.0}])
        for card in cards
    ]
    outcomes = commit_requests(board_id=board.pk, requests=requests)
    assert all(isinstance(outcome, Commit) for outcome in outcomes), outcomes


def test_on_postgresql_every_commit_reuses_the_same_few_prepared_statements(board, members):
    """PostgreSQL parses and plans each commit statement once per connection; SQLite runs
    them through Django's own cursor. The statements' text does not grow with the number
    of values (`= ANY(...)`), so a group of two frames needs no statements of its own."""
    cards = list(Card.objects.filter(board=board))
    assert len(cards) == 2
    if connection.vendor != "postgresql":
        with sql._cursor(connection) as cursor:
            assert cursor.cursor.__class__ is connection.cursor().cursor.__class__
        _commit(board, members["editor"], cards[:1])
        return

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {statement for (statement,) in cursor.fetchall()}

    before = prepared()
    for _ in range(2):  # psycopg prepares a statement on its second use (prepare_threshold 1)
        _commit(board, members["editor"], cards[:1])
    after_one = prepared() - before
    tables = {"boards_board", "journeymap_membership", "boards_oplog", "boards_card"}
    assert {t for t in tables if any(f'"{t}"' in s for s in after_one)} == tables
    assert any(s.startswith("SELECT") and "FOR UPDATE" in s for s in after_one)
    assert any("= ANY($1)" in s for s in after_one)
    _commit(board, members["editor"], cards)  # two frames, two rows, one transaction
    _commit(board, members["editor"], cards[1:])
    assert prepared() - before == after_one


def _waiting_for_a_lock() -> bool:
    """Whether another session waits for a row lock (PostgreSQL; SQLite cannot tell)."""
    if connection.vendor != "postgresql":
        time.sleep(0.3)
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_reads_sent_with_the_lock_see_what_was_committed_while_it_waited(board, members):
    """fetch_together sends the board's lock and the reads behind it at once: the reads
    still see a role changed by whoever held the lock meanwhile, not the role as it was
    when the lock was asked for."""
    viewer = members["viewer"]
    locked, release = threading.Event(), threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                sql.fetch(Board, ("id",), lock=True, id=board.pk)
                locked.set()
                release.wait(10)
                Membership.objects.filter(user=viewer, organisation=board.organisation).update(
                    role="editor"
                )
        finally:
            connections.close_all()

    seen: list = []

    def reader() -> None:
        try:
            with transaction.atomic():
                seen.extend(
                    sql.fetch_together(
                        [
                            sql.Select(Board, ("id", "rev"), lock=True, id=board.pk),
                            sql.Select(Membership, ("role",), user_id={viewer.pk}),
                        ]
                    )
                )
        finally:
            connections.close_all()

    first = threading.Thread(target=holder)
    first.start()
    assert locked.wait(10)
    second = threading.Thread(target=reader)
    second.start()
    for _ in range(100):
        if _waiting_for_a_lock():
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the reader never waited for the lock")
    release.set()
    first.join(10)
    second.join(10)
    [[found_board], [membership]] = seen
    assert found_board.pk == board.pk
    assert membership.role == "editor"
