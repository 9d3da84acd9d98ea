"""``timeline seed``: load the seed articles named in seeds/manifest.json."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from timeline.extract.read import ReadError, read_path
from timeline.ingest import IngestResult, ingest_document

#: seeds/ at the top of the repository (the package is installed from a checkout).
DEFAULT_SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"


class SeedError(RuntimeError):
    """The seed folder or its manifest is missing or malformed."""


@dataclass
class SeedReport:
    results: list[IngestResult] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [r.describe() for r in self.results]

    def summary(self) -> str:
        new = sum(r.created for r in self.results)
        return f"seeded {len(self.results)} articles: {new} new, {len(self.results) - new} already present"


@dataclass(frozen=True)
class SeedEntry:
    file: str
    outlet: str | None
    url: str | None
    published: dt.date | None


def _manifest(seed_dir: Path) -> list[SeedEntry]:
    path = seed_dir / "manifest.json"
    if not path.is_file():
        raise SeedError(f"{path}: no seed manifest")
    try:
        entries = [SeedEntry(entry["file"], entry.get("outlet"), entry.get("url"),
                             dt.date.fromisoformat(entry["published"]) if entry.get("published") else None)
                   for entry in json.loads(path.read_text(encoding="utf-8"))["articles"]]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SeedError(f"{path}: not a seed manifest ({type(exc).__name__}: {exc})") from None
    for entry in entries:
        if not (seed_dir / entry.file).is_file():
            raise SeedError(f"{path}: names {entry.file}, which is not in {seed_dir}")
    return entries


def load_seeds(app: Flask, seed_dir: str | Path | None = None) -> SeedReport:
    """Ingest every article of the manifest, through the same path as ``timeline ingest``."""
    from timeline import get_db

    folder = Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR
    report = SeedReport()
    database = get_db(app)
    for entry in _manifest(folder):
        try:
            document = read_path(folder / entry.file, published=entry.published, outlet=entry.outlet,
                                 url=entry.url)
        except ReadError as exc:
            raise SeedError(f"seed {exc}") from None
        with database.session() as session:
            report.results.append(ingest_document(session, document))
    return report
