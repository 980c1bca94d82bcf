"""lambda_http: Lambda HTTP events in, PEP 3333 environ to the app, Lambda results out."""

from __future__ import annotations

import ast
import base64
import io
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from lambda_events import (
    ALB_HOST,
    CLIENT_IP,
    HTTP_HOST,
    REST_HOST,
    URL_HOST,
    RecordingApp,
    alb_event,
    console_test_event,
    function_url_event,
    http_v1_event,
    http_v2_event,
    rest_event,
)

from recipebox.aws import lambda_http
from recipebox.aws.lambda_http import (
    CONTEXT_KEY,
    EVENT_KEY,
    LAMBDA_RESPONSE_LIMIT,
    UnsupportedEvent,
    make_handler,
)
from recipebox.aws.lambda_http.results import set_cookie_name

Event = dict[str, Any]
LoadSample = Callable[[str], Event]

EXPECT_OK = "expected an API Gateway REST or HTTP API, Lambda Function URL or ALB request"


def cgi(environ: dict[str, Any]) -> dict[str, Any]:
    """Return the environ without the per-request objects and constant wsgi.* flags."""
    kept = {k: v for k, v in environ.items() if not k.startswith(("wsgi.", "lambda."))}
    kept["wsgi.url_scheme"] = environ["wsgi.url_scheme"]
    return kept


def served(recorder: RecordingApp, event: Event, **options: Any) -> dict[str, Any]:
    """Run event through a handler around recorder and return what the app received."""
    make_handler(recorder, **options)(event, None)
    return cgi(recorder.environ)


def mount(recorder: RecordingApp, event: Event, **options: Any) -> tuple[str, str]:
    environ = served(recorder, event, **options)
    return environ["SCRIPT_NAME"], environ["PATH_INFO"]


def json_body(result: dict[str, Any]) -> Any:
    return json.loads(result["body"])


# --- event shapes -------------------------------------------------------------------------


ALB_SAMPLE = "lambda-alb-123578498.us-east-2.elb.amazonaws.com"
ALB_MULTI_SAMPLE = "alb-c-LoadB-14POFKYCLBNSF-1815800096.eu-central-1.elb.amazonaws.com"
SAMPLE_API = ("192.168.0.1/32", "id.execute-api.us-east-1.amazonaws.com", "https", "443")
SAMPLE_QUERY = "parameter1=value1&parameter1=value2&parameter2=value"

# The response keys each front door accepts.
ALB_SINGLE = ["statusCode", "headers", "body", "isBase64Encoded", "statusDescription"]
ALB_MULTI = ["statusCode", "multiValueHeaders", "body", "isBase64Encoded", "statusDescription"]
V1_MULTI = ["statusCode", "multiValueHeaders", "body", "isBase64Encoded"]
V1_SINGLE = ["statusCode", "headers", "body", "isBase64Encoded"]
V2 = ["statusCode", "headers", "cookies", "body", "isBase64Encoded"]

SAMPLE_REQUESTS = {
    # name: (method, SCRIPT_NAME, PATH_INFO, QUERY_STRING,
    #        REMOTE_ADDR, SERVER_NAME, wsgi.url_scheme, SERVER_PORT, response keys)
    "albEvent.json": (
        "GET", "", "/lambda", "query=1234ABCD",
        "72.12.164.125", ALB_SAMPLE, "http", "80", ALB_SINGLE,
    ),
    "albEventPathTrailingSlash.json": (
        "GET", "", "/lambda/", "query=1234ABCD",
        "72.12.164.125", ALB_SAMPLE, "http", "80", ALB_SINGLE,
    ),
    "albMultiValueHeadersEvent.json": (
        "GET", "", "/todos", "",
        "123.123.123.123", ALB_MULTI_SAMPLE, "http", "80", ALB_MULTI,
    ),
    "albMultiValueQueryStringEvent.json": (
        "GET", "", "/todos", SAMPLE_QUERY,
        "123.123.123.123", ALB_MULTI_SAMPLE, "http", "80", ALB_MULTI,
    ),
    "apiGatewayProxyEvent.json": ("GET", "", "/my/path", SAMPLE_QUERY, *SAMPLE_API, V1_MULTI),
    "apiGatewayProxyEventNoOrigin.json": (
        "GET", "", "/my/path", SAMPLE_QUERY, *SAMPLE_API, V1_MULTI,
    ),
    "apiGatewayProxyOtherEvent.json": (
        "GET", "", "/other/path", SAMPLE_QUERY, *SAMPLE_API, V1_MULTI,
    ),
    # A REST event stripped to its path: no headers, no source IP, no multi-value fields.
    "apiGatewayProxyEventPrincipalId.json": (
        "POST", "", "/trip", "", "", "localhost", "https", "443", V1_SINGLE,
    ),
    "apiGatewayProxyV2Event.json": ("POST", "", "/my/path", SAMPLE_QUERY, *SAMPLE_API, V2),
    "apiGatewayProxyV2EventPathTrailingSlash.json": (
        "POST", "", "/my/path/", SAMPLE_QUERY, *SAMPLE_API, V2,
    ),
    "apiGatewayProxyV2Event_GET.json": ("GET", "", "/my/path", SAMPLE_QUERY, *SAMPLE_API, V2),
    "apiGatewayProxyV2IamEvent.json": ("GET", "", "/my/path", SAMPLE_QUERY, *SAMPLE_API, V2),
    "apiGatewayProxyV2LambdaAuthorizerEvent.json": (
        "GET", "", "/my/path", SAMPLE_QUERY, *SAMPLE_API, V2,
    ),
    "apiGatewayProxyV2OtherGetEvent.json": (
        "GET", "", "/other/path", SAMPLE_QUERY, *SAMPLE_API, V2,
    ),
    "lambdaFunctionUrlEvent.json": (
        "GET", "", "/", "",
        "123.123.123.123", "<url-id>.lambda-url.us-east-1.on.aws", "https", "443", V2,
    ),
    "lambdaFunctionUrlEventPathTrailingSlash.json": (
        "POST", "", "/my/path/", SAMPLE_QUERY,
        "123.123.123.123", "<url-id>.lambda-url.us-west-2.on.aws", "https", "443", V2,
    ),
    "lambdaFunctionUrlEventWithHeaders.json": (
        "GET", "", "/", "",
        "123.123.123.123", "<url-id>.lambda-url.us-east-1.on.aws", "https", "443", V2,
    ),
    "lambdaFunctionUrlIAMEvent.json": (
        "POST", "", "/my/path", SAMPLE_QUERY,
        "123.123.123.123", "<url-id>.lambda-url.us-west-2.on.aws", "https", "443", V2,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SAMPLE_REQUESTS))
