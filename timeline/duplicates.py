"""Near-duplicate articles: the same story re-published with small changes.

A wire story re-published by another outlet, a corrected version at the same
URL, or the same story converted to traditional characters is a different
content hash but not a different report.  It is stored (its text is kept and
it points at its original through ``articles.duplicate_of_id``) and never
extracted, so its events are not counted twice.

Similarity
    The Jaccard index of the two texts' sets of character 4-grams
    ("shingles"), taken over a normal form of the clean text: simplified
    characters, ASCII width, lower case, letters and digits only.  Markup,
    punctuation, white space and the script (simplified or traditional) make no
    difference; a changed sentence changes only the 4-grams that cross it.
    Two texts are near-duplicates at :data:`TEXT_THRESHOLD` = 0.5 or more,
    when both have at least :data:`MIN_CHARS` = 200 characters in normal form.
    Short briefs are formulaic ("新华社马斯喀特2月6日电 伊朗和美国代表团6日在阿曼
    首都马斯喀特举行了谈判") and two of them about different happenings share
    most of their 4-grams, so they are always extracted: if one does repeat
    the other, its events join the stored ones as mentions (cross-article
    matching), which costs a mention, while a false duplicate would cost events.
    Measured (tests/test_duplicates.py): the seed articles, the dev articles
    and a wire story pairwise stay under 0.04; two briefs of one sentence
    about different talks score 0.74, hence the minimum length; a follow-up that reuses three background paragraphs of six under a new
    lead scores 0.45 (a new report, not a copy); one paragraph of six
    rewritten scores 0.75, a corrected figure 0.97, the same story in
    traditional characters 1.0.

Candidates
    Only articles that are themselves originals (``duplicate_of_id`` is null,
    so the link is always one hop), and of those only the ones with the same
    URL, or published within :data:`DATE_WINDOW` (3 days) of the incoming one
    with a similar title: the overlap coefficient of the titles' character
    bigrams (shared bigrams over the shorter title's) at least
    :data:`TITLE_THRESHOLD` = 0.5.  The title only narrows the search; the
    text decides.  Both lookups are index scans (``ix_articles_url``,
    ``ix_articles_published_id``), and only candidates' texts are loaded.
    A copy with a new title at another URL is not found here; its events still
    join the stored ones through cross-article matching (:mod:`timeline.ingest`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from timeline.extract.read import Document
from timeline.extract.textnorm import analysis_copy
from timeline.models import Article

SHINGLE_SIZE = 4
TEXT_THRESHOLD = 0.5
MIN_CHARS = 200
TITLE_THRESHOLD = 0.5
DATE_WINDOW = dt.timedelta(days=3)

_NOT_WORD = re.compile(r"[\W_]+")


def normal_form(text: str) -> str:
    """Simplified, ASCII-width, lower-case letters and digits of ``text``."""
    return _NOT_WORD.sub("", analysis_copy(text)).lower()


def grams(text: str, size: int) -> frozenset[str]:
    """The set of ``size``-character substrings of ``text``'s normal form
    (the whole form when it is shorter)."""
    return _grams(normal_form(text), size)


def _grams(form: str, size: int) -> frozenset[str]:
    if len(form) <= size:
        return frozenset([form]) if form else frozenset()
    return frozenset(form[i:i + size] for i in range(len(form) - size + 1))


@lru_cache(maxsize=1 << 16)
def title_grams(title: str) -> frozenset[str]:
    """A title's character bigrams; cached, since every ingest compares the
    titles of the articles published in its window."""
    return grams(title, 2)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared elements over the smaller set's size."""
    smaller = min(len(a), len(b))
    return len(a & b) / smaller if smaller else 0.0


def text_similarity(a: str, b: str) -> float:
    """Jaccard index of the two texts' 4-gram shingles."""
    return jaccard(grams(a, SHINGLE_SIZE), grams(b, SHINGLE_SIZE))


@dataclass(frozen=True)
class Original:
    """The stored article an incoming one repeats."""

    article_id: int
    similarity: float
    same_url: bool

    def reason(self) -> str:
        where = "same URL, " if self.same_url else ""
        return (f"near-duplicate of article {self.article_id} "
                f"({where}4-gram Jaccard similarity {self.similarity:.2f})")


class Fingerprint:
    """What near-duplicate search needs of one document, computed once."""

    def __init__(self, document: Document) -> None:
        self.url = document.url
        self.published = document.published_date
        self.title = title_grams(document.title) if document.title else frozenset()
        form = normal_form(document.clean_text)
        self.length = len(form)
        self.shingles = _grams(form, SHINGLE_SIZE)

    def find_original(self, session: Session, exclude_id: int | None = None) -> Original | None:
        """The most similar stored original at or above the threshold, if any."""
        if self.length < MIN_CHARS:
            return None
        near: list = []
        if self.url:
            near.append(Article.url == self.url)
        if self.published is not None and self.title:
            near.append(and_(Article.published_date.between(self.published - DATE_WINDOW,
                                                            self.published + DATE_WINDOW),
                             Article.title.is_not(None)))
        if not near:
            return None
        query = select(Article.id, Article.url, Article.title).where(or_(*near), Article.duplicate_of_id.is_(None))
        if exclude_id is not None:
            query = query.where(Article.id != exclude_id)
        rows = session.execute(query).all()
        same_url = {row.id for row in rows if self.url and row.url == self.url}
        candidates = same_url | {row.id for row in rows
                                 if row.title and overlap(self.title, title_grams(row.title)) >= TITLE_THRESHOLD}
        best: Original | None = None
        for article_id, text in session.execute(select(Article.id, Article.clean_text)
                                                .where(Article.id.in_(candidates)).order_by(Article.id)):
            form = normal_form(text)
            if len(form) < MIN_CHARS:
                continue
            score = jaccard(self.shingles, _grams(form, SHINGLE_SIZE))
            if score >= TEXT_THRESHOLD and (best is None or score > best.similarity):
                best = Original(article_id, score, article_id in same_url)
        return best
