"""Retention with a moved clock: what goes when, what stays, and that a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from readerdesk.models import (
    Correction,
    FormDraft,
    Interval,
    IpHashKey,
    NotificationSent,
    Patron,
    Pledge,
    PledgeStatus,
    PortalLinkUse,
    StaffSession,
    Status,
)
from readerdesk.services.desk import moderation
from readerdesk.services.desk.form_drafts import DRAFT_LIFETIME, keep_draft
from readerdesk.services.patrons.pledges import PledgeRequest, SupportSettings, create_pledge
from readerdesk.services.privacy.ip_hashing import hash_ip
from readerdesk.services.privacy.retention import RetentionSettings, counts, plan_purge, run_purge
from tests.factories import make_article, make_correction, make_site, make_user

T0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
SETTINGS = RetentionSettings(reader_days=180, ip_days=30, portal_link_max_age=1800)


def purge(session, now) -> dict[str, int]:
    plan = plan_purge(session, SETTINGS, now=now)
    for _ in run_purge(session, plan, batch_size=2):
        session.commit()
    return {name: count for name, count in counts(plan).items() if count}


def reader_report(session, article, name: str, *, created_at=T0, **kwargs) -> Correction:
    return make_correction(session, article, reader_email=f"{name}@example.org", reader_name=name.title(),
                           page_url=article.url + "?view=amp", notify_reader=True, created_at=created_at,
                           updated_at=created_at, ip_hash=hash_ip(session, f"203.0.113.{len(name)}",
                                                                  secret_key="k" * 32, now=created_at), **kwargs)


def world(session, app):
    site = make_site(session)
    article = make_article(session, site)
    editor = make_user(session)
    rejected, spam, open_, late = (reader_report(session, article, name)
                                   for name in ("ruth", "sam", "olga", "lena"))
    moderation.reject(session, rejected, actor=editor, now=T0, expected_version=1)
    moderation.mark_spam(session, spam, actor=editor, now=T0, expected_version=1)
    moderation.reject(session, late, actor=editor, now=T0, expected_version=1)
    moderation.reopen(session, late, actor=editor, now=T0 + timedelta(days=50), expected_version=2)
    moderation.reject(session, late, actor=editor, now=T0 + timedelta(days=100), expected_version=3)
    session.add(NotificationSent(kind="reader-decision", key="1", recipient="ruth@example.org", sent_at=T0))
    settings = SupportSettings.for_site(site, app.config["SUPPORT_TIERS"])
    unfinished = create_pledge(session, site, PledgeRequest(form_key="u" * 20, email="una@example.org", name="Una",
                                                            tier_id="coffee"), settings, now=T0)
    paid = create_pledge(session, site, PledgeRequest(form_key="p" * 20, email="pat@example.org", name="Pat",
                                                      tier_id="coffee"), settings, now=T0)
    paid.status = PledgeStatus.COMPLETED
    patron = Patron(site=site, email="pat@example.org", currency="EUR", interval=Interval.MONTH, supporter_since=T0)
    session.add(patron)
    session.flush()
    session.add(PortalLinkUse(nonce="n" * 20, patron_id=patron.id, used_at=T0))
    session.commit()
    return {"rejected": rejected, "spam": spam, "open": open_, "late": late, "unfinished": unfinished, "paid": paid}


def contact(session, correction) -> tuple:
    session.refresh(correction)
    return correction.reader_email, correction.reader_name, correction.page_url


def test_each_kind_of_data_goes_when_its_time_comes_and_only_then(app, db_session):
    w = world(db_session, app)
    assert purge(db_session, T0 + timedelta(days=29)) == {"portal_link_nonces": 1}  # the links had expired
    assert db_session.scalar(select(func.count()).select_from(IpHashKey)) == 1

    assert purge(db_session, T0 + timedelta(days=31)) == {"ip_hashes": 4, "ip_keys": 1}
    assert db_session.scalars(select(Correction.ip_hash)).all() == [""] * 4
    assert contact(db_session, w["rejected"]) == ("ruth@example.org", "Ruth", w["rejected"].page_url)

    removed = purge(db_session, T0 + timedelta(days=181))
    assert removed == {"reader_contacts": 2, "notification_recipients": 1, "unfinished_pledges": 1}
    for closed in (w["rejected"], w["spam"]):
        assert contact(db_session, closed) == ("", "", "")
        assert closed.contact_removed_by == "retention" and not closed.notify_reader
    assert contact(db_session, w["open"])[0] == "olga@example.org"  # still open: the desk may write to her
    assert contact(db_session, w["late"])[0] == "lena@example.org"  # closed again on day 100
    assert db_session.scalar(select(NotificationSent.recipient)) == ""
    db_session.refresh(w["unfinished"])
    db_session.refresh(w["paid"])
    assert (w["unfinished"].email, w["unfinished"].name) == ("", "")
    assert (w["paid"].email, w["paid"].name) == ("pat@example.org", "Pat")  # a patron's, kept with them

    assert purge(db_session, T0 + timedelta(days=281)) == {"reader_contacts": 1}
    assert contact(db_session, w["late"]) == ("", "", "")


def test_the_quote_comment_and_status_stay(app, db_session):
    w = world(db_session, app)
    before = db_session.execute(select(Correction.exact, Correction.comment, Correction.suggestion, Correction.status,
                                       Correction.version, Correction.updated_at).order_by(Correction.id)).all()
    purge(db_session, T0 + timedelta(days=400))
    after = db_session.execute(select(Correction.exact, Correction.comment, Correction.suggestion, Correction.status,
                                      Correction.version, Correction.updated_at).order_by(Correction.id)).all()
    assert after == before
    assert db_session.get(Correction, w["rejected"].id).status is Status.REJECTED


def test_a_second_run_finds_nothing_to_do(app, db_session):
    world(db_session, app)
    now = T0 + timedelta(days=400)
    assert purge(db_session, now)
    assert purge(db_session, now) == {}
    assert db_session.scalar(select(func.count()).select_from(Pledge)) == 2  # rows stay, emptied


def test_ended_and_expired_staff_sessions_go_and_live_ones_stay(app, db_session):
    editor = make_user(db_session)
    live = StaffSession(user=editor, token_hash="a" * 64, expires_at=T0 + timedelta(days=14))
    expired = StaffSession(user=editor, token_hash="b" * 64, expires_at=T0 - timedelta(minutes=1))
    signed_out = StaffSession(user=editor, token_hash="c" * 64, expires_at=T0 + timedelta(days=14),
                              revoked_at=T0 - timedelta(hours=1))
    db_session.add_all([live, expired, signed_out])
    db_session.commit()
    assert purge(db_session, T0) == {"staff_sessions": 2}
    assert db_session.scalars(select(StaffSession.token_hash)).all() == ["a" * 64]
    assert purge(db_session, T0) == {}


def test_form_drafts_go_after_an_hour(app, db_session):
    editor = make_user(db_session)
    browser = StaffSession(user=editor, token_hash="d" * 64, expires_at=T0 + timedelta(days=14))
    db_session.add(browser)
    db_session.flush()
    keep_draft(db_session, browser, "report:1", form="decision", fields={"reason": "ada@example.com"}, message="",
               now=T0 - DRAFT_LIFETIME - timedelta(minutes=1))
    keep_draft(db_session, browser, "report:2", form="decision", fields={"reason": "fresh"}, message="",
               now=T0 - DRAFT_LIFETIME + timedelta(minutes=1))
    db_session.commit()
    assert purge(db_session, T0) == {"form_drafts": 1}
    assert db_session.scalars(select(FormDraft.page)).all() == ["report:2"]
