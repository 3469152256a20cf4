"""Every personal field readerdesk keeps about readers and patrons: what it is, why, for how long, and
what an erasure does to it. The README's Privacy section, the public data page (/privacy), the export
and the erasure follow this list, and tests check them against it and against the tables' metadata:
a table that is neither listed here nor in :data:`NO_READER_DATA` fails the suite.
"""

from __future__ import annotations

from dataclasses import dataclass

from readerdesk.services.privacy.notice import days, minutes
from readerdesk.services.privacy.retention import RetentionSettings
from readerdesk.text.languages import ENGLISH, N_, Translator


@dataclass(frozen=True)
class PersonalField:
    table: str
    columns: tuple[str, ...]
    what: str
    purpose: str
    retention: str  # may name %(reader_days)s, %(ip_days)s ("180 days"), %(link_minutes)s ("30 minutes")
    on_erasure: str  # for the README and the desk: English only

    def retention_for(self, settings: RetentionSettings, translator: Translator = ENGLISH) -> str:
        """How long, with the settings' numbers, said by ``translator`` (the catalogues hold ``what``,
        ``purpose`` and ``retention`` of every field: they are marked N_)."""
        return translator.gettext(self.retention, reader_days=days(settings.reader_days, translator),
                                  ip_days=days(settings.ip_days, translator),
                                  link_minutes=minutes(settings.portal_link_max_age // 60, translator))


CONTACT_RETENTION = N_("%(reader_days)s after the report is closed (published, rejected or spam); at once when "
                       "the reader uses the “Delete my email from this report” link")

ACCOUNTING = N_("As long as accounting law requires")
ANONYMISED = "kept for accounting; the patron it belongs to is anonymised"

PERSONAL_DATA: tuple[PersonalField, ...] = (
    PersonalField("corrections", ("reader_email", "reader_name"),
                  N_("A reporter's email address and name (both optional)"),
                  N_("To tell them what the editors decided, when they ask, and to ask them about their report"),
                  CONTACT_RETENTION, "emptied; the report says its reader was erased"),
    PersonalField("corrections", ("page_url",), N_("The address of the page a report was sent from"),
                  N_("To see the passage where the reader saw it"), CONTACT_RETENTION, "emptied"),
    PersonalField("corrections", ("ip_hash",),
                  N_("The sender's IP address, hashed with that day's random key (never the address itself)"),
                  N_("Rate limits against floods of reports"),
                  N_("%(ip_days)s; the day's key is deleted then too, so no hash can be traced back"), "emptied"),
    PersonalField("corrections", ("comment", "suggestion"), N_("What the reader wrote: the comment and the wording "
                  "they suggest (with the passage they quoted, which is the article's text)"),
                  N_("The newsroom's editorial record of corrections"),
                  N_("Kept: nothing in it identifies the reader once the name and email are gone"),
                  "kept; their email address, and their name, wherever it appears in the text becomes [erased]"),
    PersonalField("moderation_events", ("reader_message",), N_("What an editor wrote back to a reader"),
                  N_("Sent with the decision email; part of the decision log"), N_("Kept with the decision log"),
                  "kept; their email address and name in it become [erased]"),
    PersonalField("internal_notes", ("body",), N_("Editors' notes on a report (never shown to readers)"),
                  N_("Coordination between editors"), N_("Kept with the report"),
                  "kept; their email address and name in it become [erased]"),
    PersonalField("notifications_sent", ("recipient",), N_("The address each email went to"),
                  N_("Sending each email exactly once"), N_("%(reader_days)s after it was sent"), "emptied"),
    PersonalField("patrons", ("email", "name"), N_("A patron's email address and name"),
                  N_("Receipts, notices of failed payments and the link to manage their support"),
                  N_("While they support the newsroom, and until they ask for erasure"),
                  "anonymised: the email becomes erased-N@erased.invalid, the name goes"),
    PersonalField("patrons", ("display_name",), N_("The name a patron asked to show on the supporters wall"),
                  N_("The public supporters wall, once an admin approves it"), N_("While they are listed"),
                  "emptied, and off the wall"),
    PersonalField("patrons", ("stripe_customer_id", "stripe_subscription_id"),
                  N_("A patron's customer and subscription ids at Stripe"),
                  N_("Matching Stripe's events to the patron; the customer portal"),
                  N_("While they support the newsroom, and until they ask for erasure"),
                  "the customer id is emptied (with --stripe the customer is deleted at Stripe, its "
                  "subscriptions cancelled first); the subscription id stays, like the payments' references"),
    PersonalField("pledges", ("email", "name", "display_name", "checkout_url"),
                  N_("What a reader typed on the support form, and their checkout page at Stripe"),
                  N_("Starting the payment at Stripe and creating the patron record"),
                  N_("With the patron's record; for a checkout never finished, %(reader_days)s"), "emptied"),
    PersonalField("payments", ("amount", "amount_refunded", "amount_lost_in_disputes", "paid_at", "stripe_invoice_id",
                               "stripe_payment_intent_id", "stripe_charge_id"),
                  N_("Each payment: amount, date, what was refunded or lost in a dispute, and Stripe's references"),
                  N_("Accounting, refunds and disputes"), ACCOUNTING, ANONYMISED),
    PersonalField("patron_subscriptions", ("stripe_subscription_id", "started_at"),
                  N_("Each of a patron's subscriptions at Stripe: its id, when it started and when it ended"),
                  N_("Following one subscription at a time; new and churned patrons on the desk"), ACCOUNTING,
                  ANONYMISED),
    PersonalField("subscription_amounts", ("amount", "effective_at"),
                  N_("What each subscription charged, and from when (a plan change adds a line)"),
                  N_("Monthly recurring revenue month by month, from the amounts in force then"), ACCOUNTING,
                  ANONYMISED),
    PersonalField("disputes", ("stripe_dispute_id", "amount", "reason", "opened_at"),
                  N_("A dispute a patron's bank opened against a payment: Stripe's reference, amount, reason, dates"),
                  N_("Accounting, and answering the dispute at Stripe"), ACCOUNTING, ANONYMISED),
    PersonalField("portal_link_uses", ("nonce", "used_at"), N_("When a “manage my support” link was opened"),
                  N_("Each link works once"), N_("Until the link has expired (%(link_minutes)s)"), "deleted"),
    PersonalField("poll_voters", ("person", "patron_id", "first_voted_at", "last_voted_at"),
                  N_("That a patron voted in a topic poll, and when (never what they chose)"),
                  N_("One vote per person; telling voters when a topic they chose is covered"),
                  N_("While they support the newsroom, and until they ask for erasure"), "deleted"),
    PersonalField("poll_ballots", ("key", "tier"),
                  N_("What a patron chose in a topic poll, filed under a keyed code with their tier, never their name"),
                  N_("Counting the votes, and letting a patron change their vote"),
                  N_("Kept with the poll's results: without the voter record nothing links it to a person"),
                  "kept, counted in the results; nothing links it to them once their voter record is gone"),
    PersonalField("poll_link_uses", ("nonce", "used_at"), N_("When a voting link was used"),
                  N_("Each link works once"), N_("Until the link has expired (at the latest when the poll closes)"),
                  "deleted"),
    PersonalField("poll_suggestions", ("title", "body", "patron_id"),
                  N_("A topic a patron suggested for a poll: a title and a sentence"),
                  N_("Editors choose topics for the polls from them"),
                  N_("Kept with the polls; the link to the patron goes on erasure"),
                  "pending and rejected ones deleted; accepted or merged ones kept without the patron"),
)

# Every other table, and why it holds no reader's or patron's personal data.
NO_READER_DATA: dict[str, str] = {
    "sites": "the newsroom's sites and their settings",
    "articles": "published articles",
    "author_desks": "the desk of each byline's author (names already public on the articles)",
    "article_revisions": "the articles' text, revision by revision",
    "correction_anchors": "where a report's passage sits in each revision (the article's text)",
    "correction_notes": "the public correction notes editors publish",
    "stripe_events": "which Stripe events were processed, and what each did (no addresses)",
    "ip_hash_keys": "the daily random keys IP addresses are hashed with",
    "audit_log": "privacy actions: what, when, by whom and how many rows, never whose data",
    "outbox": "jobs waiting to run or done: the ids of what each concerns (a “manage my support” email's "
              "job also holds its single-use link, which expires after PORTAL_LINK_MAX_AGE); errors are kept "
              "with email addresses hidden; done jobs go after JOBS_KEEP_DONE_DAYS days",
    "polls": "the newsroom's topic polls: question, times, who may vote",
    "poll_topics": "the topics of each poll, and the article that covered one",
    "poll_ballot_choices": "which topics each secret ballot chose (see poll_ballots), with no person in it",
    "poll_events": "editors' actions on polls and suggestions: what, when, by which editor",
    "users": "staff accounts (staff, not readers or patrons; managed at /desk/admin/users)",
    "staff_sessions": "staff members' signed-in browsers and their User-Agent (staff, not readers or patrons)",
    "form_drafts": "what an editor typed into a desk form refused by a conflict, kept for the page it "
                   "redirects to: deleted when shown, or by the purge after an hour (it may quote a reader, "
                   "or hold the address of an erasure under review, for that hour)",
    "recovery_codes": "hashes of staff members' two-factor recovery codes",
    "staff_policy": "whether editors too must use two-factor sign-in",
    "security_events": "the staff security log: sign-ins and account changes of staff, never a reader's data",
    "decoy_reports": "what a report that filled the honeypot leaves: its status link, kind and the quoted "
                     "passage (the article's text); never a name, email, IP or message",
}

# Free text where a reader's email address or name may turn up, typed by the reader or an editor: an
# erasure replaces the address there, in every row, and their names in the rows about their own reports,
# with ERASED_TEXT.
FREE_TEXT: tuple[tuple[str, str], ...] = (
    ("corrections", "comment"),
    ("corrections", "suggestion"),
    ("moderation_events", "reason"),
    ("moderation_events", "reader_message"),
    ("internal_notes", "body"),
    ("correction_notes", "body"),
)
ERASED_TEXT = "[erased]"
