"""Who may change what is stored: sign-in with an allow-list, an editor passcode, or open editing.

Viewing is always open. Uploading, withdrawing and writing commentary need an officer:
- `oidc`: an OpenID Connect provider (e.g. Microsoft Entra ID) is configured under `[auth]` in
  `.streamlit/secrets.toml`; officers sign in with `st.login` and must be on `editor_emails`;
- `passcode`: `editor_passcode` in secrets or `DASHBOARD_EDITOR_PASSCODE` in the environment;
- `open`: neither is configured; editing works and every page says it is open to anyone.
An `[auth]` section that cannot be used (a missing setting, a mistyped address) is `misconfigured`:
editing is closed, never open, until an administrator fixes it. Wrong passcodes slow the next try
down, per session and per client address, after a few (`PasscodeThrottle`).
"""
from __future__ import annotations

import hmac
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import urlparse

DISCOVERY_PATH = "/.well-known/openid-configuration"


def _providers(auth: Mapping) -> list[tuple[str, Mapping]]:
    """The identity providers an `[auth]` section names: itself, or each named subsection."""
    named = [(name, part) for name, part in auth.items() if isinstance(part, Mapping)]
    return named or [("auth", auth)]


def sign_in_problem(auth: object) -> str:
    """What stops an `[auth]` section from working, in words for an administrator ("" when it can work).

    st.login needs a redirect address and a cookie secret, and a provider with a client id, a client
    secret and its OpenID Connect discovery address (https, ending in /.well-known/openid-configuration).
    """
    if not isinstance(auth, Mapping):
        return "the [auth] section is not a table of settings"
    missing = [key for key in ("redirect_uri", "cookie_secret") if not auth.get(key)]
    if missing:
        return f"[auth] has no {' or '.join(missing)}"
    for name, provider in _providers(auth):
        gaps = [key for key in ("client_id", "client_secret", "server_metadata_url") if not provider.get(key)]
        address = str(provider.get("server_metadata_url") or "")
        parsed = urlparse(address)
        if gaps:
            return f"[{name}] has no {', '.join(gaps)}"
        if parsed.scheme != "https" or not parsed.netloc or not parsed.path.endswith(DISCOVERY_PATH):
            return (f"[{name}] server_metadata_url must be an https address ending in {DISCOVERY_PATH}; "
                    "check it for a typing mistake")
    return ""


def editing_mode(secrets: Mapping, env: Mapping) -> str:
    """`oidc`, `misconfigured`, `passcode` or `open`, from what the deployment configured."""
    if "auth" in secrets:
        return "misconfigured" if sign_in_problem(secrets.get("auth")) else "oidc"
    if expected_passcode(secrets, env):
        return "passcode"
    return "open"


def expected_passcode(secrets: Mapping, env: Mapping) -> str:
    """The editor passcode from secrets, else the environment ("" when none is set)."""
    return str(secrets.get("editor_passcode") or env.get("DASHBOARD_EDITOR_PASSCODE") or "")


def editor_emails(secrets: Mapping, env: Mapping) -> set[str]:
    """The allow-list of editors' email addresses, lower-cased (secrets list or comma-separated env)."""
    listed = secrets.get("editor_emails") or env.get("DASHBOARD_EDITOR_EMAILS") or []
    if isinstance(listed, str):
        listed = listed.split(",")
    return {email.strip().lower() for email in listed if email.strip()}


def passcode_matches(given: str, expected: str) -> bool:
    """Compare a typed passcode in constant time, so timing reveals nothing about the real one."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def may_edit(email: str | None, allowed: set[str]) -> bool:
    """True when a signed-in officer's email is on the allow-list."""
    return bool(email) and email.strip().lower() in allowed


class PasscodeThrottle:
    """Slows down guessing: after `FREE_TRIES` wrong passcodes from a session or a client address, each
    further try waits twice as long as the one before (1 s, 2 s, 4 s... up to `LONGEST_WAIT`).

    Shared by every session of the app process; the keys are the session and the client address.
    """

    FREE_TRIES = 5
    LONGEST_WAIT = 300.0

    def __init__(self) -> None:
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait(self, keys: Iterable[str], now: float) -> float:
        """Seconds to wait before another try may be checked (0 when it may be now)."""
        with self._lock:
            return max([0.0, *(self._until(key) - now for key in keys)])

    def _until(self, key: str) -> float:
        """When a key may try again."""
        count, last = self._failures.get(key, (0, 0.0))
        if count < self.FREE_TRIES:
            return 0.0
        return last + min(2.0 ** (count - self.FREE_TRIES), self.LONGEST_WAIT)

    def failed(self, keys: Iterable[str], now: float) -> int:
        """Record a wrong passcode; the number of wrong ones in a row from the first key."""
        counts = []
        with self._lock:
            for key in keys:
                count = self._failures.get(key, (0, 0.0))[0] + 1
                self._failures[key] = (count, now)
                counts.append(count)
        return counts[0] if counts else 0

    def succeeded(self, keys: Iterable[str]) -> None:
        """Forget the wrong tries of these keys."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
