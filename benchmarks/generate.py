"""A synthetic corpus of N events, loaded through the real schema in bulk.

    python benchmarks/generate.py --events 1000000 [--url URL] [--seed 7]

The schema comes from the Alembic migrations; rows go in with executemany
(SQLite) or COPY (PostgreSQL), a chunk of events at a time.  The shape is
meant to resemble a news archive:

* actors: the lexicon's countries, people and organizations, then synthetic
  people, with Zipf-like popularity (rank r drawn with weight 1/r^0.8), so the
  few most popular (美国, 中国, 俄罗斯, 伊朗, 特朗普...) have tens of thousands
  of events and most have a handful; 1–4 actors per event with roles;
* every event type; 1–3 of the 25 topics (also Zipf-like); a place for half;
* dates over 30 years (1996–2025, more recent years busier) at mixed
  precision (day, multi-day, week, month, season, year);
* 1–5 mentions, each a 15–45 character quote in a synthetic article;
* 1% of events merged into another, 0.5% deleted.

The derived tables are built the way the application builds them: search keys
by :func:`timeline.search.text_terms`, counts by the SQL of
:func:`timeline.derived.contributions`.  Then ANALYZE.
"""
from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import random
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection

from timeline.db import make_engine
from timeline.dateformat import enclosing_span
from timeline.derived import contributions
from timeline.extract.aliases import fold
from timeline.lexicon.load import load_lexicon, taxonomy, topics
from timeline.migrate import alembic_config
from timeline.models import EventCount
from timeline.search import text_terms

