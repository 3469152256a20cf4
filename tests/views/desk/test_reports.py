import re

import pytest
from sqlalchemy import event, select

from readerdesk.clock import utcnow
from readerdesk.models import ModerationEvent, Status
from readerdesk.services.corrections.duplicates import assign_group
from readerdesk.services.desk.live_queue import row_stamp
from readerdesk.services.desk.triage import decide
from tests.factories import make_article, make_correction, make_user, paragraphs
from tests.helpers import sign_in


@pytest.fixture
def signed_in(client, editor):
    sign_in(client, editor)
    return client


def test_the_queue_shows_one_row_per_group_with_a_count_badge(signed_in, db_session):
    article = make_article(db_session, title="Bridge vote")
    lead = make_correction(db_session, article, exact="twelve to five", comment="It was eleven")
    for _ in range(2):
        assign_group(db_session, make_correction(db_session, article, exact="twelve"))
    db_session.commit()
    html = signed_in.get("/desk/").get_data(as_text=True)
    assert html.count('class="queue-row"') == 1
    assert f'data-id="{lead.id}"' in html and "×3" in html and "Bridge vote" in html
    assert re.search(r'data-tab="new">New\s*<span class="count">1</span>', html)


def test_reader_text_is_escaped_everywhere(signed_in, db_session):
    article = make_article(db_session, html=paragraphs("Say <b>hello</b> to the council."))
    c = make_correction(db_session, article, exact="hello", comment="<script>alert(1)</script>",
                        suggestion="<img src=x onerror=alert(1)>", reader_name="<i>Eve</i>")
    db_session.commit()
    for url in ("/desk/?tab=all", f"/desk/corrections/{c.id}"):
        html = signed_in.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<i>Eve" not in html
        assert "&lt;script&gt;" in html


def test_the_report_page_shows_passage_suggestion_reader_and_group(signed_in, db_session):
    article = make_article(db_session, html=paragraphs("The council voted twelve to five on Thursday."))
    c = make_correction(db_session, article, exact="twelve to five", suggestion="eleven to five",
                        reader_name="Ann Reader", reader_email="ann@example.org")
    dup = make_correction(db_session, article, exact="twelve")
    assign_group(db_session, dup)
    db_session.commit()
    html = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert "The council voted <mark>twelve to five</mark> on Thursday." in html
    assert "<del>twelve</del><ins>eleven</ins>" in html
    assert "ann@example.org" in html and "Ann Reader" in html
    assert "Reports on this passage (2)" in html and f'/desk/corrections/{dup.id}"' in html
    assert "Unchanged." in html
    assert 'value="accept"' in html and 'value="reopen"' not in html
    assert f'/desk/corrections/{c.id}/publish' in html and "Publish…" in html


def test_a_big_group_is_shown_fifty_reports_at_a_time_with_its_counts(signed_in, db_session):
    article = make_article(db_session, html=paragraphs("The council voted twelve to five on Thursday."))
    reports = [make_correction(db_session, article, exact="twelve", notify_reader=i < 3,
                               reader_email="r@example.org") for i in range(61)]
    for r in reports[1:]:
        assign_group(db_session, r)
    reports[5].status = Status.IN_REVIEW
    db_session.commit()
    member_links = re.compile(r'<td><a href="/desk/corrections/(\d+)">')
    html = signed_in.get(f"/desk/corrections/{reports[0].id}").get_data(as_text=True)
    assert "Reports on this passage (61)" in html and "all 61 reports in the group" in html
    assert "60 new · 1 in review — 3 readers ask to hear the outcome." in html
    first = [int(i) for i in member_links.findall(html)]
    assert first == [r.id for r in reports[:50]]
    next_link = re.search(r'href="([^"]+)" id="members-next"', html).group(1).replace("&amp;", "&")
    html = signed_in.get(next_link).get_data(as_text=True)
    assert [int(i) for i in member_links.findall(html)] == [r.id for r in reports[50:]]
    assert 'id="members-next"' not in html and 'id="members-first"' in html


def test_deciding_redirects_logs_and_applies_to_the_group(signed_in, db_session, editor):
    article = make_article(db_session)
    c = make_correction(db_session, article, exact="twelve to five")
    dup = make_correction(db_session, article, exact="twelve")
    assign_group(db_session, dup)
    db_session.commit()
    response = signed_in.post(f"/desk/corrections/{c.id}/decide",
                              data={"action": "accept", "version": "1", "reason": "Checked", "next": "/desk/"})
    assert response.status_code == 303 and response.headers["Location"] == "/desk/"
    db_session.expire_all()
    assert (c.status, dup.status) == (Status.ACCEPTED, Status.ACCEPTED)
    html = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert "Accepted report" in html and "and 1 duplicate" in html
    assert re.search(r"ed@example.com</td>\s*<td>accept</td>\s*<td>new</td><td>accepted</td><td>Checked", html)


