"""The typed description of a deployment: topology, front door, domain, sizes, names.

A `Stack` is what `recipebox template`, `policy` and `deploy` are told; `template.build` turns
it into the SAM template, `policies` into IAM policies. It knows which functions the topology
has and which parts of the app each one's package leaves out.

Topologies:
- dynamodb: one web function outside any VPC; data in a DynamoDB table (on-demand).
- split: the web function outside any VPC (it reaches sign-in providers and DynamoDB-free
  AWS APIs directly) invokes a data function that sits in the VPC's private subnets next to
  MySQL. Neither needs a NAT gateway.
- vpc-nat: one function in the VPC, for accounts whose private subnets already route to a
  NAT gateway (without one, sign-in providers are unreachable: the classic failure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from recipebox.deploy.target import ARCHITECTURES, PYTHONS, Target
from recipebox.domain.errors import RecipeboxError

TOPOLOGIES: Final = ("dynamodb", "split", "vpc-nat")
FRONTS: Final = ("function-url", "http-api", "rest-api")
WEB_HANDLER: Final = "recipebox.aws.handlers.web"
DATA_HANDLER: Final = "recipebox.aws.handlers.data"
_STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,29}\Z")
_DOMAIN = re.compile(r"(?=.{4,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z")
_BASE_PATH = re.compile(r"(/[A-Za-z0-9._~-]+)+\Z")
_STAGE = re.compile(r"[A-Za-z0-9_]{1,128}\Z")


class StackError(RecipeboxError):
    """A description that cannot be deployed; the message says which option to change."""


@dataclass(frozen=True, slots=True)
class Function:
    """One Lambda function of the stack."""

    key: str  # "web" or "data": the logical id prefix and the function name suffix
    handler: str
    in_vpc: bool
    without: tuple[str, ...]  # lock.OPTIONAL_GROUPS its package leaves out

    @property
    def logical_id(self) -> str:
        return self.key.capitalize() + "Function"

    @property
    def code_key_parameter(self) -> str:
        return self.key.capitalize() + "CodeKey"


@dataclass(frozen=True, slots=True)
class Stack:
    """A recipebox deployment. `name` is the CloudFormation stack name."""

    topology: str = "dynamodb"
    front: str = "function-url"
    name: str = "recipebox"
    domain: str = ""
    base_path: str = ""  # custom domain base-path mapping, e.g. "/recipes"; "" is the root
    stage: str = "live"  # API Gateway stage (REST API only: HTTP APIs use $default)
    arch: str = "arm64"
    python: str = "3.12"
    memory: int = 1024
    timeout: int = 28  # API Gateway gives up after 29 s (REST) / 30 s (HTTP API)
    data_timeout: int = 15  # below the web function's read timeout on invokes (20 s)
    database_port: int = 3306
    log_retention_days: int = 30
    url_import: bool = True  # package recipe-scrapers (URL import); False saves ~8 MB

    def __post_init__(self) -> None:
        checks = [
            (self.topology in TOPOLOGIES, f"--topology: one of {', '.join(TOPOLOGIES)}"),
            (self.front in FRONTS, f"--front: one of {', '.join(FRONTS)}"),
            (
                bool(_STACK_NAME.match(self.name)),
                "--stack-name: a letter, then up to 29 "
                "letters, digits or '-' (the name prefixes function and role names)",
            ),
            (self.arch in ARCHITECTURES, f"--arch: one of {', '.join(ARCHITECTURES)}"),
            (self.python in PYTHONS, f"--python: one of {', '.join(PYTHONS)}"),
            (not self.domain or bool(_DOMAIN.match(self.domain)), "--domain: a DNS name"),
            (
                not self.base_path or bool(_BASE_PATH.match(self.base_path)),
                "--base-path: starts with '/', no trailing '/', e.g. /recipes",
            ),
            (
                not self.base_path or bool(self.domain),
                "--base-path needs --domain: it is a custom domain's base-path mapping",
            ),
            (
                not (self.domain and self.front == "function-url"),
                "--domain needs --front http-api or rest-api: a Function URL has no custom "
                "domain (put CloudFront in front of it yourself)",
            ),
            (bool(_STAGE.match(self.stage)), "--stage: letters, digits and '_'"),
            (128 <= self.memory <= 10240, "--memory: 128 to 10240 MB"),
            (1 <= self.timeout <= 900, "--timeout: 1 to 900 seconds"),
        ]
        for ok, message in checks:
            if not ok:
                raise StackError(message)
        if self.front != "function-url" and self.timeout > 29:
            raise StackError("--timeout: API Gateway stops waiting after 29 s; use 28 or less")

    @property
    def in_vpc(self) -> bool:
        """Whether any function of the stack runs in the VPC."""
        return self.topology != "dynamodb"

    @property
    def sql(self) -> bool:
        return self.topology in ("split", "vpc-nat")

    @property
    def target(self) -> Target:
        return Target(self.arch, self.python)

    def functions(self) -> tuple[Function, ...]:
        skip_import = () if self.url_import else ("import",)
        if self.topology == "dynamodb":
            return (Function("web", WEB_HANDLER, False, ("sql", *skip_import)),)
        if self.topology == "split":
            return (
                Function("web", WEB_HANDLER, False, ("sql", *skip_import)),
                Function("data", DATA_HANDLER, True, ("import", "web")),
            )
        return (Function("web", WEB_HANDLER, True, skip_import),)

    def function(self, key: str) -> Function:
        for function in self.functions():
            if function.key == key:
                return function
        raise StackError(f"the {self.topology} topology has no {key} function")

    def function_name(self, key: str) -> str:
        return f"{self.name}-{key}"

    @property
    def secret_key_secret(self) -> str:
        """The Secrets Manager secret holding RECIPEBOX_SECRET_KEY (plain text)."""
        return f"{self.name}/secret-key"

    @property
    def database_url_secret(self) -> str:
        """The Secrets Manager secret holding RECIPEBOX_DATABASE_URL for the SQL topologies."""
        return f"{self.name}/database-url"
