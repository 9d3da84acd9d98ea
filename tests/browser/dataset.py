"""The browser tests' database, built through the models.

Seventy events: sixty-two routine ones spread over 2024 (so the list needs two
pages of fifty) and eight named ones in 2025–2026 that the tests look at, with
every precision, a planned event, actors in several roles, quotes from several
articles, and one hostile article whose title, outlet, link and quote are
written to run script if anything ever parsed them as HTML.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from timeline.models import (
    Actor, ActorAlias, Article, Event, EventActor, EventTopic, Mention, Place, PlaceAlias, Topic,
)
from timeline.queries import normalize_name

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'

ACTORS = [
    # slug, kind, name, name_en, code, country, aliases
    ("usa", "country", "美国", "United States", "USA", None, ["美方"]),
    ("iran", "country", "伊朗", "Iran", "IRN", None, ["伊方"]),
    ("oman", "country", "阿曼", "Oman", "OMN", None, []),
    ("trump", "person", "特朗普", "Donald Trump", None, "USA", ["川普", "Trump"]),
    ("putin", "person", "普京", "Vladimir Putin", None, "RUS", ["普丁"]),
    ("zelensky", "person", "泽连斯基", "Volodymyr Zelensky", None, "UKR", ["泽伦斯基", "澤倫斯基"]),
    ("hostile-group", "group", f"{IMG}某组织", None, None, None, []),
]
TOPICS = [("iran-nuclear", "伊朗核问题", "Iran nuclear"), ("russia-ukraine", "俄乌冲突", "Russia-Ukraine war"),
          ("trade", "贸易与关税", "Trade and tariffs")]
PLACES = [("muscat", "马斯喀特", "Muscat", "OMN"), ("brussels", "布鲁塞尔", "Brussels", "BEL"),
          ("geneva", "日内瓦", "Geneva", "CHE")]
ARTICLES = {
    # key: outlet, url, title, published
    "xinhua": ("新华网", "https://www.news.cn/world/20250205/a1.html", "美伊将在阿曼举行间接谈判", dt.date(2025, 2, 5)),
    "xinhua2": ("新华社", None, "美伊间接会谈结束", dt.date(2025, 2, 7)),
    "people": ("人民网", "https://world.people.com.cn/n1/2025/0302/a.html", "俄乌冲突一季度回顾", dt.date(2025, 3, 2)),
    "cctv": ("央视新闻", "https://news.cctv.com/2024/12/31/roundup.shtml", "2024年例行事件汇总", dt.date(2024, 12, 31)),
    "hostile": (f"<b>{SCRIPT}某来源</b>", "javascript:window.__pwned=1", f"{SCRIPT}一篇恶意文章{IMG}",
                dt.date(2026, 1, 16)),
}


@dataclass(frozen=True)
class Spec:
    """One event as the tests know it."""

    public_id: str
    type: str
    title: str
    start: dt.date
    end: dt.date
    precision: str
    status: str = "occurred"
    date_source: str = "explicit"
    date_text: str | None = None
    place: str | None = None
    actors: tuple[tuple[str, str], ...] = ()  # (slug, role)
    topics: tuple[str, ...] = ()
    quotes: tuple[tuple[str, str], ...] = ()  # (article key, quote)
    speech: str | None = None


NAMED = [
    Spec("ev_0000000000000001", "talks", "美国与伊朗在阿曼举行间接会谈", dt.date(2025, 2, 6), dt.date(2025, 2, 6), "day",
         date_source="dateline-relative", date_text="6日", place="muscat",
         actors=(("usa", "agent"), ("iran", "counterpart"), ("oman", "mediator")), topics=("iran-nuclear",),
         quotes=(("xinhua2", "美伊双方代表于2月6日在马斯喀特间接会面。"),
                 ("xinhua", "美国和伊朗代表6日将在阿曼首都马斯喀特举行间接会谈。"))),
    Spec("ev_0000000000000002", "summit", "欧盟外长在布鲁塞尔开会讨论对俄制裁", dt.date(2025, 2, 10), dt.date(2025, 2, 16),
         "week", date_source="dateline-relative", date_text="上周", place="brussels", topics=("russia-ukraine",),
         quotes=(("people", "欧盟外长上周在布鲁塞尔开会讨论对俄制裁。"),)),
    Spec("ev_0000000000000003", "prisoner_exchange", "俄乌今年一季度多次交换被俘人员", dt.date(2025, 1, 1),
         dt.date(2025, 3, 31), "season", date_text="一季度", actors=(("putin", "agent"), ("zelensky", "counterpart")),
         topics=("russia-ukraine",), quotes=(("people", "俄乌今年一季度多次交换被俘人员。"),)),
    Spec("ev_0000000000000004", "sanctions", "美国全年分阶段提高关税", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year",
         date_text="今年", actors=(("trump", "agent"), ("usa", "subject")), topics=("trade",),
         quotes=(("xinhua", "美国今年将分阶段提高关税。"),)),
    Spec("ev_0000000000000005", "summit", "特朗普与普京计划在日内瓦举行峰会", dt.date(2025, 2, 20), dt.date(2025, 2, 20), "day",
         status="planned", date_text="20日", place="geneva", actors=(("trump", "agent"), ("putin", "counterpart")),
         quotes=(("xinhua", "特朗普与普京计划20日在日内瓦举行峰会。"),)),
    Spec("ev_0000000000000006", "visit", "泽连斯基访问华盛顿", dt.date(2025, 6, 1), dt.date(2025, 6, 30), "month",
         date_text="6月", actors=(("zelensky", "agent"), ("trump", "counterpart")), topics=("russia-ukraine",),
         quotes=(("people", "泽连斯基6月访问华盛顿。"),)),
    Spec("ev_0000000000000007", "phone_call", "泽连斯基与特朗普通电话", dt.date(2025, 9, 3), dt.date(2025, 9, 3), "day",
         date_text="9月3日", actors=(("zelensky", "agent"), ("trump", "counterpart")), topics=("russia-ukraine",),
         quotes=(("people", "泽连斯基9月3日与特朗普通电话。"),)),
    Spec("ev_0000000000000008", "statement", f"{IMG}恶意标题{SCRIPT}", dt.date(2026, 1, 15), dt.date(2026, 1, 15), "day",
         date_text="15日", actors=(("hostile-group", "agent"),),
         quotes=(("hostile", f"他说：{SCRIPT}以及{IMG}都只是文字。"),), speech=f"讲话{SCRIPT}{IMG}"),
]
ROUTINE_TYPES = ["statement", "policy", "economy", "ceremony", "protest", "election"]
ROUTINE = [
    Spec(f"ev_1{i:015d}", ROUTINE_TYPES[i % len(ROUTINE_TYPES)], f"例行事件第{i:02d}号",
         dt.date(2024, 1, 5) + dt.timedelta(days=5 * i), dt.date(2024, 1, 5) + dt.timedelta(days=5 * i), "day",
         quotes=(("cctv", f"例行事件第{i:02d}号的报道。"),))
    for i in range(1, 63)
]
EVENTS = NAMED + ROUTINE
HOSTILE = NAMED[-1]


def build(session: Session) -> None:
    """Fill an empty schema with the dataset (one transaction)."""
    actors = {}
    for slug, kind, name, name_en, code, country, aliases in ACTORS:
        actor = Actor(slug=slug, kind=kind, name=name, name_en=name_en, code=code, country_code=country)
        names = {normalize_name(a): a for a in [name, *aliases, *([name_en] if name_en else [])]}
        actor.aliases = [ActorAlias(alias=alias, normalized=key) for key, alias in names.items()]
        actors[slug] = actor
    topics = {slug: Topic(slug=slug, name=name, name_en=name_en) for slug, name, name_en in TOPICS}
    places = {}
    for slug, name, name_en, country in PLACES:
        place = Place(slug=slug, name=name, name_en=name_en, kind="city", country_code=country)
        place.aliases = [PlaceAlias(alias=name, normalized=normalize_name(name))]
        places[slug] = place
    articles = {}
    for key, (outlet, url, title, published) in ARTICLES.items():
        quotes = [q for spec in EVENTS for k, q in spec.quotes if k == key]
        text = "\n".join([title, *quotes])
        articles[key] = Article(
            content_hash=hashlib.sha256(text.encode()).hexdigest(), outlet=outlet, url=url, title=title,
            published_date=published, format="plain", raw_text=text, clean_text=text, outcome="events",
            event_count=len(quotes))
    session.add_all([*actors.values(), *topics.values(), *places.values(), *articles.values()])
    for spec in EVENTS:
        event = Event(public_id=spec.public_id, type=spec.type, title=spec.title, start_min=spec.start,
                      end_max=spec.end, precision=spec.precision, status=spec.status, date_source=spec.date_source,
                      date_text=spec.date_text, place=places.get(spec.place), speech=spec.speech, confidence=0.9)
        event.actor_links = [EventActor(actor=actors[slug], role=role, start_min=spec.start, end_max=spec.end)
                             for slug, role in spec.actors]
        event.topic_links = [EventTopic(topic=topics[slug], start_min=spec.start, end_max=spec.end)
                             for slug in spec.topics]
        for key, quote in spec.quotes:
            article = articles[key]
            offset = article.clean_text.index(quote)
            event.mentions.append(Mention(article=article, quote=quote, start_offset=offset,
                                          end_offset=offset + len(quote), date_text=spec.date_text))
        session.add(event)
    session.commit()
