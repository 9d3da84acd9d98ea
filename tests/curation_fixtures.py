"""Shared by the curation, change feed and re-extraction tests: a small
database built through the models (the API fixture's facts, sixty events),
write tokens, the API's view of the live events, and hand-made extractions."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from fixtures_api import Dataset, load_into, make_dataset
from timeline import get_db
from timeline.auth import create_token
from timeline.extract.model import ActorRef, ExtractedEvent, Quote
from timeline.extract.pipeline import Extraction
from timeline.extract.read import Document

SHOWCASE = "ev_00000000showcase"
MERGED = "ev_00000000merged01"
DELETED = "ev_00000000deleted1"


def load_small(app: Any, count: int = 60) -> Dataset:
    """The API fixture's facts with ``count`` generated events and its three showcase events."""
    data = make_dataset(count=count)
    load_into(get_db(app), data)
    return data


def make_token(app: Any, name: str, scope: str) -> dict[str, str]:
    """Request headers with a new token's secret."""
    with get_db(app).session() as session:
        _, secret = create_token(session, name, [scope])
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def small(app) -> Dataset:
    return load_small(app)


@pytest.fixture
def writer(app) -> dict[str, str]:
    return make_token(app, "curator", "write")


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


def live_events(client: FlaskClient) -> dict[str, dict[str, Any]]:
    """Every event GET /events lists, by id, walked through its pages."""
    found: dict[str, dict[str, Any]] = {}
    url = "/api/v1/events?limit=500"
    while url:
        body = client.get(url).get_json()
        found.update((item["id"], item) for item in body["items"])
        url = body["next_url"]
    return found


@dataclasses.dataclass(frozen=True)
class Spec:
    """A hand-made event of a synthetic article, by the sentences it quotes."""

    sentences: tuple[str, ...]
    type: str = "talks"
    start: dt.date = dt.date(2026, 2, 6)
    end: dt.date | None = None
    precision: str = "day"
    status: str = "occurred"
    actors: tuple[str, ...] = ("IRN", "USA")
    title: str = "伊美会谈"

    def build(self, document: Document) -> ExtractedEvent:
        quotes = []
        for sentence in self.sentences:
            at = document.clean_text.index(sentence)
            quotes.append(Quote(sentence, at, at + len(sentence)))
        return ExtractedEvent(type=self.type, start_date=self.start, end_date=self.end or self.start,
                              precision=self.precision, status=self.status, date_source="explicit", date_text=None,
                              actors=[ActorRef(c.lower(), c, "country", code=c) for c in self.actors], place=None,
                              mentions=quotes, title=self.title)


def extractor(*specs: Spec) -> Callable[[Document], Extraction]:
    return lambda document: Extraction(document, [spec.build(document) for spec in specs])
