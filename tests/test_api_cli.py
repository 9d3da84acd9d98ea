"""`timeline events`: the CLI lists events through the API's query layer."""
from __future__ import annotations

from click.testing import CliRunner

from fixtures_api import SHOWCASE, api_app, dataset  # noqa: F401
from test_api_events import expected
from timeline.cli import main


def run(app, *args: str):
    return CliRunner().invoke(main, ["events", *args], env={"TIMELINE_DATABASE_URL": app.config["DATABASE_URL"]})


def test_events_command_exact_line(api_app):
    result = run(api_app, "--actor", "川普", "--from", "2026-02-06", "--to", "2026-02-06", "--q", "核问题")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{SHOWCASE}\t2026-02-06\t2026-02-06\ttalks\t伊美在马斯喀特举行核问题谈判\n"


def test_events_command_matches_the_api(api_app, dataset):
    result = run(api_app, "--actor", "putin", "--actor", "un", "--from", "2024", "--limit", "500")
    want = expected(dataset, lambda r: ("putin" in r.actors or "un" in r.actors)
                    and r.end_max.isoformat() >= "2024-01-01", "date")
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == want


def test_events_command_errors_name_the_option(api_app):
    unknown = run(api_app, "--topic", "nothing")
    assert unknown.exit_code == 2
    assert unknown.output.splitlines()[-1] == "Error: Invalid value for --topic: no topic named 'nothing'"
    bad_date = run(api_app, "--to", "someday")
    assert bad_date.output.splitlines()[-1] == \
        "Error: Invalid value for '--to': not a date, partial date or date phrase: 'someday'"
