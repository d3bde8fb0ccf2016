"""One-row SQL for hot paths, where the ORM's work of building a query costs more than the query.

Answering a quiz question reads a session and an attempt and writes one answer: a few
tenths of a millisecond of query building each, on a path that is otherwise about a
millisecond of work. These helpers do the same reads and writes as the ORM would (the
same columns, the same conversions of values), with the SQL made once per connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)


def get_by(model: type[M], field_name: str, value: Any) -> M | None:
    """Return the model's row whose unique field equals value, or None: what QuerySet.get() returns, without building a query."""
    rows = _select(model, field_name, value, columns=None)
    return model.from_db(router.db_for_read(model), [field.attname for field in model._meta.concrete_fields], rows[0]) if rows else None


def values_by(model: type[models.Model], field_name: str, value: Any, *, column: str) -> list[Any]:
    """Return one field of every row of the model whose field_name equals value: a values_list(column, flat=True) without building a query."""
    return [row[0] for row in _select(model, field_name, value, columns=(column,))]


def _select(model: type[models.Model], field_name: str, value: Any, *, columns: tuple[str, ...] | None) -> list[list[Any]]:
    connection = connections[router.db_for_read(model)]
    # Kept on the connection object: each thread has its own, and they go together.
    compiled = connection.__dict__.setdefault("_common_db_selects", {})
    if (model, field_name, columns) not in compiled:
        compiled[model, field_name, columns] = _compile_select(model, field_name, columns, connection)
    sql, converters = compiled[model, field_name, columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.get_field(field_name).get_db_prep_value(value, connection)])
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows:
        for index, convert, expression in converters:
            for converter in convert:
                row[index] = converter(row[index], expression, connection)
    return rows


def _compile_select(
    model: type[models.Model], field_name: str, columns: tuple[str, ...] | None, connection: BaseDatabaseWrapper
) -> tuple[str, list[tuple[int, list[Callable], Any]]]:
    """Return the SELECT and the conversions of its values that the ORM would apply."""
    meta = model._meta
    quote = connection.ops.quote_name
    fields = meta.concrete_fields if columns is None else [meta.get_field(name) for name in columns]
    sql = (
        f"SELECT {', '.join(quote(field.column) for field in fields)} FROM {quote(meta.db_table)} "  # noqa: S608 - the model's own names
        f"WHERE {quote(meta.get_field(field_name).column)} = %s"
    )
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(meta.db_table)
        convert = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if convert:
            converters.append((index, convert, expression))
    return sql, converters


def insert_unless_present(instance: models.Model) -> bool:
    """Insert the instance's row unless a unique constraint already holds one like it; return whether it was inserted.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING (PostgreSQL, and SQLite 3.35 or later):
    of two inserts of the same row at once exactly one wins, without a savepoint or a
    retry. The inserted instance gets its primary key.
    """
    meta = instance._meta
    using = router.db_for_write(type(instance), instance=instance)
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = [field for field in meta.concrete_fields if not (field.primary_key and field.db_returning)]
    values = [field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in columns]
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in columns)}) "  # noqa: S608 - the model's own names
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding, instance._state.db = False, using
    return True
