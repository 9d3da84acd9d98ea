"""GET /articles, GET /articles/{id} (POST /articles: see timeline.api.ingest)."""
from __future__ import annotations

from typing import Any

from flask import abort

from timeline import queries
from timeline.api.common import PREFIX, ApiBlueprint, page_limit, paged, session
from timeline.models import Article
from timeline.schemas import ArticleDetailSchema, ArticleListArgs, ArticlePageSchema, Extended, NoArgs

blp = ApiBlueprint("articles", __name__, url_prefix=f"{PREFIX}/articles",
                   description="The source articles, how their processing went, and the events they report.")


def article_detail(article: Article) -> Extended:
    """An article with its live events, as the detail schema dumps it."""
    return Extended(article, events=queries.article_events(session(), article.id))


@blp.route("")
@blp.arguments(ArticleListArgs, location="query")
@blp.response(200, ArticlePageSchema)
def list_articles(args: dict[str, Any]) -> Any:
    """Articles, most recently stored first; `outlet` and title words (`q`) narrow them."""
    page = queries.article_page(session(), outlet=args.get("outlet", ()), q=args.get("q"),
                                cursor=args.get("cursor"), limit=page_limit(args))
    return paged(page)


@blp.route("/<int:article_id>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, ArticleDetailSchema)
@blp.alt_response(404, description="No such article.")
def get_article(_args: dict[str, Any], article_id: int) -> Any:
    """One article: metadata, processing outcome, and its events in the order it reports them."""
    article = queries.find_article(session(), article_id)
    if article is None:
        abort(404, f"no article {article_id}")
    return article_detail(article)
