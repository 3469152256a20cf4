import pytest

from readerdesk.services.mail.smtp import MailNotConfigured, SmtpSettings, send_email


def test_send_email_delivers_to_a_real_smtp_server(smtp_server):
    settings = SmtpSettings(server="127.0.0.1", port=smtp_server.port, sender="Desk <desk@example.com>")
    send_email(settings, "reader@example.org", "Your correction — thank you", "Plain text body ✓",
               html="<p>HTML body</p>")
    [message] = smtp_server.messages
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "Your correction — thank you"
    assert "Plain text body ✓" in message.get_body(("plain",)).get_content()
    assert "<p>HTML body</p>" in message.get_body(("html",)).get_content()


def test_send_email_without_a_server_raises():
    with pytest.raises(MailNotConfigured):
        send_email(SmtpSettings(server=None), "a@example.org", "s", "t")