def test_serves_every_http_sample_event(
    name: str, load_sample: LoadSample, recorder: RecordingApp
) -> None:
    result = make_handler(recorder)(load_sample(name), None)
    environ = recorder.environ
    fields = (
        "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
        "REMOTE_ADDR", "SERVER_NAME", "wsgi.url_scheme", "SERVER_PORT",
    )  # fmt: skip
    assert (*(environ[k] for k in fields), list(result)) == SAMPLE_REQUESTS[name]


@pytest.mark.parametrize(
    "name",
    [
        "apiGatewayProxyEventAnotherPath.json",
        "apiGatewayProxyEventPathTrailingSlash.json",
        "apiGatewayProxyEvent_noVersionAuth.json",
    ],
)
def test_answers_400_to_hand_edited_samples_whose_body_is_not_base64(
    name: str, load_sample: LoadSample, recorder: RecordingApp
) -> None:
    assert make_handler(recorder)(load_sample(name), None) == {
        "statusCode": 400,
        "multiValueHeaders": {"Content-Type": ["text/plain; charset=utf-8"]},
        "body": "event body says isBase64Encoded but is not base64: Incorrect padding",
        "isBase64Encoded": False,
    }
    assert recorder.environ == {}


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("sqsEvent.json", "SQS Records"),
        ("snsEvent.json", "SNS Records"),
        ("s3Event.json", "S3 Records"),
        ("dynamoStreamEvent.json", "DynamoDB Streams Records"),
        ("kinesisStreamEvent.json", "Kinesis Records"),
        ("eventBridgeEvent.json", "EventBridge aws.ec2: EC2 Instance State-change Notification"),
        ("cloudWatchLogEvent.json", "CloudWatch Logs"),
        ("vpcLatticeEvent.json", "VPC Lattice"),
        ("vpcLatticeV2Event.json", "VPC Lattice"),
        ("vpcLatticeV2EventWithHeaders.json", "VPC Lattice"),
        ("apiGatewayAuthorizerRequestEvent.json", "API Gateway Lambda authorizer"),
        ("apiGatewayAuthorizerTokenEvent.json", "API Gateway Lambda authorizer"),
        ("apiGatewayAuthorizerV2Event.json", "API Gateway Lambda authorizer"),
    ],
)
def test_rejects_non_http_sample_events_naming_their_source(
    name: str, source: str, load_sample: LoadSample, recorder: RecordingApp
) -> None:
    with pytest.raises(UnsupportedEvent) as caught:
        make_handler(recorder)(load_sample(name), None)
    assert caught.value.source == source
    assert recorder.environ == {}


def test_unsupported_event_message_names_the_source_and_the_keys(
    load_sample: LoadSample, recorder: RecordingApp
) -> None:
    with pytest.raises(UnsupportedEvent) as caught:
        make_handler(recorder)(load_sample("sqsEvent.json"), None)
    error = caught.value
    assert (str(error), error.source, error.keys, isinstance(error, ValueError)) == (
        f"unsupported Lambda event: SQS Records (top-level keys: Records); {EXPECT_OK}",
        "SQS Records",
        ("Records",),
        True,
    )


def test_vpc_lattice_v2_says_version_2_but_is_not_an_http_api_event(
    load_sample: LoadSample, recorder: RecordingApp
) -> None:
    event = load_sample("vpcLatticeV2Event.json")
    assert event["version"] == "2.0"
    with pytest.raises(UnsupportedEvent) as caught:
        make_handler(recorder)(event, None)
    assert str(caught.value) == (
        "unsupported Lambda event: VPC Lattice (top-level keys: body, headers, "
        "isBase64Encoded, method, path, queryStringParameters, requestContext, version); "
        f"{EXPECT_OK}"
    )


@pytest.mark.parametrize(
    ("event", "source"),
    [
        ({}, "an empty object"),
        ([], "a list, not a JSON object"),
        (None, "a NoneType, not a JSON object"),
        ("GET /recipes/", "a str, not a JSON object"),
        ({"Records": []}, "unknown Records"),
        ({"requestContext": {"elb": {}}}, "ALB event without httpMethod or path"),
        ({"version": "2.0", "requestContext": {}}, "payload 2.0 without requestContext.http"),
        ({"httpMethod": "GET", "path": "/"}, "payload 1.0 without requestContext"),
        (
            {"version": "3.0", "httpMethod": "GET", "path": "/", "requestContext": {}},
            "unknown payload version 3.0",
        ),
        ({"requestContext": {}, "httpMethod": "GET"}, "unknown source"),
    ],
)
def test_rejects_other_events_with_one_documented_error(
    event: Any, source: str, recorder: RecordingApp
) -> None:
    with pytest.raises(UnsupportedEvent) as caught:
        make_handler(recorder)(event, None)
    assert caught.value.source == source
    assert isinstance(caught.value, ValueError)


