"""WSGI middleware around moto's server app.

* records every AWS request (service, action, params, iam_action) for the
  tests to read;
* injects faults and latency on demand;
* fixes request/response-level gaps in moto (ECS pagination, list-size
  validation and ListServices filtering; S3 bucket-owner checks; IAM
  SimulatePrincipalPolicy) -- each fix says what moto lacks;
* serves the control endpoints under /_emulator/.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import threading
import time
import uuid
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs

import account_dump
import ecs_tasks
import iam_simulation
import s3_access

CONTROL_PREFIX = "/_emulator/"

StartResponse = Callable[..., Any]


# --------------------------------------------------------------------------
# request classification


class AwsRequest:
    """What the middleware needs to know about one AWS request."""

    def __init__(self, environ: dict[str, Any], body: bytes):
        self.method = environ.get("REQUEST_METHOD", "GET")
        self.path = environ.get("PATH_INFO", "") or "/"
        self.query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        self.content_type = environ.get("CONTENT_TYPE", "") or ""
        self.body = body
        self.service, self.region = self._scope(environ)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        self.target = target
        self.form: dict[str, str] | None = None
        self.json: Any = None

        if "x-www-form-urlencoded" in self.content_type and body:
            try:
                fields = parse_qs(body.decode("utf-8"), keep_blank_values=True)
                self.form = {k: v[-1] for k, v in fields.items()}
            except UnicodeDecodeError:
                self.form = None
        elif (target or "json" in self.content_type) and body:
            try:
                self.json = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                self.json = None

        if target:
            self.protocol = "json"
            self.action = target.rsplit(".", 1)[-1]
        elif self.service == "s3":
            self.protocol = "s3"
            self.action = f"{self.method} {self.path}"
        elif self.form is not None and "Action" in self.form:
            self.protocol = "ec2" if self.service == "ec2" else "query"
            self.action = self.form["Action"]
        elif "Action" in self.query:
            self.protocol = "ec2" if self.service == "ec2" else "query"
            self.action = self.query["Action"][-1]
        else:
            self.protocol = "rest-json"
            self.action = f"{self.method} {self.path}"

        if self.json is not None:
            self.params: Any = self.json
        elif self.form is not None:
            self.params = self.form
        else:
            self.params = {k: v[-1] for k, v in self.query.items()}

        # The IAM action the call needs ("ecs:ListClusters", "s3:PutObject").
        self.iam_action: str | None = None
        self.bucket: str | None = None
        self.key: str | None = None
        self.expected_owner: str | None = environ.get("HTTP_X_AMZ_EXPECTED_BUCKET_OWNER") or None
        if self.protocol == "s3":
            self.bucket, self.key = s3_access.bucket_and_key(environ)
            self.iam_action = s3_access.iam_action(self.method, self.bucket, self.key, self.query)
        elif self.service and self.protocol in ("json", "query", "ec2"):
            self.iam_action = f"{IAM_PREFIXES.get(self.service, self.service)}:{self.action}"

    @staticmethod
    def _scope(environ: dict[str, Any]) -> tuple[str | None, str | None]:
        """Service and region from the SigV4 credential scope
        (Authorization header, or X-Amz-Credential for presigned URLs)."""
        credential = None
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if "Credential=" in auth:
            credential = auth.split("Credential=", 1)[1].split(",", 1)[0].strip()
        else:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            if "X-Amz-Credential" in query:
                credential = query["X-Amz-Credential"][-1]
        if credential:
            parts = credential.split("/")
            if len(parts) >= 5:
                return parts[3].lower(), parts[2]
        return None, None

    def log_entry(self) -> dict[str, Any]:
        entry = {"service": self.service, "action": self.action, "params": self.params, "iam_action": self.iam_action}
        if self.protocol == "s3":
            entry["bucket"] = self.bucket
            entry["key"] = self.key
            entry["expected_owner"] = self.expected_owner
        return entry


# SigV4 signing names whose IAM action prefix differs.
IAM_PREFIXES = {
    "monitoring": "cloudwatch",
    "email": "ses",
}


# --------------------------------------------------------------------------
# error bodies in each protocol


def _request_id() -> str:
    return str(uuid.uuid4())


def error_response(
    req: AwsRequest, code: str, message: str, status: int = 400
) -> tuple[str, list[tuple[str, str]], bytes]:
    """An AWS error in the protocol the request used."""
    rid = _request_id()
    status_line = f"{status} {_REASONS.get(status, 'Error')}"
    if req.protocol in ("json", "rest-json"):
        ctype = req.content_type if "json" in req.content_type else "application/x-amz-json-1.1"
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [
            ("Content-Type", ctype),
            ("x-amzn-ErrorType", code),
            ("x-amzn-RequestId", rid),
        ]
    else:
        esc = _xml_escape
        if req.protocol == "s3":
            xml = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Error><Code>{esc(code)}</Code><Message>{esc(message)}</Message>"
                f"<RequestId>{rid}</RequestId></Error>"
            )
        elif req.protocol == "ec2":
            xml = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Response><Errors><Error><Code>{esc(code)}</Code><Message>{esc(message)}</Message>"
                f"</Error></Errors><RequestID>{rid}</RequestID></Response>"
            )
        else:
            kind = "Sender" if status < 500 else "Receiver"
            xml = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<ErrorResponse><Error><Type>{kind}</Type><Code>{esc(code)}</Code>"
                f"<Message>{esc(message)}</Message></Error>"
                f"<RequestId>{rid}</RequestId></ErrorResponse>"
            )
        body = xml.encode()
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)]
    headers.append(("Content-Length", str(len(body))))
    return status_line, headers, body


def _xml_escape(text: str) -> str:
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class InvalidParameter(Exception):
    """Raised by the ECS fixes; becomes a 400 InvalidParameterException."""


# --------------------------------------------------------------------------
# pagination tokens for the ECS list calls moto does not paginate


def encode_token(op: str, scope: str, offset: int) -> str:
    raw = json.dumps({"op": op, "scope": scope, "offset": offset}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_token(token: str, op: str, scope: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")).decode())
        offset = data["offset"]
        ok = data["op"] == op and data["scope"] == scope and isinstance(offset, int) and offset > 0
    except (binascii.Error, UnicodeError, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise InvalidParameter("Invalid nextToken.")
    return offset


def page_request(params: dict[str, Any], op: str, scope: str, default_max: int) -> tuple[int, int]:
    """Validate maxResults/nextToken; return (offset, page size)."""
    max_results = params.get("maxResults")
    if max_results is None:
        max_results = default_max
    if isinstance(max_results, bool) or not isinstance(max_results, int) or not 1 <= max_results <= 100:
        raise InvalidParameter("maxResults must be between 1 and 100.")
    token = params.get("nextToken")
    # An empty string is treated like an absent token.
    offset = decode_token(token, op, scope) if token else 0
    return offset, max_results


def page(items: list[Any], params: dict[str, Any], op: str, scope: str, default_max: int) -> tuple[list[Any], str | None]:
    offset, max_results = page_request(params, op, scope, default_max)
    if offset > len(items):
        raise InvalidParameter("Invalid nextToken.")
    chunk = items[offset : offset + max_results]
    end = offset + len(chunk)
    return chunk, (encode_token(op, scope, end) if end < len(items) else None)


# --------------------------------------------------------------------------


ACCOUNT = "123456789012"
DEFAULT_FOREIGN_OWNER = "999999999999"


class EmulatorState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.faults: list[dict[str, Any]] = []
        self.latency: dict[str, int] = {}
        # bucket name -> owning account, for buckets of other accounts
        self.foreign_buckets: dict[str, str] = {}
        # False: SimulatePrincipalPolicy answers AccessDenied
        self.simulation_enabled = True

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(entry)

    def take_fault(self, req: AwsRequest) -> dict[str, Any] | None:
        with self.lock:
            for fault in self.faults:
                if fault["action"] not in ("*", req.action):
                    continue
                if fault.get("service") and fault["service"] != req.service:
                    continue
                fault["remaining"] -= 1
                if fault["remaining"] <= 0:
                    self.faults.remove(fault)
                return dict(fault)
        return None

    def delay_ms(self, action: str) -> int:
        with self.lock:
            return self.latency.get(action, self.latency.get("*", 0))


class EmulatorMiddleware:
    def __init__(self, app: Callable[..., Iterable[bytes]], state: EmulatorState | None = None):
        self.app = app
        self.state = state or EmulatorState()
        self.ecs_fixes: dict[str, Callable[..., Any]] = {
            "ListClusters": self._ecs_list_clusters,
            "ListServices": self._ecs_list_services,
            "DescribeServices": self._ecs_describe_services,
            "DescribeClusters": self._ecs_describe_clusters,
            "ListTasks": self._ecs_list_tasks,
            "DescribeTasks": self._ecs_describe_tasks,
        }

    # -- WSGI entry ---------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        if path.startswith(CONTROL_PREFIX) or path == CONTROL_PREFIX.rstrip("/"):
            return self._control(environ, start_response)

        body = self._buffer_body(environ)
        req = AwsRequest(environ, body)
        self.state.record(req.log_entry())

        delay = self.state.delay_ms(req.action)
        if delay > 0:
            time.sleep(delay / 1000.0)

        fault = self.state.take_fault(req)
        if fault is not None:
            return self._send(start_response, *error_response(req, fault["error"], fault["message"], fault["status"]))

        if req.service == "ecs" and req.action in self.ecs_fixes:
            try:
                return self.ecs_fixes[req.action](req, environ, start_response)
            except InvalidParameter as exc:
                return self._send(start_response, *error_response(req, "InvalidParameterException", str(exc)))
        if req.service == "iam" and req.action == "SimulatePrincipalPolicy":
            return self._iam_simulate(req, start_response)
        if req.protocol == "s3" and req.bucket:
            denied = self._s3_owner_check(req, environ)
            if denied is not None:
                return self._send(start_response, *denied)
        return self.app(environ, start_response)

    @staticmethod
    def _buffer_body(environ: dict[str, Any]) -> bytes:
        """Read the whole body, then hand moto an equivalent fresh stream."""
        stream = environ.get("wsgi.input")
        body = b""
        if stream is not None:
            length = environ.get("CONTENT_LENGTH")
            try:
                size = int(length) if length else -1
            except ValueError:
                size = -1
            if size >= 0:
                body = stream.read(size) if size else b""
            elif environ.get("wsgi.input_terminated"):
                body = stream.read()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return body

    @staticmethod
    def _send(start_response: StartResponse, status: str, headers: list[tuple[str, str]], body: bytes) -> list[bytes]:
        start_response(status, headers)
        return [body]

    def _call_moto(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured["status"] = status
            captured["headers"] = list(headers)
            return chunks.append

        result = self.app(environ, capture)
        try:
            for chunk in result:
                chunks.append(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return captured["status"], captured["headers"], b"".join(chunks)

    def _rewrite_json(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        edit: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> list[bytes]:
        """Run moto, and on success pass its JSON answer through `edit`."""
        status, headers, body = self._call_moto(environ)
        if status.startswith("200"):
            data = edit(json.loads(body.decode("utf-8")))
            body = json.dumps(data).encode()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    # -- ECS fixes ----------------------------------------------------------

    @staticmethod
    def _ecs_params(req: AwsRequest) -> dict[str, Any]:
        return req.json if isinstance(req.json, dict) else {}

    def _ecs_list_clusters(self, req: AwsRequest, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        # moto lacks: ListClusters ignores maxResults/nextToken and returns
        # every cluster, INACTIVE (deleted) ones included.  AWS pages (default
        # 100, 1..100) and lists only live clusters.
        params = self._ecs_params(req)
        page_request(params, "ListClusters", "", 100)  # validate before calling moto

        def edit(data: dict[str, Any]) -> dict[str, Any]:
            arns = [a for a in data.get("clusterArns", []) if _cluster_status(a) != "INACTIVE"]
            chunk, token = page(arns, params, "ListClusters", "", 100)
            out: dict[str, Any] = {"clusterArns": chunk}
            if token:
                out["nextToken"] = token
            return out

        return self._rewrite_json(environ, start_response, edit)

    def _ecs_list_services(self, req: AwsRequest, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        # moto lacks: ListServices ignores maxResults/nextToken (AWS default
        # 10, allowed 1..100).  It also matches the cluster by substring
        # (cluster "apps" also lists services of "prod-apps") and lists
        # deleted services.  AWS lists only ACTIVE ones: the DeleteService
        # reference says a DRAINING service "is no longer visible in the
        # console or in the ListServices API operation".
        params = self._ecs_params(req)
        cluster = str(params.get("cluster") or "default").split("/")[-1]
        scope = cluster
        page_request(params, "ListServices", scope, 10)

        def edit(data: dict[str, Any]) -> dict[str, Any]:
            arns = [a for a in data.get("serviceArns", []) if _service_is_live(a, cluster)]
            chunk, token = page(arns, params, "ListServices", scope, 10)
            out: dict[str, Any] = {"serviceArns": chunk}
            if token:
                out["nextToken"] = token
            return out

        return self._rewrite_json(environ, start_response, edit)

    def _ecs_describe_services(self, req: AwsRequest, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # moto lacks: DescribeServices accepts any number of names, even none.
        # AWS requires 1..10.
        services = self._ecs_params(req).get("services") or []
        if not isinstance(services, list) or len(services) == 0:
            raise InvalidParameter("Services cannot be empty.")
        if len(services) > 10:
            raise InvalidParameter("services can have at most 10 items.")
        return self.app(environ, start_response)

    def _ecs_describe_clusters(self, req: AwsRequest, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # moto lacks: DescribeClusters accepts any number of names; AWS
        # allows at most 100.
        clusters = self._ecs_params(req).get("clusters") or []
        if isinstance(clusters, list) and len(clusters) > 100:
            raise InvalidParameter("clusters can have at most 100 items.")
        return self.app(environ, start_response)

    def _ecs_list_tasks(self, req: AwsRequest, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        # moto lacks: ListTasks ignores maxResults/nextToken (AWS default 100,
        # allowed 1..100).  The filters themselves are in moto_patches.
        params = self._ecs_params(req)
        filters = {k: params.get(k) for k in ("cluster", "serviceName", "desiredStatus", "family", "startedBy",
                                               "launchType", "containerInstance")}
        scope = json.dumps(filters, sort_keys=True)
        page_request(params, "ListTasks", scope, 100)

        def edit(data: dict[str, Any]) -> dict[str, Any]:
            chunk, token = page(data.get("taskArns", []), params, "ListTasks", scope, 100)
            out: dict[str, Any] = {"taskArns": chunk}
            if token:
                out["nextToken"] = token
            return out

        return self._rewrite_json(environ, start_response, edit)

    def _ecs_describe_tasks(self, req: AwsRequest, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # moto lacks: DescribeTasks accepts any number of tasks; AWS allows
        # at most 100.
        tasks = self._ecs_params(req).get("tasks") or []
        if isinstance(tasks, list) and len(tasks) > 100:
            raise InvalidParameter("tasks can have at most 100 items.")
        return self.app(environ, start_response)

    # -- IAM ----------------------------------------------------------------

    def _iam_simulate(self, req: AwsRequest, start_response: StartResponse) -> list[bytes]:
        # moto lacks: SimulatePrincipalPolicy (NotImplementedError -> 500).
        form = req.form or {}
        source = form.get("PolicySourceArn", "")
        with self.state.lock:
            enabled = self.state.simulation_enabled
        if not enabled:
            message = (
                f"User: arn:aws:iam::{ACCOUNT}:user/moto is not authorized to perform: "
                f"iam:SimulatePrincipalPolicy on resource: {source or '*'}"
            )
            return self._send(start_response, *error_response(req, "AccessDenied", message, 403))
        rid = _request_id()
        try:
            body = iam_simulation.simulate_principal_policy(form, rid)
        except iam_simulation.SimulationError as exc:
            return self._send(start_response, *error_response(req, exc.code, exc.message, exc.status))
        headers = [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid), ("Content-Length", str(len(body)))]
        return self._send(start_response, "200 OK", headers, body)

    # -- S3 -----------------------------------------------------------------

    def _s3_owner_check(self, req: AwsRequest, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """moto lacks: x-amz-expected-bucket-owner is ignored, and every bucket
        belongs to the caller's account.  AWS answers 403 AccessDenied when
        the bucket's owner is not the expected one; buckets of other
        accounts (registered with /_emulator/foreign-bucket) refuse
        everything: HeadBucket 403, CreateBucket 409 BucketAlreadyExists,
        anything else 403 AccessDenied."""
        bucket = req.bucket or ""
        with self.state.lock:
            foreign_owner = self.state.foreign_buckets.get(bucket)
        expected = req.expected_owner
        if foreign_owner is not None:
            if s3_access.is_create_bucket(req.method, req.key, req.query):
                return self._s3_error(
                    req,
                    "BucketAlreadyExists",
                    "The requested bucket name is not available. The bucket namespace is shared by all users "
                    "of the system. Please select a different name and try again.",
                    409,
                    bucket,
                )
            return self._s3_error(req, "AccessDenied", "Access Denied", 403, None)
        if expected:
            owner = _s3_bucket_owner(bucket)
            if owner is not None and owner != expected:
                return self._s3_error(req, "AccessDenied", "Access Denied", 403, None)
        return None

    @staticmethod
    def _s3_error(req: AwsRequest, code: str, message: str, status: int,
                  bucket: str | None) -> tuple[str, list[tuple[str, str]], bytes]:
        status_line, headers, body = error_response(req, code, message, status)
        if bucket is not None:
            body = body.replace(b"<RequestId>", f"<BucketName>{_xml_escape(bucket)}</BucketName><RequestId>".encode(), 1)
        if req.method == "HEAD":
            body = b""  # HEAD answers carry no body; the SDK reports the status
        headers = [(k, v) for k, v in headers if k != "Content-Length"] + [("Content-Length", str(len(body)))]
        return status_line, headers, body

    # -- control endpoints --------------------------------------------------

    def _control(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = (environ.get("PATH_INFO", "") or "").rstrip("/")
        body = self._buffer_body(environ)
        route = (method, path[len(CONTROL_PREFIX) - 1 :])
        try:
            payload = json.loads(body.decode("utf-8")) if body.strip() else {}
        except (UnicodeDecodeError, ValueError):
            return self._json(start_response, 400, {"error": "body is not JSON"})
        if not isinstance(payload, dict):
            return self._json(start_response, 400, {"error": "body must be a JSON object"})
        st = self.state

        if route == ("GET", "/health"):
            return self._send(start_response, "200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")], b"ok")
        if route == ("GET", "/requests"):
            query = parse_qs(environ.get("QUERY_STRING", ""))
            with st.lock:
                entries = list(st.requests)
            if "action" in query:
                entries = [e for e in entries if e["action"] == query["action"][-1]]
            if "service" in query:
                entries = [e for e in entries if e["service"] == query["service"][-1]]
            return self._json(start_response, 200, entries)
        if route == ("POST", "/requests/clear"):
            with st.lock:
                st.requests.clear()
            return self._json(start_response, 200, {"cleared": True})
        if route == ("GET", "/faults"):
            with st.lock:
                return self._json(start_response, 200, list(st.faults))
        if route == ("POST", "/faults"):
            action = payload.get("action")
            error = payload.get("error")
            status = payload.get("status", 400)
            count = payload.get("count", 1)
            if not isinstance(action, str) or not action or not isinstance(error, str) or not error:
                return self._json(start_response, 400, {"error": "'action' and 'error' are required strings"})
            if not isinstance(status, int) or not 400 <= status <= 599:
                return self._json(start_response, 400, {"error": "'status' must be an integer 400..599"})
            if not isinstance(count, int) or count < 1:
                return self._json(start_response, 400, {"error": "'count' must be an integer >= 1"})
            fault = {
                "action": action,
                "error": error,
                "status": status,
                "count": count,
                "remaining": count,
                "message": str(payload.get("message") or _default_message(error)),
                "service": payload.get("service"),
            }
            with st.lock:
                st.faults.append(fault)
            return self._json(start_response, 200, fault)
        if route == ("POST", "/faults/clear"):
            with st.lock:
                st.faults.clear()
            return self._json(start_response, 200, {"cleared": True})
        if route == ("GET", "/latency"):
            with st.lock:
                return self._json(start_response, 200, dict(st.latency))
        if route == ("POST", "/latency"):
            ms = payload.get("ms")
            action = payload.get("action")
            if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0:
                return self._json(start_response, 400, {"error": "'ms' must be an integer >= 0"})
            if action is not None and (not isinstance(action, str) or not action):
                return self._json(start_response, 400, {"error": "'action' must be a non-empty string"})
            with st.lock:
                if ms == 0:
                    if action is None or action == "*":
                        st.latency.clear()
                    else:
                        st.latency.pop(action, None)
                else:
                    st.latency[action or "*"] = ms
                current = dict(st.latency)
            return self._json(start_response, 200, current)
        if route == ("POST", "/latency/clear"):
            with st.lock:
                st.latency.clear()
            return self._json(start_response, 200, {"cleared": True})
        if route == ("POST", "/reset"):
            with st.lock:
                st.requests.clear()
                st.faults.clear()
                st.latency.clear()
                st.simulation_enabled = True
            with ecs_tasks.LOCK:
                ecs_tasks.SETTINGS.update(ecs_tasks.DEFAULT_SETTINGS)
            return self._json(start_response, 200, {"reset": True})

        # -- ECS task lifecycle knobs --
        for name, key in (("/task-start-delay", "task_start_delay_ms"), ("/draining", "draining_ms")):
            if route == ("GET", name):
                return self._json(start_response, 200, {"ms": ecs_tasks.SETTINGS[key]})
            if route == ("POST", name):
                ms = payload.get("ms")
                if not isinstance(ms, int) or isinstance(ms, bool) or ms < 0:
                    return self._json(start_response, 400, {"error": "'ms' must be an integer >= 0"})
                with ecs_tasks.LOCK:
                    ecs_tasks.SETTINGS[key] = ms
                return self._json(start_response, 200, {"ms": ms})
        if route == ("POST", "/replace-task"):
            return self._replace_task(start_response, payload)

        # -- IAM simulation switch --
        if route == ("GET", "/simulation"):
            with st.lock:
                return self._json(start_response, 200, {"enabled": st.simulation_enabled})
        if route == ("POST", "/simulation"):
            enabled = payload.get("enabled")
            if not isinstance(enabled, bool):
                return self._json(start_response, 400, {"error": "'enabled' must be true or false"})
            with st.lock:
                st.simulation_enabled = enabled
            return self._json(start_response, 200, {"enabled": enabled})

        # -- buckets of other accounts --
        if route == ("POST", "/foreign-bucket"):
            name = payload.get("name")
            owner = payload.get("owner", DEFAULT_FOREIGN_OWNER)
            if not isinstance(name, str) or not name:
                return self._json(start_response, 400, {"error": "'name' is a required string"})
            if not isinstance(owner, str) or not owner.isdigit() or len(owner) != 12 or owner == ACCOUNT:
                return self._json(start_response, 400, {"error": f"'owner' must be a 12-digit account other than {ACCOUNT}"})
            if _s3_bucket_owner(name) is not None:
                return self._json(start_response, 409, {"error": f"bucket {name!r} already exists in the emulated account"})
            with st.lock:
                st.foreign_buckets[name] = owner
            return self._json(start_response, 200, {"name": name, "owner": owner})
        if route == ("GET", "/foreign-buckets"):
            with st.lock:
                return self._json(start_response, 200, dict(st.foreign_buckets))
        if route == ("POST", "/foreign-buckets/clear"):
            with st.lock:
                st.foreign_buckets.clear()
            return self._json(start_response, 200, {"cleared": True})

        # -- account dump --
        if route == ("GET", "/dump"):
            query = parse_qs(environ.get("QUERY_STRING", ""))
            include_all = query.get("services", [""])[-1] == "all"
            with ecs_tasks.LOCK:
                data = account_dump.dump(ACCOUNT, include_all_services=include_all)
            body = json.dumps(data, sort_keys=True, indent=1).encode()
            return self._send(
                start_response,
                "200 OK",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
                body,
            )
        return self._json(start_response, 404, {"error": f"no control endpoint {method} {path}"})

    def _replace_task(self, start_response: StartResponse, payload: dict[str, Any]) -> list[bytes]:
        """Simulate an ELB health-check replacement: stop the service's
        current tasks and let the scheduler start fresh ones."""
        from moto.ecs.models import ecs_backends

        cluster = payload.get("cluster")
        service_name = payload.get("service")
        region = payload.get("region") or "us-east-1"
        if not isinstance(cluster, str) or not cluster or not isinstance(service_name, str) or not service_name:
            return self._json(start_response, 400, {"error": "'cluster' and 'service' are required strings"})
        backend = ecs_backends[ACCOUNT][region]
        service = backend.services.get(f"{cluster.split('/')[-1]}:{service_name.split('/')[-1]}")
        if service is None:
            return self._json(start_response, 404, {"error": f"no service {service_name!r} in cluster {cluster!r}"})
        if service.status != "ACTIVE":
            return self._json(start_response, 409, {"error": f"service {service_name!r} is {service.status}"})
        stopped, started = ecs_tasks.replace_tasks(backend, service)
        return self._json(start_response, 200, {"stopped": stopped, "started": started})

    def _json(self, start_response: StartResponse, status: int, data: Any) -> list[bytes]:
        body = json.dumps(data).encode()
        return self._send(
            start_response,
            f"{status} {_REASONS.get(status, 'Error')}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            body,
        )


def _default_message(error: str) -> str:
    if "Throttl" in error or error == "RequestLimitExceeded":
        return "Rate exceeded"
    return f"Injected fault: {error}"


# -- lookups into moto's ECS backend (same process) --------------------------


def _ecs_backend_for(arn: str) -> Any:
    from moto.ecs.models import ecs_backends

    parts = arn.split(":")
    return ecs_backends[parts[4]][parts[3]]


def _cluster_status(arn: str) -> str | None:
    try:
        cluster = _ecs_backend_for(arn).clusters.get(arn.split("/")[-1])
    except Exception:  # noqa: BLE001
        return None
    return cluster.status if cluster is not None else None


def _service_is_live(arn: str, cluster_name: str) -> bool:
    try:
        backend = _ecs_backend_for(arn)
    except Exception:  # noqa: BLE001
        return True
    service = backend.services.get(f"{cluster_name}:{arn.split('/')[-1]}")
    return service is not None and service.arn == arn and service.status == "ACTIVE"


def _s3_bucket_owner(bucket: str) -> str | None:
    """The account that owns an existing bucket in moto, or None."""
    try:
        from moto.s3.models import s3_backends

        entry = s3_backends.bucket_accounts.get(bucket)
    except Exception:  # noqa: BLE001
        return None
    return entry[1] if entry else None
