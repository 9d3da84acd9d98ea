"""The query plan of every statement of every benchmark query class.

    python benchmarks/explain_queries.py --url URL [--analyze]

Runs each class of bench_queries.py once through the query layer, records
its SQL statements, and prints SQLite's EXPLAIN QUERY PLAN or PostgreSQL's
EXPLAIN (with ``--analyze``: EXPLAIN ANALYZE, actual rows and times) for
each, so one can check that every class reads index ranges (SEARCH ... USING
INDEX / Index Scan), never a whole table (SCAN / Seq Scan) or a sort of every
match.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import event as sa_event

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_queries import build_classes, prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--analyze", action="store_true")
    args = parser.parse_args()
    from timeline import get_db

    app, _engine, picked, cursor, _ = prepare(args.url)
    database = get_db(app)
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    postgres = database.dialect == "postgresql"
    with app.app_context():
        for query in build_classes(picked, cursor, None):
            session = database.session_factory()
            sa_event.listen(database.engine, "before_cursor_execute", record)
            try:
                query.call(session)
            finally:
                sa_event.remove(database.engine, "before_cursor_execute", record)
            print(f"\n=== {query.name}")
            connection = session.connection()
            for statement, parameters in list(seen):
                print("  " + " ".join(statement.split())[:160])
                prefix = ("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " if args.analyze else "EXPLAIN (COSTS OFF) "
                          ) if postgres else "EXPLAIN QUERY PLAN "
                for row in connection.exec_driver_sql(prefix + statement, parameters):
                    print("      " + str(row[0] if postgres else row[3]))
            seen.clear()
            session.close()


if __name__ == "__main__":
    main()