# --- mount point --------------------------------------------------------------------------


def test_rest_api_on_its_execute_api_host_puts_the_stage_in_script_name(
    recorder: RecordingApp,
) -> None:
    event = rest_event(path="/recipes/", stage="dev", query={"q": ["tomato soup"]})
    assert served(recorder, event) == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "/dev",
        "PATH_INFO": "/recipes/",
        "QUERY_STRING": "q=tomato+soup",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": CLIENT_IP,
        "CONTENT_LENGTH": "0",
        "SERVER_NAME": REST_HOST,
        "SERVER_PORT": "443",
        "HTTP_HOST": REST_HOST,
        "HTTP_X_FORWARDED_FOR": CLIENT_IP,
        "HTTP_X_FORWARDED_PORT": "443",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "https",
    }


def test_rest_api_stage_appears_in_flask_links_and_redirects(recipes_app: Flask) -> None:
    handler = make_handler(recipes_app)
    page = handler(rest_event(path="/recipes/", stage="dev"), None)
    assert json_body(page) == {
        "here": "/dev/recipes/",
        "external": f"https://{REST_HOST}/dev/recipes/",
        "remote_addr": CLIENT_IP,
    }
    moved = handler(rest_event(path="/go", stage="dev"), None)
    assert (moved["statusCode"], moved["multiValueHeaders"]["Location"]) == (
        302,
        ["/dev/recipes/"],
    )


def test_rest_api_stage_root_is_mounted_at_the_stage(recorder: RecordingApp) -> None:
    event = rest_event(path="/", stage="dev", request_path="/dev")
    assert mount(recorder, event) == ("/dev", "/")
    assert mount(recorder, rest_event(path="/", stage="dev")) == ("/dev", "/")


def test_rest_api_stage_found_when_request_path_is_encoded_differently(
    recorder: RecordingApp,
) -> None:
    event = rest_event(path="/caf%C3%A9", stage="dev", request_path="/dev/café")
    assert mount(recorder, event) == ("/dev", "/cafÃ©")


def test_rest_api_on_a_custom_domain_has_no_prefix(recipes_app: Flask) -> None:
    event = rest_event(path="/recipes/", stage="prod", host="recipes.example.com")
    assert event["requestContext"]["path"] == "/recipes/"
    assert json_body(make_handler(recipes_app)(event, None)) == {
        "here": "/recipes/",
        "external": "https://recipes.example.com/recipes/",
        "remote_addr": CLIENT_IP,
    }


def test_base_path_mapping_moves_into_script_name(recipes_app: Flask) -> None:
    handler = make_handler(recipes_app, base_path="api")
    event = rest_event(path="/api/recipes/", stage="prod", host="example.com")
    assert json_body(handler(event, None)) == {
        "here": "/api/recipes/",
        "external": "https://example.com/api/recipes/",
        "remote_addr": CLIENT_IP,
    }
    moved = handler(rest_event(path="/api/go", stage="prod", host="example.com"), None)
    assert moved["multiValueHeaders"]["Location"] == ["/api/recipes/"]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (rest_event(path="/api/recipes/", host="example.com"), ("/api", "/recipes/")),
        (rest_event(path="/api", host="example.com"), ("/api", "")),
        (rest_event(path="/apiary", host="example.com"), ("", "/apiary")),
        # The same API on its execute-api host: the stage is the prefix, no base path there.
        (rest_event(path="/api/recipes/", stage="dev"), ("/dev", "/api/recipes/")),
        (http_v2_event(raw_path="/api/recipes/", host="example.com"), ("/api", "/recipes/")),
        (http_v2_event(raw_path="/dev/api/x", stage="dev"), ("/dev", "/api/x")),
    ],
)
def test_base_path_applies_only_where_the_path_starts_with_it(
    event: Event, expected: tuple[str, str], recorder: RecordingApp
) -> None:
    assert mount(recorder, event, base_path="/api/") == expected


def test_http_api_default_stage_is_never_in_script_name(
    recorder: RecordingApp, recipes_app: Flask
) -> None:
    event = http_v2_event(raw_path="/recipes/", stage="$default")
    assert served(recorder, event) == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/recipes/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": CLIENT_IP,
        "CONTENT_LENGTH": "0",
        "SERVER_NAME": HTTP_HOST,
        "SERVER_PORT": "443",
        "HTTP_HOST": HTTP_HOST,
        "HTTP_X_FORWARDED_FOR": CLIENT_IP,
        "HTTP_X_FORWARDED_PORT": "443",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "https",
    }
    page = make_handler(recipes_app)(event, None)
    assert json_body(page)["external"] == f"https://{HTTP_HOST}/recipes/"


@pytest.mark.parametrize(
    ("raw_path", "expected"),
    [
        ("/dev/recipes/", ("/dev", "/recipes/")),
        ("/dev/dev/x", ("/dev", "/dev/x")),
        ("/dev", ("/dev", "")),
        ("/dev/", ("/dev", "/")),
        ("/development/x", ("", "/development/x")),
        ("/recipes/", ("", "/recipes/")),
    ],
)
def test_http_api_named_stage_is_stripped_once_and_only_as_a_whole_segment(
    raw_path: str, expected: tuple[str, str], recorder: RecordingApp
) -> None:
    assert mount(recorder, http_v2_event(raw_path=raw_path, stage="dev")) == expected


