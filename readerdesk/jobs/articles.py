"""Article jobs, run from the outbox (``readerdesk.jobs.runner``). Each one owns its transaction.

They take plain arguments (ids) and run inside an app context: in the RQ worker, in a thread of the
web process without Redis, or in a CLI command's process.
"""

from __future__ import annotations

import logging

from flask import current_app

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import AnchorState, Correction
from readerdesk.services.articles.connectors import refetch_article
from readerdesk.services.corrections.capture import needs_refetch
from readerdesk.services.corrections.reanchoring import anchor_in
from readerdesk.services.outbound import http_session_for

log = logging.getLogger("readerdesk.jobs.articles")


def refetch_and_anchor(correction_id: int) -> None:
    """Re-fetch the article of a correction whose quote readerdesk has in no revision word for word
    (unanchored, or an approximate match), then anchor it in the new revision.

    Raises when the fetch fails, so the job runner retries; the correction itself was stored
    before this job ran and stays stored whatever happens here."""
    correction = db.session.get(Correction, correction_id)
    if correction is None or not needs_refetch(correction):
        return
    now = utcnow()
    try:
        refetch_article(db.session, correction.article, now=now, timeout=current_app.config["HTTP_TIMEOUT"],
                        max_article_bytes=current_app.config["MAX_ARTICLE_BYTES"],
                        http=http_session_for(current_app.config))
        revision = correction.article.current_revision
        unanchored = correction.anchor_state == AnchorState.UNANCHORED
        newer_has_quote = (revision is not None and correction.quote_verbatim is False
                           and correction.revision_id != revision.id
                           and correction.exact in revision.part_text(correction.part))
        if revision is not None and ((unanchored and revision.id != correction.anchor_revision_id) or newer_has_quote):
            # The reader saw this newer text: anchor the report where their quote now is.
            anchor_in(correction, revision, now=now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("correction %s after re-fetch: %s", correction.public_id, correction.anchor_state.value)
