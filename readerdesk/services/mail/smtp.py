"""Sending email over SMTP. Called from jobs (after commit), never inside a request's transaction."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


class MailNotConfigured(RuntimeError):
    """MAIL_SERVER is not set."""


@dataclass(frozen=True)
class SmtpSettings:
    server: str | None
    port: int = 25
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    use_ssl: bool = False
    sender: str = "readerdesk <corrections@localhost>"
    timeout: float = 15

    @classmethod
    def from_config(cls, config) -> SmtpSettings:
        return cls(
            server=config.get("MAIL_SERVER"), port=config.get("MAIL_PORT", 25),
            username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
            use_tls=config.get("MAIL_USE_TLS", False), use_ssl=config.get("MAIL_USE_SSL", False),
            sender=config.get("MAIL_FROM", cls.sender), timeout=config.get("HTTP_TIMEOUT", 15),
        )


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def _sender_domain(sender: str) -> str:
    return sender.rpartition("@")[2].strip(">").strip() or "readerdesk"


def stable_message_id(kind: str, key: str, *, sender: str, namespace: str) -> str:
    """One notification's Message-ID, the same on every attempt: a message sent twice (its runner died
    during the SMTP call) is one message to mail clients. ``kind`` and ``key`` are its send-once ledger
    entry; ``namespace`` (the service's public URL) keeps two installations' ids apart."""
    digest = hashlib.sha256(f"{namespace}|{kind}|{key}".encode()).hexdigest()[:32]
    return f"<{kind}.{digest}@{_sender_domain(sender)}>"


def build_message(sender: str, to: str, subject: str, text: str, html: str | None = None,
                  headers: dict[str, str] | None = None, message_id: str | None = None,
                  attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain=_sender_domain(sender))
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.mimetype.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def send_email(settings: SmtpSettings, to: str, subject: str, text: str, html: str | None = None,
               headers: dict[str, str] | None = None, message_id: str | None = None,
               attachments: tuple[Attachment, ...] = ()) -> None:
    """Send one message; raises on failure so the job runner retries."""
    if not settings.server:
        raise MailNotConfigured("MAIL_SERVER is not set")
    message = build_message(settings.sender, to, subject, text, html, headers, message_id, attachments)
    smtp_class = smtplib.SMTP_SSL if settings.use_ssl else smtplib.SMTP
    with smtp_class(settings.server, settings.port, timeout=settings.timeout) as smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)