def test_http_api_named_stage_appears_in_flask_redirects(recipes_app: Flask) -> None:
    moved = make_handler(recipes_app)(http_v2_event(raw_path="/dev/go", stage="dev"), None)
    assert (moved["statusCode"], moved["headers"]["Location"]) == (302, "/dev/recipes/")


def test_http_api_payload_1_named_stage_is_stripped_from_path(recorder: RecordingApp) -> None:
    event = http_v1_event(path="/dev/recipes/", stage="dev")
    assert mount(recorder, event) == ("/dev", "/recipes/")
    assert mount(recorder, http_v1_event(path="/recipes/")) == ("", "/recipes/")


def test_function_url_has_no_prefix(recorder: RecordingApp) -> None:
    assert served(recorder, function_url_event(raw_path="/recipes/", raw_query="page=2")) == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/recipes/",
        "QUERY_STRING": "page=2",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": CLIENT_IP,
        "CONTENT_LENGTH": "0",
        "SERVER_NAME": URL_HOST,
        "SERVER_PORT": "443",
        "HTTP_HOST": URL_HOST,
        "HTTP_X_FORWARDED_FOR": CLIENT_IP,
        "HTTP_X_FORWARDED_PORT": "443",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "https",
    }


@pytest.mark.parametrize(
    ("event", "script_name", "expected"),
    [
        # Behind CloudFront the browser never sees the stage.
        (rest_event(path="/recipes/", stage="dev"), "", ("", "/recipes/")),
        (rest_event(path="/recipes/", stage="dev"), "/v1", ("/v1", "/recipes/")),
        (rest_event(path="/v1/recipes/", host="example.com"), "v1/", ("/v1", "/recipes/")),
        (http_v2_event(raw_path="/dev/recipes/", stage="dev"), "", ("", "/dev/recipes/")),
        (http_v2_event(raw_path="/dev/recipes/", stage="dev"), "/dev", ("/dev", "/recipes/")),
        (alb_event(path="/shop/recipes/"), "/shop", ("/shop", "/recipes/")),
        (alb_event(path="/shopping"), "/shop", ("/shop", "/shopping")),
    ],
)
def test_explicit_script_name_overrides_detection(
    event: Event, script_name: str, expected: tuple[str, str], recorder: RecordingApp
) -> None:
    assert mount(recorder, event, script_name=script_name) == expected


def test_script_name_and_base_path_exclude_each_other(recorder: RecordingApp) -> None:
    with pytest.raises(ValueError, match="not both"):
        make_handler(recorder, script_name="/dev", base_path="api")


@pytest.mark.parametrize(
    "event",
    [
        rest_event(path="/my/path/"),
        http_v1_event(path="/my/path/"),
        http_v2_event(raw_path="/my/path/"),
        function_url_event(raw_path="/my/path/"),
        alb_event(path="/my/path/"),
    ],
)
def test_keeps_the_trailing_slash(event: Event, recorder: RecordingApp) -> None:
    assert served(recorder, event)["PATH_INFO"] == "/my/path/"


# --- paths and query strings --------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        rest_event(path="/caf%C3%A9"),  # REST passes the path still encoded
        http_v1_event(path="/café"),  # HTTP APIs decode it
        http_v2_event(raw_path="/café"),
        function_url_event(raw_path="/caf%C3%A9"),  # Function URLs keep the encoding
        alb_event(path="/caf%C3%A9"),
    ],
)
def test_non_ascii_paths_reach_the_app_as_wsgi_latin1_of_utf8(
    event: Event, recorder: RecordingApp, recipes_app: Flask
) -> None:
    assert served(recorder, event)["PATH_INFO"] == "/cafÃ©"
    page = make_handler(recipes_app)(event, None)
    assert (page["statusCode"], page["body"]) == (200, "café ☕")


def test_http_api_decoded_path_is_not_decoded_twice(recorder: RecordingApp) -> None:
    # The client asked for /50%25off; HTTP API hands over the decoded /50%off.
    assert served(recorder, http_v2_event(raw_path="/50%off"))["PATH_INFO"] == "/50%off"


@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1))
def test_any_path_round_trips_through_pep_3333_form(text: str) -> None:
    app = RecordingApp()
    handler = make_handler(app)
    path = "/" + text
    for event in (rest_event(path=quote(path)), http_v2_event(raw_path=path)):
        handler(event, None)
        assert app.environ["PATH_INFO"].encode("latin-1").decode("utf-8") == path


def test_rest_multi_value_query_is_urlencoded(recorder: RecordingApp, recipes_app: Flask) -> None:
    query = {"q": ["tomato soup"], "tag": ["a&b", "c"], "ü": ["é"], "empty": [""]}
    event = rest_event(path="/args", query=query)
    assert served(recorder, event)["QUERY_STRING"] == (
        "q=tomato+soup&tag=a%26b&tag=c&%C3%BC=%C3%A9&empty="
    )
    assert json_body(make_handler(recipes_app)(event, None)) == query


def test_rest_single_value_query_is_used_without_multi_value_fields(
    recorder: RecordingApp,
) -> None:
    event = rest_event(path="/args", query={"q": ["tomato soup"]}, multi_value=False)
    assert served(recorder, event)["QUERY_STRING"] == "q=tomato+soup"


