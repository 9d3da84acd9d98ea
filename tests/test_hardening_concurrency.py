"""Concurrent writers and crashes, on both databases, through the real CLI in
separate processes: the same article from eight processes at once, eight
different articles at once, and an ingest batch killed with SIGKILL at several
points and run again."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from timeline import get_db
from timeline.extract.pipeline import extract
from timeline.extract.read import read_path
from timeline.models import Article, Event, Mention
from timeline.ops import check

WRITERS = 8
PAIRS = [("伊朗", "美国"), ("俄罗斯", "乌克兰"), ("中国", "法国"), ("日本", "韩国"), ("印度", "巴基斯坦"),
         ("德国", "波兰"), ("埃及", "以色列"), ("土耳其", "叙利亚")]


def write_articles(folder: Path, count: int) -> list[Path]:
    """``count`` short dispatches about different meetings (pair, day) — no two are near-duplicates."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        first, second = PAIRS[number % len(PAIRS)]
        day = 1 + number // len(PAIRS) * 3
        path = folder / f"article_{number:02d}.txt"
        path.write_text(f"{first}{second}会谈\n\n新华社北京2025年3月{day}日电 {first}和{second}外长{day}日在北京举行会谈，"
                        f"双方同意{day + 1}日继续磋商。\n", encoding="utf-8")
        paths.append(path)
    return paths


def ingest_command(url: str, *paths: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "TIMELINE_DATABASE_URL": url, "TIMELINE_LOG_LEVEL": "WARNING"}
    return [sys.executable, "-c", "from timeline.cli import main; main()", "ingest", *map(str, paths)], env


def counts(url: str) -> tuple[int, int, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return tuple(connection.scalar(select(func.count()).select_from(model)) for model in (Article, Event, Mention))
    finally:
        engine.dispose()


def assert_consistent(app) -> None:
    assert [f.line() for f in check(get_db(app)) if f.count] == []


def test_the_same_article_from_eight_processes_is_stored_once(app, tmp_path):
    url = app.config["DATABASE_URL"]
    (path,) = write_articles(tmp_path / "one", 1)
    extraction = extract(read_path(path))
    assert extraction.events
    command, env = ingest_command(url, path)
    writers = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(WRITERS)]
    outputs = [writer.communicate(timeout=120)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * WRITERS, outputs
    summaries = sorted(output.strip().splitlines()[-1] for output in outputs)
    assert summaries.count(f"1 files: 1 new articles with {len(extraction.events)} events, 0 near-duplicates, "
                           "0 already stored, 0 failed") == 1
    assert summaries.count("1 files: 0 new articles with 0 events, 0 near-duplicates, 1 already stored, 0 failed") == 7
    assert counts(url) == (1, len(extraction.events), sum(len(e.mentions) for e in extraction.events))
    assert_consistent(app)


def test_eight_different_articles_at_once_all_land(app, tmp_path):
    url = app.config["DATABASE_URL"]
    paths = write_articles(tmp_path / "eight", WRITERS)
    extractions = {path.name: extract(read_path(path)) for path in paths}
    writers = []
    for path in paths:
        command, env = ingest_command(url, path)
        writers.append(subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True))
    outputs = [writer.communicate(timeout=120)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0] * WRITERS, outputs
    with get_db(app).session() as session:
        stored = {a.source_name: a for a in session.scalars(select(Article))}
        assert sorted(stored) == sorted(extractions)
        for name, extraction in extractions.items():
            assert stored[name].event_count == len(extraction.events) > 0
            mentions = session.scalar(select(func.count()).where(Mention.article_id == stored[name].id))
            assert mentions == sum(len(e.mentions) for e in extraction.events)
    assert_consistent(app)


def _ingest_until_killed(url: str, paths: list[Path], at_least: int) -> int:
    """Run the batch and SIGKILL it once ``at_least`` articles are stored; the count seen then."""
    command, env = ingest_command(url, *paths)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = create_engine(url)
    try:
        seen = 0
        while process.poll() is None and seen < at_least:
            with engine.connect() as connection:
                seen = connection.scalar(select(func.count()).select_from(Article))
            time.sleep(0.01)
        assert process.poll() is None, "the batch finished before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        return seen
    finally:
        engine.dispose()


def test_a_batch_killed_midway_leaves_whole_articles_and_completes_on_a_rerun(app, tmp_path, request):
    url = app.config["DATABASE_URL"]
    paths = write_articles(tmp_path / "batch", 24)
    reference_url = _reference_database(request, tmp_path)
    command, env = ingest_command(reference_url, *paths)
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=300)
    expected = counts(reference_url)
    assert expected[0] == 24 and expected[1] > 24

    for at_least in (4, 10, 16):
        seen = _ingest_until_killed(url, paths, at_least)
        assert seen >= at_least
        if get_db(app).dialect == "sqlite":
            with get_db(app).engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        with get_db(app).session() as session:  # every stored article is whole: its mentions all there
            for article in session.scalars(select(Article)):
                extraction = extract(read_path(tmp_path / "batch" / article.source_name))
                stored = session.scalar(select(func.count()).where(Mention.article_id == article.id))
                assert (article.event_count, stored) == (len(extraction.events),
                                                         sum(len(e.mentions) for e in extraction.events))
        assert_consistent(app)

    command, env = ingest_command(url, *paths)
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stderr.strip().splitlines()[-1].endswith("already stored, 0 failed")
    assert counts(url) == expected
    with get_db(app).session() as session:
        assert session.scalar(select(func.count(func.distinct(Article.content_hash)))) == 24
        live = session.execute(select(Event.type, Event.start_min, Event.end_max, Event.title)
                               .where(Event.merged_into_id.is_(None), Event.deleted_at.is_(None))).all()
        assert len(live) == len(set(live))  # no event stored twice
    assert_consistent(app)


def _reference_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A second empty database on the same backend, migrated, for the uninterrupted run."""
    from timeline import create_app
    from timeline.db import Base

    if request.node.callspec.params["database_url"] == "sqlite":
        url = f"sqlite:///{tmp_path / 'reference.db'}"
    else:
        from conftest import scratch_postgres

        scratch = scratch_postgres(request.getfixturevalue("pg_admin"))
        url = next(scratch)
        request.addfinalizer(lambda: next(scratch, None))
    reference = create_app({"DATABASE_URL": url})
    Base.metadata.create_all(get_db(reference).engine)
    get_db(reference).dispose()
    return url


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    from timeline import create_app

    database = get_db(create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'wal.db'}"}))
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    database.dispose()
