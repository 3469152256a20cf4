"""The notice where readers give their data: the retention settings' numbers, in the page's language
(else the site's), linking to the site's privacy policy."""

from __future__ import annotations

from flask_babel import force_locale

from readerdesk.extensions import TRANSLATOR
from readerdesk.services.privacy.notice import days, report_notice, support_notice
from readerdesk.services.privacy.retention import RetentionSettings
from readerdesk.text.languages import ENGLISH
from tests.factories import make_site

OWN_PAGE = "https://desk.example/privacy?site=x"


def test_the_widgets_notice_says_how_long_in_the_translators_language(app, db_session):
    site = make_site(db_session, language="uk", privacy_url="https://news.example/privacy#readers")
    with force_locale("en"):
        english = report_notice(site, RetentionSettings(reader_days=90, ip_days=21), TRANSLATOR,
                                default_policy_url=OWN_PAGE)
    assert "delete them 90 days after we close your report" in english.text and "after 21 days" in english.text
    assert (english.policy_url, english.policy_label) == ("https://news.example/privacy#readers", "Privacy policy")
    with force_locale("uk"):
        ukrainian = report_notice(site, RetentionSettings(reader_days=90, ip_days=21), TRANSLATOR,
                                  default_policy_url=OWN_PAGE)
    assert "видаляємо через 90 днів" in ukrainian.text and "стираємо через 21 день" in ukrainian.text
    assert ukrainian.policy_label == "Політика конфіденційності"


def test_days_take_ukrainians_three_plural_forms(app):
    with force_locale("uk"):
        assert [days(n, TRANSLATOR) for n in (1, 3, 5, 11, 21, 22, 180)] == [
            "1 день", "3 дні", "5 днів", "11 днів", "21 день", "22 дні", "180 днів"]
    assert [days(n, ENGLISH) for n in (1, 2)] == ["1 day", "2 days"]


def test_without_a_policy_url_the_notice_links_to_readerdesks_own_page(db_session):
    site = make_site(db_session)
    notice = support_notice(site, RetentionSettings(), ENGLISH, default_policy_url=OWN_PAGE)
    assert notice.policy_url == OWN_PAGE and "deleted after 180 days" in notice.text
