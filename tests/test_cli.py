"""The command line: ``timeline seed``, ``timeline ingest`` and ``timeline extract``,
run through Click's runner on ``timeline.cli:main`` with TIMELINE_DATABASE_URL
set, so the database commands run on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from ingest_samples import DATA, republished
from timeline.cli import main
from timeline.db import Base, make_engine
from timeline.extract.pipeline import extract
from timeline.extract.read import read_path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))
BINARY = b"PK\x03\x04\x00\x00binary"

Invoke = Callable[..., Result]


@pytest.fixture
def timeline(database_url: str) -> Invoke:
    """``timeline ARGS...`` on a migrated database of each backend."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), env={"TIMELINE_DATABASE_URL": database_url})

    migrated = invoke("db", "upgrade")
    assert (migrated.exit_code, migrated.stderr) == (0, "database at head\n")
    return invoke


@pytest.fixture
def row_counts(database_url: str) -> Callable[[], dict[str, int]]:
    def count() -> dict[str, int]:
        engine = make_engine(database_url)
        try:
            with engine.connect() as connection:
                return {table.name: connection.scalar(select(func.count()).select_from(table))
                        for table in Base.metadata.sorted_tables}
        finally:
            engine.dispose()

    return count


def events_in(*paths: Path) -> int:
    """How many events extraction finds in the files: what the summary must add up."""
    return sum(len(extract(read_path(path)).events) for path in paths)


def stderr_lines(result: Result) -> list[str]:
    return result.stderr.splitlines()


# --- seed -------------------------------------------------------------------------------

def test_seeding_twice_changes_nothing(timeline, row_counts):
    first = timeline("seed")
    assert (first.exit_code, first.stdout) == (0, "")
    lines = stderr_lines(first)
    assert len(lines) == 5
    for number, (line, name) in enumerate(zip(lines, SEED_FILES), start=1):
        assert line.startswith(f"{name}: article {number}, "), line
    assert lines[-1] == "seeded 4 articles: 4 new, 0 already present"
    counts = row_counts()
    assert counts["articles"] == 4 and counts["events"] > 0 and counts["mentions"] >= counts["events"]

    second = timeline("seed")
    assert (second.exit_code, second.stdout) == (0, "")
    assert stderr_lines(second) == [f"{name}: already stored as article {number}"
                                    for number, name in enumerate(SEED_FILES, start=1)] + [
        "seeded 4 articles: 0 new, 4 already present"]
    assert row_counts() == counts


