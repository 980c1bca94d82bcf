"""Recognise which HTTP front door a Lambda event came through, or say what it is instead."""

from __future__ import annotations

from enum import StrEnum


class Shape(StrEnum):
    """The front door an event came through."""

    REST = "API Gateway REST API (payload 1.0)"
    HTTP_V1 = "API Gateway HTTP API (payload 1.0)"
    HTTP_V2 = "API Gateway HTTP API (payload 2.0)"
    FUNCTION_URL = "Lambda Function URL (payload 2.0)"
    ALB = "Application Load Balancer"


class UnsupportedEvent(ValueError):
    """The event did not come through an HTTP front door this adapter serves.

    ``source`` names what was recognised instead (``"SQS Records"``, ``"VPC Lattice"``, ...),
    ``keys`` lists the event's top-level keys (empty for a non-dict).
    """

    def __init__(self, event: object) -> None:
        self.source = describe_source(event)
        self.keys: tuple[str, ...] = (
            tuple(sorted(map(str, event))) if isinstance(event, dict) else ()
        )
        shown = ", ".join(self.keys[:12]) + (", ..." if len(self.keys) > 12 else "")
        super().__init__(
            f"unsupported Lambda event: {self.source} (top-level keys: {shown or 'none'}); "
            "expected an API Gateway REST or HTTP API, Lambda Function URL or ALB request"
        )


_RECORD_SOURCES = {
    "aws:sqs": "SQS",
    "aws:sns": "SNS",
    "aws:s3": "S3",
    "aws:dynamodb": "DynamoDB Streams",
    "aws:kinesis": "Kinesis",
    "aws:ses": "SES",
    "aws:codecommit": "CodeCommit",
}


def describe_source(event: object) -> str:
    """Name the kind of a non-HTTP event, for error messages."""
    if not isinstance(event, dict):
        return f"a {type(event).__name__}, not a JSON object"
    if not event:
        return "an empty object"
    records = event.get("Records")
    if isinstance(records, list):
        first = records[0] if records and isinstance(records[0], dict) else {}
        source = first.get("eventSource") or first.get("EventSource") or "unknown"
        return f"{_RECORD_SOURCES.get(source, source)} Records"
    if "detail-type" in event:
        return f"EventBridge {event.get('source')!s}: {event['detail-type']!s}"
    if "awslogs" in event:
        return "CloudWatch Logs"
    if "methodArn" in event or "routeArn" in event:
        return "API Gateway Lambda authorizer"
    context = event.get("requestContext")
    if "raw_path" in event or (isinstance(context, dict) and "serviceNetworkArn" in context):
        return "VPC Lattice"
    if isinstance(context, dict) and "elb" in context:
        return "ALB event without httpMethod or path"
    version = event.get("version")
    if version == "2.0":
        return "payload 2.0 without requestContext.http"
    if version is not None and version != "1.0":
        return f"unknown payload version {version!s}"
    if "httpMethod" in event and not isinstance(context, dict):
        return "payload 1.0 without requestContext"
    return "unknown source"


# Module constants: attribute access on an Enum class is slow, and this runs per request.
_REST, _HTTP_V1, _HTTP_V2 = Shape.REST, Shape.HTTP_V1, Shape.HTTP_V2
_FUNCTION_URL, _ALB = Shape.FUNCTION_URL, Shape.ALB


def detect_shape(event: object) -> Shape:
    """Return the front door of an event, or raise UnsupportedEvent.

    Checks exactly the fields the translators index, so a shape match never ends in KeyError.
    """
    if isinstance(event, dict):
        context = event.get("requestContext")
        # Authorizer events carry requestContext and httpMethod too, but are no requests.
        if isinstance(context, dict) and "methodArn" not in event and "routeArn" not in event:
            version = event.get("version")
            if version == "2.0":
                # VPC Lattice v2 also says "2.0" but has no requestContext.http.
                http = context.get("http")
                if isinstance(http, dict) and isinstance(http.get("method"), str):
                    if ".lambda-url." in str(context.get("domainName", "")):
                        return _FUNCTION_URL
                    return _HTTP_V2
            elif isinstance(event.get("httpMethod"), str) and isinstance(event.get("path"), str):
                if "elb" in context:  # ALB events carry no version field
                    return _ALB
                # HTTP APIs declare "version": "1.0"; REST APIs send no version field.
                if version is None:
                    return _REST
                if version == "1.0":
                    return _HTTP_V1
    raise UnsupportedEvent(event)
