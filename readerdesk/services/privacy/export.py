"""Access requests: everything readerdesk holds for an address, as one JSON document.

Reports (with what editors wrote back, their notes on it and the published note), the emails sent to
the address, and for patrons their records (with each subscription's amount history), pledges, payments
(with their disputes) and used portal links. The document
says what each part is for and how long it is kept (services.privacy.inventory)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from readerdesk.models import (
    Correction,
    CorrectionNote,
    InternalNote,
    ModerationEvent,
    PollBallot,
    PollChoice,
    PollTopic,
)
from readerdesk.models.types import DbSession
from readerdesk.services.privacy.audit import EXPORT, Actor, record
from readerdesk.services.privacy.inventory import PERSONAL_DATA
from readerdesk.services.privacy.records import PersonalRecords
from readerdesk.services.privacy.retention import RetentionSettings

FORMAT_VERSION = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _report(session: DbSession, c: Correction) -> dict:
    events = session.scalars(select(ModerationEvent).where(ModerationEvent.correction_id == c.id)
                             .order_by(ModerationEvent.id))
    notes = session.scalars(select(InternalNote).where(InternalNote.correction_id == c.id).order_by(InternalNote.id))
    published = session.scalars(select(CorrectionNote).where(CorrectionNote.correction_id == c.id)
                                .order_by(CorrectionNote.id))
    return {
        "id": c.public_id, "site": c.article.site.name, "article": {"url": c.article.url, "title": c.article.title},
        "kind": c.kind.value, "passage": c.exact, "suggestion": c.suggestion, "comment": c.comment,
        "name": c.reader_name, "email": c.reader_email, "wants_to_hear_back": c.notify_reader,
        "language": c.language, "page_url": c.page_url, "ip_hash": c.ip_hash, "status": c.status.value,
        "received_at": _when(c.created_at), "first_decision_at": _when(c.first_decision_at),
        "messages_from_editors": [{"at": _when(e.created_at), "decision": e.action, "message": e.reader_message}
                                  for e in events if e.reader_message],
        "editors_notes": [{"at": _when(n.created_at), "note": n.body} for n in notes],
        "published_notes": [{"at": _when(n.published_at), "type": n.note_type.value, "note": n.body}
                            for n in published if n.is_public],
    }


def _ballot(session: DbSession, ballot: PollBallot) -> dict:
    chosen = session.scalars(select(PollTopic.title).join(PollChoice, PollChoice.topic_id == PollTopic.id)
                             .where(PollChoice.ballot_key == ballot.key).order_by(PollTopic.position))
    return {"poll": ballot.poll_id, "ballot_key": ballot.key, "tier": ballot.tier, "chose": list(chosen)}


def export_records(session: DbSession, records: PersonalRecords, *, settings: RetentionSettings,
                   now: datetime) -> dict:
    """The JSON-ready document for ``records`` (see services.privacy.records.find_records)."""
    return {
        "format": f"readerdesk personal data export, version {FORMAT_VERSION}",
        "address": records.address,
        "exported_at": now.isoformat(),
        "what_we_keep": [{"what": f.what, "why": f.purpose, "how_long": f.retention_for(settings)}
                         for f in PERSONAL_DATA],
        "reports": [_report(session, c) for c in records.corrections],
        "emails_sent": [{"kind": n.kind, "to": n.recipient, "sent_at": _when(n.sent_at)}
                        for n in records.notifications],
        "patrons": [{
            "record": p.id, "site": p.site.name, "email": p.email, "name": p.name, "status": p.status.value,
            "tier": p.tier,
            "amount": p.amount, "currency": p.currency, "interval": p.interval.value,
            "supporter_since": _when(p.supporter_since), "canceled_at": _when(p.canceled_at),
            "listed_on_wall": p.list_publicly, "wall_name": p.display_name, "wall_status": p.wall_status.value,
            "stripe_customer_id": p.stripe_customer_id, "stripe_subscription_id": p.stripe_subscription_id,
            "subscriptions": [{
                "stripe_subscription_id": s.stripe_subscription_id, "started_at": _when(s.started_at),
                "ended_at": _when(s.ended_at),
                "amounts": [{"from": _when(a.effective_at), "amount": a.amount, "currency": a.currency,
                             "interval": a.interval.value, "tier": a.tier} for a in s.amounts],
            } for s in p.subscriptions],
        } for p in records.patrons],
        "pledges": [{
            "site": p.site.name, "email": p.email, "name": p.name, "wall_name": p.display_name,
            "list_publicly": p.list_publicly, "tier": p.tier, "amount": p.amount, "total": p.total,
            "card_fee_covered": p.fee_covered, "currency": p.currency, "interval": p.interval.value,
            "status": p.status.value, "checkout_url": p.checkout_url, "created_at": _when(p.created_at),
            "completed_at": _when(p.completed_at),
        } for p in records.pledges],
        "payments": [{
            "amount": p.amount, "amount_refunded": p.amount_refunded, "currency": p.currency,
            "status": p.status.value, "paid_at": _when(p.paid_at), "failed_at": _when(p.failed_at),
            "stripe_invoice_id": p.stripe_invoice_id, "stripe_payment_intent_id": p.stripe_payment_intent_id,
            "stripe_charge_id": p.stripe_charge_id, "amount_lost_in_disputes": p.amount_lost_in_disputes,
            "disputes": [{
                "stripe_dispute_id": d.stripe_dispute_id, "amount": d.amount, "currency": d.currency,
                "reason": d.reason, "status": d.stripe_status, "opened_at": _when(d.opened_at),
                "closed_at": _when(d.closed_at),
            } for d in p.disputes],
        } for p in records.payments],
        "manage_links_used": [{"nonce": u.nonce, "used_at": _when(u.used_at)} for u in records.portal_link_uses],
        # Votes are secret: what a patron chose is stored apart from who voted (services.polls.ballots).
        "polls_voted_in": [{"poll": v.poll.question, "site": v.poll.site.name, "as": v.person,
                            "patron_record": v.patron_id,
                            "first_voted_at": _when(v.first_voted_at),
                            "last_voted_at": _when(v.last_voted_at), "tell_when_covered": v.tell_when_covered}
                           for v in records.poll_votes],
        "poll_ballots": [_ballot(session, b) for b in records.poll_ballots],
        "voting_links_used": [{"nonce": u.nonce, "used_at": _when(u.used_at)} for u in records.poll_link_uses],
        "topic_suggestions": [{"title": t.title, "sentence": t.body, "status": t.status.value,
                               "patron_record": t.patron_id,
                               "suggested_at": _when(t.created_at)} for t in records.topic_suggestions],
    }


def export(session: DbSession, records: PersonalRecords, *, actor: Actor, settings: RetentionSettings,
           now: datetime) -> dict:
    """:func:`export_records`, and its audit entry (counts only)."""
    document = export_records(session, records, settings=settings, now=now)
    record(session, EXPORT, actor, records.counts(), now=now)
    return document
