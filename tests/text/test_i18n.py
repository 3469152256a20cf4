from readerdesk.text.i18n import CATALOGUES, pick_language, say


def test_pick_language_takes_the_first_supported_primary_tag():
    assert pick_language(None, "uk-UA") == "uk"
    assert pick_language("de", "en-GB") == "en"
    assert pick_language("", None) == "en"
    assert pick_language(5, "UK") == "uk"


def test_say_fills_the_template_and_falls_back_to_english():
    assert say("Please include at most {count} links.", "uk", count=2) == "Додайте щонайбільше 2 посилання."
    assert say("Please include at most {count} links.", "fr", count=2) == "Please include at most 2 links."
    assert say("Something not in any catalogue.", "uk") == "Something not in any catalogue."


def test_every_translation_keeps_the_templates_placeholders():
    import string

    def fields(text):
        return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)

    for catalogue in CATALOGUES.values():
        for english, translated in catalogue.items():
            assert fields(english) == fields(translated), english


def test_days_in_english_and_in_ukrainians_three_forms():
    from readerdesk.text.i18n import days

    assert [days(n, "en") for n in (1, 2, 180)] == ["1 day", "2 days", "180 days"]
    assert [days(n, "uk") for n in (1, 3, 5, 11, 12, 21, 22, 30, 111, 180)] == [
        "1 день", "3 дні", "5 днів", "11 днів", "12 днів", "21 день", "22 дні", "30 днів", "111 днів", "180 днів"]
