"""S3 request helpers: which bucket/key a REST call addresses, and the IAM
action it needs (for the request log's "iam_action")."""

from __future__ import annotations

import re
from typing import Any

_VHOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]*[a-z0-9])\.(?:s3[.-]|localhost$)")


def bucket_and_key(environ: dict[str, Any]) -> tuple[str | None, str | None]:
    """(bucket, key) of an S3 request, path-style or virtual-hosted."""
    path = environ.get("PATH_INFO", "") or "/"
    host = (environ.get("HTTP_HOST", "") or "").split(":")[0].lower()
    m = _VHOST.match(host)
    if m:
        bucket = m.group("bucket")
        key = path[1:] if len(path) > 1 else None
    else:
        parts = path.lstrip("/").split("/", 1)
        bucket = parts[0] or None
        key = parts[1] if len(parts) > 1 and parts[1] != "" else None
    # PATH_INFO is already percent-decoded by the WSGI server.
    return bucket, key


# Bucket sub-resources: {name: (GET action, PUT action, DELETE action)}.
_BUCKET_SUBRESOURCES: dict[str, tuple[str | None, str | None, str | None]] = {
    "publicAccessBlock": ("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
    "encryption": ("s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:PutEncryptionConfiguration"),
    "policy": ("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"),
    "policyStatus": ("s3:GetBucketPolicyStatus", None, None),
    "location": ("s3:GetBucketLocation", None, None),
    "tagging": ("s3:GetBucketTagging", "s3:PutBucketTagging", "s3:PutBucketTagging"),
    "versioning": ("s3:GetBucketVersioning", "s3:PutBucketVersioning", None),
    "versions": ("s3:ListBucketVersions", None, None),
    "uploads": ("s3:ListBucketMultipartUploads", None, None),
    "lifecycle": ("s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
    "acl": ("s3:GetBucketAcl", "s3:PutBucketAcl", None),
    "cors": ("s3:GetBucketCORS", "s3:PutBucketCORS", "s3:PutBucketCORS"),
    "ownershipControls": ("s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
    "logging": ("s3:GetBucketLogging", "s3:PutBucketLogging", None),
    "notification": ("s3:GetBucketNotification", "s3:PutBucketNotification", None),
    "website": ("s3:GetBucketWebsite", "s3:PutBucketWebsite", "s3:DeleteBucketWebsite"),
    "object-lock": ("s3:GetBucketObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", None),
    "replication": ("s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration", "s3:PutReplicationConfiguration"),
    "accelerate": ("s3:GetAccelerateConfiguration", "s3:PutAccelerateConfiguration", None),
    "requestPayment": ("s3:GetBucketRequestPayment", "s3:PutBucketRequestPayment", None),
    "inventory": ("s3:GetInventoryConfiguration", "s3:PutInventoryConfiguration", "s3:PutInventoryConfiguration"),
    "analytics": ("s3:GetAnalyticsConfiguration", "s3:PutAnalyticsConfiguration", "s3:PutAnalyticsConfiguration"),
    "metrics": ("s3:GetMetricsConfiguration", "s3:PutMetricsConfiguration", "s3:PutMetricsConfiguration"),
    "intelligent-tiering": ("s3:GetIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration", "s3:PutIntelligentTieringConfiguration"),
}

# Object sub-resources: {name: (GET action, PUT action, DELETE action)}.
_OBJECT_SUBRESOURCES: dict[str, tuple[str | None, str | None, str | None]] = {
    "tagging": ("s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObjectTagging"),
    "acl": ("s3:GetObjectAcl", "s3:PutObjectAcl", None),
    "retention": ("s3:GetObjectRetention", "s3:PutObjectRetention", None),
    "legal-hold": ("s3:GetObjectLegalHold", "s3:PutObjectLegalHold", None),
    "attributes": ("s3:GetObjectAttributes", None, None),
}

_VERB = {"GET": 0, "HEAD": 0, "PUT": 1, "POST": 1, "DELETE": 2}


def iam_action(method: str, bucket: str | None, key: str | None, query: dict[str, list[str]]) -> str | None:
    """The IAM action an S3 REST call needs, e.g. PUT /b?encryption ->
    s3:PutEncryptionConfiguration.  None if unknown."""
    method = method.upper()
    if bucket is None:
        return "s3:ListAllMyBuckets" if method == "GET" else None
    verb = _VERB.get(method)
    if key is None:
        if method == "POST" and "delete" in query:
            return "s3:DeleteObject"
        for name, actions in _BUCKET_SUBRESOURCES.items():
            if name in query and verb is not None:
                return actions[verb]
        if method in ("HEAD", "GET"):
            return "s3:ListBucket"
        if method == "PUT":
            return "s3:CreateBucket"
        if method == "DELETE":
            return "s3:DeleteBucket"
        return None
    for name, actions in _OBJECT_SUBRESOURCES.items():
        if name in query and verb is not None:
            return actions[verb]
    if "uploadId" in query:
        if method == "DELETE":
            return "s3:AbortMultipartUpload"
        if method == "GET":
            return "s3:ListMultipartUploadParts"
        return "s3:PutObject"
    if method == "POST" and "uploads" in query:
        return "s3:PutObject"
    if method == "POST" and "restore" in query:
        return "s3:RestoreObject"
    if method in ("GET", "HEAD"):
        return "s3:GetObjectVersion" if "versionId" in query else "s3:GetObject"
    if method in ("PUT", "POST"):
        return "s3:PutObject"
    if method == "DELETE":
        return "s3:DeleteObjectVersion" if "versionId" in query else "s3:DeleteObject"
    return None


def is_create_bucket(method: str, key: str | None, query: dict[str, list[str]]) -> bool:
    return method.upper() == "PUT" and key is None and not query
