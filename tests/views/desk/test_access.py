"""Every /desk route is for staff only, every admin route for admins only; no route slips through."""

import pytest

from readerdesk.models import Role
from tests.factories import make_correction, make_poll, make_site, make_user
from tests.helpers import sign_in


def desk_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/desk")]



def _substitute(path: str, values: dict) -> str:
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), path)


@pytest.fixture
def ids(db_session):
    editor = make_user(db_session, "ed@example.com")
    author = make_user(db_session, "writer@example.com", Role.AUTHOR, byline="Olena Koval")
    admin = make_user(db_session, "boss@example.com", Role.ADMIN)
    correction = make_correction(db_session)
    site = make_site(db_session)
    poll = make_poll(db_session, site)
    db_session.commit()
    # patron_id: the patrons desk is admin-only, refused before any lookup; no patron is needed.
    return {"correction_id": correction.id, "user_id": editor.id, "site_id": site.id, "member": correction.id,
            "patron_id": 1, "editor": editor, "admin": admin, "author": author,
            "poll_id": poll.id, "topic_id": poll.topics[0].id, "suggestion_id": 1}


def requests_for(app, ids):
    for rule in desk_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, _substitute(rule.rule, ids)


def test_every_desk_view_declares_who_may_use_it(app):
    missing = [rule.endpoint for rule in desk_rules(app)
               if getattr(app.view_functions[rule.endpoint], "access", None) not in ("staff", "admin", "author")]
    assert desk_rules(app) and missing == [], f"add @staff_required, @admin_required or @author_allowed to: {missing}"


def test_anonymous_visitors_are_sent_to_sign_in(app, client, ids):
    for _rule, method, url in requests_for(app, ids):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/login"), (method, url)


def test_editors_get_403_on_every_admin_route_and_in_on_staff_routes(app, client, ids):
    sign_in(client, ids["editor"])
    for rule, method, url in requests_for(app, ids):
        response = client.open(url, method=method)
        if app.view_functions[rule.endpoint].access == "admin":
            assert response.status_code == 403, (method, url)
        elif rule.endpoint == "account.end_sessions":  # "sign out everywhere" does what it says
            assert response.headers["Location"] == "/auth/login", (method, url)
            sign_in(client, ids["editor"])
        else:
            assert response.status_code not in (302, 401, 403), (method, url, response.status_code)


def test_admins_reach_the_admin_pages(client, ids):
    sign_in(client, ids["admin"])
    for url in ("/desk/admin/users", "/desk/admin/sites", f"/desk/admin/sites/{ids['site_id']}", "/desk/"):
        assert client.get(url).status_code == 200, url


# Authors reach their statistics and their own account pages; every other desk route refuses them.
AUTHOR_ROUTES = ("desk_stats.", "account.")


def test_authors_get_403_everywhere_but_their_statistics_and_account(app, client, ids):
    sign_in(client, ids["author"])
    reached = []
    for rule, method, url in requests_for(app, ids):
        response = client.open(url, method=method)
        if rule.endpoint.startswith(AUTHOR_ROUTES):
            if rule.endpoint == "account.end_sessions":
                sign_in(client, ids["author"])
            assert response.status_code not in (401, 403), (method, url, response.status_code)
            reached.append(rule.endpoint)
        else:
            assert response.status_code == 403, (method, url, response.status_code)
    assert "desk_stats.index" in reached and "account.index" in reached
