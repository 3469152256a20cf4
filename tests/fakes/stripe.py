"""A fake Stripe for tests: the part of the API readerdesk uses, answering with Stripe-shaped JSON.

* ``FakeStripe`` keeps customers, checkout sessions, subscriptions, invoices and events (an erasure
  cancels subscriptions and deletes customers), and records every request (method, path, parsed form
  parameters, headers) for assertions.
* ``FakeStripeHTTPClient`` plugs it into ``stripe.StripeClient`` (a ``stripe.HTTPClient`` subclass).
* ``FakeStripeServer`` serves it over HTTP on 127.0.0.1 (for browser tests: STRIPE_API_BASE points
  at it, and its checkout URLs point at a local "Checkout" page it also serves).
* ``signed(event, secret)`` gives a body and a real ``Stripe-Signature`` header (HMAC-SHA256).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import stripe

WEBHOOK_SECRET = "whsec_test_readerdesk"
_ids = itertools.count(1000)


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{next(_ids):06d}"


# --- form encoding -------------------------------------------------------------------------------


def parse_form(body: str) -> dict:
    """Stripe's form encoding (``a[b][0][c]=v``) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body or "", keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict
    headers: dict

    @property
    def idempotency_key(self) -> str | None:
        return {k.lower(): v for k, v in self.headers.items()}.get("idempotency-key")


# --- the fake ------------------------------------------------------------------------------------


