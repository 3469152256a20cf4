"""The languages readerdesk speaks come from its catalogues; a reader's language is picked from their
page's tags; the catalogues say things outside Flask too."""

from readerdesk.text.languages import ENGLISH, LANGUAGES, language_name, pick_language, translator_for


def test_a_language_is_spoken_when_it_has_a_catalogue():
    assert LANGUAGES == ("en", "uk")
    assert [language_name(code) for code in LANGUAGES] == ["English", "Українська"]


def test_pick_language_takes_the_first_spoken_primary_tag():
    assert pick_language(None, "uk-UA") == "uk"
    assert pick_language("de", "en-GB") == "en"
    assert pick_language("", None) == "en"
    assert pick_language(5, "UK") == "uk"
    assert pick_language("uk_UA") == "uk"


def test_a_translator_for_a_language_says_its_catalogues_words_and_falls_back_to_english():
    ukrainian = translator_for("uk-UA")
    assert ukrainian.gettext("Please include at most %(count)s links.", count=2) == "Додайте щонайбільше 2 посилання."
    assert ukrainian.gettext("Something in no catalogue.") == "Something in no catalogue."
    assert translator_for("fr").gettext("Privacy policy") == "Privacy policy"
    assert ukrainian.number(1234) == "1\N{NO-BREAK SPACE}234" and ENGLISH.number(1234) == "1,234"


def test_plurals_in_english_and_in_ukrainians_three_forms():
    def days(translator, n):
        return translator.ngettext("%(num)d day", "%(num)d days", n)

    assert [days(ENGLISH, n) for n in (1, 2, 180)] == ["1 day", "2 days", "180 days"]
    assert [days(translator_for("uk"), n) for n in (1, 3, 5, 11, 12, 21, 22, 30, 111, 180)] == [
        "1 день", "3 дні", "5 днів", "11 днів", "12 днів", "21 день", "22 дні", "30 днів", "111 днів", "180 днів"]
