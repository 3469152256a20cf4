"""The notice where readers give their data: the retention settings' numbers, in the page's language
(else the site's), linking to the site's privacy policy."""

from __future__ import annotations

from readerdesk.services.privacy.notice import report_notice, support_notice
from readerdesk.services.privacy.retention import RetentionSettings
from tests.factories import make_site

OWN_PAGE = "https://desk.example/privacy?site=x"


def test_the_widgets_notice_says_how_long_in_the_pages_language(db_session):
    site = make_site(db_session, language="uk", privacy_url="https://news.example/privacy#readers")
    english = report_notice(site, RetentionSettings(reader_days=90, ip_days=21), language="en-GB",
                            default_policy_url=OWN_PAGE)
    assert "delete them 90 days after we close your report" in english.text and "after 21 days" in english.text
    assert (english.policy_url, english.policy_label) == ("https://news.example/privacy#readers", "Privacy policy")
    ukrainian = report_notice(site, RetentionSettings(reader_days=90, ip_days=21), language=None,
                              default_policy_url=OWN_PAGE)
    assert "видаляємо через 90 днів" in ukrainian.text and "стираємо через 21 день" in ukrainian.text
    assert ukrainian.policy_label == "Політика конфіденційності" and ukrainian.language == "uk"


def test_without_a_policy_url_the_notice_links_to_readerdesks_own_page(db_session):
    site = make_site(db_session)
    notice = support_notice(site, RetentionSettings(), language="en", default_policy_url=OWN_PAGE)
    assert notice.policy_url == OWN_PAGE and "deleted after 180 days" in notice.text
