"""Query latency at scale: in-process (the query layer) and over HTTP, with
datasette answering the equivalent table queries on the same SQLite file.

    python benchmarks/bench_queries.py --url sqlite:///benchmarks/results/bench-1000000.db [--seconds 3]

Each query class runs for ``--seconds`` (at most ``--requests`` times) after a
warm-up; p50, p99 and requests per second are printed and written as JSON to
benchmarks/results/.  Over HTTP the server is gunicorn with one sync worker
(one process, one thread) pinned with ``taskset`` to core 1 and this client to
core 0, so they do not compete; datasette gets the same core and the same
client, one after the other.  ``--no-http`` / ``--no-datasette`` skip parts.

The classes (from issue 7): a popular actor over a 5-year range; a rare actor;
topic + type + range; page 1 and page 200 of a popular actor (newest first)
through the cursor; the month histogram and the facets of a popular actor;
``q`` for 伊朗 and for 普京; an event's detail.  Lists are 50 events a page.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
VENV_BIN = Path(sys.executable).parent
PAGE = 50
DEEP_PAGE = 200
RANGE = ("2015", "2019")


@dataclass
class QueryClass:
    name: str
    #: Path and query of our API.
    path: str
    #: The query layer, in process: a callable taking a session.
    call: Callable[[Any], Any]
    #: The equivalent datasette table query, or None.
    datasette: str | None = None
    #: Several paths to rotate through (event detail), instead of ``path``.
    paths: list[str] = field(default_factory=list)


def _pick(connection: Any) -> dict[str, Any]:
    """The actors, topic and events the classes ask about."""
    popular = connection.execute(text(
        "SELECT a.id, a.slug FROM event_counts c JOIN actors a ON a.id = CAST(c.value AS INTEGER) "
        "WHERE c.scope = 'all' AND c.scope_id = 0 AND c.field = 'actor' ORDER BY c.n DESC, a.slug LIMIT 1")).one()
    rare = connection.execute(text(
        "SELECT a.id, a.slug FROM event_counts c JOIN actors a ON a.id = CAST(c.value AS INTEGER) "
        "WHERE c.scope = 'all' AND c.scope_id = 0 AND c.field = 'actor' AND c.n BETWEEN 20 AND 60 "
        "ORDER BY a.slug LIMIT 1")).one()
    topic = connection.execute(text(
        "SELECT t.id, t.slug FROM event_counts c JOIN topics t ON t.id = CAST(c.value AS INTEGER) "
        "WHERE c.scope = 'all' AND c.scope_id = 0 AND c.field = 'topic' ORDER BY c.n DESC, t.slug LIMIT 1")).one()
    total = connection.execute(text("SELECT max(id) FROM events")).scalar()
    rng = random.Random(1)
    sample = sorted({rng.randint(1, total) for _ in range(200)})
    details = [row[0] for row in connection.execute(select(text("public_id")).select_from(text("events")).where(
        text(f"id IN ({','.join(map(str, sample))}) AND merged_into_id IS NULL AND deleted_at IS NULL")))]
    return {"popular": popular, "rare": rare, "topic": topic, "details": details, "events": total}


def build_classes(picked: dict[str, Any], deep_cursor: str | None, deep_next: str | None,
                  database: str = "bench") -> list[QueryClass]:
    from timeline import queries
    from timeline.queries import EventFilters

    p_id, p_slug = picked["popular"]
    r_id, r_slug = picked["rare"]
    t_id, t_slug = picked["topic"]
    start, end = f"{RANGE[0]}-01-01", f"{RANGE[1]}-12-31"
    import datetime as dt

    d_from, d_to = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    live = "merged_into_id__isnull=1&deleted_at__isnull=1"
    ds = f"/{database}/events.json?_nocount=1&_nofacet=1&_nosuggest=1&_size=50&" + live
    actor_where = "&_where=" + quote(f"id in (select event_id from event_actors where actor_id={p_id})")

    def page(filters: EventFilters, **kw: Any) -> Callable[[Any], Any]:
        return lambda s: queries.event_page(s, filters, limit=PAGE, **kw)

    popular_5y = EventFilters(actor=[p_slug], date_from=d_from, date_to=d_to)
    classes = [
        QueryClass("popular actor, 5 years", f"/api/v1/events?actor={p_slug}&from={RANGE[0]}&to={RANGE[1]}",
                   page(popular_5y),
                   f"{ds}{actor_where}&start_min__lte={end}&end_max__gte={start}&_sort=start_min"),
        QueryClass("rare actor", f"/api/v1/events?actor={r_slug}", page(EventFilters(actor=[r_slug])),
                   f"{ds}&_where=" + quote(f"id in (select event_id from event_actors where actor_id={r_id})")
                   + "&_sort=start_min"),
        QueryClass("topic + type + range", f"/api/v1/events?topic={t_slug}&type=talks&from={RANGE[0]}&to={RANGE[1]}",
                   page(EventFilters(topic=[t_slug], type=["talks"], date_from=d_from, date_to=d_to)),
                   f"{ds}&_where=" + quote(f"id in (select event_id from event_topics where topic_id={t_id})")
                   + f"&type=talks&start_min__lte={end}&end_max__gte={start}&_sort=start_min"),
        QueryClass("popular actor, page 1", f"/api/v1/events?actor={p_slug}&sort=-date",
                   page(EventFilters(actor=[p_slug]), sort="-date"), f"{ds}{actor_where}&_sort_desc=start_min"),
    ]
    if deep_cursor:
        classes.append(QueryClass(
            f"popular actor, page {DEEP_PAGE}", f"/api/v1/events?actor={p_slug}&sort=-date&cursor={deep_cursor}",
            page(EventFilters(actor=[p_slug]), sort="-date", cursor=deep_cursor),
            f"{ds}{actor_where}&_sort_desc=start_min&_next={quote(deep_next)}" if deep_next else None))
    classes += [
        QueryClass("popular actor, month histogram", f"/api/v1/stats/histogram?interval=month&actor={p_slug}",
                   lambda s: queries.histogram(s, EventFilters(actor=[p_slug]), "month")),
        QueryClass("popular actor, facets",
                   f"/api/v1/stats/facets?field=type&field=actor&field=topic&field=country&size=10&actor={p_slug}",
                   lambda s: queries.facets(s, EventFilters(actor=[p_slug]), ("type", "actor", "topic", "country"), 10),
                   f"/{database}/events.json?_nocount=1&_nosuggest=1&_size=0&" + live + actor_where
                   + "&_facet=type&_facet=place_id&_facet=status"),
        QueryClass("q=伊朗", f"/api/v1/events?q={quote('伊朗')}", page(EventFilters(q="伊朗")),
                   f"{ds}&_where=" + quote("title like '%伊朗%' or id in (select event_id from mentions "
                                           "where quote like '%伊朗%')") + "&_sort=start_min"),
        QueryClass("q=普京", f"/api/v1/events?q={quote('普京')}", page(EventFilters(q="普京")),
                   f"{ds}&_where=" + quote("title like '%普京%' or id in (select event_id from mentions "
                                           "where quote like '%普京%')") + "&_sort=start_min"),
    ]
    detail_ids = picked["details"]
    rotation = iter(range(10**9))
    classes.append(QueryClass(
        "event detail", "", lambda s: queries.find_event(s, detail_ids[next(rotation) % len(detail_ids)]),
        None, paths=[f"/api/v1/events/{i}" for i in detail_ids]))
    return classes


def deep_cursors(app: Any, picked: dict[str, Any]) -> tuple[str | None, int]:
    """The cursor of page DEEP_PAGE of the popular actor, newest first (or of the
    deepest page there is), and that page's number."""
    client = app.test_client()
    url = f"/api/v1/events?actor={picked['popular'][1]}&sort=-date&limit={PAGE}"
    cursor, number = None, 1
    while number < DEEP_PAGE:
        body = client.get(url + (f"&cursor={cursor}" if cursor else "")).get_json()
        if not body["next"]:
            break
        cursor, number = body["next"], number + 1
    return cursor, number


