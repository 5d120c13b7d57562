"""The statements that every op frame's commit runs, in plain SQL (boards.live.commit).

The ORM builds, compiles and converts each query anew. For the handful of statements of
every commit (lock the board, read the authors' roles and the op_ids already logged, read
the rows the frames name, write the changed fields, save the revision, append to the op
log) that cost about twice the CPU the database took to run them (docs/performance.md).
Here each is one statement from the models' own meta: every value goes through its field's
conversion for the database and every column read back through the converters the ORM
would apply, so they follow the schema and run the same on PostgreSQL and SQLite.

Only quoted table and column names from the models go into the statements' text; every
value is a parameter. On PostgreSQL the parameters are bound by the server and each
statement is prepared once per connection (`_cursor`): a commit after a quiet spell spent
a fifth of its database time parsing and planning the same few statements again
(docs/performance.md). Their text does not depend on how many values a condition has
(`= ANY(%s)` with one array), so a handful of prepared statements serves every commit.
The reads a commit needs go to the database together, in one round trip (`fetch_together`),
and so do its writes (`pipeline`).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterable

import psycopg
from django.db import connections, router


def _connection(model, *, write: bool):
    alias = router.db_for_write(model) if write else router.db_for_read(model)
    return connections[alias]


def _server_binding(connection) -> bool:
    return connection.vendor == "postgresql"


def _cursor(connection):
    """A cursor of `connection` as Django wraps them (query logging, error translation,
    the checks of connection.cursor()). On PostgreSQL its parameters are bound by the
    server (psycopg.Cursor, not the ClientCursor of Django's connections), so that psycopg
    can prepare its statements: the ORM's cursors inline every value into the text and
    never prepare. Whether and when psycopg prepares is the connection's
    prepare_threshold (settings.DATABASES OPTIONS; Django's default None turns it off)."""
    if not _server_binding(connection):
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(psycopg.Cursor(connection.connection))


# connection -> (model, names) -> _columns: the converters are bound to the connection.
_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _columns(model, names: tuple[str, ...], connection) -> tuple[tuple[str, ...], str, list]:
    """The fields `names` (attnames: "board_id") of `model` in the model's order (which
    Model.from_db expects), their quoted column list, and per column the converters the
    ORM applies to what the database returns."""
    known = _COLUMNS.setdefault(connection, {})
    found = known.get((model, names))
    if found is None:
        found = known[(model, names)] = _make_columns(model, names, connection)
    return found


def _make_columns(model, names: tuple[str, ...], connection):
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if field.attname in names]
    if len(fields) != len(set(names)):
        raise ValueError(f"Not all of {names} are columns (attnames) of {model.__name__}")
    converters = []  # (index, expression, its converters), for the columns that have any
    for index, field in enumerate(fields):
        column = field.get_col(meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    ordered = tuple(field.attname for field in fields)
    return ordered, ", ".join(quote(field.column) for field in fields), converters


def attnames(model) -> tuple[str, ...]:
    """All of `model`'s columns, as the names `fetch` takes (a whole row, nothing deferred)."""
    return tuple(field.attname for field in model._meta.concrete_fields)


class Select:
    """One SELECT that `fetch_together` sends: the rows of `model` whose fields equal each
    `where` value (a set, list or tuple: is one of them; an empty one matches nothing),
    with the fields `names` loaded (others deferred). With `lock`, the rows are locked for
    the transaction where the database can (SELECT ... FOR UPDATE)."""

    def __init__(self, model, names: tuple[str, ...], *, lock: bool = False, **where) -> None:
        self.model = model
        self.connection = connection = _connection(model, write=lock)
        meta = model._meta
        quote = connection.ops.quote_name
        conditions, params = [], []
        self.empty = False
        for name, value in where.items():
            field = meta.get_field(name)
            if isinstance(value, set | list | tuple):
                values = [field.get_db_prep_value(v, connection) for v in value]
                self.empty = self.empty or not values
                if _server_binding(connection):  # one statement text for any number of values
                    conditions.append(f"{quote(field.column)} = ANY(%s)")
                    params.append(values)
                else:
                    marks = ", ".join(["%s"] * len(values))
                    conditions.append(f"{quote(field.column)} IN ({marks})")
                    params += values
            else:
                conditions.append(f"{quote(field.column)} = %s")
                params.append(field.get_db_prep_value(value, connection))
        self.names, columns, self.converters = _columns(model, names, connection)
        table = quote(meta.db_table)
        self.sql = f"SELECT {columns} FROM {table} WHERE {' AND '.join(conditions)}"  # noqa: S608
        if lock and connection.features.has_select_for_update:
            self.sql += " FOR UPDATE"
        self.params = params

    def objects(self, rows) -> list:
        connection, model, names = self.connection, self.model, self.names
        found = []
        for row in rows:
            values = list(row)
            for index, expression, column_converters in self.converters:
                for convert in column_converters:
                    values[index] = convert(values[index], expression, connection)
            found.append(model.from_db(connection.alias, names, values))
        return found


def fetch(model, names: tuple[str, ...], *, lock: bool = False, **where) -> list:
    """Instances of `model` with the fields `names` loaded, of the rows `where` matches
    (see Select)."""
    [found] = fetch_together([Select(model, names, lock=lock, **where)])
    return found


def fetch_together(selects: list[Select]) -> list[list]:
    """The instances each of `selects` reads, in order. On PostgreSQL they go in one
    round trip (a pipeline; the transaction's BEGIN with them), and each still sees what
    was committed before it ran (READ COMMITTED takes a snapshot per statement): one that
    follows a locking SELECT sees everything committed before the lock was granted. On one
    connection (that of the first; all of them must share it)."""
    sent = [select for select in selects if not select.empty]
    if not sent:
        return [[] for _select in selects]
    connection = sent[0].connection
    if any(select.connection is not connection for select in sent):
        raise ValueError("fetch_together reads over one connection")
    rows: list[list] = []  # of each of `sent`, in order
    if _server_binding(connection) and len(sent) > 1:
        connection.ensure_connection()
        with connection.wrap_database_errors, connection.connection.pipeline():
            cursors = []
            for select in sent:
                cursor = _cursor(connection)
                cursor.execute(select.sql, select.params)
                cursors.append(cursor)
            for cursor in cursors:
                rows.append(cursor.fetchall())
                cursor.close()
    else:
        for select in sent:
            with _cursor(connection) as cursor:
                cursor.execute(select.sql, select.params)
                rows.append(cursor.fetchall())
    fetched = iter(rows)
    return [[] if select.empty else select.objects(next(fetched)) for select in selects]


def update(model, changed: dict) -> None:
    """Write the `changed` fields (object -> field names) of objects of `model`: one
    UPDATE statement per set of fields, sent for all its rows at once (executemany, which
    psycopg pipelines into one round trip). The ORM's bulk_update builds a CASE WHEN
    expression per row and field instead, which cost more CPU than the rest of a group
    commit together (docs/performance.md)."""
    connection = _connection(model, write=True)
    quote = connection.ops.quote_name
    meta = model._meta
    by_fields: dict[tuple[str, ...], list] = {}
    for obj, names in changed.items():
        by_fields.setdefault(tuple(sorted(names)), []).append(obj)
    for names, objs in by_fields.items():
        fields = [meta.get_field(name) for name in names]
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
        rows = [
            [
                *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields),
                meta.pk.get_db_prep_save(obj.pk, connection),
            ]
            for obj in objs
        ]
        _run(connection, sql, rows)


def insert(model, objs: Iterable, names: tuple[str, ...]) -> None:
    """Insert `objs` of `model` with the fields `names` (the rest take their database
    default, an automatic id included): one statement for all rows (executemany). Unlike
    the ORM's, no field's pre_save runs: `names` must hold every value, auto_now_add
    timestamps included."""
    connection = _connection(model, write=True)
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        for obj in objs
    ]
    if rows:
        _run(connection, sql, rows)


def _run(connection, sql: str, rows: list) -> None:
    with _cursor(connection) as cursor:
        if len(rows) == 1:
            cursor.execute(sql, rows[0])  # executemany would open a pipeline for one row
        else:
            cursor.executemany(sql, rows)


@contextlib.contextmanager
def pipeline(model):
    """Send the statements run inside to the database without waiting for each one's
    answer (psycopg's pipeline mode; elsewhere they run one by one as usual): for writes
    whose results nobody reads, one round trip instead of one each. A statement's error
    is raised by the time the block ends, as Django's DatabaseError."""
    connection = _connection(model, write=True)
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield
