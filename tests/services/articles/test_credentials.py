"""WordPress write credentials: sealed with a key from SECRET_KEY, never stored or shown in clear."""

import pytest

from readerdesk.services.articles.credentials import (
    CredentialsError,
    clear_wordpress_credentials,
    set_wordpress_credentials,
    wordpress_credentials,
)
from tests.factories import make_site

KEY = "a-long-secret-key-for-these-tests"


def test_the_password_is_stored_sealed_and_read_back_with_the_same_key(db_session):
    site = make_site(db_session)
    set_wordpress_credentials(site, " desk ", " abcd efgh ijkl mnop ", secret_key=KEY)
    assert site.wordpress_user == "desk" and "abcd" not in site.wordpress_secret
    assert wordpress_credentials(site, secret_key=KEY).application_password == "abcd efgh ijkl mnop"


def test_another_secret_key_cannot_read_it_and_says_what_to_do(db_session):
    site = make_site(db_session)
    set_wordpress_credentials(site, "desk", "abcd efgh", secret_key=KEY)
    with pytest.raises(CredentialsError, match="was SECRET_KEY changed"):
        wordpress_credentials(site, secret_key=KEY + "-rotated")


@pytest.mark.parametrize("user, password, message", [
    ("", "abcd", "give the WordPress user name"),
    ("two words", "abcd", "no spaces or colons"),
    ("desk", "  ", "give the application password"),
    ("desk", "x" * 201, "at most 200 characters"),
])
def test_bad_input_is_refused_and_nothing_is_stored(db_session, user, password, message):
    site = make_site(db_session)
    with pytest.raises(CredentialsError, match=message):
        set_wordpress_credentials(site, user, password, secret_key=KEY)
    assert site.wordpress_user is None and site.wordpress_secret is None


def test_cleared_credentials_are_gone(db_session):
    site = make_site(db_session)
    set_wordpress_credentials(site, "desk", "abcd", secret_key=KEY)
    clear_wordpress_credentials(site)
    assert wordpress_credentials(site, secret_key=KEY) is None