def test_seeding_from_a_folder_without_a_manifest_is_an_error(timeline, tmp_path):
    result = timeline("seed", "--dir", str(tmp_path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {tmp_path / 'manifest.json'}: no seed manifest\n"


def test_seeding_with_a_malformed_manifest_is_an_error(timeline, tmp_path):
    (tmp_path / "manifest.json").write_text('{"articles": [{"file": "a.txt", "published": "5 Feb"}]}')
    result = timeline("seed", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'manifest.json'}: not a seed manifest "
                             "(ValueError: Invalid isoformat string: '5 Feb')\n")


def test_an_unreadable_seed_file_is_an_error(timeline, tmp_path):
    (tmp_path / "manifest.json").write_text('{"articles": [{"file": "a.txt"}]}')
    (tmp_path / "a.txt").write_bytes(BINARY)
    result = timeline("seed", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr == "Error: seed a.txt: looks binary (NUL bytes and no UTF-16 byte-order mark)\n"


# --- ingest -----------------------------------------------------------------------------

@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """a/one.md, a/nested/two.md, b/cns.md, b/oman.md (no events)."""
    for name, target in (("xinhua_round_one.md", "a/one.md"), ("xinhua_round_two.md", "a/nested/two.md"),
                         ("cns_talks_planned.md", "b/cns.md"), ("oman_old_town.md", "b/oman.md")):
        (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA / name, tmp_path / target)
    return tmp_path


def test_ingest_takes_files_folders_and_globs(timeline, row_counts, corpus):
    result = timeline("ingest", str(corpus / "a"), str(corpus / "b" / "*.md"), str(corpus / "a" / "one.md"))
    assert (result.exit_code, result.stdout) == (0, "")
    files = [corpus / "a/nested/two.md", corpus / "a/one.md", corpus / "b/cns.md", corpus / "b/oman.md"]
    lines = stderr_lines(result)
    assert lines[0] == "ingesting"  # the progress bar's label (a bar on a terminal)
    assert [line.split(":")[0] for line in lines[1:5]] == ["two.md", "one.md", "cns.md", "oman.md"]
    assert lines[4].startswith("oman.md: article 4, no events: ")
    assert lines[5:] == [f"4 files: 4 new articles with {events_in(*files)} events, 0 near-duplicates, "
                         "0 already stored, 0 failed"]
    assert row_counts()["articles"] == 4


def test_an_unreadable_file_is_reported_and_the_rest_lands(timeline, row_counts, corpus):
    (corpus / "b" / "broken.md").write_bytes(BINARY)
    result = timeline("ingest", str(corpus / "b"))
    assert (result.exit_code, result.stdout) == (1, "")
    lines = stderr_lines(result)
    assert lines[-2:] == ["error: broken.md: looks binary (NUL bytes and no UTF-16 byte-order mark)",
                          f"3 files: 2 new articles with {events_in(corpus / 'b/cns.md')} events, "
                          "0 near-duplicates, 0 already stored, 1 failed"]
    assert row_counts()["articles"] == 2


def test_ingesting_the_same_content_again_is_a_no_op(timeline, row_counts, corpus):
    assert timeline("ingest", str(corpus / "b" / "cns.md")).exit_code == 0
    counts = row_counts()
    shutil.copy(corpus / "b" / "cns.md", corpus / "copy.md")
    result = timeline("ingest", "--quiet", str(corpus / "b" / "cns.md"), str(corpus / "copy.md"))
    assert result.exit_code == 0
    assert stderr_lines(result) == ["ingesting",
                                    "2 files: 0 new articles with 0 events, 0 near-duplicates, 2 already stored, 0 failed"]
    assert row_counts() == counts


def test_a_near_duplicate_is_counted_apart(timeline, row_counts, tmp_path):
    folder = tmp_path / "wire"
    folder.mkdir()
    shutil.copy(DATA / "xinhua_talks_planned.md", folder / "1_wire.md")
    (folder / "2_copy.md").write_text(republished(), encoding="utf-8")
    result = timeline("ingest", str(folder))
    assert result.exit_code == 0
    assert stderr_lines(result)[2:] == [
        "2_copy.md: article 2, near-duplicate of article 1 (4-gram Jaccard similarity 0.75); no events of its own",
        f"2 files: 1 new articles with {events_in(folder / '1_wire.md')} events, 1 near-duplicates, "
        "0 already stored, 0 failed"]
    assert row_counts()["articles"] == 2


def test_ingest_published_dates_files_that_give_none(timeline, database_url, tmp_path):
    brief = tmp_path / "brief.txt"
    brief.write_text("伊美将于6日举行谈判\n\n新华社开罗2月5日电 伊朗和美国官员4日确认，伊美将于6日在阿曼举行谈判。\n",
                     encoding="utf-8")
    assert timeline("ingest", "--published", "2026-02-05", str(brief)).exit_code == 0
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert str(connection.scalar(select(Base.metadata.tables["articles"].c.published_date))) == "2026-02-05"
    engine.dispose()


def test_ingest_of_a_missing_path_is_a_usage_error(timeline, tmp_path):
    result = timeline("ingest", str(tmp_path / "nothing*.md"))
    assert result.exit_code == 2
    assert stderr_lines(result)[-1] == (f"Error: Invalid value for PATH: {tmp_path / 'nothing*.md'}: "
                                        "no such file, folder or matching path")


# --- extract (no database) ----------------------------------------------------------------

def test_extract_json_prints_only_json_on_stdout():
    result = CliRunner().invoke(main, ["extract", str(DATA / "xinhua_talks_planned.md"), "--format", "json"])
    assert result.exit_code == 0
    output = json.loads(result.stdout)
    assert set(output) == {"article", "extractor_version", "events"}
    assert output["article"]["published_date"] == "2026-02-05"
    talks = [e for e in output["events"] if e["type"] == "talks" and e["start"] == "2026-02-06"]
    assert [(e["end"], e["precision"], e["status"]) for e in talks] == [("2026-02-06", "day", "planned")]
    assert {"IRN", "USA"} <= {a["code"] for a in talks[0]["actors"]}
    for event in output["events"]:
        assert set(event) >= {"type", "start", "end", "precision", "status", "title", "actors", "location",
                              "topics", "evidence", "mentions"}
        assert [m["quote"] for m in event["mentions"]] == event["evidence"]


def test_extract_takes_the_publication_date(tmp_path):
    brief = tmp_path / "brief.txt"
    brief.write_text("新华社开罗2月5日电 伊朗和美国官员4日确认，伊美将于6日在阿曼举行谈判。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(brief), "--published", "2026-02-05"])
    talks = [e for e in json.loads(result.stdout)["events"] if e["type"] == "talks"]
    assert [(e["start"], e["status"]) for e in talks] == [("2026-02-06", "planned")]


def test_extract_table_prints_one_line_per_event():
    path = DATA / "xinhua_talks_planned.md"
    result = CliRunner().invoke(main, ["extract", str(path), "--format", "table"])
    assert result.exit_code == 0
    events = extract(read_path(path)).events
    assert result.stderr == f"{len(events)} events\n"
    lines = result.stdout.splitlines()
    assert len(lines) == len(events)
    assert f"{'2026-02-06':<23} {'day':<6} {'planned':<9} {'talks':<18} " in [line[:60] for line in lines]


def test_extract_of_an_unreadable_file_is_an_error(tmp_path):
    (tmp_path / "broken.md").write_bytes(BINARY)
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "broken.md")])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Error: broken.md: looks binary (NUL bytes and no UTF-16 byte-order mark)\n"