@pytest.mark.parametrize("data, said", [
    ({"version": "1", "reason": "Checked"}, "Choose an action; the form was incomplete."),
    ({"action": "accept", "version": "one", "reason": "Checked"},
     "The form came back damaged, so nothing was decided. Decide again below."),
    ({"action": "accept", "version": "1", "reason": "x" * 2001},
     "Nothing was decided: correct the fields marked below."),
])
def test_a_decision_form_that_cannot_be_applied_says_what_was_wrong(signed_in, db_session, data, said):
    c = make_correction(db_session, make_article(db_session), exact="twelve to five")
    db_session.commit()
    response = signed_in.post(f"/desk/corrections/{c.id}/decide", data=data)
    assert response.status_code == 400 and said in response.get_data(as_text=True)
    db_session.expire_all()
    assert c.status == Status.NEW and c.version == 1


@pytest.fixture
def colleague(app, db_session):
    """A second editor, signed in from another browser."""
    client = app.test_client()
    sign_in(client, make_user(db_session, "col@example.com"))
    return client


def test_a_conflicting_decision_redirects_to_the_report_with_the_typed_text_kept(signed_in, colleague, db_session):
    c = make_correction(db_session, notify_reader=True, reader_email="r@example.com")
    db_session.commit()
    # Both editors opened the report at version 1; the colleague accepts first.
    assert colleague.post(f"/desk/corrections/{c.id}/decide",
                          data={"action": "accept", "version": "1", "reason": "Checked the minutes"}).status_code == 303
    response = signed_in.post(f"/desk/corrections/{c.id}/decide", data={
        "action": "reject", "version": "1", "reason": "Пояснення <b>редакторки</b>", "reader_message": "Thanks, but no",
        "rejection_code": "not_an_error", "next": "/desk/?tab=new"})
    assert response.status_code == 303 and response.headers["Location"] == f"/desk/corrections/{c.id}"
    db_session.expire_all()
    assert c.status == Status.ACCEPTED  # nothing of the second decision was applied

    page = signed_in.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    alert = re.search(r'<div class="flash flash-error" role="alert" id="decision-error">(.*?)</div>', html, re.S)
    assert alert and "changed since you opened it (it is now “accepted”)" in alert.group(1)
    assert "Last change: accept by col@example.com" in alert.group(1)
    assert "What you typed is kept in the form below" in alert.group(1)
    # The typed text is back in the form (escaped), with the report's current version.
    assert re.search(r">\s*Пояснення &lt;b&gt;редакторки&lt;/b&gt;</textarea>", html)
    assert re.search(r">\s*Thanks, but no</textarea>", html)
    assert ('<input name="version" type="hidden" value="2">'
            '<input name="next" type="hidden" value="/desk/?tab=new">') in html
    assert re.search(r'<option selected value="not_an_error">', html)

    # A reload is a GET: nothing is sent again, and the refusal is not shown twice.
    again = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert 'role="alert"' not in again and "Пояснення" not in again
    db_session.expire_all()
    assert [e.action for e in db_session.scalars(select(ModerationEvent))] == ["accept"]


def test_the_kept_text_belongs_to_the_browser_that_typed_it(signed_in, colleague, db_session):
    c = make_correction(db_session)
    db_session.commit()
    claimed = colleague.post(f"/desk/corrections/{c.id}/decide", data={"action": "claim", "version": "1"})
    assert claimed.status_code == 303
    response = signed_in.post(f"/desk/corrections/{c.id}/decide",
                              data={"action": "reject", "version": "1", "reason": "Minutes say 12"})
    assert response.status_code == 303
    # The colleague's browser has no refusal of its own: the draft belongs to the browser that typed it.
    assert "Minutes say 12" not in colleague.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    html = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert "changed since you opened it" in html and re.search(r">\s*Minutes say 12</textarea>", html)
    assert "Last change: claim by col@example.com" in html
    db_session.expire_all()
    assert c.status == Status.IN_REVIEW


