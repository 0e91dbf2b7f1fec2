"""Who may change things: officers sign in (OpenID Connect), give the editor passcode, or, when
neither is configured, anyone may edit and every page says so."""
from __future__ import annotations

import os

import streamlit as st

import access
from ui.data import secrets


def editing_mode() -> str:
    """How editing is controlled in this deployment: `oidc`, `passcode` or `open`."""
    return access.editing_mode(secrets(), os.environ)


def editing_note() -> str:
    """The notice every page shows when anyone can edit."""
    if editing_mode() != "open":
        return ""
    return ("Editing is open to anyone who can reach this app: no editor sign-in or passcode is set. "
            "See the README to restrict uploads and commentary to officers.")


def editor(action: str) -> str | None:
    """The officer allowed to `action` (their email or name), or None after showing how to get access."""
    mode = editing_mode()
    if mode == "oidc":
        if not st.user.is_logged_in:
            st.info(f"Sign in as an officer to {action}.")
            st.button("Sign in", on_click=st.login, icon=":material/login:")
            return None
        email = st.user.get("email")
        if not access.may_edit(email, access.editor_emails(secrets(), os.environ)):
            st.error(f"{email} is not on the list of officers who may {action}. Ask the dashboard's administrator.")
            st.button("Sign out", on_click=st.logout)
            return None
        return email
    name = st.text_input("Your name (kept with the change)", key=f"editor_name_{action}", max_chars=80)
    if mode == "passcode":
        given = st.text_input("Editor passcode", type="password", key=f"editor_passcode_{action}")
        if given and not access.passcode_matches(given, access.expected_passcode(secrets(), os.environ)):
            st.error("That passcode is not right. Nothing has been saved.")
            return None
        if not given:
            return None
    return name.strip() or None