class FakeStripe:
    def __init__(self, checkout_base: str = "https://checkout.stripe.com/c/pay/"):
        self.checkout_base = checkout_base
        self.requests: list[RecordedRequest] = []
        self.customers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.events: list[dict] = []
        self.portal_sessions: list[dict] = []
        self.deleted_customers: list[str] = []
        self.fail_next: dict[str, tuple[int, dict]] = {}  # "POST /v1/checkout/sessions" -> (status, error)
        self._idempotent: dict[tuple[str, str], tuple[str, int, dict]] = {}
        self._lock = threading.Lock()

    # Requests -----------------------------------------------------------------------------------

    def handle(self, method: str, url: str, headers, post_data) -> tuple[str, int, dict]:
        parts = urlsplit(url)
        body = post_data.decode() if isinstance(post_data, bytes) else (post_data or "")
        params = parse_form(body if method.upper() == "POST" else parts.query)
        request = RecordedRequest(method.upper(), parts.path, params, dict(headers or {}))
        with self._lock:
            self.requests.append(request)
            key = request.idempotency_key
            if key and (request.path, key) in self._idempotent:
                return self._idempotent[(request.path, key)]
            failure = self.fail_next.pop(f"{request.method} {request.path}", None)
            if failure:
                response = (json.dumps({"error": failure[1]}), failure[0], {"request-id": new_id("req")})
            else:
                route = self._delete if request.method == "DELETE" else self._route
                status, payload = route(request)
                response = (json.dumps(_public(payload)), status, {"request-id": new_id("req")})
            if key and request.method == "POST":
                self._idempotent[(request.path, key)] = response
            return response

    def sent(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def _route(self, r: RecordedRequest) -> tuple[int, dict]:
        segments = r.path.strip("/").split("/")[1:]  # drop "v1"
        if r.method == "GET" and segments == ["customers"]:
            found = [c for c in self.customers.values() if c["email"] == r.params.get("email")]
            return 200, _list("/v1/customers", found)
        if r.method == "POST" and segments == ["customers"]:
            customer = {"id": new_id("cus"), "object": "customer", "email": r.params.get("email"),
                        "name": r.params.get("name"), "metadata": r.params.get("metadata", {}),
                        "created": int(time.time())}
            self.customers[customer["id"]] = customer
            return 200, customer
        if r.method == "POST" and segments == ["checkout", "sessions"]:
            return 200, self._create_session(r.params)
        if r.method == "GET" and segments[:2] == ["checkout", "sessions"] and len(segments) == 3:
            session = self.sessions.get(segments[2])
            return (200, session) if session else _missing("checkout.session", segments[2])
        if r.method == "POST" and segments == ["billing_portal", "sessions"]:
            portal = {"id": new_id("bps"), "object": "billing_portal.session", "customer": r.params.get("customer"),
                      "url": f"https://billing.stripe.com/p/session/{new_id('live')}",
                      "return_url": r.params.get("return_url")}
            self.portal_sessions.append(portal)
            return 200, portal
        if r.method == "GET" and segments == ["subscriptions"]:
            return self._subscriptions(r.params.get("status"), r.params.get("customer"))
        if r.method == "GET" and segments[:1] == ["subscriptions"] and len(segments) == 2:
            sub = self.subscriptions.get(segments[1])
            return (200, sub) if sub else _missing("subscription", segments[1])
        if r.method == "GET" and segments == ["events"]:
            gte = int((r.params.get("created") or {}).get("gte", 0))
            types = r.params.get("types") or []
            found = [e for e in self.events if e["created"] >= gte and (not types or e["type"] in types)]
            return 200, _list("/v1/events", sorted(found, key=lambda e: -e["created"]))
        if r.method == "GET" and segments[:1] == ["payment_intents"] and len(segments) == 2:
            intent = self.payment_intents.get(segments[1])
            return (200, intent) if intent else _missing("payment_intent", segments[1])
        if r.method == "GET" and segments[:1] == ["invoices"] and len(segments) == 2:
            invoice = self.invoices.get(segments[1])
            return (200, invoice) if invoice else _missing("invoice", segments[1])
        if r.method == "GET" and segments == ["invoice_payments"]:
            intent = ((r.params.get("payment") or {}).get("payment_intent"))
            found = [{"object": "invoice_payment", "id": new_id("inpay"), "invoice": inv["id"],
                      "payment": {"type": "payment_intent", "payment_intent": intent}}
                     for inv in self.invoices.values() if inv.get("_payment_intent") == intent]
            return 200, _list("/v1/invoice_payments", found)
        message = f"Unrecognized request URL ({r.method}: {r.path})."
        return 404, {"error": {"type": "invalid_request_error", "message": message}}

    def _subscriptions(self, status: str | None, customer: str | None) -> tuple[int, dict]:
        if customer and customer not in self.customers:
            return _missing("customer", customer)
        found = [s for s in self.subscriptions.values()
                 if status in (None, "all", s["status"]) and customer in (None, s["customer"])]
        return 200, _list("/v1/subscriptions", found)

    def _delete(self, r: RecordedRequest) -> tuple[int, dict]:
        """Cancelling a subscription, deleting a customer (which, as at Stripe, ends its subscriptions)."""
        kind, object_id = (r.path.strip("/").split("/")[1:] + ["", ""])[:2]
        ended = {"status": "canceled", "canceled_at": int(time.time()), "ended_at": int(time.time())}
        if kind == "subscriptions" and object_id in self.subscriptions:
            self.subscriptions[object_id].update(ended)
            return 200, self.subscriptions[object_id]
        if kind == "customers" and self.customers.pop(object_id, None) is not None:
            self.deleted_customers.append(object_id)
            for sub in self.subscriptions.values():
                if sub["customer"] == object_id and sub["status"] != "canceled":
                    sub.update(ended)
            return 200, {"id": object_id, "object": "customer", "deleted": True}
        return _missing(kind.rstrip("s"), object_id)

    def _create_session(self, params: dict) -> dict:
        session_id = new_id("cs")
        item = params["line_items"][0]
        amount = int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1))
        session = {
            "id": session_id, "object": "checkout.session", "mode": params["mode"], "status": "open",
            "payment_status": "unpaid", "customer": params.get("customer"),
            "client_reference_id": params.get("client_reference_id"),
            "amount_total": amount, "currency": item["price_data"]["currency"], "metadata": params.get("metadata", {}),
            "success_url": params.get("success_url"), "cancel_url": params.get("cancel_url"),
            "subscription": None, "payment_intent": None, "url": self.checkout_base + session_id,
            "created": int(time.time()), "livemode": False,
            "_params": params,  # what was asked for, to build the subscription on completion
        }
        self.sessions[session_id] = session
        return session

    # Driving the fake like a paying reader would ------------------------------------------------

    def complete_session(self, session_id: str, *, paid: bool = True) -> dict:
        """The reader paid on Checkout: the session completes; a subscription appears for subscriptions."""
        session = self.sessions[session_id]
        session["status"] = "complete"
        session["payment_status"] = "paid" if paid else "unpaid"
        params = session["_params"]
        if session["mode"] == "subscription":
            price = params["line_items"][0]["price_data"]
            sub = make_subscription(customer=session["customer"], amount=int(price["unit_amount"]),
                                    currency=price["currency"], interval=price["recurring"]["interval"],
                                    metadata=params.get("subscription_data", {}).get("metadata", {}),
                                    status="active" if paid else "incomplete")
            self.subscriptions[sub["id"]] = sub
            session["subscription"] = sub["id"]
        else:
            intent = {"id": new_id("pi"), "object": "payment_intent", "amount": session["amount_total"],
                      "currency": session["currency"], "customer": session["customer"],
                      "status": "succeeded" if paid else "processing",
                      "metadata": params.get("payment_intent_data", {}).get("metadata", {})}
            self.payment_intents[intent["id"]] = intent
            session["payment_intent"] = intent["id"]
        return session

    def add_event(self, event: dict) -> dict:
        self.events.append(event)
        return event


def _public(payload: dict) -> dict:
    """Without the fake's own bookkeeping keys (those starting with "_")."""
    if isinstance(payload.get("data"), list):
        return {**payload, "data": [_public(d) for d in payload["data"]]}
    return {k: v for k, v in payload.items() if not k.startswith("_")}


def _list(url: str, data: list) -> dict:
    return {"object": "list", "url": url, "has_more": False, "data": data}


def _missing(kind: str, object_id: str) -> tuple[int, dict]:
    return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "id",
                           "message": f"No such {kind}: '{object_id}'"}}