def prepare(url: str) -> tuple[Any, Any, dict[str, Any], str | None, int]:
    """The app on ``url``, an engine, the actors and topic the classes use, and the
    cursor of the deepest page of the popular actor (with its number)."""
    from timeline import create_app

    app = create_app({"DATABASE_URL": url})
    engine = create_engine(url)
    with engine.connect() as connection:
        picked = _pick(connection)
    engine.dispose()
    with app.app_context():
        deep_cursor, deep_number = deep_cursors(app, picked)
    return app, engine, picked, deep_cursor, deep_number


def datasette_next(port: int, path: str, pages: int) -> str | None:
    token = None
    for _ in range(pages - 1):
        status, body = fetch(port, path + (f"&_next={quote(token)}" if token else ""))
        token = json.loads(body).get("next")
        if not token:
            return None
    return token


# --- measuring -----------------------------------------------------------------------

def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(samples: list[float], wall: float) -> dict[str, float]:
    return {"n": len(samples), "p50_ms": 1000 * statistics.median(samples), "p99_ms": 1000 * percentile(samples, 0.99),
            "rps": len(samples) / wall}


def measure(run: Callable[[int], None], seconds: float, requests: int, warmup: int = 5) -> dict[str, float]:
    for i in range(warmup):
        run(i)
    samples: list[float] = []
    began = time.perf_counter()
    while len(samples) < requests and time.perf_counter() - began < seconds:
        t0 = time.perf_counter()
        run(len(samples))
        samples.append(time.perf_counter() - t0)
    return summary(samples, time.perf_counter() - began)


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def http_runner(port: int, query: QueryClass, datasette: bool = False) -> Callable[[int], None]:
    paths = query.paths or [query.datasette if datasette else query.path]

    def run(i: int) -> None:
        status, body = fetch(port, paths[i % len(paths)])
        if status != 200:
            raise RuntimeError(f"{query.name}: HTTP {status}: {body[:300]!r}")
    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(argv: list[str], port: int, env: dict[str, str], core: int) -> subprocess.Popen:
    command = (["taskset", "-c", str(core)] if shutil.which("taskset") else []) + argv
    RESULTS.mkdir(exist_ok=True)
    log = open(RESULTS / f"server-{Path(argv[0]).name}.log", "w")  # never a pipe: a full one blocks the server
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    log.close()
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server exited; see {RESULTS}/server-{Path(argv[0]).name}.log")
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"server did not listen on {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def pin_self(core: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="database URL (a generated corpus)")
    parser.add_argument("--seconds", type=float, default=3.0, help="time per class and side (default 3)")
    parser.add_argument("--requests", type=int, default=2000, help="most requests per class and side")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-datasette", action="store_true")
    parser.add_argument("--label", help="name of the results file (default: from the URL; with --only, none)")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run only the classes whose name contains TEXT (repeatable)")
    args = parser.parse_args()
    pin_self(0)

    from timeline import get_db

    app, engine, picked, deep_cursor, deep_number = prepare(args.url)
    print(f"{picked['events']} events; popular {picked['popular'][1]}, rare {picked['rare'][1]}, "
          f"topic {picked['topic'][1]}; deep page {deep_number}", file=sys.stderr)
    results: dict[str, Any] = {"url": engine.url.render_as_string(hide_password=True), "events": picked["events"],
                               "popular": picked["popular"][1], "rare": picked["rare"][1],
                               "topic": picked["topic"][1], "deep_page": deep_number, "classes": {}}

    datasette_port = free_port()
    datasette_proc = None
    sqlite_file = args.url.removeprefix("sqlite:///") if args.url.startswith("sqlite:///") else None
    want_datasette = sqlite_file and not args.no_http and not args.no_datasette
    deep_next = None
    if want_datasette:
        datasette_proc = start_server([str(VENV_BIN / "datasette"), "serve", "-i", sqlite_file, "--port",
                                       str(datasette_port), "--setting", "sql_time_limit_ms", "60000",
                                       "--setting", "facet_time_limit_ms", "60000", "--setting", "max_returned_rows",
                                       "1000"], datasette_port, dict(os.environ), core=1)
    try:
        if want_datasette:
            probe = build_classes(picked, deep_cursor, None, Path(sqlite_file).stem)
            path = next(q.datasette for q in probe if q.name == "popular actor, page 1")
            deep_next = datasette_next(datasette_port, path, deep_number)
            stop(datasette_proc)
        classes = build_classes(picked, deep_cursor, deep_next, Path(sqlite_file).stem if sqlite_file else "bench")
        if args.only:
            classes = [q for q in classes if any(text in q.name for text in args.only)]

        with app.app_context():
            session = get_db(app).session_factory()
            for query in classes:
                stats = measure(lambda _i, q=query: (q.call(session), session.rollback(), session.expunge_all()),
                                args.seconds, args.requests)
                results["classes"].setdefault(query.name, {})["in_process"] = stats
                print(f"in-process  {query.name:34s} p50 {stats['p50_ms']:7.2f} ms  p99 {stats['p99_ms']:7.2f} ms",
                      file=sys.stderr)
            session.close()
        app.extensions["timeline.db"].dispose()

        if not args.no_http:
            port = free_port()
            env = dict(os.environ, TIMELINE_DATABASE_URL=args.url)
            server = start_server([str(VENV_BIN / "gunicorn"), "-w", "1", "--threads", "1", "-b",
                                   f"127.0.0.1:{port}", "--chdir", str(ROOT), "wsgi:app"], port, env, core=1)
            try:
                for query in classes:
                    stats = measure(http_runner(port, query), args.seconds, args.requests)
                    results["classes"][query.name]["http"] = stats
                    print(f"http        {query.name:34s} p50 {stats['p50_ms']:7.2f} ms  p99 {stats['p99_ms']:7.2f} ms"
                          f"  {stats['rps']:7.1f} req/s", file=sys.stderr)
            finally:
                stop(server)

        if want_datasette:
            datasette_proc = start_server([str(VENV_BIN / "datasette"), "serve", "-i", sqlite_file, "--port",
                                           str(datasette_port), "--setting", "sql_time_limit_ms", "60000",
                                           "--setting", "facet_time_limit_ms", "60000"],
                                          datasette_port, dict(os.environ), core=1)
            for query in classes:
                if not query.datasette:
                    continue
                stats = measure(http_runner(datasette_port, query, datasette=True), args.seconds, args.requests)
                results["classes"][query.name]["datasette"] = stats
                ours = results["classes"][query.name].get("http", {}).get("rps")
                ratio = f"  ratio {ours / stats['rps']:.2f}x" if ours else ""
                print(f"datasette   {query.name:34s} p50 {stats['p50_ms']:7.2f} ms  p99 {stats['p99_ms']:7.2f} ms"
                      f"  {stats['rps']:7.1f} req/s{ratio}", file=sys.stderr)
    finally:
        if datasette_proc is not None and datasette_proc.poll() is None:
            stop(datasette_proc)

    if args.only and not args.label:
        return  # a partial run does not replace the full results
    RESULTS.mkdir(exist_ok=True)
    label = args.label or f"queries-{engine.url.get_backend_name()}-{picked['events']}"
    out = RESULTS / f"{label}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"results in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
