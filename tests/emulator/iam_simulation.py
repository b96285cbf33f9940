"""iam:SimulatePrincipalPolicy, which moto 5.2.5 does not implement at all
(its IAM responder raises NotImplementedError -> HTTP 500).

Evaluated from the principal's identity policies as stored in moto's IAM
backend:
* roles: inline policies + attached managed policies;
* users: inline + attached + those of the user's groups;
* groups: inline + attached;
plus PolicyInputList entries, and the permissions boundary (the principal's,
or PermissionsBoundaryPolicyInputList) when there is one.

Supported policy language: Effect Allow/Deny, Action/NotAction and
Resource/NotResource with `*`/`?` wildcards (actions case-insensitive,
resources case-sensitive), explicit Deny wins.  A statement with a Condition
applies only if every condition key is given in ContextEntries and the
operator is one of the String*/Arn*/Bool/Null family; otherwise it does not
apply and its missing keys are reported in MissingContextValues.  Policy
variables (${aws:username}) are not expanded.  ResourcePolicy, CallerArn,
ResourceOwner and PolicyExclusionList are ignored.

One EvaluationResult is returned per (action, resource) pair, in request
order; ResourceArns defaults to ["*"].
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"


class SimulationError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


# ---------------------------------------------------------------------------
# policy documents


class PolicyStatement:
    def __init__(self, data: dict[str, Any], source_id: str, source_type: str,
                 start: tuple[int, int] | None, end: tuple[int, int] | None):
        self.data = data
        self.source_id = source_id
        self.source_type = source_type
        self.start = start
        self.end = end
        self.effect = str(data.get("Effect", ""))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def _statement_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the statements in a policy document's text, so that
    MatchedStatements can carry positions like AWS's do.  Empty if the text
    is not laid out as expected."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")

    def skip(i: int) -> int:
        return ws.match(text, i).end()  # type: ignore[union-attr]

    spans: list[tuple[int, int]] = []
    try:
        i = skip(0)
        if text[i] != "{":
            return []
        i = skip(i + 1)
        while i < len(text) and text[i] != "}":
            key, i = decoder.raw_decode(text, i)
            i = skip(i)
            if text[i] != ":":
                return []
            i = skip(i + 1)
            if key == "Statement" and text[i] == "[":
                i = skip(i + 1)
                while text[i] != "]":
                    start = i
                    _, i = decoder.raw_decode(text, i)
                    spans.append((start, i))
                    i = skip(i)
                    if text[i] == ",":
                        i = skip(i + 1)
                i += 1
            elif key == "Statement":
                start = i
                _, i = decoder.raw_decode(text, i)
                spans.append((start, i))
            else:
                _, i = decoder.raw_decode(text, i)
            i = skip(i)
            if i < len(text) and text[i] == ",":
                i = skip(i + 1)
    except (ValueError, IndexError):
        return []
    return spans


def parse_policy(document: Any, source_id: str, source_type: str) -> list[PolicyStatement]:
    if isinstance(document, dict):
        text = json.dumps(document, indent=4)
    else:
        text = str(document or "")
        if text.lstrip().startswith("%"):
            text = unquote(text)
    try:
        doc = json.loads(text)
    except ValueError:
        raise SimulationError("MalformedPolicyDocument", f"Syntax errors in policy {source_id}.")
    statements = _as_list(doc.get("Statement") if isinstance(doc, dict) else None)
    spans = _statement_spans(text)
    out = []
    for n, stmt in enumerate(statements):
        if not isinstance(stmt, dict):
            continue
        start = end = None
        if len(spans) == len(statements):
            start = _line_col(text, spans[n][0])
            end = _line_col(text, spans[n][1] - 1)
        out.append(PolicyStatement(stmt, source_id, source_type, start, end))
    return out


def _default_document(policy: Any) -> str:
    for version in getattr(policy, "versions", []) or []:
        if getattr(version, "is_default", False):
            return version.document
    return ""


def _managed(policies: dict[str, Any]) -> list[PolicyStatement]:
    out = []
    for arn, policy in sorted(policies.items()):
        kind = "aws-managed" if ":aws:policy/" in arn else "user-managed"
        out.extend(parse_policy(_default_document(policy), policy.name, kind))
    return out


def _inline(policies: dict[str, Any], kind: str) -> list[PolicyStatement]:
    out = []
    for name, doc in sorted(policies.items()):
        out.extend(parse_policy(doc, name, kind))
    return out


def principal_statements(backend: Any, arn: str) -> tuple[list[PolicyStatement], str | None]:
    """(identity statements, permissions boundary ARN or None) of a principal."""
    m = re.match(r"^arn:aws[a-z-]*:iam::(\d{12}):(role|user|group)/(?:.*/)?([^/]+)$", arn or "")
    if not m:
        raise SimulationError("InvalidInput", f"Invalid Entity Arn: {arn} does not clearly define entity type and name.")
    kind, name = m.group(2), m.group(3)
    if kind == "role":
        role = next((r for r in backend.roles.values() if r.name == name), None)
        if role is None or role.arn != arn:
            raise SimulationError("NoSuchEntity", f"The role with name {name} cannot be found.", 404)
        return _inline(role.policies, "role") + _managed(role.managed_policies), role.permissions_boundary_arn
    if kind == "user":
        user = backend.users.get(name)
        if user is None:
            raise SimulationError("NoSuchEntity", f"The user with name {name} cannot be found.", 404)
        statements = _inline(user.policies, "user") + _managed(user.managed_policies)
        for group in backend.groups.values():
            if user in group.users:
                statements += _inline(group.policies, "group") + _managed(group.managed_policies)
        return statements, getattr(user, "permissions_boundary_arn", None) or getattr(user, "permissions_boundary", None)
    group = backend.groups.get(name)
    if group is None:
        raise SimulationError("NoSuchEntity", f"The group with name {name} cannot be found.", 404)
    return _inline(group.policies, "group") + _managed(group.managed_policies), None


# ---------------------------------------------------------------------------
# evaluation


@lru_cache(maxsize=4096)
def _pattern(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(f"^{regex}$", (re.IGNORECASE if ignore_case else 0) | re.DOTALL)


def _matches(patterns: list[Any], value: str, ignore_case: bool) -> bool:
    return any(_pattern(str(p), ignore_case).match(value) for p in patterns)


def _condition_applies(conditions: dict[str, Any], context: dict[str, list[str]]) -> tuple[bool, list[str]]:
    """(does the condition block hold, condition keys that were not given)."""
    missing: list[str] = []
    holds = True
    for raw_op, block in (conditions or {}).items():
        op = raw_op.split(":", 1)[1] if ":" in raw_op else raw_op  # ForAnyValue:/ForAllValues:
        if_exists = op.endswith("IfExists")
        if if_exists:
            op = op[: -len("IfExists")]
        for key, expected in (block or {}).items():
            expected_values = [str(v) for v in _as_list(expected)]
            given = context.get(key.lower())
            if op == "Null":
                want_null = expected_values[0].lower() == "true" if expected_values else True
                if (given is None) != want_null:
                    holds = False
                continue
            if given is None:
                if if_exists:
                    continue
                missing.append(key)
                holds = False
                continue
            if not _operator(op, given, expected_values):
                holds = False
    return holds, missing


def _operator(op: str, given: list[str], expected: list[str]) -> bool:
    negate = "Not" in op
    base = op.replace("Not", "")
    if base in ("StringEquals", "ArnEquals"):
        hit = any(g == e for g in given for e in expected)
    elif base == "StringEqualsIgnoreCase":
        hit = any(g.lower() == e.lower() for g in given for e in expected)
    elif base in ("StringLike", "ArnLike"):
        hit = any(_pattern(e, False).match(g) for g in given for e in expected)
    elif base == "Bool":
        hit = any(g.lower() == e.lower() for g in given for e in expected)
    else:
        return False  # operator not supported: the statement does not apply
    return (not hit) if negate else hit


def _applies(stmt: PolicyStatement, action: str, resource: str, context: dict[str, list[str]]) -> tuple[bool, list[str]]:
    data = stmt.data
    if "Action" in data:
        if not _matches(_as_list(data["Action"]), action, True):
            return False, []
    elif "NotAction" in data:
        if _matches(_as_list(data["NotAction"]), action, True):
            return False, []
    else:
        return False, []
    if "Resource" in data:
        if not _matches(_as_list(data["Resource"]), resource, False):
            return False, []
    elif "NotResource" in data:
        if _matches(_as_list(data["NotResource"]), resource, False):
            return False, []
    if data.get("Condition"):
        return _condition_applies(data["Condition"], context)
    return True, []


def evaluate(statements: list[PolicyStatement], action: str, resource: str,
             context: dict[str, list[str]]) -> tuple[str, list[PolicyStatement], list[str]]:
    allows: list[PolicyStatement] = []
    denies: list[PolicyStatement] = []
    missing: list[str] = []
    for stmt in statements:
        ok, miss = _applies(stmt, action, resource, context)
        missing.extend(k for k in miss if k not in missing)
        if not ok:
            continue
        if stmt.effect == "Deny":
            denies.append(stmt)
        elif stmt.effect == "Allow":
            allows.append(stmt)
    if denies:
        return "explicitDeny", denies, missing
    if allows:
        return "allowed", allows, missing
    return "implicitDeny", [], missing


# ---------------------------------------------------------------------------
# request / response


def _members(form: dict[str, str], prefix: str) -> list[str]:
    items = []
    for key, value in form.items():
        m = re.fullmatch(re.escape(prefix) + r"\.member\.(\d+)", key)
        if m:
            items.append((int(m.group(1)), value))
    return [v for _, v in sorted(items)]


def _context(form: dict[str, str]) -> dict[str, list[str]]:
    entries: dict[int, dict[str, Any]] = {}
    for key, value in form.items():
        m = re.fullmatch(r"ContextEntries\.member\.(\d+)\.(ContextKeyName|ContextKeyType|ContextKeyValues\.member\.(\d+))", key)
        if not m:
            continue
        entry = entries.setdefault(int(m.group(1)), {"values": []})
        if m.group(2) == "ContextKeyName":
            entry["name"] = value
        elif m.group(3):
            entry["values"].append((int(m.group(3)), value))
    out: dict[str, list[str]] = {}
    for entry in entries.values():
        if entry.get("name"):
            out[entry["name"].lower()] = [v for _, v in sorted(entry["values"])]
    return out


def _x(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _statement_xml(stmt: PolicyStatement) -> str:
    parts = [f"<SourcePolicyId>{_x(stmt.source_id)}</SourcePolicyId>",
             f"<SourcePolicyType>{stmt.source_type}</SourcePolicyType>"]
    if stmt.start and stmt.end:
        parts.append(f"<StartPosition><Line>{stmt.start[0]}</Line><Column>{stmt.start[1]}</Column></StartPosition>")
        parts.append(f"<EndPosition><Line>{stmt.end[0]}</Line><Column>{stmt.end[1]}</Column></EndPosition>")
    return "<member>" + "".join(parts) + "</member>"


def _encode_marker(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"simulate": offset}).encode()).decode()


def _decode_marker(marker: str) -> int:
    try:
        offset = json.loads(base64.urlsafe_b64decode(marker.encode("ascii")).decode())["simulate"]
        if isinstance(offset, int) and offset > 0:
            return offset
    except (binascii.Error, UnicodeError, ValueError, KeyError, TypeError):
        pass
    raise SimulationError("InvalidInput", "Invalid Marker.")


def simulate_principal_policy(form: dict[str, str], request_id: str) -> bytes:
    """The XML body of a SimulatePrincipalPolicy answer (raises SimulationError)."""
    from moto.iam.models import iam_backends

    source = form.get("PolicySourceArn", "")
    actions = _members(form, "ActionNames")
    if not source:
        raise SimulationError("ValidationError", "1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null")
    if not actions:
        raise SimulationError("ValidationError", "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
    resources = _members(form, "ResourceArns") or ["*"]
    m = re.match(r"^arn:aws[a-z-]*:iam::(\d{12}):", source)
    account = m.group(1) if m else "123456789012"
    backend = iam_backends[account]["aws"]

    statements, boundary_arn = principal_statements(backend, source)
    for n, doc in enumerate(_members(form, "PolicyInputList"), start=1):
        statements += parse_policy(doc, f"PolicyInputList.{n}", "none")
    boundary: list[PolicyStatement] | None = None
    boundary_docs = _members(form, "PermissionsBoundaryPolicyInputList")
    if boundary_docs:
        boundary = []
        for n, doc in enumerate(boundary_docs, start=1):
            boundary += parse_policy(doc, f"PermissionsBoundaryPolicyInputList.{n}", "none")
    elif boundary_arn:
        try:
            policy = backend.get_policy(boundary_arn)
            boundary = parse_policy(_default_document(policy), policy.name,
                                    "aws-managed" if ":aws:policy/" in boundary_arn else "user-managed")
        except Exception:  # noqa: BLE001 - a dangling boundary allows nothing
            boundary = []
    context = _context(form)

    results = []
    for action in actions:
        for resource in resources:
            decision, matched, missing = evaluate(statements, action, resource, context)
            boundary_ok = None
            if boundary is not None and decision == "allowed":
                b_decision, _, b_missing = evaluate(boundary, action, resource, context)
                missing += [k for k in b_missing if k not in missing]
                boundary_ok = b_decision == "allowed"
                if b_decision == "explicitDeny":
                    decision, matched = "explicitDeny", []
                elif not boundary_ok:
                    decision, matched = "implicitDeny", []
            body = (
                f"<EvalActionName>{_x(action)}</EvalActionName>"
                f"<EvalResourceName>{_x(resource)}</EvalResourceName>"
                f"<EvalDecision>{decision}</EvalDecision>"
                "<MatchedStatements>" + "".join(_statement_xml(s) for s in matched) + "</MatchedStatements>"
                "<MissingContextValues>" + "".join(f"<member>{_x(k)}</member>" for k in missing) + "</MissingContextValues>"
            )
            if boundary_ok is not None:
                body += (
                    "<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>"
                    f"{'true' if boundary_ok else 'false'}</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>"
                )
            results.append("<member>" + body + "</member>")

    offset = _decode_marker(form["Marker"]) if form.get("Marker") else 0
    max_items = form.get("MaxItems")
    try:
        limit = int(max_items) if max_items else 100
    except ValueError:
        raise SimulationError("ValidationError", "MaxItems must be a number.")
    if not 1 <= limit <= 1000:
        raise SimulationError("ValidationError", "MaxItems must be between 1 and 1000.")
    chunk = results[offset : offset + limit]
    truncated = offset + limit < len(results)
    marker = f"<Marker>{_encode_marker(offset + limit)}</Marker>" if truncated else ""
    xml = (
        f'<SimulatePrincipalPolicyResponse xmlns="{IAM_NS}"><SimulatePrincipalPolicyResult>'
        f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>{marker}"
        "<EvaluationResults>" + "".join(chunk) + "</EvaluationResults>"
        f"</SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        "</SimulatePrincipalPolicyResponse>"
    )
    return xml.encode()