def test_http_api_raw_query_string_is_passed_verbatim(recorder: RecordingApp) -> None:
    event = http_v2_event(raw_path="/args", raw_query="q=tomato%20soup&x=%C3%A9&flag")
    assert served(recorder, event)["QUERY_STRING"] == "q=tomato%20soup&x=%C3%A9&flag"


@pytest.mark.parametrize("multi_value", [False, True])
def test_alb_query_values_are_not_encoded_twice(
    multi_value: bool, recorder: RecordingApp, recipes_app: Flask
) -> None:
    event = alb_event(
        path="/args",
        multi_value=multi_value,
        query={"q": ["tomato%20soup"], "x": ["%C3%A9"], "a%26b": ["1+2"]},
    )
    assert served(recorder, event)["QUERY_STRING"] == "q=tomato%20soup&x=%C3%A9&a%26b=1+2"
    assert json_body(make_handler(recipes_app)(event, None)) == {
        "q": ["tomato soup"],
        "x": ["é"],
        "a&b": ["1 2"],
    }


def test_console_test_event_with_null_fields_is_served(
    recorder: RecordingApp, recipes_app: Flask
) -> None:
    event = console_test_event(path="/recipes/")
    assert served(recorder, event) == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/recipes/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "test-invoke-source-ip",
        "CONTENT_LENGTH": "0",
        "SERVER_NAME": "testPrefix.testDomainName",
        "SERVER_PORT": "443",
        "wsgi.url_scheme": "https",
    }
    assert json_body(make_handler(recipes_app)(event, None)) == {
        "here": "/recipes/",
        "external": "https://testprefix.testdomainname/recipes/",
        "remote_addr": "test-invoke-source-ip",
    }


# --- headers ------------------------------------------------------------------------------


def test_multi_value_headers_join_with_commas_and_cookies_with_semicolons(
    recorder: RecordingApp, recipes_app: Flask
) -> None:
    headers = {
        "Accept": ["text/html", "application/json"],
        "Cookie": ["session=abc", "theme=dark"],
        "X-Empty": [],
    }
    event = rest_event(path="/cookies", headers=headers)
    environ = served(recorder, event)
    assert (environ["HTTP_ACCEPT"], environ["HTTP_COOKIE"], "HTTP_X_EMPTY" in environ) == (
        "text/html, application/json",
        "session=abc; theme=dark",
        False,
    )
    assert json_body(make_handler(recipes_app)(event, None)) == {
        "session": "abc",
        "theme": "dark",
    }


def test_alb_multi_value_headers_join_the_same_way(recorder: RecordingApp) -> None:
    headers = {"accept": ["text/html", "*/*"], "cookie": ["a=1", "b=2"]}
    environ = served(recorder, alb_event(multi_value=True, headers=headers))
    assert (environ["HTTP_ACCEPT"], environ["HTTP_COOKIE"]) == ("text/html, */*", "a=1; b=2")


def test_http_api_cookies_list_is_merged_into_http_cookie(
    recorder: RecordingApp, recipes_app: Flask
) -> None:
    event = http_v2_event(raw_path="/cookies", cookies=["session=abc", "theme=dark"])
    assert served(recorder, event)["HTTP_COOKIE"] == "session=abc; theme=dark"
    assert json_body(make_handler(recipes_app)(event, None)) == {
        "session": "abc",
        "theme": "dark",
    }
    both = http_v2_event(cookies=["a=1", "b=2"], headers={"cookie": "c=3"})
    assert served(recorder, both)["HTTP_COOKIE"] == "c=3; a=1; b=2"


def test_content_type_and_length_have_no_http_prefix(recorder: RecordingApp) -> None:
    event = http_v2_event(
        method="POST",
        raw_path="/echo",
        headers={"content-type": "application/json", "content-length": "999"},
        body='{"a": 1}',
    )
    environ = served(recorder, event)
    assert {k: v for k, v in environ.items() if k.startswith(("CONTENT", "HTTP_CONTENT"))} == {
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": "8",
    }


def test_non_ascii_header_values_are_in_wsgi_latin1_form(recorder: RecordingApp) -> None:
    event = http_v2_event(headers={"x-dish": "crème brûlée"}, cookies=["name=Zoë"])
    environ = served(recorder, event)
    assert (environ["HTTP_X_DISH"], environ["HTTP_COOKIE"]) == (
        "crÃ¨me brÃ»lÃ©e",
        "name=ZoÃ«",
    )


def test_header_names_with_underscores_are_dropped(recorder: RecordingApp) -> None:
    # Otherwise "x_forwarded_proto: http" would share HTTP_X_FORWARDED_PROTO with the real one.
    event = http_v2_event(headers={"x_forwarded_proto": "http", "x-recipe": "soup"})
    environ = served(recorder, event)
    assert {k: v for k, v in environ.items() if k.startswith("HTTP_X_")} == {
        "HTTP_X_FORWARDED_FOR": CLIENT_IP,
        "HTTP_X_FORWARDED_PORT": "443",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_RECIPE": "soup",
    }
    assert environ["wsgi.url_scheme"] == "https"


def test_same_header_under_two_spellings_is_joined(recorder: RecordingApp) -> None:
    event = rest_event(multi_value=False)
    event["headers"].update({"Accept": "text/html", "accept": "*/*"})
    assert served(recorder, event)["HTTP_ACCEPT"] == "text/html, */*"


# --- bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        rest_event(method="POST", path="/echo", body=b"\x00\xffbinary", b64=True),
        http_v2_event(method="POST", raw_path="/echo", body=b"\x00\xffbinary", b64=True),
        alb_event(method="POST", path="/echo", body=b"\x00\xffbinary", b64=True),
    ],
)
def test_base64_request_body_is_decoded_and_measured(event: Event, recorder: RecordingApp) -> None:
    environ = served(recorder, event)
    assert (recorder.request_body, environ["CONTENT_LENGTH"]) == (b"\x00\xffbinary", "8")


