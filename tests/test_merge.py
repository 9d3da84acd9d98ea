"""The rule that decides when two mentions are one happening."""
from __future__ import annotations

import datetime as dt

from timeline.extract.merge import merge_within, same_happening
from timeline.extract.model import ActorRef, ExtractedEvent, Quote

D = dt.date
USA = ActorRef("usa", "美国", "country", "United States", "USA")
IRN = ActorRef("irn", "伊朗", "country", "Iran", "IRN")
RUS = ActorRef("rus", "俄罗斯", "country", "Russia", "RUS")
RUBIO = ActorRef("marco-rubio", "鲁比奥", "person", "Marco Rubio", None, "USA")
LAVROV = ActorRef("sergei-lavrov", "拉夫罗夫", "person", "Sergei Lavrov", None, "RUS")


def event(type_: str, start: dt.date, end: dt.date | None = None, precision: str = "day",
          actors: list[ActorRef] | None = None, quote: str = "某处引文", at: int = 0,
          source: str = "explicit") -> ExtractedEvent:
    return ExtractedEvent(type=type_, start_date=start, end_date=end or start, precision=precision,
                          status="occurred", date_source=source, date_text=None,
                          actors=list(actors or []), place=None, mentions=[Quote(quote, at, at + len(quote))])


def test_same_type_day_and_actor_merge():
    a = event("talks", D(2026, 2, 6), actors=[IRN, USA], quote="伊美将于6日举行谈判", at=0)
    b = event("talks", D(2026, 2, 6), actors=[USA], quote="美伊6日谈判将聚焦核问题", at=50)
    merged = merge_within([a, b])
    assert len(merged) == 1
    assert [m.text for m in merged[0].mentions] == ["伊美将于6日举行谈判", "美伊6日谈判将聚焦核问题"]
    assert merged[0].actor_keys() == {"irn", "usa"}


def test_two_rounds_a_week_apart_stay_two():
    a = event("talks", D(2025, 4, 12), actors=[IRN, USA], at=0)
    b = event("talks", D(2025, 4, 19), actors=[IRN, USA], at=10)
    assert len(merge_within([a, b])) == 2


def test_year_level_mention_never_swallows_day_level():
    day = event("talks", D(2025, 4, 12), actors=[IRN, USA], at=0)
    year = event("talks", D(2025, 1, 1), D(2025, 12, 31), "year", actors=[IRN, USA], at=10)
    assert not same_happening(day, year)
    assert len(merge_within([day, year])) == 2


def test_different_types_stay_apart():
    assert not same_happening(event("talks", D(2025, 2, 18), actors=[USA]),
                              event("statement", D(2025, 2, 18), actors=[USA]))


def test_no_shared_actor_stays_apart():
    assert not same_happening(event("talks", D(2025, 2, 18), actors=[IRN]),
                              event("talks", D(2025, 2, 18), actors=[RUS]))


def test_two_people_speaking_the_same_day_are_two_statements():
    a = event("statement", D(2025, 2, 18), actors=[RUBIO, USA])
    b = event("statement", D(2025, 2, 18), actors=[LAVROV, USA])
    assert not same_happening(a, b)


def test_headline_joins_dated_event_and_takes_its_date():
    headline = event("talks", D(2025, 2, 18), actors=[USA, RUS], quote="美俄利雅得会谈", at=0,
                     source="inferred-from-dateline")
    body = event("talks", D(2025, 2, 17), actors=[RUS], quote="俄美17日在利雅得会谈", at=40)
    merged = merge_within([headline, body])
    assert len(merged) == 1
    assert merged[0].start_date == D(2025, 2, 17)
    assert merged[0].date_source == "explicit"
    assert [m.text for m in merged[0].mentions] == ["美俄利雅得会谈", "俄美17日在利雅得会谈"]


def test_headline_without_a_dated_partner_is_dropped():
    headline = event("summit", D(2025, 2, 18), actors=[USA], source="inferred-from-dateline")
    assert merge_within([headline]) == []
