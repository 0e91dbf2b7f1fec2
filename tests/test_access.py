"""Who may edit: OIDC sign-in with an allow-list, an editor passcode, or open editing."""
import access


def test_oidc_provider_in_secrets_means_sign_in():
    secrets = {"auth": {"redirect_uri": "https://x/oauth2callback", "cookie_secret": "s",
                        "microsoft": {"client_id": "id", "client_secret": "c",
                                      "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"}}}
    assert access.editing_mode(secrets, {}) == "oidc"


def test_passcode_from_secrets_or_environment():
    assert access.editing_mode({"editor_passcode": "p"}, {}) == "passcode"
    assert access.editing_mode({}, {"DASHBOARD_EDITOR_PASSCODE": "p"}) == "passcode"
    assert access.expected_passcode({"editor_passcode": "a"}, {"DASHBOARD_EDITOR_PASSCODE": "b"}) == "a"


def test_nothing_configured_means_open_editing():
    assert access.editing_mode({}, {}) == "open"
    assert access.editing_mode({"auth": {"cookie_secret": "only"}}, {}) == "open"


def test_passcode_comparison():
    assert access.passcode_matches("correct horse", "correct horse")
    assert not access.passcode_matches("correct hors", "correct horse")
    assert not access.passcode_matches("", "")
    assert not access.passcode_matches("anything", "")


def test_allow_list_is_case_insensitive_from_secrets_or_env():
    allowed = access.editor_emails({"editor_emails": ["Ann.Officer@Council.gov.uk"]}, {})
    assert access.may_edit("ann.officer@council.gov.uk", allowed)
    assert not access.may_edit("someone@else.org", allowed)
    assert not access.may_edit(None, allowed)
    assert access.editor_emails({}, {"DASHBOARD_EDITOR_EMAILS": "a@x.gov.uk, b@x.gov.uk"}) == {"a@x.gov.uk", "b@x.gov.uk"}
