"""Who may change what is stored: sign-in with an allow-list, an editor passcode, or open editing.

Viewing is always open. Uploading, withdrawing and writing commentary need an officer:
- `oidc`: an OpenID Connect provider (e.g. Microsoft Entra ID) is configured under `[auth]` in
  `.streamlit/secrets.toml`; officers sign in with `st.login` and must be on `editor_emails`;
- `passcode`: `editor_passcode` in secrets or `DASHBOARD_EDITOR_PASSCODE` in the environment;
- `open`: neither is configured; editing works and every page says it is open to anyone.
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping


def _has_provider(auth: object) -> bool:
    """True when an `[auth]` section names an identity provider (directly or in a named subsection)."""
    if not isinstance(auth, Mapping):
        return False
    if auth.get("client_id") and auth.get("server_metadata_url"):
        return True
    return any(isinstance(part, Mapping) and part.get("client_id") and part.get("server_metadata_url")
               for part in auth.values())


def editing_mode(secrets: Mapping, env: Mapping) -> str:
    """`oidc`, `passcode` or `open`, from what the deployment configured."""
    if _has_provider(secrets.get("auth")):
        return "oidc"
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
