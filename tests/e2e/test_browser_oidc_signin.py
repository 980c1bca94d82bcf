"""Signing in through a real OpenID Connect provider, in a real browser.

The provider is oidc-provider-mock (tests/integration/oauth/oidc_fixtures.py) on 127.0.0.1; the
site runs with it configured as ``RECIPEBOX_OAUTH_LOCALOIDC_*``, as `recipebox serve` and as the
Lambda emulator under the ``dev`` stage, where the callback URL must keep ``/dev``. The
provider's page asks for a subject and offers "Authorize" and "Deny"; anything it loads from
outside 127.0.0.1 (its stylesheet comes from a CDN) is refused, so the tests need no network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from browsing import OpenPage, Site, Traffic, url_of
from oidc_fixtures import running_oidc_provider, set_claims
from playwright.sync_api import Page, expect

LABEL = "Local OIDC"
BUTTON = f"Continue with {LABEL}"
OFF_HOST = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")  # any URL not on 127.0.0.1


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_oidc_provider() as url:
        yield url


@pytest.fixture(scope="module", params=["wsgi", "lambda-rest-dev"])
def oidc_site(
    request: pytest.FixtureRequest,
    issuer: str,
    start_site: Callable[..., AbstractContextManager[Site]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Site]:
    """The site with the provider configured (one server of each kind for this module)."""
    env = {
        "RECIPEBOX_OAUTH_LOCALOIDC_KIND": "oidc",
        "RECIPEBOX_OAUTH_LOCALOIDC_ISSUER": issuer,
        "RECIPEBOX_OAUTH_LOCALOIDC_CLIENT_ID": "recipebox-e2e",
        "RECIPEBOX_OAUTH_LOCALOIDC_CLIENT_SECRET": "e2e-secret",
        "RECIPEBOX_OAUTH_LOCALOIDC_LABEL": LABEL,
    }
    data_dir = tmp_path_factory.mktemp(f"oidc-{request.param}")
    with start_site(request.param, data_dir, env) as site:
        yield site


def open_signin(open_page: OpenPage, site: Site) -> tuple[Page, Traffic]:
    """A fresh browser on the sign-in page, offline but for 127.0.0.1."""
    page, traffic = open_page(site)
    page.route(OFF_HOST, lambda route: route.abort())
    page.goto(site.at("/auth/signin"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    return page, traffic


def go_to_provider(page: Page, site: Site, issuer: str) -> None:
    """Press the provider's button; check its page and the callback URL it will send us to."""
    page.get_by_role("link", name=BUTTON).click()
    expect(page).to_have_url(re.compile(re.escape(f"{issuer}/oauth2/authorize?")))
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    callback = site.at("/auth/callback/localoidc")  # with /dev under the stage
    expect(page.get_by_text(f"You will be redirected to {callback}")).to_be_visible()


def test_sign_in_with_the_provider_then_sign_out(
    oidc_site: Site, issuer: str, open_page: OpenPage
) -> None:
    site = oidc_site
    subject = f"ada-{site.kind}"
    set_claims(issuer, subject, {"name": "Ada Lovelace", "preferred_username": "ada"})
    page, traffic = open_signin(open_page, site)

    go_to_provider(page, site, issuer)
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()

    # Back on the site's home page, signed in under the name from the ID token.
    expect(page).to_have_url(url_of(site, "/"))
    me = page.get_by_role("link", name="Settings for Ada Lovelace")
    expect(me).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_have_count(0)
    assert any(
        d.startswith(f"GET {site.at('/auth/callback/localoidc')}?") for d in traffic.documents
    )

    # The list needs a signed-in person: it opens, no detour through the sign-in page.
    page.get_by_role("banner").get_by_role("link", name="My list").click()
    expect(page).to_have_url(url_of(site, "/list"))
    expect(page.get_by_role("heading", name="My list", level=1)).to_be_visible()

    # Sign out from Settings: the header offers to sign in again and the list is closed.
    me.click()
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(url_of(site, "/"))
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("link", name="Settings for Ada Lovelace")).to_have_count(0)
    page.goto(site.at("/list"))
    expect(page).to_have_url(url_of(site, "/auth/signin"))
    expect(page.get_by_role("link", name=BUTTON)).to_be_visible()

    assert traffic.failures == []
    assert traffic.outside_site() == []


def test_denied_consent_ends_on_a_clear_page_back_to_sign_in(
    oidc_site: Site, issuer: str, open_page: OpenPage
) -> None:
    site = oidc_site
    page, traffic = open_signin(open_page, site)

    go_to_provider(page, site, issuer)
    page.get_by_role("button", name="Deny").click()

    expect(page).to_have_url(re.compile(re.escape(site.at("/auth/callback/localoidc")) + r"\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cancelled")
    expect(page.get_by_role("main")).to_contain_text(
        f"{LABEL} did not sign you in: the request was cancelled or refused. Nothing changed."
    )
    expect(page.get_by_role("main")).to_contain_text("Sign-in error · cancelled")
    expect(page.get_by_role("main")).not_to_contain_text("Traceback")
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    assert [status for status, _ in traffic.failures] == [400]

    page.get_by_role("link", name="Back to sign in").click()
    expect(page).to_have_url(url_of(site, "/auth/signin"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=BUTTON)).to_be_visible()
    assert traffic.outside_site() == []