def test_a_stale_assignment_redirects_without_text_to_keep(signed_in, colleague, db_session, editor):
    c = make_correction(db_session)
    db_session.commit()
    claimed = colleague.post(f"/desk/corrections/{c.id}/decide", data={"action": "claim", "version": "1"})
    assert claimed.status_code == 303
    response = signed_in.post(f"/desk/corrections/{c.id}/assign", data={"assignee": str(editor.id), "version": "1"})
    assert response.status_code == 303
    html = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert "changed since you opened it" in html and "Check the page as it is now" in html


def test_an_illegal_decision_redirects_and_a_bad_form_gets_400(signed_in, db_session):
    c = make_correction(db_session, status=Status.PUBLISHED)
    db_session.commit()
    response = signed_in.post(f"/desk/corrections/{c.id}/decide", data={"action": "reject", "version": "1"})
    assert response.status_code == 303
    assert "Cannot reject" in signed_in.get(response.headers["Location"]).get_data(as_text=True)
    # An incomplete form changes nothing: it is answered directly, the form as posted.
    unknown = signed_in.post(f"/desk/corrections/{c.id}/decide",
                             data={"action": "explode", "version": "1", "reason": "kept as posted"})
    assert unknown.status_code == 400 and "Choose an action" in unknown.get_data(as_text=True)
    assert signed_in.post("/desk/corrections/999/decide", data={"action": "accept", "version": "1"}).status_code == 404


def test_assign_notes_merge_and_split(signed_in, db_session, editor):
    colleague = make_user(db_session, "col@example.com")
    article = make_article(db_session)
    a = make_correction(db_session, article, exact="twelve to five")
    b = make_correction(db_session, article, exact="First paragraph")
    db_session.commit()
    assert signed_in.post(f"/desk/corrections/{a.id}/assign",
                          data={"assignee": str(colleague.id), "version": "1"}).status_code == 303
    noted = signed_in.post(f"/desk/corrections/{a.id}/notes", data={"body": "Call the clerk <b>first</b>"})
    assert noted.status_code == 303
    assert signed_in.post(f"/desk/corrections/{a.id}/notes", data={"body": "   "}).status_code == 400
    assert signed_in.post(f"/desk/corrections/{a.id}/merge", data={"others": f"#{b.id}"}).status_code == 303
    db_session.expire_all()
    assert (a.assignee_id, b.group_id, a.group_size) == (colleague.id, a.id, 2)
    html = signed_in.get(f"/desk/corrections/{a.id}").get_data(as_text=True)
    assert "Call the clerk &lt;b&gt;first&lt;/b&gt;" in html and "Reports on this passage (2)" in html
    assert signed_in.post(f"/desk/corrections/{a.id}/merge", data={"others": "4242"}).status_code == 400
    assert signed_in.post(f"/desk/corrections/{a.id}/split", data={"member": str(b.id)}).status_code == 303
    db_session.expire_all()
    assert (b.group_id, a.group_size) == (b.id, 1)