def test_text_request_body_is_utf8_encoded_and_measured(recorder: RecordingApp) -> None:
    event = http_v1_event(method="POST", path="/echo", body="crème")
    environ = served(recorder, event)
    assert (recorder.request_body, environ["CONTENT_LENGTH"]) == ("crème".encode(), "6")


# --- client address, scheme, host ---------------------------------------------------------


def test_remote_addr_is_the_source_ip_not_a_client_supplied_forwarded_for(
    recorder: RecordingApp,
) -> None:
    spoofed = {"X-Forwarded-For": ["10.0.0.1, 198.51.100.7"]}
    rest = served(recorder, rest_event(headers=spoofed))
    http = served(recorder, http_v2_event(headers={"x-forwarded-for": "10.0.0.1, 1.2.3.4"}))
    assert (rest["REMOTE_ADDR"], http["REMOTE_ADDR"]) == (CLIENT_IP, CLIENT_IP)


def test_alb_remote_addr_is_the_rightmost_forwarded_for_entry(recorder: RecordingApp) -> None:
    event = alb_event(forwarded_for="10.0.0.1, 203.0.113.9")
    assert served(recorder, event)["REMOTE_ADDR"] == "203.0.113.9"


def test_alb_http_listener_stays_http(recorder: RecordingApp) -> None:
    assert served(recorder, alb_event(proto="http", path="/recipes/")) == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/recipes/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "CONTENT_LENGTH": "0",
        "SERVER_NAME": ALB_HOST,
        "SERVER_PORT": "80",
        "HTTP_HOST": ALB_HOST,
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "HTTP_X_FORWARDED_PORT": "80",
        "HTTP_X_FORWARDED_PROTO": "http",
        "wsgi.url_scheme": "http",
    }


def test_server_name_drops_the_port_of_the_host_header(recorder: RecordingApp) -> None:
    event = http_v2_event(headers={"host": "localhost:3000", "x-forwarded-port": "3000"})
    environ = served(recorder, event)
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"], environ["HTTP_HOST"]) == (
        "localhost",
        "3000",
        "localhost:3000",
    )


def test_environ_carries_wsgi_keys_the_event_and_the_context(recorder: RecordingApp) -> None:
    event = http_v2_event(method="POST", body="hi")
    context = object()
    make_handler(recorder)(event, context)
    environ = recorder.environ
    assert {k: v for k, v in environ.items() if k.startswith(("wsgi.", "lambda."))} == {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": environ["wsgi.input"],
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,
        EVENT_KEY: event,
        CONTEXT_KEY: context,
    }
    assert (type(environ["wsgi.input"]), environ[EVENT_KEY] is event) == (io.BytesIO, True)


# --- responses ----------------------------------------------------------------------------

LOGIN_COOKIES = ["session=s3cr3t; HttpOnly; Path=/", "theme=dark; Path=/"]


def test_http_api_response_puts_each_cookie_in_the_cookies_list(recipes_app: Flask) -> None:
    event = http_v2_event(method="POST", raw_path="/login")
    assert make_handler(recipes_app)(event, None) == {
        "statusCode": 200,
        "headers": {"Content-Type": "text/plain; charset=utf-8", "Content-Length": "7"},
        "cookies": LOGIN_COOKIES,
        "body": "welcome",
        "isBase64Encoded": False,
    }


def test_function_url_response_puts_each_cookie_in_the_cookies_list(recipes_app: Flask) -> None:
    event = function_url_event(method="POST", raw_path="/login")
    assert make_handler(recipes_app)(event, None)["cookies"] == LOGIN_COOKIES


def test_rest_response_uses_multi_value_headers(recipes_app: Flask) -> None:
    event = rest_event(method="POST", path="/login")
    assert make_handler(recipes_app)(event, None) == {
        "statusCode": 200,
        "multiValueHeaders": {
            "Content-Type": ["text/plain; charset=utf-8"],
            "Content-Length": ["7"],
            "Set-Cookie": LOGIN_COOKIES,
        },
        "body": "welcome",
        "isBase64Encoded": False,
    }


def test_http_api_payload_1_response_uses_multi_value_headers(recipes_app: Flask) -> None:
    event = http_v1_event(method="POST", path="/login")
    assert make_handler(recipes_app)(event, None)["multiValueHeaders"]["Set-Cookie"] == (
        LOGIN_COOKIES
    )


def test_single_value_responses_spell_each_set_cookie_differently(recipes_app: Flask) -> None:
    event = rest_event(method="POST", path="/login", multi_value=False)
    assert make_handler(recipes_app)(event, None) == {
        "statusCode": 200,
        "headers": {
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": "7",
            "Set-Cookie": LOGIN_COOKIES[0],
            "set-Cookie": LOGIN_COOKIES[1],
        },
        "body": "welcome",
        "isBase64Encoded": False,
    }


def test_alb_single_value_response_spells_each_set_cookie_differently(
    recipes_app: Flask,
) -> None:
    event = alb_event(method="POST", path="/login", multi_value=False)
    assert make_handler(recipes_app)(event, None) == {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "headers": {
            "Content-Type": "text/plain; charset=utf-8",
            "Content-Length": "7",
            "Set-Cookie": LOGIN_COOKIES[0],
            "set-Cookie": LOGIN_COOKIES[1],
        },
        "body": "welcome",
        "isBase64Encoded": False,
    }


