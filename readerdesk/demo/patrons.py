"""Sample patrons for the demo's patrons desk: a year of supporters joining, paying, a few leaving.

Deterministic, and added once per site (a site that has patrons is left alone). They carry no Stripe
ids, so ``stripe reconcile`` never touches them.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from readerdesk.models import (
    Interval,
    Patron,
    PatronStatus,
    Payment,
    PaymentStatus,
    Site,
    Subscription,
    SubscriptionAmount,
    WallStatus,
)
from readerdesk.models.types import DbSession

# (name, tier, amount in minor units, interval)
TIERS = [("coffee", 300, Interval.MONTH), ("reader", 800, Interval.MONTH), ("champion", 2000, Interval.MONTH),
         ("yearly", 3000, Interval.YEAR)]
NAMES = ["Olena Koval", "Marta Lind", "Jonas Berg", "Ines Duarte", "Tomas Novak", "Hanna Ritter", "Ola Nordmann",
         "Petra Sims", "Ilya Moroz", "Aisha Bello", "Liam Walsh", "Sofia Marin", "Kenji Sato", "Nora Haddad",
         "Pavlo Shevchuk", "Greta Holm", "Emil Strand", "Lucia Ferri", "Dmytro Bondar", "Ruth Adler",
         "Samir Kaddour", "Eva Horak", "Mikko Lahti", "Zoë Müller"]
DEMO_PATRONS = len(NAMES)


def add_demo_patrons(session: DbSession, site: Site, *, now: datetime, seed: int = 7) -> int:
    """About two dozen patrons over the last fourteen months, with their monthly or yearly payments."""
    if session.scalar(select(func.count(Patron.id)).where(Patron.site_id == site.id)):
        return 0
    rng = random.Random(seed)
    for i, name in enumerate(NAMES):
        tier, amount, interval = TIERS[rng.choices(range(len(TIERS)), weights=[8, 4, 1, 3])[0]]
        since = now - timedelta(days=rng.randint(5, 420))
        status = PatronStatus.ACTIVE
        canceled_at = None
        if i % 7 == 3:
            status, canceled_at = PatronStatus.CANCELED, since + timedelta(days=rng.randint(35, 200))
            if canceled_at > now:
                status, canceled_at = PatronStatus.ACTIVE, None
        elif i % 11 == 5:
            status = PatronStatus.PAST_DUE
        email = name.lower().replace(" ", ".").replace("ë", "e").replace("ü", "u") + "@example.org"
        patron = Patron(site_id=site.id, email=email, name=name, status=status, tier=tier, amount=amount,
                        currency=site.currency, interval=interval, supporter_since=since, canceled_at=canceled_at,
                        state_as_of=canceled_at or since, list_publicly=i % 3 == 0, display_name=name.split()[0],
                        wall_status=WallStatus.APPROVED if i % 6 == 0 else WallStatus.PENDING, created_at=since)
        session.add(patron)
        if interval.recurring:
            subscription = Subscription(patron=patron, started_at=since, ended_at=canceled_at)
            session.add(subscription)
            session.add(SubscriptionAmount(subscription=subscription, effective_at=since, amount=amount, tier=tier,
                                           currency=site.currency, interval=interval))
        step = timedelta(days=30 if interval is Interval.MONTH else 365)
        paid_at, end = since, canceled_at or now
        while paid_at <= end:
            session.add(Payment(patron=patron, amount=amount, currency=site.currency, status=PaymentStatus.PAID,
                                paid_at=paid_at, created_at=paid_at))
            paid_at += step
        if status is PatronStatus.PAST_DUE:
            session.add(Payment(patron=patron, amount=amount, currency=site.currency, status=PaymentStatus.FAILED,
                                failed_at=now - timedelta(days=2), created_at=now - timedelta(days=2)))
    session.flush()
    return DEMO_PATRONS
