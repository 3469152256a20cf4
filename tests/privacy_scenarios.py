"""One reader and patron's personal data in every place readerdesk keeps it, made the way it is made
in use (the public API, the desk's services, the mail job, Stripe's checkout and events), so a column
some future flow fills is filled here too. Used by the export and erasure tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.mail import after_decision
from readerdesk.models import Article, Correction, Interval, Patron
from readerdesk.services.desk import moderation
from readerdesk.services.patrons.pledges import (
    PledgeRequest,
    SupportSettings,
    create_pledge,
    make_portal_token,
    redeem_portal_token,
)
from readerdesk.services.patrons.stripe.client import stripe_client_for
from readerdesk.services.patrons.stripe.webhooks import process_event
from readerdesk.services.polls.ballots import make_vote_token, vote_with_link
from tests.conftest import mail_settings
from tests.factories import make_article, make_poll, make_site, make_user, paragraphs
from tests.fakes.stripe import make_charge, make_dispute, make_event, make_invoice
from tests.patron_scenarios import T0, checkout

ADA = "ada.lovelace@example.org"
ADA_AS_TYPED = "Ada.Lovelace@Example.org"  # how she types it in the widget
ADA_NAME = "Ada Lovelace"
ADA_WALL_NAME = "Countess of Lovelace"
BOB = "bob.babbage@example.net"
BOB_NAME = "Bob Babbage"
HTML = paragraphs("The engine was completed in 1991, two centuries after it was designed.",
                  "Its printer followed in 2000.")


@dataclass
class Scene:
    article: Article
    ada_reports: list[Correction]
    bob_report: Correction | None
    subscription: dict


def report(client, article: Article, email: str, name: str, key: str, **fields) -> Correction:
    body = {"idempotency_key": key, "article_url": article.url, "page_url": article.url + "?view=print",
            "name": name, "email": email, "notify": True, **fields}
    response = client.post("/api/v1/corrections", json=body)
    assert response.status_code == 201, response.get_json()
    return db.session.scalar(select(Correction).where(Correction.idempotency_key == key))


def fill(app, client, fake_stripe, smtp_server, *, with_bob: bool = True) -> Scene:
    app.config.update(mail_settings(smtp_server), EDITOR_NOTIFICATIONS="off")
    site = make_site(db.session, "engines")
    article = make_article(db.session, site, html=HTML, title="The difference engine")
    editor = make_user(db.session, "editor@newsroom.example")
    db.session.commit()

    # Her reports, from the widget: one on a passage, one general message. She writes her address in.
    typo = report(client, article, ADA_AS_TYPED, ADA_NAME, "ada-typo-0001", kind="factual",
                  selectors=[{"type": "TextQuoteSelector", "exact": "completed in 1991"}],
                  suggestion="completed in 1991 (the printer in 2000)",
                  comment=f"I am a historian; write to me at {ADA_AS_TYPED} for sources.")
    message = report(client, article, ADA_AS_TYPED, ADA_NAME, "ada-general-0002", kind="general", notify=False,
                     comment="Lovely piece. My other address is not needed, " + ADA + " is fine.")
    # The desk answers her, notes about her, and emails her the decision.
    moderation.add_internal_note(db.session, typo, f"{ADA_NAME} ({ADA}) wrote a book on this.", author=editor,
                                 now=utcnow())
    event = moderation.reject(db.session, typo, actor=editor, now=utcnow(), expected_version=typo.version,
                              reason=f"Checked with {ADA}: the date stands.",
                              reader_message="The 1991 date is the engine's; thank you for writing.")
    db.session.commit()
    after_decision(typo.id, event.id)
    assert len(smtp_server.messages) == 1

    # She supports the newsroom: a monthly subscription, paid, shown on the wall, managed once.
    # (Form keys are random in use; patron_scenarios' default one would carry the address.)
    _, session, subscription = checkout(app, fake_stripe, site, ADA, tier_id="coffee", name=ADA_NAME,
                                        list_publicly=True, display_name=ADA_WALL_NAME, form_key="f" * 32)
    client_ = stripe_client_for(app)
    for stripe_event in (make_event("checkout.session.completed", session, created=T0),
                         make_event("invoice.paid", make_invoice(subscription), created=T0 + 1)):
        process_event(db.session, stripe_event, now=utcnow(), client=client_)
    # A one-time gift too: half refunded, the other half lost in a dispute.
    _, gift, _ = checkout(app, fake_stripe, site, ADA, custom_amount="20", custom_interval="once", form_key="g" * 32)
    for stripe_event in (make_event("checkout.session.completed", gift, created=T0 + 2),
                         make_event("charge.refunded", make_charge(payment_intent=gift["payment_intent"], amount=2000,
                                                                   refunded=1000), created=T0 + 3),
                         make_event("charge.dispute.closed",
                                    make_dispute(make_charge(payment_intent=gift["payment_intent"], amount=2000,
                                                             refunded=1000), amount=1000, status="lost",
                                                 reason="duplicate"), created=T0 + 4)):
        process_event(db.session, stripe_event, now=utcnow(), client=client_)
    db.session.commit()
    # Her monthly record (the one-time gift is a second record with the same address; without the order,
    # PostgreSQL may hand back the gift, whose refund and lost dispute leave it unable to vote).
    ada_patron = db.session.scalars(select(Patron).where(Patron.email == ADA, Patron.interval == Interval.MONTH)).one()
    redeem_portal_token(db.session, app.config["SECRET_KEY"], make_portal_token(app.config["SECRET_KEY"], ada_patron),
                        max_age=1800, now=utcnow())
    # She votes in the newsroom's topic poll through a voting link, wants to hear back, and suggests a topic.
    poll = make_poll(db.session, site)
    token = make_vote_token(app.config["SECRET_KEY"], ada_patron, poll, expires_at=poll.closes_at)
    vote_with_link(db.session, app.config["SECRET_KEY"], token, [poll.topics[1].id], tell_when_covered=True,
                   suggestion=("Analytical engines in schools", "Teach children what Ada wrote."), now=utcnow())
    db.session.commit()
    # And once she started a gift and did not finish it.
    create_pledge(db.session, site, PledgeRequest(form_key="ada-unfinished-gift-0003", email=ADA_AS_TYPED,
                                                  name=ADA_NAME, custom_amount="50", custom_interval="once"),
                  SupportSettings.for_site(site, app.config["SUPPORT_TIERS"]), now=utcnow())
    db.session.commit()

    bob_report = None
    if with_bob:
        bob_report = report(client, article, BOB, BOB_NAME, "bob-typo-0001", kind="typo",
                            selectors=[{"type": "TextQuoteSelector", "exact": "two centuries"}],
                            comment=f"Bob here ({BOB}).")
        _, bob_session, _ = checkout(app, fake_stripe, site, BOB, custom_amount="20", custom_interval="once",
                                     name=BOB_NAME, form_key="b" * 32)
        process_event(db.session, make_event("checkout.session.completed", bob_session, created=T0 + 5),
                      now=utcnow(), client=client_)
        db.session.commit()
    return Scene(article=article, ada_reports=[typo, message], bob_report=bob_report, subscription=subscription)
