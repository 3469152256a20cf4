from readerdesk.services.mail.notifications import Link, Quote, compose, decision_jobs, text_fragment_url


def test_text_fragments_encode_dash_comma_and_ampersand_and_use_start_end_for_long_passages():
    url = text_fragment_url("https://news.example/a#old", "mayor-elect spoke, briefly & warmly")
    assert url == "https://news.example/a#:~:text=mayor%2Delect%20spoke%2C%20briefly%20%26%20warmly"
    long = text_fragment_url("https://news.example/a", "one two three four five six seven eight nine ten")
    assert long == "https://news.example/a#:~:text=one%20two%20three%20four,seven%20eight%20nine%20ten"
    assert text_fragment_url("https://news.example/a", "Привіт, світе") == (
        "https://news.example/a#:~:text=" + "%D0%9F%D1%80%D0%B8%D0%B2%D1%96%D1%82%2C%20%D1%81%D0%B2%D1%96%D1%82%D0%B5")


def test_composed_emails_escape_reader_text_in_html_and_keep_it_plain_in_text():
    text, html = compose(["Hello <b>Olena</b>,", Quote("a <script>x</script> & b"),
                          Link("See it", "https://news.example/a?x=1&y=2")], "Footer <i>")
    assert "Hello <b>Olena</b>," in text and "> a <script>x</script> & b" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://news.example/a?x=1&amp;y=2"' in html
    assert "Footer &lt;i&gt;" in html


def test_each_decision_becomes_one_job_for_its_reader():
    class Event:
        def __init__(self, correction_id, event_id):
            self.correction_id, self.id = correction_id, event_id

    jobs = decision_jobs([Event(3, 10), Event(4, 11)])
    assert [(j.name, j.args) for j in jobs] == [("after_decision", (3, 10)), ("after_decision", (4, 11))]
