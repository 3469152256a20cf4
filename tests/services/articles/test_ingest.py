from datetime import UTC, datetime, timedelta

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import RevisionImmutable
from readerdesk.services.articles.ingest import IngestError, find_article, ingest_article
from tests.factories import make_site, paragraphs


def ingest(session, site, html, url="https://news.example/story?utm_source=x#top", **kwargs):
    return ingest_article(session, site, url=url, title="Story", html=html, now=utcnow(), **kwargs)


def test_a_new_article_gets_revision_one_with_canonical_text_and_its_hash(db_session):
    site = make_site(db_session)
    result = ingest(db_session, site, paragraphs("One.", "Two <em>words</em>."))
    revision = result.article.current_revision
    assert result.created and result.changed
    assert result.article.url == "https://news.example/story"
    assert (revision.number, revision.text) == (1, "One.\n\nTwo words.")
    assert len(revision.content_hash) == 64


def test_a_revision_is_added_only_when_the_canonical_text_changes(db_session):
    site = make_site(db_session)
    ingest(db_session, site, paragraphs("One.", "Two."))
    # Markup and whitespace changes that leave the text alone are not a new revision.
    same = ingest(db_session, site, "<p>One.</p>\n\n<p><span>Two.</span></p>", url="https://news.example/story")
    assert not same.changed and not same.created
    changed = ingest(db_session, site, paragraphs("One.", "Two, corrected."), url="https://news.example/story")
    assert changed.changed
    assert [r.number for r in changed.article.revisions] == [1, 2]
    assert changed.article.current_revision.text == "One.\n\nTwo, corrected."


def test_revisions_are_append_only(db_session):
    site = make_site(db_session)
    revision = ingest(db_session, site, paragraphs("One.")).article.current_revision
    revision.text = "Rewritten history"
    with pytest.raises(RevisionImmutable):
        db_session.flush()


def test_the_sites_excluded_boxes_never_reach_the_text(db_session):
    site = make_site(db_session, exclude_selectors=[".related"])
    result = ingest(db_session, site, '<p>Story.</p><div class="related"><h3>Related posts</h3></div>')
    assert result.article.current_revision.text == "Story."


def test_external_id_identifies_an_article_whose_url_changed(db_session):
    site = make_site(db_session)
    first = ingest(db_session, site, paragraphs("Text."), external_id="wp:7")
    moved = ingest(db_session, site, paragraphs("Text."), url="https://news.example/new-slug", external_id="wp:7")
    assert moved.article.id == first.article.id
    assert moved.article.url == "https://news.example/new-slug"


@pytest.mark.parametrize("kwargs, message", [
    ({"html": "<p> </p><script>x</script>"}, "empty"),
    ({"url": "not a url"}, "absolute http"),
    ({"title": "   "}, "no title"),
])
def test_bad_input_is_refused_and_nothing_is_written(db_session, kwargs, message):
    from sqlalchemy import func, select

    from readerdesk.models import Article

    site = make_site(db_session)
    args = {"url": "https://news.example/a", "title": "T", "html": "<p>x</p>", **kwargs}
    with pytest.raises(IngestError, match=message):
        ingest_article(db_session, site, now=utcnow(), **args)
    assert db_session.scalar(select(func.count()).select_from(Article)) == 0


def test_source_modified_time_is_kept(db_session):
    site = make_site(db_session)
    modified = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    article = ingest(db_session, site, paragraphs("x"), modified_at=modified).article
    assert article.current_revision.source_modified_at == modified
    assert article.modified_at == modified
    db_session.commit()
    db_session.expire_all()
    assert find_article(db_session, site, "https://news.example/story").modified_at == modified


def test_times_come_back_in_utc(db_session):
    site = make_site(db_session)
    local = datetime(2026, 11, 18, 7, 0, tzinfo=UTC) + timedelta(hours=0)
    article = ingest(db_session, site, paragraphs("x"), published_at=local).article
    db_session.commit()
    db_session.expire_all()
    assert article.published_at.tzinfo is not None and article.published_at == local
