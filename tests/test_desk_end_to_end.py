"""The moderation desk's "done when", end to end over HTTP on the demo: readers report through the
public API, an editor signs in, finds the group in the queue, merges a related report, publishes a
note with the corrected wording, and the note is everywhere it should be; the readers get emails."""

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest

from readerdesk.clock import utcnow
from readerdesk.demo import load_demo
from readerdesk.models import Correction, Status
from tests.conftest import mail_settings
from tests.factories import CHEAP_PASSWORDS
from tests.helpers import run_jobs

WAS_WRONG, IS_RIGHT = "the grant was €640,000", "It is €604,000."

pytestmark = pytest.mark.slow

LIBRARY = "http://127.0.0.1:5000/sites/demo/news/library"
NOTE = "An earlier version of this article said the grant was €640,000. It is €604,000."


def report(client, key, exact, prefix, suffix, **fields):
    response = client.post("/api/v1/corrections", json={
        "idempotency_key": key, "article_url": LIBRARY, "kind": "factual",
        "selectors": [{"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}], **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def by_public_id(db_session, public_id) -> Correction:
    return db_session.query(Correction).filter_by(public_id=public_id).one()


def test_report_triage_merge_publish_and_tell_the_readers(app, client, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server), EDITOR_NOTIFICATIONS="off")
    demo = load_demo(db_session, now=utcnow(), password_settings=CHEAP_PASSWORDS)
    db_session.commit()

    # Three readers. Two flag overlapping text (grouped on arrival), one a nearby name (merged by hand).
    first = report(client, "reader-one-0001", "€640,000 grant", "funded by a ", " from the Northern",
                   suggestion="€604,000 grant", email="ann@example.org", notify=True, name="Ann")
    second = report(client, "reader-two-0002", "funded by a €640,000", "The work, ", " grant from",
                    comment="The foundation says 604.", email="bo@example.org", notify=True)
    third = report(client, "reader-three-03", "Northern Heritage Foundation", "grant from the ", ", started",
                   comment="Same sentence: the grant figure is wrong.")
    lead, dup, other = (by_public_id(db_session, p) for p in (first, second, third))
    assert dup.group_id == lead.id and other.group_id == other.id

    client.post("/auth/login", data={"email": "editor@example.com", "password": demo.editor_password})
    queue = client.get("/desk/?tab=new&sort=priority").get_data(as_text=True)
    assert "€640,000 grant" in queue and "×2" in queue

    merged = client.post(f"/desk/corrections/{lead.id}/merge", data={"others": str(other.id)})
    assert merged.status_code == 303
    db_session.expire_all()
    assert {c.group_id for c in (lead, dup, other)} == {lead.id}
    assert "×3" in client.get("/desk/?tab=new").get_data(as_text=True)

    # Publish: preview the new wording, then confirm it.
    form = {"note_type": "correction", "was_wrong": WAS_WRONG, "is_right": IS_RIGHT, "body": "",
            "apply_wording": "y", "wording": "€604,000 grant",
            "version": str(lead.version), "preview": "Preview"}
    preview = client.post(f"/desk/corrections/{lead.id}/publish", data=form)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    expected = re.search(r'name="expected_passage" type="hidden" value="([^"]*)"', page).group(1)
    confirmed = client.post(f"/desk/corrections/{lead.id}/publish", data={
        **{k: v for k, v in form.items() if k != "preview"}, "confirm": "Publish",
        "expected_passage": expected, "previewed_wording": "€604,000 grant"})
    assert confirmed.status_code == 302
    db_session.expire_all()
    assert [c.status for c in (lead, dup, other)] == [Status.PUBLISHED] * 3

    article_page = client.get("/sites/demo/news/library").get_data(as_text=True)
    assert "funded by a €604,000 grant from the Northern Heritage Foundation" in article_page
    assert NOTE in article_page
    json_ld_script = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', article_page, re.S)
    json_ld = json.loads(json_ld_script.group(1))
    assert json_ld["correction"][0] == {"@type": "CorrectionComment", "text": NOTE,
                                        "datePublished": json_ld["dateModified"]}
    assert NOTE in client.get("/corrections").get_data(as_text=True)
    feed = ET.fromstring(client.get("/corrections.atom").data)
    atom = "{http://www.w3.org/2005/Atom}"
    assert any(NOTE in (entry.findtext(f"{atom}content") or "") for entry in feed.iter(f"{atom}entry"))

    # The two readers who asked to hear back got the outcome, with a link to the corrected passage.
    run_jobs()
    mails = {m["To"]: m for m in smtp_server.messages}
    assert set(mails) == {"ann@example.org", "bo@example.org"}
    body = mails["ann@example.org"].get_body(("plain",)).get_content()
    assert NOTE in body
    link = re.search(r"(http\S+#:~:text=\S+)", body).group(1)
    assert link.startswith(LIBRARY + "#:~:text=") and "604" in unquote(link)
