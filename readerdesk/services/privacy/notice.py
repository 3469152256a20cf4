"""The notice shown where readers give their data: what is kept, for how long, and the site's privacy
policy. One text per place, in the catalogue of readerdesk.text.i18n, with the retention settings'
numbers filled in, so the notice never disagrees with what the purge does."""

from __future__ import annotations

from dataclasses import dataclass

from readerdesk.models import Site
from readerdesk.services.privacy.retention import RetentionSettings
from readerdesk.text.i18n import days, pick_language, say

REPORT_NOTICE = (
    "Your name and email are optional. We use them only to tell you what the editors decided, and delete "
    "them {days} after we close your report. Your IP address is kept only as a code that cannot be traced "
    "back to you, and erased after {ip_days}.")
SUPPORT_NOTICE = (
    "We use your email and name to take your payment through Stripe, send your receipts and let you manage "
    "your support, and keep them while you support us. Payment records (amounts and dates) are kept for "
    "accounting. If you do not finish paying, what you typed here is deleted after {days}. You can ask us "
    "to delete your data at any time.")


@dataclass(frozen=True)
class Notice:
    text: str
    policy_url: str
    policy_label: str
    language: str


def _notice(template: str, site: Site, settings: RetentionSettings, language: str | None,
            default_policy_url: str) -> Notice:
    language = pick_language(language, site.language)
    return Notice(text=say(template, language, days=days(settings.reader_days, language),
                           ip_days=days(settings.ip_days, language)),
                  policy_url=site.privacy_url or default_policy_url, policy_label=say("Privacy policy", language),
                  language=language)


def report_notice(site: Site, settings: RetentionSettings, *, language: str | None,
                  default_policy_url: str) -> Notice:
    """For the widget's form, in the page's language (else the site's). ``default_policy_url`` is
    readerdesk's own page on the data it keeps, for a site with no privacy policy URL."""
    return _notice(REPORT_NOTICE, site, settings, language, default_policy_url)


def support_notice(site: Site, settings: RetentionSettings, *, language: str | None,
                   default_policy_url: str) -> Notice:
    return _notice(SUPPORT_NOTICE, site, settings, language, default_policy_url)
