"""Readers' and patrons' personal data: what is kept (``inventory``), for how long (``retention``),
how IP addresses are hashed (``ip_hashing``), access requests (``export``), erasure (``erasure``, with
``stripe_customers`` and the reader's own link in ``reader_links``), the notice shown where data is
collected (``notice``) and the audit log of all of it (``audit``)."""
