"""Writing many rows at once, for imports and recomputations of whole tables."""

from __future__ import annotations

from typing import Any

from django.db import connection, models

BATCH = 5000


def insert_rows(
    model: type[models.Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Insert many rows with one prepared statement per batch.

    ``bulk_create`` builds a model instance and compiles every value of every row; an
    import of a national data set writes hundreds of thousands of rows, and this path is
    several times faster. Values go through each field's own preparation where it needs
    one (dates, JSON), so the result is what the ORM would have stored.
    """
    if not rows:
        return
    meta = model._meta
    field_objects: list[Any] = [meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in field_objects)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    prepare = [
        (i, f)
        for i, f in enumerate(field_objects)
        if f.get_internal_type() in {"DateField", "DateTimeField", "JSONField"}
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if prepare:
                prepared = []
                for row in batch:
                    values = list(row)
                    for i, field_object in prepare:
                        values[i] = field_object.get_db_prep_save(values[i], connection)
                    prepared.append(values)
                cursor.executemany(sql, prepared)
            else:
                cursor.executemany(sql, batch)