def test_alb_multi_value_response_uses_multi_value_headers(recipes_app: Flask) -> None:
    event = alb_event(method="POST", path="/login", multi_value=True)
    assert make_handler(recipes_app)(event, None) == {
        "statusCode": 200,
        "statusDescription": "200 OK",
        "multiValueHeaders": {
            "Content-Type": ["text/plain; charset=utf-8"],
            "Content-Length": ["7"],
            "Set-Cookie": LOGIN_COOKIES,
        },
        "body": "welcome",
        "isBase64Encoded": False,
    }


def test_alb_status_description_keeps_the_apps_reason_phrase(recorder: RecordingApp) -> None:
    recorder.status = "404 NOT FOUND"
    result = make_handler(recorder)(alb_event(), None)
    assert (result["statusCode"], result["statusDescription"]) == (404, "404 NOT FOUND")


def test_set_cookie_spellings_are_distinct_up_to_512() -> None:
    names = [set_cookie_name(i) for i in range(512)]
    assert (names[:3], len(set(names)), {n.lower() for n in names}) == (
        ["Set-Cookie", "set-Cookie", "SEt-Cookie"],
        512,
        {"set-cookie"},
    )
    with pytest.raises(ValueError, match="more than 512 cookies"):
        set_cookie_name(512)


def test_binary_response_is_base64(recipes_app: Flask) -> None:
    event = http_v2_event(raw_path="/photo.png")
    assert make_handler(recipes_app)(event, None) == {
        "statusCode": 200,
        "headers": {"Content-Type": "image/png", "Content-Length": "10"},
        "cookies": [],
        "body": base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\xff").decode(),
        "isBase64Encoded": True,
    }


def test_compressed_text_response_is_base64(recipes_app: Flask) -> None:
    result = make_handler(recipes_app)(alb_event(path="/gzipped"), None)
    assert (result["isBase64Encoded"], result["headers"]["Content-Encoding"]) == (True, "gzip")


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=utf-8", "<p>é</p>".encode(), ("<p>é</p>", False)),
        ("application/json", b"{}", ("{}", False)),
        ("application/javascript", b"1;", ("1;", False)),
        ("image/svg+xml", b"<svg/>", ("<svg/>", False)),
        ("application/ld+json", b"{}", ("{}", False)),
        ("application/atom+xml", b"<feed/>", ("<feed/>", False)),
        ("Text/CSV", b"a,b", ("a,b", False)),
        ("text/plain", b"\xff\xfe", ("//4=", True)),  # not UTF-8: base64 keeps the bytes
        ("application/pdf", b"%PDF", ("JVBERg==", True)),
        (None, b"raw", ("cmF3", True)),
    ],
)
def test_text_types_stay_text_and_others_go_base64(
    content_type: str | None,
    body: bytes,
    expected: tuple[str, bool],
    recorder: RecordingApp,
) -> None:
    recorder.headers = [("Content-Type", content_type)] if content_type else []
    recorder.body = [body]
    result = make_handler(recorder)(http_v2_event(), None)
    assert (result["body"], result["isBase64Encoded"]) == expected


def test_text_mime_types_are_configurable(recorder: RecordingApp) -> None:
    handler = make_handler(recorder, text_mime_types=["application/x-recipe", "*+yaml"])
    results = []
    for content_type in ("application/x-recipe; v=2", "application/vnd.r+yaml", "text/html"):
        recorder.headers = [("Content-Type", content_type)]
        recorder.body = [b"soup"]
        result = handler(http_v2_event(), None)
        results.append((result["body"], result["isBase64Encoded"]))
    assert results == [("soup", False), ("soup", False), ("c291cA==", True)]


def test_empty_response_body_is_empty_text(recorder: RecordingApp) -> None:
    recorder.status = "204 No Content"
    recorder.headers = []
    recorder.body = []
    assert make_handler(recorder)(rest_event(), None) == {
        "statusCode": 204,
        "multiValueHeaders": {},
        "body": "",
        "isBase64Encoded": False,
    }


# --- failures -----------------------------------------------------------------------------


class Secret:
    def __repr__(self) -> str:
        return "<Secret password=hunter2>"


def failing_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    raise RuntimeError(f"cannot render {Secret()!r}")


def test_app_exception_becomes_plain_500_with_logged_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="recipebox.aws.lambda_http"):
        result = make_handler(failing_app)(http_v2_event(raw_path="/recipes/"), None)
    assert result == {
        "statusCode": 500,
        "headers": {"Content-Type": "text/plain; charset=utf-8"},
        "cookies": [],
        "body": "Internal Server Error",
        "isBase64Encoded": False,
    }
    [record] = caplog.records
    assert (record.getMessage(), record.exc_info is not None) == (
        "WSGI app failed on GET /recipes/",
        True,
    )
    assert "RuntimeError: cannot render <Secret password=hunter2>" in caplog.text


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            rest_event(),
            {
                "statusCode": 500,
                "multiValueHeaders": {"Content-Type": ["text/plain; charset=utf-8"]},
                "body": "Internal Server Error",
                "isBase64Encoded": False,
            },
        ),
        (
            alb_event(),
            {
                "statusCode": 500,
                "statusDescription": "500 Internal Server Error",
                "headers": {"Content-Type": "text/plain; charset=utf-8"},
                "body": "Internal Server Error",
                "isBase64Encoded": False,
            },
        ),
    ],
)
def test_app_exception_500_takes_each_shapes_form(
    event: Event, expected: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.CRITICAL):
        assert make_handler(failing_app)(event, None) == expected


