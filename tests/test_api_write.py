"""Bearer tokens (CLI and checks) and POST /articles."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from timeline import get_db
from timeline.auth import create_token, hash_secret
from timeline.cli import main
from timeline.models import ApiToken, Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def tokens(app):
    """Secrets of a write, a read and a revoked token."""
    with get_db(app).session() as session:
        _, write = create_token(session, "writer", ["write"])
        _, read = create_token(session, "reader", ["read"])
        revoked_token, revoked = create_token(session, "gone", ["admin"])
        revoked_token.revoked_at = revoked_token.created_at
    return {"write": write, "read": read, "revoked": revoked}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def cli(app, *args: str):
    return CliRunner().invoke(main, list(args), env={"TIMELINE_DATABASE_URL": app.config["DATABASE_URL"]})


def test_token_commands(app):
    created = cli(app, "token", "create", "ci", "--scope", "write")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("tl_") and len(secret) == 46
    with get_db(app).session() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.name == "ci"))
        assert (token.token_hash, token.scopes, token.prefix) == (hash_secret(secret), "write", secret[:8])
        assert secret not in {token.name, token.token_hash, token.prefix}
    assert cli(app, "token", "create", "ci").exit_code == 1
    listed = cli(app, "token", "list").stdout.splitlines()
    assert [line.split("\t")[:3] + line.split("\t")[4:] for line in listed] == [["ci", "write", secret[:8] + "…", "-", "-"]]
    assert cli(app, "token", "revoke", "ci").exit_code == 0
    assert cli(app, "token", "list").stdout.split("\t")[-1].strip() != "-"
    missing = cli(app, "token", "revoke", "nobody")
    assert (missing.exit_code, missing.output.strip()) == (1, "Error: no token called 'nobody'")


@pytest.mark.parametrize("who, status, challenge, detail", [
    (None, 401, 'Bearer realm="timeline"',
     "this request needs a bearer token with the write scope (timeline token create NAME --scope write)"),
    ("nonsense", 401, 'Bearer realm="timeline", error="invalid_token"', "the bearer token is unknown or revoked"),
    ("revoked", 401, 'Bearer realm="timeline", error="invalid_token"', "the bearer token is unknown or revoked"),
    ("read", 403, 'Bearer realm="timeline", error="insufficient_scope", scope="write"',
     "the token 'reader' lacks the write scope"),
])
def test_writes_need_a_write_token(app, tokens, who, status, challenge, detail):
    headers = {} if who is None else bearer(tokens.get(who, who))
    response = app.test_client().post("/api/v1/articles", json={"text": "伊美将于6日举行谈判。"}, headers=headers)
    assert response.status_code == status
    assert response.headers["WWW-Authenticate"] == challenge
    assert response.get_json() == {"type": "about:blank", "title": "Unauthorized" if status == 401 else "Forbidden",
                                   "status": status, "detail": detail, "instance": "/api/v1/articles"}
    with get_db(app).session() as session:
        assert session.scalar(select(Article.id)) is None


SEED_003 = (SEEDS / "003_353c7f31d2d34157.txt").read_text(encoding="utf-8")


def test_post_json_creates_then_finds(app, tokens):
    client = app.test_client()
    body = {"text": SEED_003, "published": "2025-02-12", "outlet": "新华社", "title": "两篇评论"}
    created = client.post("/api/v1/articles", json=body, headers=bearer(tokens["write"]))
    assert created.status_code == 201, created.get_json()
    article = created.get_json()
    assert created.headers["Location"] == f"/api/v1/articles/{article['id']}"
    assert (article["title"], article["outlet"], article["published"]) == ("两篇评论", "新华社", "2025-02-12")
    assert article["event_count"] == len(article["events"])
    again = client.post("/api/v1/articles", json=body, headers=bearer(tokens["write"]))
    assert again.status_code == 200
    assert again.get_json() == article
    assert client.get(f"/api/v1/articles/{article['id']}").get_json() == article
    with get_db(app).session() as session:
        assert session.scalar(select(ApiToken.last_used_at).where(ApiToken.name == "writer")) is not None


def test_post_raw_text_and_multipart(app, tokens):
    client = app.test_client()
    raw = (SEEDS / "000_63ea939fb502c995.txt").read_bytes()
    text = client.post("/api/v1/articles?published=2026-02-05&outlet=新华社", data=raw,
                       content_type="text/plain; charset=utf-8", headers=bearer(tokens["write"]))
    assert text.status_code == 201, text.get_json()
    assert text.get_json()["published"] == "2026-02-05"
    upload = client.post("/api/v1/articles", data={"file": (io.BytesIO(raw), "page.txt"), "outlet": "新华社"},
                         content_type="multipart/form-data", headers=bearer(tokens["write"]))
    assert upload.status_code == 200
    assert upload.get_json()["id"] == text.get_json()["id"]


@pytest.mark.parametrize("kwargs, errors", [
    ({"json": {"title": "x"}}, [{"detail": "Missing data for required field.", "pointer": "#/text"}]),
    ({"json": {"text": "谈判", "colour": "red"}}, [{"detail": "Unknown field.", "pointer": "#/colour"}]),
    ({"json": {"text": "谈判", "published": "soon"}}, [{"detail": "Not a valid date.", "pointer": "#/published"}]),
    ({"json": {"text": "   \n"}}, [{"detail": "upload: is empty", "pointer": "#/text"}]),
    ({"data": {"outlet": "x"}, "content_type": "multipart/form-data"},
     [{"detail": "a multipart upload needs a file part named file", "parameter": "file"}]),
    ({"data": "谈判", "content_type": "text/plain", "query_string": {"when": "now"}},
     [{"detail": "Unknown field.", "parameter": "when"}]),
])
def test_bad_uploads_are_422(app, tokens, kwargs, errors):
    response = app.test_client().post("/api/v1/articles", headers=bearer(tokens["write"]), **kwargs)
    assert response.status_code == 422
    assert response.get_json()["errors"] == errors


def test_unsupported_and_too_large_bodies(app, tokens):
    client = app.test_client()
    image = client.post("/api/v1/articles", data=b"\x89PNG", content_type="image/png", headers=bearer(tokens["write"]))
    assert image.status_code == 415
    assert image.content_type == "application/problem+json"
    app.config["MAX_CONTENT_LENGTH"] = 100
    large = client.post("/api/v1/articles", json={"text": "谈" * 200}, headers=bearer(tokens["write"]))
    assert large.status_code == 413
    assert large.get_json()["title"] == "Request Entity Too Large"
