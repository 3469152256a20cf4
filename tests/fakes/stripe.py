"""A fake Stripe for tests: the part of the API readerdesk uses, answering with Stripe-shaped JSON.

* ``FakeStripe`` keeps customers, products, prices (found by ``lookup_key``), checkout sessions,
  subscriptions, invoices, portal configurations and events, and records every request (method,
  path, parsed form parameters, headers) for assertions. Checkout sessions expire (``expire_session``),
  and complete paid, or processing for a delayed method that later succeeds or fails. An erasure
  cancels subscriptions and deletes customers.
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

from readerdesk.services.patrons.stripe.client import STRIPE_API_VERSION

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
        self.products: dict[str, dict] = {}
        self.prices: dict[str, dict] = {}
        self.portal_configurations: list[dict] = []
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
        routes = {
            ("GET", "customers"): self._list_customers,
            ("POST", "customers"): self._create_customer,
            ("POST", "products"): self._create_product,
            ("GET", "prices"): self._list_prices,
            ("POST", "prices"): self._create_price,
            ("POST", "billing_portal/configurations"): self._create_portal_configuration,
            ("POST", "billing_portal/sessions"): self._create_portal_session,
            ("POST", "checkout/sessions"): self._create_session,
            ("GET", "subscriptions"): self._list_subscriptions,
            ("GET", "events"): self._list_events,
            ("GET", "invoice_payments"): self._list_invoice_payments,
        }
        handler = routes.get((r.method, "/".join(segments)))
        if handler is not None:
            return handler(r.params)
        stores = {"checkout/sessions": ("checkout.session", self.sessions),
                  "subscriptions": ("subscription", self.subscriptions),
                  "payment_intents": ("payment_intent", self.payment_intents),
                  "invoices": ("invoice", self.invoices)}
        if r.method == "GET" and len(segments) >= 2 and "/".join(segments[:-1]) in stores:
            kind, store = stores["/".join(segments[:-1])]
            found = store.get(segments[-1])
            return (200, found) if found else _missing(kind, segments[-1])
        message = f"Unrecognized request URL ({r.method}: {r.path})."
        return 404, {"error": {"type": "invalid_request_error", "message": message}}

    def _list_customers(self, params: dict) -> tuple[int, dict]:
        return 200, _list("/v1/customers", [c for c in self.customers.values() if c["email"] == params.get("email")])

    def _create_customer(self, params: dict) -> tuple[int, dict]:
        customer = {"id": new_id("cus"), "object": "customer", "email": params.get("email"),
                    "name": params.get("name"), "metadata": params.get("metadata", {}), "created": int(time.time())}
        self.customers[customer["id"]] = customer
        return 200, customer

    def _create_product(self, params: dict) -> tuple[int, dict]:
        product = {"id": new_id("prod"), "object": "product", "name": params.get("name"), "active": True,
                   "metadata": params.get("metadata", {}), "created": int(time.time())}
        self.products[product["id"]] = product
        return 200, product

    def _list_prices(self, params: dict) -> tuple[int, dict]:
        keys = params.get("lookup_keys") or []
        found = [p for p in self.prices.values() if p.get("lookup_key") in keys and p["active"]]
        return 200, _list("/v1/prices", found)

    def _create_portal_configuration(self, params: dict) -> tuple[int, dict]:
        configuration = {"id": new_id("bpc"), "object": "billing_portal.configuration", "active": True,
                         "features": params.get("features", {}), "metadata": params.get("metadata", {})}
        self.portal_configurations.append(configuration)
        return 200, configuration

    def _create_portal_session(self, params: dict) -> tuple[int, dict]:
        portal = {"id": new_id("bps"), "object": "billing_portal.session", "customer": params.get("customer"),
                  "url": f"https://billing.stripe.com/p/session/{new_id('live')}",
                  "configuration": params.get("configuration"), "return_url": params.get("return_url")}
        self.portal_sessions.append(portal)
        return 200, portal

    def _list_subscriptions(self, params: dict) -> tuple[int, dict]:
        status, customer = params.get("status"), params.get("customer")
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

    def _list_events(self, params: dict) -> tuple[int, dict]:
        gte = int((params.get("created") or {}).get("gte", 0))
        types = params.get("types") or []
        found = [e for e in self.events if e["created"] >= gte and (not types or e["type"] in types)]
        return 200, _list("/v1/events", sorted(found, key=lambda e: -e["created"]))

    def _list_invoice_payments(self, params: dict) -> tuple[int, dict]:
        intent = (params.get("payment") or {}).get("payment_intent")
        invoice_id = params.get("invoice")
        found = [{"object": "invoice_payment", "id": new_id("inpay"), "invoice": inv["id"], "status": "paid",
                  "payment": {"type": "payment_intent", "payment_intent": inv["_payment_intent"]}}
                 for inv in self.invoices.values() if inv.get("_payment_intent")
                 and (inv["_payment_intent"] == intent or inv["id"] == invoice_id)]
        return 200, _list("/v1/invoice_payments", found)

    def _create_price(self, params: dict) -> tuple[int, dict]:
        if params.get("product") not in self.products:
            return _missing("product", str(params.get("product")))
        key = params.get("lookup_key")
        taken = [p for p in self.prices.values() if key and p.get("lookup_key") == key]
        if taken and params.get("transfer_lookup_key") != "true":
            return 400, {"error": {"type": "invalid_request_error", "param": "lookup_key",
                                   "message": f"A price (`{taken[0]['id']}`) already uses that lookup key."}}
        for other in taken:
            other["lookup_key"] = None
        price = {"id": new_id("price"), "object": "price", "active": True, "currency": params["currency"],
                 "unit_amount": int(params["unit_amount"]), "product": params["product"], "lookup_key": key,
                 "nickname": params.get("nickname"), "metadata": params.get("metadata", {}), "type": "recurring",
                 "recurring": {"interval": params["recurring"]["interval"], "interval_count": 1},
                 "created": int(time.time())}
        self.prices[price["id"]] = price
        return 200, price

    def _line_price(self, item: dict) -> dict:
        """The price a checkout line stands for: a stored Price, or the inline ``price_data``."""
        if "price" in item:
            return self.prices[item["price"]]
        data = item["price_data"]
        return {"id": new_id("price"), "object": "price", "active": False, "currency": data["currency"],
                "unit_amount": int(data["unit_amount"]), "product": data.get("product"), "lookup_key": None,
                "metadata": {}, "type": "recurring" if "recurring" in data else "one_time",
                "recurring": ({"interval": data["recurring"]["interval"], "interval_count": 1}
                              if "recurring" in data else None)}

    def _create_session(self, params: dict) -> tuple[int, dict]:
        item = params["line_items"][0]
        if "price" in item and item["price"] not in self.prices:
            return _missing("price", item["price"])
        price = self._line_price(item)
        session_id = new_id("cs")
        now = int(time.time())
        session = {
            "id": session_id, "object": "checkout.session", "mode": params["mode"], "status": "open",
            "payment_status": "unpaid", "customer": params.get("customer"),
            "client_reference_id": params.get("client_reference_id"),
            "amount_total": price["unit_amount"] * int(item.get("quantity", 1)), "currency": price["currency"],
            "metadata": params.get("metadata", {}), "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"), "subscription": None, "payment_intent": None,
            "url": self.checkout_base + session_id, "created": now, "expires_at": now + 24 * 3600, "livemode": False,
            "_params": params, "_price": price,  # what was asked for, to build the subscription on completion
        }
        self.sessions[session_id] = session
        return 200, session

    def expire_session(self, session_id: str) -> dict:
        """Stripe expired the session (24 h passed): it can no longer be paid."""
        session = self.sessions[session_id]
        session.update(status="expired", expires_at=int(time.time()) - 60)
        return session

    # Driving the fake like a paying reader would ------------------------------------------------

    def complete_session(self, session_id: str, *, paid: bool = True) -> dict:
        """The reader finished Checkout: paid, or (``paid=False``) with a delayed method such as SEPA
        Debit that is still processing. A subscription appears for subscription sessions."""
        session = self.sessions[session_id]
        session["status"] = "complete"
        session["payment_status"] = "paid" if paid else "unpaid"
        params, price = session["_params"], session["_price"]
        if session["mode"] == "subscription":
            sub = make_subscription(customer=session["customer"], price=price,
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

    def settle_session(self, session_id: str, *, succeeded: bool = True) -> dict:
        """The delayed payment of a processing session arrived (or failed): the object of
        ``checkout.session.async_payment_succeeded`` (or ``..._failed``)."""
        session = self.sessions[session_id]
        session["payment_status"] = "paid" if succeeded else "unpaid"
        if session.get("subscription"):
            self.subscriptions[session["subscription"]]["status"] = "active" if succeeded else "past_due"
        if session.get("payment_intent"):
            intent = self.payment_intents[session["payment_intent"]]
            intent["status"] = "succeeded" if succeeded else "requires_payment_method"
        return session

    def change_price(self, subscription_id: str, price_id: str) -> dict:
        """A plan change in the Customer Portal: the subscription's item now has another Price."""
        sub = self.subscriptions[subscription_id]
        sub["items"]["data"][0]["price"] = self.prices[price_id]
        return sub

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


