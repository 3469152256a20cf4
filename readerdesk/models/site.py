"""A publication that embeds readerdesk: where its articles live and how to read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.types import UTCDateTime
from readerdesk.text.languages import N_

#: The parts of an article page a reader may report on besides the body, each found on the page by a
#: CSS selector the site names (``Site.parts``). Each is its own canonical text in a revision.
BODY = "body"
PART_LABELS = {BODY: N_("the body"), "headline": N_("the headline"), "standfirst": N_("the standfirst"),
               "caption": N_("a photo caption")}
PART_NAMES = tuple(PART_LABELS)


class Site(Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short name used in URLs and on the command line, e.g. "kyiv-daily".
    name: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    base_url: Mapped[str] = mapped_column(String(500))
    # Origins (scheme://host[:port]) allowed to embed the widget and call the public API.
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    # CSS selector of the article body, and selectors of boxes to drop inside it.
    body_selector: Mapped[str] = mapped_column(String(500), default="article")
    exclude_selectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Reportable parts besides the body: {"headline": "h1", "caption": "figcaption", ...} (PART_NAMES).
    parts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # SHA-256 of the API token a CMS uses to push articles. Tokens are 256-bit random values,
    # so a fast hash is enough; a slow KDF would only slow every push.
    api_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Where to re-fetch an article whose text a reader saw but readerdesk has not:
    # None (no connector), "html" (fetch the article URL) or "wordpress" (REST API at connector_url).
    connector: Mapped[str | None] = mapped_column(String(20), default=None)
    connector_url: Mapped[str | None] = mapped_column(String(500), default=None)
    # WordPress write access for applying a wording to the post itself: the user an application
    # password belongs to, and that password sealed with a key derived from SECRET_KEY
    # (services.articles.credentials). Never shown again once set.
    wordpress_user: Mapped[str | None] = mapped_column(String(60), default=None)
    wordpress_secret: Mapped[str | None] = mapped_column(Text, default=None)
    # ISO 4217 code for donations on this site's support page.
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    language: Mapped[str] = mapped_column(String(10), default="en")
    # The newsroom's privacy policy: the notices where readers give their data link to it.
    privacy_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The newsroom's published standards (schema.org publishingPrinciples, correctionsPolicy,
    # actionableFeedbackPolicy): every article page's JSON-LD links to them. "" when not set.
    principles_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    corrections_policy_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    feedback_policy_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The corrections and feedback policy readerdesk hosts for the site (/sites/<name>/policy), in
    # Markdown admins edit on the desk ("" for none): the JSON-LD links to it where a URL above is unset.
    policy_markdown: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Retractions and clarifications need a second editor's approval before they are published.
    second_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Targets, in hours from the report (None: no target): a first decision on any report, and a
    # published correction of a factual error. Reports past them are flagged in the queue.
    target_decision_hours: Mapped[int | None] = mapped_column(default=None)
    target_correction_hours: Mapped[int | None] = mapped_column(default=None)
    # The support page, in this site's currency (minor units): tiers as a list of {"id", "name",
    # "amount", "interval": "month"|"year", "description"}, the bounds of a custom amount, and the card
    # fee a reader may cover (basis points of the total plus a fixed part).
    support_tiers: Mapped[list[dict]] = mapped_column(JSON, default=list)
    support_min_amount: Mapped[int] = mapped_column(default=100)
    support_max_amount: Mapped[int] = mapped_column(default=1_000_000)
    fee_percent_bp: Mapped[int] = mapped_column(default=150)
    fee_fixed: Mapped[int] = mapped_column(default=25)
    # Days a canceled supporter stays on the supporters wall.
    wall_grace_days: Mapped[int] = mapped_column(default=30)
    # Days a past-due patron (a failed renewal Stripe is still retrying) may still vote in topic polls.
    past_due_grace_days: Mapped[int] = mapped_column(default=14, server_default="14")
    # IANA time zone the desk and the poll pages show times in (stored times are UTC).
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # What every receipt carries, for donors who need it for tax.
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    legal_address: Mapped[str] = mapped_column(Text, default="")
    tax_id: Mapped[str] = mapped_column(String(100), default="")
    receipt_statement: Mapped[str] = mapped_column(Text, default="")
    # The Stripe Product every tier's Price belongs to, and the Customer Portal configuration that
    # offers the tiers as plan changes (with the price ids it offers, to know when it is stale).
    stripe_product_id: Mapped[str | None] = mapped_column(String(255), default=None)
    stripe_portal_configuration_id: Mapped[str | None] = mapped_column(String(255), default=None)
    stripe_portal_prices: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Site {self.name}>"
