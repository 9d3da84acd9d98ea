"""JSON and ISO date text built by the database, as SQLAlchemy expressions for
SQLite and PostgreSQL: the two spell the same things differently (``json_object``
and ``json_build_object``, ``substr`` of stored text and ``to_char``)."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import BigInteger, String, case, func, literal_column, select
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by


def constant(text: str) -> Any:
    """A string written into the SQL: the statement is built once, and a
    member name as a bound parameter costs a binding on every execution."""
    return literal_column("'" + text.replace("'", "''") + "'", String)


def number(value: int) -> Any:
    return literal_column(str(value))


class JsonSQL:
    """The JSON functions and ISO date text of one database, as SQL expressions."""

    def __init__(self, name: str) -> None:
        self.postgres = name == "postgresql"

    def object(self, *members: tuple[str, Any]) -> Any:
        pairs = [part for key, value in members for part in (constant(key), value)]
        return func.json_build_object(*pairs) if self.postgres else func.json_object(*pairs)

    def nested(self, value: Any) -> Any:
        """A JSON value made elsewhere (a subquery, a CASE) taken as JSON, not as a string."""
        return value if self.postgres else func.json(value)

    def rows(self, *columns: Any) -> Any:
        """An aggregate of ``columns`` as a JSON array of arrays, in no set
        order; an empty group gives ``[]`` or NULL (read it with :func:`as_list`)."""
        if self.postgres:
            return func.json_agg(func.json_build_array(*columns))
        return func.json_group_array(func.json_array(*columns))

    def array(self, element: Any, links: Any, order: list[Any], outer: Any) -> Any:
        """A subquery correlated to ``outer``: the JSON array of ``element``
        over the select ``links``, in ``order`` (``[]`` when there are none)."""
        if self.postgres:
            aggregate = func.coalesce(func.json_agg(aggregate_order_by(element, *order)), constant("[]").cast(JSON))
            return links.with_only_columns(aggregate).scalar_subquery()
        # SQLite before 3.44 takes no ORDER BY inside an aggregate: it keeps
        # the order of the rows it is fed, so feed it an ordered subquery.
        # The objects are joined as text and the array parsed once (json_group_array
        # would parse each object again).
        rows = links.with_only_columns(element.label("v")).order_by(*order).correlate(outer).subquery()
        joined = constant("[").concat(func.coalesce(func.group_concat(rows.c.v, constant(",")), constant("")))
        return func.json(select(joined.concat(constant("]"))).scalar_subquery())

    def day(self, column: Any, width: int) -> Any:
        """The first ``width`` characters of a date's ``YYYY-MM-DD``."""
        if self.postgres:
            return func.to_char(column, constant({10: "YYYY-MM-DD", 7: "YYYY-MM", 4: "YYYY"}[width]))
        return func.substr(column, number(1), number(width))

    def stamp(self, column: Any) -> Any:
        """A UTC timestamp as ``datetime.isoformat`` writes it (no fraction when it is zero)."""
        if self.postgres:
            utc = func.timezone(constant("UTC"), column)
            micro = func.date_part(constant("microseconds"), column).cast(BigInteger).op("%")(number(1000000))
            fraction = case((micro == number(0), constant("")), else_=func.to_char(utc, constant(".US")))
            return func.to_char(utc, constant('YYYY-MM-DD"T"HH24:MI:SS')).concat(fraction).concat(constant("+00:00"))
        # SQLite holds 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's storage format), in UTC
        whole = case((func.substr(column, number(20)) == constant(".000000"),
                      func.substr(column, number(1), number(19))), else_=column)
        return func.replace(whole, constant(" "), constant("T")).concat(constant("+00:00"))


def as_list(value: Any) -> list[Any]:
    """A :meth:`JsonSQL.rows` value as a list (psycopg decodes JSON itself, sqlite3 hands back text)."""
    if value is None:
        return []
    return value if isinstance(value, list) else json.loads(value)