CARD_DECLINED = (402, {"type": "card_error", "code": "card_declined", "decline_code": "generic_decline",
                       "message": "Your card was declined."})


class FakeStripeHTTPClient(stripe.HTTPClient):
    """Routes StripeClient requests into a FakeStripe instead of the network."""

    name = "readerdesk-fake"

    def __init__(self, fake: FakeStripe):
        super().__init__()
        self.fake = fake

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        return self.fake.handle(method, url, headers, post_data)

    def close(self):
        pass


# --- Stripe objects and events -----------------------------------------------------------------


def make_subscription(*, customer: str, amount: int, currency: str = "eur", interval: str = "month",
                      metadata: dict | None = None, status: str = "active", sub_id: str | None = None) -> dict:
    now = int(time.time())
    sub_id = sub_id or new_id("sub")
    return {
        "id": sub_id, "object": "subscription", "customer": customer, "status": status, "currency": currency,
        "metadata": dict(metadata or {}), "cancel_at_period_end": False, "canceled_at": None, "ended_at": None,
        "created": now, "start_date": now,
        "items": {"object": "list", "data": [{
            "id": new_id("si"), "object": "subscription_item", "quantity": 1, "subscription": sub_id,
            "current_period_start": now, "current_period_end": now + 30 * 86400,
            "price": {"id": new_id("price"), "object": "price", "currency": currency, "unit_amount": amount,
                      "type": "recurring", "recurring": {"interval": interval, "interval_count": 1},
                      "product": new_id("prod")},
        }]},
    }


def make_invoice(subscription: dict, *, paid: bool = True, amount: int | None = None,
                 invoice_id: str | None = None, payment_intent: str | None = None) -> dict:
    """An invoice as API 2025-09-30 shapes it: the subscription under parent.subscription_details."""
    amount = amount if amount is not None else subscription["items"]["data"][0]["price"]["unit_amount"]
    now = int(time.time())
    return {
        "id": invoice_id or new_id("in"), "object": "invoice", "customer": subscription["customer"],
        "currency": subscription["currency"], "amount_due": amount, "amount_paid": amount if paid else 0,
        "amount_remaining": 0 if paid else amount, "status": "paid" if paid else "open",
        "billing_reason": "subscription_cycle", "created": now,
        "status_transitions": {"paid_at": now if paid else None, "finalized_at": now},
        "parent": {"type": "subscription_details", "quote_details": None, "subscription_details": {
            "subscription": subscription["id"], "metadata": dict(subscription["metadata"])}},
        "_payment_intent": payment_intent,
    }


def make_charge(*, payment_intent: str, amount: int, refunded: int, currency: str = "eur") -> dict:
    return {"id": new_id("ch"), "object": "charge", "amount": amount, "amount_refunded": refunded,
            "refunded": refunded >= amount, "currency": currency, "payment_intent": payment_intent,
            "status": "succeeded", "metadata": {}}


def make_event(event_type: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> dict:
    obj = {k: v for k, v in obj.items() if not k.startswith("_")}
    return {"id": event_id or new_id("evt"), "object": "event", "api_version": "2025-09-30.clover",
            "created": created if created is not None else int(time.time()), "type": event_type,
            "livemode": False, "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
            "data": {"object": json.loads(json.dumps(obj))}}


def signature_header(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """``t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<payload>">``, as Stripe signs webhooks."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signed(event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> tuple[str, dict]:
    """A webhook body and its headers."""
    payload = json.dumps(event)
    headers = {"Stripe-Signature": signature_header(payload, secret, timestamp), "Content-Type": "application/json"}
    return payload, headers


# --- over HTTP ------------------------------------------------------------------------------------


class FakeStripeServer:
    """FakeStripe on http://127.0.0.1:<port>; its Checkout URLs land on a local page it serves."""

    def __init__(self, fake: FakeStripe | None = None):
        self.fake = fake or FakeStripe()
        fake_ref = self.fake

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method):
                if self.path.startswith("/checkout/"):
                    page = (f"<!doctype html><title>Fake Checkout</title><h1>Fake Stripe Checkout</h1>"
                            f"<p id=session>{self.path.rsplit('/', 1)[-1]}</p>").encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                text, status, headers = fake_ref.handle(method, self.path, dict(self.headers), body)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.fake.checkout_base = self.url + "/checkout/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> FakeStripeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- pytest fixture (import it into a test module: ``from tests.fakes.stripe import fake_stripe``) ---

import pytest  # noqa: E402


@pytest.fixture
def fake_stripe(app):
    """Payments on, every Stripe call answered by a FakeStripe (returned)."""
    from readerdesk.services.patrons.stripe.client import HTTP_CLIENT_EXTENSION

    fake = FakeStripe()
    app.config.update(STRIPE_SECRET_KEY="sk_test_readerdesk", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET)
    app.extensions[HTTP_CLIENT_EXTENSION] = FakeStripeHTTPClient(fake)
    yield fake
    app.extensions.pop(HTTP_CLIENT_EXTENSION, None)
