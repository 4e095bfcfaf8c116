"""The parts of the OpenAPI document that are the same for every service:
document header, security schemes, error responses and their
google.rpc.Status schemas, the per-service error reasons, and the
gateway's own HTTP endpoints (/healthz, /openapi.json)."""


class GenerationError(Exception):
    pass


_TYPE_URL = "type.googleapis.com/"
# The error details the services and the gateway send.
_DETAILS = ("google.rpc.ErrorInfo", "google.rpc.BadRequest",
            "google.rpc.RetryInfo")
_ERROR_REASON = "ErrorReason"
_REASON_PREFIX = "ERROR_REASON_"


def info(title, version):
    return {
        "title": title,
        "version": version,
        "description": (
            "The public API of qpp, the system of the Mayor's Quality Award "
            "promotion plan. Every call goes through the gateway, over "
            "HTTP/JSON (this document) or gRPC (the same methods; the "
            "gateway offers server reflection to callers with a key).\n\n"
            "- **Authentication**: an API key in the `x-api-key` header, or "
            "`Authorization: Bearer <key>`. Keys are issued by the "
            "programme office.\n"
            "- **JSON**: protobuf's JSON mapping: lowerCamelCase names, "
            "64-bit integers as strings, enums by name, timestamps in "
            "RFC 3339. Unknown fields are rejected.\n"
            "- **Errors**: a `google.rpc.Status` body with the HTTP status "
            "of its code; `details` carry `ErrorInfo` (a stable `reason` "
            "and the `domain` of the service that gave it), `BadRequest` "
            "(one entry per invalid field) and `RetryInfo`. Each service "
            "lists its reasons in its tag.\n"
            "- **Request ids**: send `x-request-id` (1..64 of "
            "`[A-Za-z0-9._:-]`) or get one made; it comes back in the "
            "response header and names the call in the audit log.\n"
            "- **Deadlines**: `Grpc-Timeout: 5S` (or `500m`); default 10 s, "
            "at most 60 s.\n\n"
            "The integration guide (docs/integration.md in the repository) "
            "explains names, paging, filters, field masks, etags, "
            "idempotent retries and rate limits with runnable examples."),
        "license": {"name": "Proprietary: for the government systems of "
                            "the programme",
                    "url": "https://www.sz.gov.cn/"},
    }


SECURITY_SCHEMES = {
    "ApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "x-api-key",
        "description": "The API key, `<client id>.<secret>`.",
    },
    "BearerKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "The same API key as `Authorization: Bearer <key>`.",
    },
}

HEADERS = {
    "XRequestId": {
        "description": "The request id: the caller's `x-request-id` if "
                       "valid, else one the gateway made.",
        "schema": {"type": "string"},
    },
    "RetryAfter": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    },
}


def _error(description, extra_headers=None):
    headers = {"X-Request-Id": {"$ref": "#/components/headers/XRequestId"}}
    for name, ref in (extra_headers or {}).items():
        headers[name] = {"$ref": "#/components/headers/" + ref}
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Status"}}},
    }


RESPONSES = {
    "BadRequest": _error(
        "INVALID_ARGUMENT, FAILED_PRECONDITION or OUT_OF_RANGE (the HTTP "
        "mapping of google/rpc/code.proto, so 412 is never used): the "
        "request is invalid (`BadRequest` lists each field with what to "
        "fix) or the resource is not in a state that allows it (see "
        "`ErrorInfo.reason`). Do not retry unchanged."),
    "Unauthenticated": _error(
        "UNAUTHENTICATED: no API key, or an unknown or revoked one "
        "(reasons MISSING_CREDENTIALS, INVALID_API_KEY)."),
    "PermissionDenied": _error(
        "PERMISSION_DENIED: the caller's roles do not allow this method "
        "(reason METHOD_NOT_ALLOWED)."),
    "NotFound": _error(
        "NOT_FOUND: the named resource, or one the request refers to, does "
        "not exist (reason NOT_FOUND). A 404 without details means the "
        "path itself names no method."),
    "Conflict": _error(
        "ALREADY_EXISTS (the resource exists already) or ABORTED (the "
        "etag does not match, or a concurrent change won: read again and "
        "retry)."),
    "PayloadTooLarge": _error("The body exceeds the gateway's limit."),
    "TooManyRequests": _error(
        "RESOURCE_EXHAUSTED: the caller's rate limit is exceeded (reason "
        "RATE_LIMIT_EXCEEDED). Retry after the `RetryInfo` delay or the "
        "`Retry-After` header.", {"Retry-After": "RetryAfter"}),
    "Unavailable": _error(
        "UNAVAILABLE: the service, its database or the audit log is "
        "unavailable. Retry with exponential backoff; mutations with the "
        "same `requestId`."),
    "DeadlineExceeded": _error(
        "DEADLINE_EXCEEDED: the call did not finish within its deadline. "
        "Retry reads; retry mutations with the same `requestId`."),
    "Error": _error(
        "Any other google.rpc.Code: INTERNAL (500), UNIMPLEMENTED (501, "
        "e.g. a service that is not deployed), UNKNOWN, DATA_LOSS."),
}


def _ref(name):
    return {"$ref": "#/components/responses/" + name}


