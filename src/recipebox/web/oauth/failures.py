"""Why a sign-in stopped, in words for the person signing in, with the HTTP status of the page.

Every failure of the OAuth flow ends on one page (templates/auth_failed.html) with a way back
to the sign-in page: never a traceback, never a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass

DEPLOY_HINT = (
    "If this server runs in an AWS VPC without a NAT gateway, see docs/deploy.md "
    "(the function needs a route to the internet)."
)


@dataclass(frozen=True, slots=True)
class Reason:
    status: int
    title: str
    message: str  # may use {label} and {timeout}


REASONS: dict[str, Reason] = {
    "unreachable": Reason(
        502,
        "Could not reach {label}",
        "The sign-in provider could not be reached from this server. " + DEPLOY_HINT,
    ),
    "timeout": Reason(
        504,
        "{label} did not answer in time",
        "The sign-in provider could not be reached from this server: it did not answer "
        "within {timeout:g} s. " + DEPLOY_HINT,
    ),
    "cancelled": Reason(
        400,
        "Sign-in cancelled",
        "{label} did not sign you in: the request was cancelled or refused. Nothing changed.",
    ),
    "expired": Reason(
        400,
        "This sign-in has expired",
        "This sign-in did not start in this browser, was started again in another tab, or "
        "took too long. Please start again.",
    ),
    "unverified": Reason(
        400,
        "The answer from {label} could not be verified",
        "The sign-in was refused for your safety. Please try again; if it keeps happening, "
        "tell the site's administrator.",
    ),
    "misconfigured": Reason(
        502,
        "Sign-in with {label} is not set up correctly",
        "The provider does not accept this site's settings. The site's administrator should "
        "check them (see docs/auth.md).",
    ),
    "provider_error": Reason(
        502,
        "{label} had a problem",
        "The sign-in provider answered with an error. Please try again in a moment.",
    ),
    "taken": Reason(
        409,
        "That {label} account belongs to someone else here",
        "It is linked to another recipebox account. Sign in with it to use that account, "
        "or unlink it there first.",
    ),
    "other_account": Reason(
        409,
        "You already linked another {label} account",
        "Unlink it in Settings first, then link this one.",
    ),
}


class SignInFailed(Exception):
    """A sign-in that cannot go on. `detail` is technical: logged and shown in small print."""

    def __init__(self, reason: str, label: str, detail: str = "", *, timeout: float = 0.0) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = REASONS[reason]
        self.code = reason
        self.label = label
        self.detail = detail
        self.timeout = timeout

    @property
    def title(self) -> str:
        return self.reason.title.format(label=self.label)

    @property
    def message(self) -> str:
        return self.reason.message.format(label=self.label, timeout=self.timeout)
