from readerdesk.text.emails import hide_addresses, normalise_email


def test_addresses_compare_trimmed_lower_cased_and_composed():
    assert normalise_email("  Reader@Example.ORG ") == "reader@example.org"
    assert normalise_email("Zoe\u0308@example.org") == "zo\u00eb@example.org"


def test_error_messages_lose_the_addresses_they_quote():
    quoted = "550 <олена@приклад.укр> refused; also a.b+c@x.org."
    assert hide_addresses(quoted) == "550 <[address]> refused; also [address]"
    assert hide_addresses("connection refused") == "connection refused"