def responses(ok_schema, names_resource, mutation, has_body):
    """The responses of an operation: 200 with `ok_schema`, and the errors
    it can give. Every call can fail authentication, authorisation,
    validation, rate limits, availability and deadlines; operations that
    name a resource can find it missing; mutations can conflict."""
    out = {
        "200": {
            "description": "OK.",
            "headers": {"X-Request-Id": {
                "$ref": "#/components/headers/XRequestId"}},
            "content": {"application/json": {"schema": ok_schema}},
        },
        "400": _ref("BadRequest"),
        "401": _ref("Unauthenticated"),
        "403": _ref("PermissionDenied"),
    }
    if names_resource or mutation:
        out["404"] = _ref("NotFound")
    if mutation:
        out["409"] = _ref("Conflict")
    if has_body:
        out["413"] = _ref("PayloadTooLarge")
    out["429"] = _ref("TooManyRequests")
    out["503"] = _ref("Unavailable")
    out["504"] = _ref("DeadlineExceeded")
    out["default"] = _ref("Error")
    return out


def _reasons(index, package):
    enum = index.enums.get(package + "." + _ERROR_REASON)
    if enum is None:
        raise GenerationError(
            "package %s defines no enum ErrorReason: list the reasons of "
            "its errors there (AIP-193)" % package)
    return enum, [(name[len(_REASON_PREFIX):], comment)
                  for name, number, comment in enum.values if number != 0]


def _reasons_text(index, package, domain):
    enum, reasons = _reasons(index, package)
    rows = "\n".join("| `%s` | %s |" % (r, " ".join(c.split()))
                     for r, c in reasons)
    text = ("\n\n**Error reasons** (`ErrorInfo.domain` = `%s`):\n\n"
            "| reason | meaning |\n|---|---|\n%s" % (domain, rows))
    ext = {"domain": domain,
           "reasons": {r: " ".join(c.split()) for r, c in reasons}}
    return text, ext


def service_tag(index, service, grpc_only, domain):
    text, ext = _reasons_text(index, service.package, domain)
    description = service.comment
    description += ("\n\ngRPC service `%s`; over gRPC the same methods take "
                    "the same messages." % service.full_name)
    if grpc_only:
        description += ("\n\nStreaming methods, over gRPC only: %s." %
                        ", ".join("`%s`" % m for m in grpc_only))
    return {"name": service.name, "description": description + text,
            "x-error-reasons": ext}


def gateway_tag(index):
    text, ext = _reasons_text(index, "qpp.gateway.v1", "gateway.qpp.gov.cn")
    return {
        "name": "Gateway",
        "description": (
            "The gateway's own HTTP endpoints, answered without "
            "credentials. The gateway also gives errors of its own to any "
            "operation (authentication, authorisation, rate limits, the "
            "audit log); they carry its domain." + text),
        "x-error-reasons": ext,
    }


def add_gateway_paths(paths):
    health = {"type": "object", "properties": {"status": {
        "type": "string", "enum": ["SERVING", "NOT_SERVING"]}}}
    paths["/healthz"] = {"get": {
        "tags": ["Gateway"],
        "summary": "Whether the gateway can serve calls.",
        "description": "SERVING (200) while at least one backend answers "
                       "its health check, else NOT_SERVING (503). For load "
                       "balancers and monitoring; needs no key.",
        "operationId": "GetGatewayHealth",
        "security": [],
        "responses": {
            "200": {"description": "Serving.", "content": {
                "application/json": {"schema": health}}},
            "503": {"description": "Not serving.", "content": {
                "application/json": {"schema": health}}},
        },
    }}
    paths["/openapi.json"] = {"get": {
        "tags": ["Gateway"],
        "summary": "This document.",
        "description": "The OpenAPI 3.0 document of the API; needs no key.",
        "operationId": "GetOpenApiDocument",
        "security": [],
        "responses": {
            "200": {"description": "The document.", "content": {
                "application/json": {"schema": {"type": "object"}}}},
            "404": _error("No document is installed next to the gateway."),
        },
    }}


def _enum_schema(enum):
    lines = [enum.comment, ""] + ["- `%s`: %s" % (n, " ".join(c.split()))
                                  for n, _, c in enum.values]
    return {"type": "string", "description": "\n".join(lines).strip(),
            "enum": [n for n, _, _ in enum.values]}


def error_schemas(index, gen):
    """google.rpc.Status and the details it carries, from their protos."""
    out = {}
    refs, mapping = [], {}
    for full_name in _DETAILS:
        name = gen.component_name(full_name)
        schema = gen.message_schema(full_name)
        url = _TYPE_URL + full_name
        schema["properties"] = dict(
            [("@type", {"type": "string", "enum": [url],
                        "description": "The type of the detail."})] +
            list(schema["properties"].items()))
        schema["required"] = ["@type"]
        out[name] = schema
        refs.append(gen.ref(full_name))
        mapping[url] = gen.ref(full_name)["$ref"]
    out["ErrorInfo"]["properties"]["reason"]["description"] += (
        " Each service lists its reasons in its tag (x-error-reasons).")
    details = {
        "type": "array",
        "description": "Error details: ErrorInfo, and BadRequest or "
                       "RetryInfo where they apply.",
        "items": {"oneOf": refs, "discriminator": {
            "propertyName": "@type", "mapping": mapping}},
    }
    out[gen.component_name("google.rpc.Status")] = gen.message_schema(
        "google.rpc.Status", {"details": details})
    # Messages and enums the schemas above refer to.
    done = False
    while not done:
        done = True
        for full_name, name in list(gen.names.items()):
            if name in out or name in gen.schemas:
                continue
            done = False
            if full_name in index.enums:
                out[name] = _enum_schema(index.enums[full_name])
            else:
                out[name] = gen.message_schema(full_name)
    return dict(sorted(out.items()))
