"""Who may edit: OIDC sign-in with an allow-list, an editor passcode, or open editing."""
import pytest

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


GOOD_AUTH = {"redirect_uri": "https://x/oauth2callback", "cookie_secret": "s",
             "microsoft": {"client_id": "id", "client_secret": "c",
                           "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"}}


@pytest.mark.parametrize("change, words", [
    ({"cookie_secret": ""}, "[auth] has no cookie_secret"),
    ({"microsoft": {**GOOD_AUTH["microsoft"], "server_metadata_url": "https://login.microsoftonline.com/t/v2.0/"
                                                                     ".well-knwon/openid-configuration"}},
     "[microsoft] server_metadata_url must be an https address ending in /.well-known/openid-configuration"),
    ({"microsoft": {**GOOD_AUTH["microsoft"], "server_metadata_url": "http://login.example/.well-known/"
                                                                     "openid-configuration"}}, "https address"),
    ({"microsoft": {"client_id": "id", "server_metdata_url": "https://x/.well-known/openid-configuration"}},
     "[microsoft] has no client_secret, server_metadata_url"),
])
def test_sign_in_that_cannot_work_closes_editing_and_says_why(change, words):
    secrets = {"auth": {**GOOD_AUTH, **change}, "editor_passcode": "also set"}
    assert access.editing_mode(secrets, {}) == "misconfigured"  # never open, nor the passcode instead
    assert words in access.sign_in_problem(secrets["auth"])
    assert access.sign_in_problem(GOOD_AUTH) == ""


def test_wrong_passcodes_wait_longer_and_longer_after_five():
    throttle = access.PasscodeThrottle()
    keys = ["session:a", "client:10.0.0.1"]
    for attempt in range(1, 6):
        assert throttle.wait(keys, now=100.0) == 0
        assert throttle.failed(keys, now=100.0) == attempt
    assert throttle.wait(keys, now=100.0) == 1.0  # the 6th try waits 1 s after the 5th failure
    throttle.failed(keys, now=101.0)
    assert throttle.wait(keys, now=101.0) == 2.0  # then 2 s, 4 s...
    # another session from the same address waits too; another address in a new session does not
    assert throttle.wait(["session:b", "client:10.0.0.1"], now=101.0) == 2.0
    assert throttle.wait(["session:c", "client:10.0.0.2"], now=101.0) == 0
    for _ in range(30):
        throttle.failed(keys, now=200.0)
    assert throttle.wait(keys, now=200.0) == access.PasscodeThrottle.LONGEST_WAIT
    throttle.succeeded(keys)
    assert throttle.wait(keys, now=200.0) == 0


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
