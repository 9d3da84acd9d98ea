"""A fixture database built through the models, once per test module and backend
(test modules import the fixtures: ``from fixtures_api import api_app, client, ...``).

Three hundred and twenty events over 2023..2026 with many same-day and
same-update-time ties, every precision, several actors (with aliases in both
scripts), topics, places and articles, and some merged and deleted events.
``Dataset`` keeps the same facts as plain Python values, so tests compute the
expected answers independently of the query layer.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event as sa_event

from conftest import BACKENDS, scratch_postgres
from timeline import create_app, get_db
from timeline.dateformat import enclosing_span
from timeline.db import Base, Database
from timeline.models import (
    Actor, ActorAlias, Article, Event, EventActor, EventTopic, Mention, Place, PlaceAlias, Topic,
)
from timeline.queries import normalize_name

UTC = dt.timezone.utc
TYPES = ["talks", "summit", "visit", "statement", "sanctions", "military_action", "agreement"]
STATUSES = ["occurred", "occurred", "occurred", "planned", "ongoing"]

ACTORS = [
    # slug, kind, name, name_en, code, country, aliases
    ("usa", "country", "美国", "United States", "USA", None, ["美方", "美國"]),
    ("iran", "country", "伊朗", "Iran", "IRN", None, ["伊方"]),
    ("russia", "country", "俄罗斯", "Russia", "RUS", None, ["俄方", "俄羅斯"]),
    ("ukraine", "country", "乌克兰", "Ukraine", "UKR", None, ["乌方", "烏克蘭"]),
    ("trump", "person", "特朗普", "Donald Trump", None, "USA", ["川普", "Trump"]),
    ("putin", "person", "普京", "Vladimir Putin", None, "RUS", ["普丁"]),
    ("zelensky", "person", "泽连斯基", "Volodymyr Zelensky", None, "UKR", ["泽伦斯基", "澤倫斯基"]),
    ("un", "organization", "联合国", "United Nations", None, None, ["聯合國"]),
]
TOPICS = [("iran-nuclear", "伊朗核问题", "Iran nuclear"), ("russia-ukraine", "俄乌冲突", "Russia-Ukraine war"),
          ("trade", "贸易与关税", "Trade and tariffs"), ("us-russia", "美俄关系", "US-Russia relations")]
PLACES = [("muscat", "马斯喀特", "Muscat", "city", "OMN", ["馬斯喀特"]),
          ("geneva", "日内瓦", "Geneva", "city", "CHE", ["日內瓦"]),
          ("kyiv", "基辅", "Kyiv", "city", "UKR", ["基輔", "Kiev"]),
          ("tehran", "德黑兰", "Tehran", "city", "IRN", [])]
WORDS = ["谈判", "会谈", "制裁", "访问", "声明", "袭击", "协议", "峰会"]


@dataclass
class Row:
    """One event as plain values."""

    id: int
    public_id: str
    type: str
    title: str
    start_min: dt.date
    end_max: dt.date
    precision: str
    status: str
    place: str | None
    updated_at: dt.datetime
    actors: dict[str, str] = field(default_factory=dict)   # slug -> role
    topics: list[str] = field(default_factory=list)
    quotes: list[tuple[int, str]] = field(default_factory=list)  # (article id, quote)
    merged_into: int | None = None
    deleted: bool = False

    @property
    def live(self) -> bool:
        return self.merged_into is None and not self.deleted


@dataclass
class Dataset:
    rows: list[Row]
    articles: list[int]

    def live(self) -> list[Row]:
        return [r for r in self.rows if r.live]

    def by_public_id(self, public_id: str) -> Row:
        return next(r for r in self.rows if r.public_id == public_id)


def _span(rng: random.Random, day: dt.date) -> tuple[dt.date, dt.date, str]:
    precision = rng.choice(["day"] * 5 + ["week", "month", "month", "season", "year"])
    if precision == "day":
        end = day + dt.timedelta(days=rng.choice([0, 0, 0, 0, 2]))
        return day, end, "day"
    return (*enclosing_span(day, precision), precision)


def make_dataset(count: int = 320, seed: int = 5) -> Dataset:
    """The plain facts; ids are assigned in insertion order starting at 1."""
    rng = random.Random(seed)
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 4 * 365)) for _ in range(40)]
    stamps = [dt.datetime(2025, 3, 1, 12, 0, tzinfo=UTC) + dt.timedelta(minutes=rng.randrange(0, 5000))
              for _ in range(30)]
    rows = []
    for number in range(1, count + 1):
        start, end, precision = _span(rng, rng.choice(days))
        kind = rng.choice(TYPES)
        actors = {slug: rng.choice(["agent", "counterpart", "mediator", "subject"])
                  for slug in rng.sample([a[0] for a in ACTORS], rng.choice([0, 1, 2, 2, 3]))}
        words = rng.sample(WORDS, 2)
        rows.append(Row(
            id=number, public_id=f"ev_{number:016x}", type=kind, title=f"{words[0]}事件{number}",
            start_min=start, end_max=end, precision=precision, status=rng.choice(STATUSES),
            place=rng.choice([None, None] + [p[0] for p in PLACES]), updated_at=rng.choice(stamps),
            actors=actors, topics=rng.sample([t[0] for t in TOPICS], rng.choice([0, 1, 1, 2])),
            quotes=[(rng.randrange(1, 7), f"据报道{words[1]}{number}。") for _ in range(rng.choice([1, 1, 2]))]))
    for row in rng.sample(rows, 25):
        row.deleted = True
    survivors = [r for r in rows if not r.deleted]
    for row in rng.sample(survivors, 20):
        target = rng.choice([r for r in survivors if r is not row and r.merged_into is None])
        if target.merged_into is None and not any(r.merged_into == row.id for r in rows):
            row.merged_into = target.id
    rows.extend(_showcase(len(rows)))
    return Dataset(rows, list(range(1, 7)))


SHOWCASE = "ev_00000000showcase"


def _showcase(last: int) -> list[Row]:
    """A hand-made event whose detail body the tests spell out, an event merged
    into it and a deleted one."""
    base = dict(type="talks", start_min=dt.date(2026, 2, 6), end_max=dt.date(2026, 2, 6), precision="day",
                updated_at=dt.datetime(2026, 2, 5, 8, 30, tzinfo=UTC), topics=["iran-nuclear"])
    return [
        Row(id=last + 1, public_id=SHOWCASE, title="伊美在马斯喀特举行核问题谈判", status="planned", place="muscat",
            actors={"iran": "agent", "usa": "counterpart", "trump": "subject"},
            quotes=[(2, "伊美将于6日在阿曼首都马斯喀特举行核问题谈判"), (1, "伊朗和美国6日将在马斯喀特谈判")], **base),
        Row(id=last + 2, public_id="ev_00000000merged01", title="伊美谈判", status="planned", place=None,
            actors={"iran": "agent"}, quotes=[(3, "伊美谈判")], merged_into=last + 1, **base),
        Row(id=last + 3, public_id="ev_00000000deleted1", title="已删除", status="occurred", place=None,
            actors={}, quotes=[(3, "已删除的事件")], deleted=True, **base),
    ]


def _by_normalized(*names: str) -> dict[str, str]:
    """One alias per normalized form (the first), as the ingest path keeps them."""
    found: dict[str, str] = {}
    for name in names:
        found.setdefault(normalize_name(name), name)
    return found


def load_dataset(session, data: Dataset) -> None:
    """Store ``data`` through the models."""
    actors = {}
    for slug, kind, name, name_en, code, country, aliases in ACTORS:
        actor = Actor(slug=slug, kind=kind, name=name, name_en=name_en, code=code, country_code=country,
                      created_at=dt.datetime(2025, 1, 1, tzinfo=UTC))
        actor.aliases = [ActorAlias(alias=a, normalized=n) for n, a in _by_normalized(name, name_en, *aliases).items()]
        actors[slug] = actor
    topics = {slug: Topic(slug=slug, name=name, name_en=name_en) for slug, name, name_en in TOPICS}
    places = {}
    for slug, name, name_en, kind, country, aliases in PLACES:
        place = Place(slug=slug, name=name, name_en=name_en, kind=kind, country_code=country)
        place.aliases = [PlaceAlias(alias=a, normalized=n) for n, a in _by_normalized(name, *aliases).items()]
        places[slug] = place
    session.add_all([*actors.values(), *topics.values(), *places.values()])
    for number in data.articles:
        session.add(Article(id=number, content_hash=f"{number:064x}", outlet="新华社" if number % 2 else "德国之声",
                            url=f"https://example.org/{number}" if number != 3 else None, title=f"文章{number}",
                            published_date=dt.date(2025, 2, number), published_at=None, format="text",
                            raw_text="…", clean_text="…", ingested_at=dt.datetime(2025, 3, 1, tzinfo=UTC)))
    session.flush()
    for row in data.rows:
        showcase = row.public_id == SHOWCASE
        event = Event(id=row.id, public_id=row.public_id, type=row.type, title=row.title, start_min=row.start_min,
                      end_max=row.end_max, precision=row.precision, status=row.status, date_source="explicit",
                      date_text="6日" if showcase else None, place=places.get(row.place),
                      confidence=0.9 if showcase else 0.5,
                      created_at=dt.datetime(2025, 3, 1, tzinfo=UTC), updated_at=row.updated_at,
                      deleted_at=dt.datetime(2025, 4, 1, tzinfo=UTC) if row.deleted else None)
        event.actor_links = [EventActor(actor=actors[slug], role=role, start_min=row.start_min, end_max=row.end_max)
                             for slug, role in row.actors.items()]
        event.topic_links = [EventTopic(topic=topics[slug], start_min=row.start_min, end_max=row.end_max)
                             for slug in row.topics]
        event.mentions = [Mention(article_id=article, quote=quote, start_offset=10 * index,
                                  end_offset=10 * index + len(quote), date_text="6日" if showcase else None,
                                  created_at=dt.datetime(2025, 3, 1, tzinfo=UTC))
                          for index, (article, quote) in enumerate(row.quotes)]
        session.add(event)
    session.flush()
    for row in data.rows:
        if row.merged_into is not None:
            session.get(Event, row.id).merged_into_id = row.merged_into
    session.flush()
    # The ORM bumps updated_at on change; put the planned values back with plain UPDATEs.
    for row in data.rows:
        session.execute(Event.__table__.update().where(Event.__table__.c.id == row.id)
                        .values(updated_at=row.updated_at))
    session.commit()


def load_into(database: Database, data: Dataset) -> None:
    """Store ``data`` through the models; on PostgreSQL move the id sequences past
    the explicit ids the dataset uses."""
    with database.session() as session:
        load_dataset(session, data)
    if database.dialect == "postgresql":
        with database.engine.begin() as connection:
            for table in ("events", "articles"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


@pytest.fixture(scope="module", params=BACKENDS)
def api_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """An application on a fixture database, shared by a module's tests on one backend."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter([f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}"])
    else:
        urls = scratch_postgres(request.getfixturevalue("pg_admin"))
    url = next(urls)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    database = get_db(app)
    Base.metadata.create_all(database.engine)
    data = make_dataset()
    load_into(database, data)
    app.dataset = data
    yield app
    database.dispose()
    for _ in urls:  # run the scratch database's cleanup
        pass


@pytest.fixture
def client(api_app):
    return api_app.test_client()


@pytest.fixture
def dataset(api_app) -> Dataset:
    return api_app.dataset


@pytest.fixture
def statements(api_app):
    """The SQL statements run while the test runs (a list that fills up)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    engine = get_db(api_app).engine
    sa_event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa_event.remove(engine, "before_cursor_execute", record)