def test_response_over_the_lambda_limit_is_replaced_by_a_clear_error(
    recorder: RecordingApp, caplog: pytest.LogCaptureFixture
) -> None:
    recorder.body = [b"x" * 7_000_000]
    would_be = {
        "statusCode": 200,
        "multiValueHeaders": {"Content-Type": ["text/plain; charset=utf-8"]},
        "body": "x" * 7_000_000,
        "isBase64Encoded": False,
    }
    message = (
        f"Response too large for AWS Lambda ({len(json.dumps(would_be))} bytes > 6 MB limit "
        f"of {LAMBDA_RESPONSE_LIMIT} bytes)"
    )
    with caplog.at_level(logging.ERROR, logger="recipebox.aws.lambda_http"):
        result = make_handler(recorder)(rest_event(path="/big"), None)
    assert result == {
        "statusCode": 500,
        "multiValueHeaders": {"Content-Type": ["text/plain; charset=utf-8"]},
        "body": message,
        "isBase64Encoded": False,
    }
    assert [r.getMessage() for r in caplog.records] == [f"{message} on GET /dev/big"]


def test_response_size_is_measured_as_serialised_json(recorder: RecordingApp) -> None:
    # 1.1 million control characters serialise as 6.6 MB of \u0001 escapes.
    recorder.body = [b"\x01" * 1_100_000]
    handler = make_handler(recorder)
    expected_size = len(
        json.dumps(
            {
                "statusCode": 200,
                "headers": {"Content-Type": "text/plain; charset=utf-8"},
                "cookies": [],
                "body": "\x01" * 1_100_000,
                "isBase64Encoded": False,
            }
        )
    )
    assert 1_100_000 < LAMBDA_RESPONSE_LIMIT < expected_size
    result = handler(http_v2_event(), None)
    assert result["body"] == (
        f"Response too large for AWS Lambda ({expected_size} bytes > 6 MB limit of "
        f"{LAMBDA_RESPONSE_LIMIT} bytes)"
    )


def test_response_just_under_the_limit_is_delivered(recorder: RecordingApp) -> None:
    recorder.body = [b"x" * 6_000_000]
    result = make_handler(recorder)(http_v2_event(), None)
    assert (result["statusCode"], len(result["body"])) == (200, 6_000_000)


# --- PEP 3333 -----------------------------------------------------------------------------


class ClosingBody:
    """A response iterable that records close(), as servers must call it."""

    def __init__(self, chunks: list[bytes], fail: bool = False) -> None:
        self.chunks = chunks
        self.fail = fail
        self.closed = 0

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks
        if self.fail:
            raise OSError("disk gone")

    def close(self) -> None:
        self.closed += 1


def test_close_is_called_on_the_response_iterable(recorder: RecordingApp) -> None:
    body = ClosingBody([b"ab", b"", b"cd"])
    recorder.body = body
    result = make_handler(recorder)(http_v2_event(), None)
    assert (result["body"], body.closed) == ("abcd", 1)


def test_close_is_called_when_iteration_fails(
    recorder: RecordingApp, caplog: pytest.LogCaptureFixture
) -> None:
    body = ClosingBody([b"ab"], fail=True)
    recorder.body = body
    with caplog.at_level(logging.CRITICAL):
        result = make_handler(recorder)(http_v2_event(), None)
    assert (result["statusCode"], body.closed) == (500, 1)


def test_write_callable_output_comes_before_the_iterable(recorder: RecordingApp) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"one ")
        write(b"two ")
        return [b"three"]

    assert make_handler(app)(http_v2_event(), None)["body"] == "one two three"


def test_generator_app_may_call_start_response_lazily() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("201 Created", [("Content-Type", "text/plain")])
        yield b"made"

    result = make_handler(app)(http_v2_event(), None)
    assert (result["statusCode"], result["body"]) == (201, "made")


def test_exc_info_before_any_body_replaces_the_response() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        try:
            raise ValueError("template failed")
        except ValueError:
            start_response(
                "503 Service Unavailable", [("Content-Type", "text/plain")], sys.exc_info()
            )
        return [b"try later"]

    assert make_handler(app)(http_v2_event(), None) == {
        "statusCode": 503,
        "headers": {"Content-Type": "text/plain"},
        "cookies": [],
        "body": "try later",
        "isBase64Encoded": False,
    }


def test_exc_info_after_body_was_sent_reraises(caplog: pytest.LogCaptureFixture) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        yield b"<p>half a page"
        try:
            raise ValueError("template failed")
        except ValueError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        yield b"never"

    with caplog.at_level(logging.ERROR, logger="recipebox.aws.lambda_http"):
        result = make_handler(app)(http_v2_event(), None)
    assert (result["statusCode"], result["body"]) == (500, "Internal Server Error")
    assert "ValueError: template failed" in caplog.text


def twice_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    start_response("404 Not Found", [])
    return [b""]


def silent_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    return [b"no status"]


@pytest.mark.parametrize(
    ("app", "error"),
    [
        (twice_app, "RuntimeError: start_response called twice without exc_info (PEP 3333)"),
        (silent_app, "RuntimeError: the WSGI app returned without calling start_response"),
    ],
)
def test_pep_3333_violations_become_500(
    app: Any, error: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="recipebox.aws.lambda_http"):
        result = make_handler(app)(http_v2_event(), None)
    assert (result["statusCode"], error in caplog.text) == (500, True)


def test_imports_only_the_standard_library() -> None:
    package = Path(lambda_http.__file__).parent
    imported = set()
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    assert imported - sys.stdlib_module_names == set()