def make_subscription(*, customer: str, amount: int | None = None, currency: str = "eur", interval: str = "month",
                      metadata: dict | None = None, status: str = "active", sub_id: str | None = None,
                      price: dict | None = None) -> dict:
    now = int(time.time())
    sub_id = sub_id or new_id("sub")
    price = price or {"id": new_id("price"), "object": "price", "currency": currency, "unit_amount": amount,
                      "type": "recurring", "recurring": {"interval": interval, "interval_count": 1},
                      "lookup_key": None, "metadata": {}, "product": new_id("prod")}
    return {
        "id": sub_id, "object": "subscription", "customer": customer, "status": status, "currency": price["currency"],
        "metadata": dict(metadata or {}), "cancel_at_period_end": False, "canceled_at": None, "ended_at": None,
        "created": now, "start_date": now,
        "items": {"object": "list", "data": [{
            "id": new_id("si"), "object": "subscription_item", "quantity": 1, "subscription": sub_id,
            "created": now, "current_period_start": now, "current_period_end": now + 30 * 86400, "price": price,
        }]},
    }


def make_invoice(subscription: dict, *, paid: bool = True, amount: int | None = None,
                 invoice_id: str | None = None, payment_intent: str | None = None) -> dict:
    """An invoice as the pinned API version shapes it in a webhook: the subscription under
    ``parent.subscription_details``, and no ``payments`` (they come only when expanded: the fake
    answers ``GET /v1/invoice_payments?invoice=...`` with ``payment_intent``)."""
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


def make_dispute(charge: dict, *, status: str = "needs_response", amount: int | None = None,
                 dispute_id: str | None = None, reason: str = "fraudulent") -> dict:
    """A dispute of ``charge``, as ``charge.dispute.*`` events carry it."""
    return {"id": dispute_id or new_id("dp"), "object": "dispute", "amount": amount or charge["amount"],
            "currency": charge["currency"], "charge": charge["id"], "payment_intent": charge["payment_intent"],
            "reason": reason, "status": status, "created": int(time.time()), "is_charge_refundable": False,
            "evidence_details": {"due_by": int(time.time()) + 7 * 86400, "has_evidence": False,
                                 "past_due": False, "submission_count": 0},
            "metadata": {}, "livemode": False}


def make_event(event_type: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> dict:
    obj = {k: v for k, v in obj.items() if not k.startswith("_")}
    return {"id": event_id or new_id("evt"), "object": "event", "api_version": STRIPE_API_VERSION,
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
