"""Who may change things: officers sign in (OpenID Connect), give the editor passcode, or, when
neither is configured, anyone may edit and every page says so. A sign-in set up wrongly closes
editing; wrong passcodes slow the next try down (see access.PasscodeThrottle)."""
from __future__ import annotations

import hashlib
import logging
import math
import os
import secrets as tokens
import time

import streamlit as st

import access
from ui.data import secrets
from ui.text import literal


def editing_mode() -> str:
    """How editing is controlled in this deployment: `oidc`, `passcode` or `open`."""
    return access.editing_mode(secrets(), os.environ)


def editing_note() -> str:
    """The notice every page shows when anyone can edit."""
    if editing_mode() != "open":
        return ""
    return ("Editing is open to anyone who can reach this app: no editor sign-in or passcode is set. "
            "See the README to restrict uploads and commentary to officers.")


LOG = logging.getLogger("dashboard.access")


@st.cache_resource(show_spinner=False)
def passcode_throttle() -> access.PasscodeThrottle:
    """The one record of wrong passcodes for this app process (every session shares it)."""
    return access.PasscodeThrottle()


def _passcode_keys() -> list[str]:
    """Who is trying: this browser session and, when known, the client's address."""
    session = st.session_state.setdefault("passcode_session", tokens.token_hex(8))
    address = st.context.ip_address
    return [f"session:{session}"] + ([f"client:{address}"] if address else [])


def _passcode_accepted(given: str) -> bool:
    """Check a typed passcode, unless this session or address must wait after too many wrong ones.

    Each passcode typed counts once, however often the page reruns with it still in the box.
    """
    fingerprint = hashlib.sha256(given.encode("utf-8")).hexdigest()
    checked = st.session_state.get("passcode_checked")
    if checked and checked[0] == fingerprint:
        if not checked[1]:
            st.error("That passcode is not right. Nothing has been saved.")
        return checked[1]
    keys, now = _passcode_keys(), time.monotonic()
    wait = passcode_throttle().wait(keys, now)
    if wait > 0:
        st.error(f"Too many wrong passcodes: try again in {math.ceil(wait)} seconds. Nothing has been saved.")
        return False
    if access.passcode_matches(given, access.expected_passcode(secrets(), os.environ)):
        passcode_throttle().succeeded(keys)
        st.session_state["passcode_checked"] = (fingerprint, True)
        return True
    st.session_state["passcode_checked"] = (fingerprint, False)
    wrong = passcode_throttle().failed(keys, now)
    LOG.warning("wrong editor passcode, %d in a row, from %s", wrong, keys[-1])  # never the attempt itself
    st.error("That passcode is not right. Nothing has been saved.")
    return False


def editor(action: str) -> str | None:
    """The officer allowed to `action` (their email or name), or None after showing how to get access."""
    mode = editing_mode()
    if mode == "misconfigured":
        st.error("Editing is closed: sign-in is set up for this dashboard but cannot work ("
                 f"{literal(access.sign_in_problem(secrets().get('auth')))}). Ask the dashboard's administrator to "
                 "correct the [auth] settings in .streamlit/secrets.toml.", icon=":material/lock:")
        return None
    if mode == "oidc":
        if not st.user.is_logged_in:
            st.info(f"Sign in as an officer to {action}.")
            st.button("Sign in", on_click=st.login, icon=":material/login:")
            return None
        email = st.user.get("email")
        if not access.may_edit(email, access.editor_emails(secrets(), os.environ)):
            st.error(f"{literal(email)} is not on the list of officers who may {action}. Ask the dashboard's "
                     "administrator.")
            st.button("Sign out", on_click=st.logout)
            return None
        return email
    name = st.text_input("Your name (kept with the change)", key=f"editor_name_{action}", max_chars=80)
    if mode == "passcode":
        given = st.text_input("Editor passcode", type="password", key=f"editor_passcode_{action}")
        if not given or not _passcode_accepted(given):
            return None
    return name.strip() or None
