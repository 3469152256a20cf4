"""A real WordPress for the tests: Debian's ``wordpress`` package on PHP's built-in server, against
the machine's MariaDB (127.0.0.1:3306, root without a password). One install per test session.

The fixture creates a fresh database, writes Debian's ``/etc/wordpress/config-<name>.php`` (a name
of its own, passed to Debian's wp-config.php through ``WORDPRESS_CONFIG`` by the router script, so
parallel runs never share a configuration), installs WordPress with ``wp_install()`` (``WP_INSTALLING``
defined), creates an editor and a subscriber with application passwords (``WP_Application_Passwords``;
``WP_ENVIRONMENT_TYPE`` is ``local`` so they work over plain http), and serves it with ``php -S`` and a
router script for pretty permalinks (``/wp-json/``). Everything is removed afterwards. Where
WordPress cannot be installed the tests skip and say why; ``.ci/run`` installs what it needs.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.local_servers import free_port

WORDPRESS = Path("/usr/share/wordpress")
CONFIG_DIR = Path("/etc/wordpress")
MARIADB = ("127.0.0.1", 3306)
# MariaDB databases the tests create are named with this prefix (and removed after the session).
DB_PREFIX = os.environ.get("TEST_WORDPRESS_DB_PREFIX", "wp_readerdesk_test_")

ROUTER = r"""<?php
// php -S router: Debian's wp-config.php reads /etc/wordpress/config-$WORDPRESS_CONFIG.php.
$_SERVER['WORDPRESS_CONFIG'] = getenv('READERDESK_WP_CONFIG');
$root = '/usr/share/wordpress';
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== '/' && is_file($root . $path)) {
    if (substr($path, -4) !== '.php') {
        return false;  // a static file, served as it is
    }
    $_SERVER['SCRIPT_NAME'] = $path;
    $_SERVER['SCRIPT_FILENAME'] = $root . $path;
    chdir(dirname($root . $path));
    require $root . $path;
    return true;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
require $root . '/index.php';
"""

INSTALL = r"""<?php
define('WP_INSTALLING', true);
$_SERVER['WORDPRESS_CONFIG'] = getenv('READERDESK_WP_CONFIG');
$_SERVER['HTTP_HOST'] = '127.0.0.1';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
add_filter('pre_wp_mail', '__return_false');  // no mail server here
wp_install('readerdesk test', 'admin', 'admin@example.test', false, '', wp_generate_password(24));
update_option('permalink_structure', '/%postname%/');
$users = [];
foreach (['editor' => 'editor', 'subscriber' => 'subscriber'] as $login => $role) {
    $id = wp_insert_user(['user_login' => 'rd-' . $login, 'user_pass' => wp_generate_password(24),
                          'user_email' => $login . '@example.test', 'role' => $role]);
    list($password) = WP_Application_Passwords::create_new_application_password($id, ['name' => 'readerdesk']);
    $users[$login] = ['user' => 'rd-' . $login, 'password' => $password];
}
echo json_encode($users);
"""


@dataclass
class RealWordPress:
    url: str
    editor: tuple[str, str]  # (user, application password) with the Editor role
    subscriber: tuple[str, str]  # a user who may not edit posts

    def rest(self, method: str, path: str, **kwargs) -> dict:
        response = requests.request(method, f"{self.url}/wp-json/wp/v2/{path}", auth=self.editor, timeout=30,
                                    **kwargs)
        response.raise_for_status()
        return response.json()

    def create_post(self, raw: str, title: str = "A post") -> dict:
        """A draft, then published, as in the editor: WordPress keeps that first version as a revision."""
        draft = self.rest("POST", "posts", json={"title": title, "content": raw, "status": "draft"})
        return self.rest("POST", f"posts/{draft['id']}", json={"status": "publish"})

    def raw(self, post_id: int) -> str:
        return self.rest("GET", f"posts/{post_id}", params={"context": "edit"})["content"]["raw"]

    def edit(self, post_id: int, raw: str) -> dict:
        return self.rest("POST", f"posts/{post_id}", json={"content": raw})


def _mysql(sql: str) -> None:
    subprocess.run(["mysql", "-h", MARIADB[0], "-P", str(MARIADB[1]), "-u", "root", "-e", sql], check=True,
                   capture_output=True, timeout=30)


def _why_not() -> str | None:
    """Why WordPress cannot be installed here, or None."""
    for tool in ("php", "mysql"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install wordpress php-cli php-mysql mariadb-client)"
    if not (WORDPRESS / "wp-settings.php").exists():
        return "Debian's wordpress package is not installed (/usr/share/wordpress)"
    if not os.access(CONFIG_DIR, os.W_OK):
        return f"{CONFIG_DIR} is not writable, so no WordPress configuration can be written"
    with socket.socket() as probe:
        probe.settimeout(2)
        if probe.connect_ex(MARIADB) != 0:
            return "MariaDB is not running on 127.0.0.1:3306"
    return None


@pytest.fixture(scope="session")
def real_wordpress(tmp_path_factory):
    reason = _why_not()
    if reason:
        pytest.skip(f"no real WordPress: {reason}")
    name = f"readerdesk-test-{secrets.token_hex(4)}"
    database = f"{DB_PREFIX}{secrets.token_hex(4)}"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    work = tmp_path_factory.mktemp("wordpress")
    config = CONFIG_DIR / f"config-{name}.php"
    (work / "router.php").write_text(ROUTER)
    (work / "install.php").write_text(INSTALL)
    env = {**os.environ, "READERDESK_WP_CONFIG": name, "PHP_CLI_SERVER_WORKERS": "2"}
    server = None
    _mysql(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    try:
        config.write_text(f"""<?php
define('DB_NAME', '{database}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '{MARIADB[0]}:{MARIADB[1]}');
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
""")
        installed = subprocess.run(["php", str(work / "install.php")], env=env, capture_output=True, text=True,
                                   timeout=120)
        if installed.returncode != 0:
            pytest.fail(f"wp_install failed: {installed.stdout[-500:]} {installed.stderr[-500:]}")
        users = json.loads(installed.stdout.strip().splitlines()[-1])
        # Its own process group: PHP_CLI_SERVER_WORKERS forks workers, which must go with it.
        server = subprocess.Popen(["php", "-S", f"127.0.0.1:{port}", "-t", str(WORDPRESS), str(work / "router.php")],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        deadline = time.monotonic() + 60  # PHP's first request is slow on a busy machine
        while True:
            try:
                if requests.get(f"{url}/wp-json/", timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("WordPress under php -S did not answer /wp-json/ within 60 s")
            time.sleep(0.2)
        yield RealWordPress(url, (users["editor"]["user"], users["editor"]["password"]),
                            (users["subscriber"]["user"], users["subscriber"]["password"]))
    finally:
        if server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        config.unlink(missing_ok=True)
        _mysql(f"DROP DATABASE IF EXISTS `{database}`")