RESULTS = Path(__file__).resolve().parent / "results"
UTC = dt.timezone.utc
#: The most popular actors, most popular first; the rest of the lexicon follows shuffled.
HEAD = ["usa", "chn", "rus", "irn", "donald-trump", "ukr", "vladimir-putin", "isr", "un", "xi-jinping",
        "volodymyr-zelensky", "jpn", "deu", "fra", "gbr", "prk", "kor", "ind", "benjamin-netanyahu", "eu"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰飞鹏辉建国宏志红文斌波宁"
PRECISIONS = [("day", 56), ("days", 6), ("week", 5), ("month", 18), ("season", 5), ("year", 10)]
STATUSES = [("occurred", 80), ("planned", 8), ("ongoing", 7), ("cancelled", 3), ("postponed", 2)]
ROLES = ["agent", "counterpart", "mediator", "subject"]
VERBS = ["举行", "宣布", "启动", "就", "推动", "讨论", "签署", "回应", "呼吁", "批评", "表示", "计划"]
OBJECTS = ["核问题", "关税", "停火协议", "能源合作", "边境局势", "人道援助", "经贸关系", "军控条约", "选举结果",
           "难民问题", "气候变化", "网络安全", "粮食安全", "货币政策", "航运安全", "稀土出口", "半导体", "外交关系",
           "安全保障", "地区局势", "石油价格", "疫情防控", "基础设施", "投资协定", "海上演习", "战俘交换"]
FILLERS = ["双方同意继续保持沟通", "有关方面对此表示关切", "据报道会谈持续了数小时", "外界对此反应不一",
           "分析人士认为这一进展意义重大", "官员拒绝透露更多细节", "消息人士称谈判仍在进行", "此举引发广泛关注",
           "市场对此反应平淡", "当地媒体援引官员的话说"]
OUTLETS = ["新华社", "中新社", "德国之声", "联合早报", "BBC中文", "法广", "美国之音", "人民日报"]


def zipf_cumulative(count: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


def draw(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect(cumulative, rng.random() * cumulative[-1])


def weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


# --- loading -------------------------------------------------------------------------

class Loader:
    """Bulk rows into a table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.raw = connection.connection.driver_connection
        self.postgres = connection.dialect.name == "postgresql"

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        if self.postgres:
            with self.raw.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        self.raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                             ([_sqlite_value(v) for v in row] for row in rows))


def _sqlite_value(value: Any) -> Any:
    """The text SQLAlchemy stores for dates and times on SQLite."""
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- the corpus ----------------------------------------------------------------------

class Corpus:
    def __init__(self, rng: random.Random, actor_count: int) -> None:
        self.rng = rng
        lexicon = load_lexicon()
        entities = {e.key: e for group in (lexicon.countries, lexicon.people, lexicon.organizations) for e in group}
        rest = [key for key in entities if key not in HEAD]
        rng.shuffle(rest)
        self.actors: list[dict[str, Any]] = []
        for key in [k for k in HEAD if k in entities] + rest:
            e = entities[key]
            kind = e.kind if e.kind in ("person", "country", "organization", "group") else "organization"
            self.actors.append(dict(slug=key, kind=kind, name=e.name, name_en=e.name_en,
                                    code=e.code if kind == "country" else None,
                                    country_code=e.country if kind != "country" else None,
                                    aliases=[e.name, e.name_en, e.code, *e.aliases]))
        names = set()
        while len(self.actors) < actor_count:
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
            if name in names:
                name += rng.choice(GIVEN)
            names.add(name)
            number = len(self.actors)
            self.actors.append(dict(slug=f"person-{number}", kind="person", name=name, name_en=None, code=None,
                                    country_code=rng.choice(["USA", "CHN", "RUS", "IRN", "UKR", "JPN", None]),
                                    aliases=[name]))
        self.actor_weights = zipf_cumulative(len(self.actors), 0.8)
        self.topics = list(topics())
        self.topic_weights = zipf_cumulative(len(self.topics), 1.0)
        self.places = [p for p in lexicon.places]
        self.types = [(t["slug"], t["name"].split("/")[0]) for t in taxonomy()]
        self.type_weights = zipf_cumulative(len(self.types), 0.7)
        self.years = list(range(1996, 2026))
        self.year_weights = list(itertools.accumulate(y - 1990 for y in self.years))

    def span(self) -> tuple[dt.date, dt.date, str]:
        rng = self.rng
        year = self.years[bisect.bisect(self.year_weights, rng.random() * self.year_weights[-1])]
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        precision = weighted(rng, PRECISIONS)
        if precision == "days":
            return day, day + dt.timedelta(days=rng.randint(1, 4)), "day"
        return (*enclosing_span(day, precision), precision)

    def event_actors(self) -> list[int]:
        count = weighted(self.rng, [(1, 35), (2, 35), (3, 20), (4, 10)])
        chosen: list[int] = []
        while len(chosen) < count:
            index = draw(self.rng, self.actor_weights)
            if index not in chosen:
                chosen.append(index)
        return chosen

    def event_topics(self) -> list[int]:
        count = weighted(self.rng, [(1, 50), (2, 35), (3, 15)])
        return list({draw(self.rng, self.topic_weights) for _ in range(count)})

    def title(self, names: list[str], label: str, place: str | None) -> str:
        rng = self.rng
        where = f"在{place}" if place else ""
        return f"{'与'.join(names[:2])}{where}{rng.choice(VERBS)}{rng.choice(OBJECTS)}{label}"

    def quote(self, names: list[str], start: dt.date) -> str:
        rng = self.rng
        who = rng.choice(names)
        when = rng.choice([f"{start.day}日", f"{start.month}月", "上周", "当天", f"{start.year}年"])
        text = f"{who}{when}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，{rng.choice(FILLERS)}"
        return text[:45]


def generate(url: str, count: int, seed: int, actor_count: int, chunk: int = 50000) -> dict[str, float]:
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    engine = make_engine(url)
    command.upgrade(alembic_config(url), "head")
    timings["migrate"] = time.perf_counter() - started
    corpus = Corpus(rng, actor_count)
    stamp = dt.datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("ALTER TABLE event_terms DROP CONSTRAINT pk_event_terms"))
        else:
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-3000000", "foreign_keys=OFF"):
                connection.exec_driver_sql(f"PRAGMA {pragma}")
        loader = Loader(connection)
        started = time.perf_counter()
        _load_vocabulary(loader, corpus, stamp)
        article_count = max(1, count // 4)
        loader.load("articles", ["id", "content_hash", "outlet", "url", "title", "published_date", "language",
                                 "format", "raw_text", "clean_text", "ingested_at", "outcome", "event_count"],
                    ((i, hashlib.sha256(f"{seed}-{i}".encode()).hexdigest(), OUTLETS[i % len(OUTLETS)],
                      f"https://example.org/a/{i}", f"合成文章{i}", dt.date(1996, 1, 1) + dt.timedelta(days=i % 10950),
                      "zh", "text", "（合成）", "（合成）", stamp, "events", 4) for i in range(1, article_count + 1)))
        timings["vocabulary+articles"] = time.perf_counter() - started
        started = time.perf_counter()
        loaded = 0
        while loaded < count:
            size = min(chunk, count - loaded)
            _load_events(loader, corpus, loaded + 1, size, article_count, stamp)
            loaded += size
            print(f"  {loaded} events ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        timings["events+links+mentions+terms"] = time.perf_counter() - started
        started = time.perf_counter()
        if postgres:
            connection.execute(text("ALTER TABLE event_terms ADD CONSTRAINT pk_event_terms "
                                    "PRIMARY KEY (term, start_min, event_id)"))
            for table in ("events", "articles", "actors", "actor_aliases", "places", "place_aliases",
                          "topics", "mentions"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
        timings["terms index"] = time.perf_counter() - started
        started = time.perf_counter()
        connection.exec_driver_sql("ANALYZE")  # PostgreSQL would plan the counts for empty tables
        connection.execute(insert(EventCount).from_select(["scope", "scope_id", "field", "value", "n"],
                                                          contributions()))
        timings["counts"] = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE" if postgres else "ANALYZE")
        if not postgres:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    timings["analyze"] = time.perf_counter() - started
    engine.dispose()
    return timings


def _aliases(names: Iterable[str | None]) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for name in names:
        if name:
            found.setdefault(fold(name), name)
    return [(alias, normalized) for normalized, alias in found.items()]


def _load_vocabulary(loader: Loader, corpus: Corpus, stamp: dt.datetime) -> None:
    loader.load("actors", ["id", "slug", "kind", "name", "name_en", "code", "country_code", "created_at"],
                ((i + 1, a["slug"], a["kind"], a["name"], a["name_en"], a["code"], a["country_code"], stamp)
                 for i, a in enumerate(corpus.actors)))
    alias_rows = [(i + 1, alias, normalized) for i, a in enumerate(corpus.actors)
                  for alias, normalized in _aliases(a["aliases"])]
    loader.load("actor_aliases", ["id", "actor_id", "alias", "normalized"],
                ((n + 1, *row) for n, row in enumerate(alias_rows)))
    loader.load("topics", ["id", "slug", "name", "name_en"],
                ((i + 1, t["slug"], t["name"], t["name_en"]) for i, t in enumerate(corpus.topics)))
    loader.load("places", ["id", "slug", "name", "name_en", "kind", "country_code"],
                ((i + 1, p.key, p.name, p.name_en, p.place_kind or "city", p.country)
                 for i, p in enumerate(corpus.places)))
    place_aliases = [(i + 1, alias, normalized) for i, p in enumerate(corpus.places)
                     for alias, normalized in _aliases([p.name, p.name_en, *p.aliases])]
    loader.load("place_aliases", ["id", "place_id", "alias", "normalized"],
                ((n + 1, *row) for n, row in enumerate(place_aliases)))


def _load_events(loader: Loader, corpus: Corpus, first: int, size: int, article_count: int,
                 stamp: dt.datetime) -> None:
    rng = corpus.rng
    events, actor_links, topic_links, mentions, terms = [], [], [], [], []
    for event_id in range(first, first + size):
        start, end, precision = corpus.span()
        actors = corpus.event_actors()
        names = [corpus.actors[a]["name"] for a in actors]
        place = rng.randrange(len(corpus.places)) if rng.random() < 0.5 else None
        type_index = draw(rng, corpus.type_weights)
        slug, label = corpus.types[type_index]
        title = corpus.title(names, label, corpus.places[place].name if place is not None else None)
        merged = rng.randrange(1, event_id) if event_id > 1 and rng.random() < 0.01 else None
        deleted = stamp if merged is None and rng.random() < 0.005 else None
        events.append((event_id, f"ev_{event_id:016x}", slug, title, start, end, precision,
                       weighted(rng, STATUSES), "explicit", None, place + 1 if place is not None else None,
                       round(rng.uniform(0.3, 0.95), 2), None, "synthetic", "auto", merged, deleted, 1,
                       stamp, stamp + dt.timedelta(seconds=event_id)))
        for rank, actor in enumerate(actors):
            actor_links.append((event_id, actor + 1, ROLES[min(rank, 3)] if rank else "agent", slug, start, end))
        for topic in corpus.event_topics():
            topic_links.append((event_id, topic + 1, slug, start, end))
        quotes = []
        for index in range(weighted(rng, [(1, 40), (2, 25), (3, 15), (4, 10), (5, 10)])):
            quote = corpus.quote(names, start)
            quotes.append(quote)
            mentions.append((event_id, rng.randint(1, article_count), quote, 100 * index, 100 * index + len(quote),
                             stamp))
        if merged is None and deleted is None:
            terms.extend((term, start, event_id) for term in text_terms([title, *quotes]))
    loader.load("events", ["id", "public_id", "type", "title", "start_min", "end_max", "precision", "status",
                           "date_source", "date_text", "place_id", "confidence", "speech", "extractor_version",
                           "review_state", "merged_into_id", "deleted_at", "row_version", "created_at",
                           "updated_at"], events)
    loader.load("event_actors", ["event_id", "actor_id", "role", "type", "start_min", "end_max"], actor_links)
    loader.load("event_topics", ["event_id", "topic_id", "type", "start_min", "end_max"], topic_links)
    loader.load("mentions", ["event_id", "article_id", "quote", "start_offset", "end_offset", "created_at"], mentions)
    terms.sort(key=lambda row: row[0])
    loader.load("event_terms", ["term", "start_min", "event_id"], terms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--url", help="database URL (default: an SQLite file in benchmarks/results/)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--actors", type=int, default=20000, help="actors, lexicon first (default 20000)")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{RESULTS / f'bench-{args.events}.db'}"
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    timings = generate(url, args.events, args.seed, args.actors)
    total = time.perf_counter() - started
    print(f"{args.events} events into {url} in {total:.0f} s: "
          + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))


if __name__ == "__main__":
    main()
