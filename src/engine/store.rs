//! The state bucket and the records in it. Every call names the expected
//! bucket owner, so a bucket of the same name in another account is never
//! read or written.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};

use super::lease::Lease;
use super::names;
use super::record::StateRecord;
use super::{EngineError, Reporter, Target};
use crate::aws::{AwsContext, AwsError};

/// Where state records live: one bucket per account and region.
#[derive(Clone, Debug)]
pub struct StateStore {
    ctx: AwsContext,
    client: aws_sdk_s3::Client,
    pub bucket: String,
    pub account: String,
}

/// What HeadBucket said about the bucket name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketState {
    Ours,
    Missing,
    /// Exists, but not in this account.
    Foreign,
}

impl StateStore {
    pub fn new(ctx: &AwsContext, account: &str) -> Self {
        Self {
            client: ctx.s3(),
            bucket: names::state_bucket(&ctx.region, account),
            account: account.to_string(),
            ctx: ctx.clone(),
        }
    }

    fn foreign(&self) -> EngineError {
        EngineError::BucketTaken {
            bucket: self.bucket.clone(),
        }
    }

    /// Whether the bucket exists and is ours, without changing anything.
    pub async fn probe(&self) -> Result<BucketState, EngineError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "s3:HeadBucket", bucket = %self.bucket);
        let result = self
            .client
            .head_bucket()
            .bucket(&self.bucket)
            .expected_bucket_owner(&self.account)
            .send()
            .await;
        match result {
            Ok(_) => Ok(BucketState::Ours),
            Err(e) => match e.raw_response().map(|r| r.status().as_u16()) {
                Some(404) => Ok(BucketState::Missing),
                Some(403) => Ok(BucketState::Foreign),
                _ => Err(self.ctx.error("s3:ListBucket", e).into()),
            },
        }
    }

    /// Creates the bucket if it is missing: private, encrypted, in this
    /// region. A bucket we already own is reused as it is.
    pub async fn ensure(&self, report: &Reporter) -> Result<(), EngineError> {
        match self.probe().await? {
            BucketState::Ours => {
                report.detail(format!("Using state bucket {}.", self.bucket));
                return Ok(());
            }
            BucketState::Foreign => return Err(self.foreign()),
            BucketState::Missing => {}
        }
        report.detail(format!("Creating state bucket {}…", self.bucket));
        let mut create = self.client.create_bucket().bucket(&self.bucket);
        if self.ctx.region != "us-east-1" {
            create = create.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(self.ctx.region.as_str()))
                    .build(),
            );
        }
        let created = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "s3:CreateBucket", bucket = %self.bucket);
            create.send().await
        };
        if let Err(e) = created {
            let code = e
                .as_service_error()
                .and_then(|s| aws_sdk_s3::error::ProvideErrorMetadata::code(s).map(str::to_string));
            match code.as_deref() {
                Some("BucketAlreadyOwnedByYou") => {}
                Some("BucketAlreadyExists") => return Err(self.foreign()),
                _ => return Err(self.ctx.error("s3:CreateBucket", e).into()),
            }
        }
        // A name taken between our probe and our create must not be used.
        if self.probe().await? != BucketState::Ours {
            return Err(self.foreign());
        }
        let block = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "s3:PutBucketPublicAccessBlock");
            self.client
                .put_public_access_block()
                .bucket(&self.bucket)
                .expected_bucket_owner(&self.account)
                .public_access_block_configuration(block)
                .send()
                .await
                .map_err(|e| self.ctx.error("s3:PutBucketPublicAccessBlock", e))?;
        }
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::Aes256)
                    .build()
                    .map_err(|e| EngineError::Internal(e.to_string()))?,
            )
            .build();
        let encryption = ServerSideEncryptionConfiguration::builder()
            .rules(rule)
            .build()
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "s3:PutEncryptionConfiguration");
        self.client
            .put_bucket_encryption()
            .bucket(&self.bucket)
            .expected_bucket_owner(&self.account)
            .server_side_encryption_configuration(encryption)
            .send()
            .await
            .map_err(|e| self.ctx.error("s3:PutEncryptionConfiguration", e))?;
        report.detail("State bucket is private and encrypted by default.".to_string());
        Ok(())
    }

    /// Writes (replaces) the record of its service.
    pub async fn put(&self, record: &StateRecord) -> Result<(), EngineError> {
        let body = serde_json::to_vec_pretty(record)
            .map_err(|e| EngineError::Internal(format!("could not encode the record: {e}")))?;
        self.put_object(&names::record_key(&record.cluster, &record.service), body)
            .await
    }

    /// The record of a service, if there is one.
    pub async fn get(
        &self,
        cluster: &str,
        service: &str,
    ) -> Result<Option<StateRecord>, EngineError> {
        self.get_record(&names::record_key(cluster, service)).await
    }

    async fn get_record(&self, key: &str) -> Result<Option<StateRecord>, EngineError> {
        let Some(bytes) = self.get_object(key).await? else {
            return Ok(None);
        };
        let record = serde_json::from_slice(&bytes).map_err(|e| {
            EngineError::Internal(format!(
                "the state record s3://{}/{key} is not readable ({e}); it was changed by hand",
                self.bucket
            ))
        })?;
        Ok(Some(record))
    }

    pub async fn delete(&self, cluster: &str, service: &str) -> Result<(), EngineError> {
        self.delete_object(&names::record_key(cluster, service))
            .await
    }

    /// The lease of a service, if one was left.
    pub async fn get_lease(&self, t: &Target) -> Result<Option<Lease>, EngineError> {
        let bytes = self
            .get_object(&names::lease_key(&t.cluster, &t.service))
            .await?;
        // An unreadable lease protects nothing: treat it as absent.
        Ok(bytes.and_then(|b| serde_json::from_slice(&b).ok()))
    }

    pub async fn put_lease(&self, t: &Target, lease: &Lease) -> Result<(), EngineError> {
        let body = serde_json::to_vec(lease)
            .map_err(|e| EngineError::Internal(format!("could not encode the lease: {e}")))?;
        self.put_object(&names::lease_key(&t.cluster, &t.service), body)
            .await
    }

    pub async fn delete_lease(&self, t: &Target) -> Result<(), EngineError> {
        self.delete_object(&names::lease_key(&t.cluster, &t.service))
            .await
    }

    async fn put_object(&self, key: &str, body: Vec<u8>) -> Result<(), EngineError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "s3:PutObject", key);
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .expected_bucket_owner(&self.account)
            .content_type("application/json")
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| self.ctx.error("s3:PutObject", e))?;
        Ok(())
    }

    /// The object's bytes; `None` when there is no such key.
    async fn get_object(&self, key: &str) -> Result<Option<Vec<u8>>, EngineError> {
        let out = {
            let _permit = self.ctx.permit().await;
            tracing::debug!(op = "s3:GetObject", key);
            self.client
                .get_object()
                .bucket(&self.bucket)
                .key(key)
                .expected_bucket_owner(&self.account)
                .send()
                .await
        };
        let out = match out {
            Ok(o) => o,
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16());
                if status == Some(404) {
                    return Ok(None);
                }
                if status == Some(403) && self.probe().await? == BucketState::Foreign {
                    return Err(self.foreign());
                }
                return Err(self.ctx.error("s3:GetObject", e).into());
            }
        };
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| EngineError::Internal(format!("could not read {key}: {e}")))?;
        Ok(Some(bytes.into_bytes().to_vec()))
    }

    async fn delete_object(&self, key: &str) -> Result<(), EngineError> {
        let _permit = self.ctx.permit().await;
        tracing::debug!(op = "s3:DeleteObject", key);
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .expected_bucket_owner(&self.account)
            .send()
            .await
            .map_err(|e| self.ctx.error("s3:DeleteObject", e))?;
        Ok(())
    }

    /// Every record in the bucket; none when the bucket does not exist.
    pub async fn list(&self) -> Result<Vec<StateRecord>, EngineError> {
        match self.probe().await? {
            BucketState::Missing => return Ok(vec![]),
            BucketState::Foreign => return Err(self.foreign()),
            BucketState::Ours => {}
        }
        let mut keys = Vec::new();
        let mut token = None;
        loop {
            let out = {
                let _permit = self.ctx.permit().await;
                tracing::debug!(op = "s3:ListBucket");
                self.client
                    .list_objects_v2()
                    .bucket(&self.bucket)
                    .prefix("services/")
                    .expected_bucket_owner(&self.account)
                    .set_continuation_token(token)
                    .send()
                    .await
                    .map_err(|e| self.ctx.error("s3:ListBucket", e))?
            };
            keys.extend(
                out.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_string)),
            );
            match out.next_continuation_token() {
                Some(t) if out.is_truncated() == Some(true) => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut records = Vec::new();
        for key in keys.iter().filter(|k| k.ends_with(".json")) {
            if let Some(r) = self.get_record(key).await? {
                records.push(r);
            }
        }
        Ok(records)
    }
}

impl From<AwsError> for EngineError {
    fn from(e: AwsError) -> Self {
        EngineError::Aws(e)
    }
}
