"""The notice shown where readers give their data: what is kept, for how long, and the site's privacy
policy. One text per place, a catalogue key with the retention settings' numbers filled in, so the
notice never disagrees with what the purge does. The caller's translator says it in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from readerdesk.models import Site
from readerdesk.services.privacy.retention import RetentionSettings
from readerdesk.text.languages import N_, Translator

REPORT_NOTICE = N_(
    "Your name and email are optional. We use them only to tell you what the editors decided, and delete "
    "them %(days)s after we close your report. Your IP address is kept only as a code that cannot be traced "
    "back to you, and erased after %(ip_days)s.")
SUPPORT_NOTICE = N_(
    "We use your email and name to take your payment through Stripe, send your receipts and let you manage "
    "your support, and keep them while you support us. Payment records (amounts and dates) are kept for "
    "accounting. If you do not finish paying, what you typed here is deleted after %(days)s. You can ask us "
    "to delete your data at any time.")


@dataclass(frozen=True)
class Notice:
    text: str
    policy_url: str
    policy_label: str


def days(count: int, translator: Translator) -> str:
    """"180 days"; "21 день", "3 дні", "180 днів" (Ukrainian has three forms)."""
    return translator.ngettext("%(num)d day", "%(num)d days", count)


def minutes(count: int, translator: Translator) -> str:
    return translator.ngettext("%(num)d minute", "%(num)d minutes", count)


def _notice(template: str, site: Site, settings: RetentionSettings, translator: Translator,
            default_policy_url: str) -> Notice:
    return Notice(text=translator.gettext(template, days=days(settings.reader_days, translator),
                                          ip_days=days(settings.ip_days, translator)),
                  policy_url=site.privacy_url or default_policy_url, policy_label=translator.gettext("Privacy policy"))


def report_notice(site: Site, settings: RetentionSettings, translator: Translator, *,
                  default_policy_url: str) -> Notice:
    """For the widget's form, in the page's language (else the site's): the caller's ``translator``.
    ``default_policy_url`` is readerdesk's own page on the data it keeps, for a site with no privacy
    policy URL."""
    return _notice(REPORT_NOTICE, site, settings, translator, default_policy_url)


def support_notice(site: Site, settings: RetentionSettings, translator: Translator, *,
                   default_policy_url: str) -> Notice:
    return _notice(SUPPORT_NOTICE, site, settings, translator, default_policy_url)