def test_bulk_decides_the_fresh_and_reports_the_stale(signed_in, db_session):
    article = make_article(db_session)
    fresh, stale = make_correction(db_session, article), make_correction(db_session, article, exact="twelve")
    db_session.commit()
    response = signed_in.post("/desk/bulk", data={"action": "spam", "item": [f"{fresh.id}:1", f"{stale.id}:5"],
                                                  "next": "/desk/?tab=new"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Marked 1 report as spam." in html and f"Report #{stale.id} was not changed" in html
    db_session.expire_all()
    assert (fresh.status, stale.status) == (Status.SPAM, Status.NEW)
    assert db_session.scalars(select(ModerationEvent.correction_id)).all() == [fresh.id]


def test_bad_queue_parameters_are_a_400_with_the_reason(signed_in):
    response = signed_in.get("/desk/?kind=rant")
    assert response.status_code == 400 and "not a valid kind" in response.get_data(as_text=True)
    assert signed_in.get("/desk/?after=%%%").status_code == 400


def test_the_queue_pages_with_a_next_link(signed_in, db_session, monkeypatch):
    import readerdesk.services.desk.queue as queue

    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    article = make_article(db_session, html=paragraphs(*(f"Line {i} here." for i in range(5))))
    for i in range(5):
        make_correction(db_session, article, exact=f"Line {i}")
    db_session.commit()
    seen, pages, url = [], 0, "/desk/?sort=oldest"
    while url:
        pages += 1
        html = signed_in.get(url).get_data(as_text=True)
        seen += re.findall(r'class="queue-row" data-id="(\d+)"', html)
        match = re.search(r'href="([^"]+)" rel="next"', html)
        url = match and match[1].replace("&amp;", "&")
    assert (pages, len(seen), len(set(seen))) == (3, 5, 5)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_desk_decisions_need_the_csrf_token(client, db_session, editor):
    c = make_correction(db_session)
    db_session.commit()

    def token(html):
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"|name="csrf-token" content="([^"]+)"', html).group(1, 2)

    login_token = [t for t in token(client.get("/auth/login").get_data(as_text=True)) if t][0]
    assert client.post("/auth/login", data={"email": editor.email, "password": "correct horse battery staple",
                                            "csrf_token": login_token}).status_code == 302
    refused = client.post(f"/desk/corrections/{c.id}/decide", data={"action": "accept", "version": "1"})
    assert refused.status_code == 400
    db_session.expire_all()
    assert c.status == Status.NEW
    page_token = [t for t in token(client.get(f"/desk/corrections/{c.id}").get_data(as_text=True)) if t][0]
    accepted = client.post(f"/desk/corrections/{c.id}/decide",
                           data={"action": "accept", "version": "1", "csrf_token": page_token})
    assert accepted.status_code == 303
    db_session.expire_all()
    assert c.status == Status.ACCEPTED


@pytest.mark.parametrize("query", ["site=%C2%B2", "article=%C2%B2", "assignee=%C2%B2", "date_to=9999-12-31",
                                   "article=99999999999999999999999", "date_from=0001-01-01"])
def test_odd_filters_are_a_400_with_a_reason_not_a_500(signed_in, query):
    response = signed_in.get(f"/desk/?{query}")
    assert response.status_code == 400
    assert "must be" in response.get_data(as_text=True)


def test_ids_too_large_for_the_database_are_404s(signed_in):
    for path in ("/desk/corrections/99999999999999999999999", "/desk/admin/sites/99999999999999999999"):
        assert signed_in.get(path).status_code in (403, 404)
    assert signed_in.get("/desk/corrections/99999999999999999999999").status_code == 404


def test_assigning_to_a_non_ascii_digit_is_refused(signed_in, db_session):
    correction = make_correction(db_session)
    db_session.commit()
    response = signed_in.post(f"/desk/corrections/{correction.id}/assign", data={"assignee": "²", "version": "1"})
    assert response.status_code == 400


def test_a_refused_form_keeps_what_the_editor_typed_with_the_reason_beside_it(signed_in, db_session):
    c = make_correction(db_session)
    db_session.commit()
    response = signed_in.post(f"/desk/corrections/{c.id}/merge", data={"others": "12, twelve"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'<input aria-describedby="merge-others-errors" aria-invalid="true" id="merge-others" '
                     r'name="others"[^>]*value="12, twelve">', html)
    assert '<span class="field-error">Give report numbers, e.g. 12, 15.</span>' in html
    note = signed_in.post(f"/desk/corrections/{c.id}/notes", data={"body": " "}).get_data(as_text=True)
    assert 'id="note-body-errors"><span class="field-error">Write something first.</span>' in note


def test_desk_merge_and_bulk_forms_with_400_digit_ids_are_400(client, db_session):
    correction = make_correction(db_session)
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    sign_in(client, editor)
    huge = "9" * 400
    merge = client.post(f"/desk/corrections/{correction.id}/merge", data={"others": huge})
    assert merge.status_code == 400
    bulk = client.post("/desk/bulk", data={"action": "reject", "item": [f"{huge}:1"]})
    assert bulk.status_code == 400 and b"not report numbers" in bulk.data
    also_huge_version = client.post("/desk/bulk", data={"action": "reject", "item": [f"{correction.id}:{huge}"]})
    assert also_huge_version.status_code == 400


def test_a_rejection_carries_its_reason_code_to_the_group_and_the_stats_count_it(signed_in, db_session):
    article = make_article(db_session)
    c = make_correction(db_session, article, exact="twelve to five")
    dup = make_correction(db_session, article, exact="twelve")
    assign_group(db_session, dup)
    db_session.commit()
    assert 'name="rejection_code"' in signed_in.get(f"/desk/corrections/{c.id}").text
    bad = signed_in.post(f"/desk/corrections/{c.id}/decide",
                         data={"action": "reject", "version": "1", "rejection_code": "boring"})
    assert bad.status_code == 400
    response = signed_in.post(f"/desk/corrections/{c.id}/decide",
                              data={"action": "reject", "version": "1", "rejection_code": "already_corrected"})
    assert response.status_code == 303
    codes = db_session.scalars(select(ModerationEvent.rejection_code).where(ModerationEvent.action == "reject")).all()
    assert [code.value for code in codes] == ["already_corrected", "already_corrected"]
    stats = signed_in.get("/desk/stats").text
    assert re.search(r"<td>Already corrected</td><td>2</td>", stats)


# --- the live queue: /desk/queue/updates -------------------------------------------------------------------


def live_state(client, url: str = "/desk/") -> dict:
    """What the queue page hands its live script: where to poll, the version and the time it was drawn."""
    html = client.get(url).text
    found = re.search(r'id="live-queue" data-updates="([^"]*)" data-version="([^"]*)" data-seen="(\d+)"', html)
    assert found, "the queue page has no live queue"
    updates, version, seen = found.groups()
    return {"updates": updates.replace("&amp;", "&"), "version": version, "seen": seen}


def poll(client, state: dict, shown: dict[int, str] | None = None, **headers):
    """Ask as the page's script does: the version and time it has, and the rows it shows ({id: stamp})."""
    join = "&" if "?" in state["updates"] else "?"
    stamps = ",".join(f"{correction_id}:{stamp}" for correction_id, stamp in (shown or {}).items())
    return client.get(f"{state['updates']}{join}since={state['version']}&seen={state['seen']}&shown={stamps}",
                      headers=headers)


def test_the_queue_answers_304_until_a_report_arrives_then_sends_its_row_escaped(signed_in, db_session):
    article = make_article(db_session, html=paragraphs("Say hello to the council."))
    db_session.commit()
    state = live_state(signed_in)
    unchanged = poll(signed_in, state)
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == f'"{state["version"]}"'
    assert signed_in.get(state["updates"] + f"?seen={state['seen']}",
                         headers={"If-None-Match": f'"{state["version"]}"'}).status_code == 304

    report = make_correction(db_session, article, exact="hello", comment="<script>alert(1)</script>")
    db_session.commit()
    changed = poll(signed_in, state)
    assert changed.status_code == 200 and changed.headers["Cache-Control"] == "no-store"
    data = changed.get_json()
    assert data["version"] != state["version"]
    assert [item["id"] for item in data["arrived"]] == [report.id]
    row = data["arrived"][0]["html"]
    assert f'data-id="{report.id}"' in row and "arrived" in row
    assert "&lt;script&gt;" in row and "<script>" not in row
    assert data["counts"]["new"] == "1"
    assert data["announcement"] == "1 new report in this tab."
    # The row is the queue's own: the page, reloaded, draws the same cells.
    assert row.split('data-stamp="')[1].split("</tr>")[0] in signed_in.get("/desk/").text


def test_a_report_another_editor_claimed_is_redrawn_and_leaves_the_new_tab(signed_in, client, db_session, editor):
    other = make_user(db_session, "bo@example.com")
    other.name = "Bo Other"
    report, untouched = make_correction(db_session), make_correction(db_session)
    db_session.commit()
    state = live_state(signed_in)
    shown = {c.id: row_stamp(c) for c in (report, untouched)}  # as the page drew them
    decide(db_session, report, "claim", actor=other, now=utcnow(), expected_version=report.version)
    db_session.commit()

    data = poll(signed_in, state, shown).get_json()
    assert [(item["id"], item["in_tab"]) for item in data["changed"]] == [(report.id, False)]
    html = data["changed"][0]["html"]
    assert "in review" in html.lower() and "Bo Other" in html and "left-tab" in html and "no longer in this tab" in html
    assert data["arrived"] == [] and data["counts"]["new"] == "1" and data["counts"]["in_review"] == "1"
    assert data["announcement"] == "1 report changed."


def test_the_live_queue_keeps_to_the_pages_filters(signed_in, db_session):
    article, elsewhere = make_article(db_session), make_article(db_session)
    db_session.commit()
    state = live_state(signed_in, f"/desk/?article={article.id}")
    assert f"article={article.id}" in state["updates"]
    make_correction(db_session, elsewhere)
    db_session.commit()
    data = poll(signed_in, state).get_json()
    assert data["arrived"] == [] and data["counts"]["new"] == "0"
    mine = make_correction(db_session, article)
    db_session.commit()
    assert [item["id"] for item in poll(signed_in, state).get_json()["arrived"]] == [mine.id]


def test_a_later_page_of_the_queue_is_not_sent_new_rows(signed_in, db_session):
    article = make_article(db_session)
    db_session.commit()
    state = live_state(signed_in)
    make_correction(db_session, article)
    db_session.commit()
    join = "&" if "?" in state["updates"] else "?"
    data = signed_in.get(f"{state['updates']}{join}after=abc&since=x&seen={state['seen']}&shown=").get_json()
    assert data["arrived"] == [] and data["counts"]["new"] == "1"


@pytest.mark.parametrize("query", ["tab=nope&seen=1", "seen=soon", "seen=1&shown=12", "seen=1&date_from=x"])
def test_a_broken_poll_is_a_400_with_a_reason(signed_in, query):
    response = signed_in.get(f"/desk/queue/updates?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"]


def test_the_live_queue_is_for_staff_only(client, db_session):
    make_correction(db_session, make_article(db_session))
    db_session.commit()
    url = "/desk/queue/updates?seen=1&since=x"
    assert client.get(url, headers={"Accept": "application/json"}).status_code == 401
    browsing = client.get(url)
    assert browsing.status_code == 302 and "/auth/login" in browsing.headers["Location"]


def test_with_redis_an_unchanged_queue_is_one_redis_get_and_no_query_of_the_reports(
        signed_in, db_session, queue_redis):
    article = make_article(db_session)
    db_session.commit()
    make_correction(db_session, article)  # the commit bumps Redis: from now on the version is Redis's
    db_session.commit()
    state = live_state(signed_in)
    assert state["version"].startswith("r.")
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    connection = db_session.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        assert poll(signed_in, state).status_code == 304
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert statements  # signing the editor in is read, as on every desk request
    assert not [sql for sql in statements if "corrections" in sql or "moderation_events" in sql]
    make_correction(db_session, article)
    db_session.commit()
    assert poll(signed_in, state).status_code == 200


def test_with_redis_down_the_queue_still_loads_and_polls_from_the_database(signed_in, db_session, queue_redis):
    article = make_article(db_session)
    db_session.commit()
    queue_redis.stop()
    state = live_state(signed_in)
    assert state["version"].startswith("d.")
    assert poll(signed_in, state).status_code == 304
    report = make_correction(db_session, article)  # Redis cannot take the bump: nothing fails
    db_session.commit()
    data = poll(signed_in, state).get_json()
    assert [item["id"] for item in data["arrived"]] == [report.id]


def test_a_ukrainian_editor_chooses_a_rejection_reason_in_ukrainian(signed_in, editor, db_session):
    editor.language = "uk"
    c = make_correction(db_session, make_article(db_session))
    db_session.commit()
    html = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert "Причина відхилення" in html
    for ukrainian in ("Не помилка", "Уже виправлено", "Дублікат", "Поза межами"):
        assert f">{ukrainian}</option>" in html
    assert "Not an error" not in html and "Reason for a rejection" not in html


def test_a_ukrainian_editor_reads_which_part_of_the_page_a_passage_is_in_ukrainian(signed_in, editor, db_session):
    editor.language = "uk"
    c = make_correction(db_session, make_article(db_session, html=paragraphs("Council votes on the bridge.")),
                        exact="bridge")
    db_session.commit()
    html = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert "У частині «основний текст»." in html and "the body" not in html


def test_a_ukrainian_editor_reads_where_the_passage_stands_in_ukrainian_and_an_english_one_in_english(
        signed_in, editor, db_session):
    c = make_correction(db_session, make_article(db_session, html=paragraphs("Council votes on the bridge.")),
                        exact="bridge")
    db_session.commit()
    english = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert "exactly as the reader saw it." in english
    editor.language = "uk"
    db_session.commit()
    html = signed_in.get(f"/desk/corrections/{c.id}").get_data(as_text=True)
    assert "<strong>Без змін.</strong> Фрагмент є в редакції 1 саме таким, яким його бачив читач." in html
    assert "exactly as the reader saw it" not in html and "Unchanged" not in html


def test_a_ukrainian_editor_is_told_what_is_wrong_with_a_queue_address_in_ukrainian(signed_in, editor, db_session):
    editor.language = "uk"
    db_session.commit()
    for url, sentence in (("/desk/?tab=nope", "Вкладки «nope» немає."),
                          ("/desk/?date_from=2026-11-30&date_to=2026-11-01", "Кінцева дата раніша за початкову."),
                          ("/desk/queue/updates?seen=abc", "Час, коли сторінку було показано, відсутній"),
                          ("/desk/queue/updates?seen=1&shown=x", "Список звернень на сторінці пошкоджено")):
        response = signed_in.get(url)
        assert response.status_code == 400, url
        assert sentence in response.get_data(as_text=True), url
