//! Names of the resources cloud debugging creates. They follow the
//! original AWS Toolkit feature so that existing IAM policies that allow
//! `cloud-debug-*` keep working.

use crate::model::DEBUG_PREFIX;

/// ELB target group names are at most this long.
const TARGET_GROUP_MAX: usize = 32;

/// `do-not-delete-cloud-debug-<region>-<account>`.
pub fn state_bucket(region: &str, account: &str) -> String {
    format!("do-not-delete-cloud-debug-{region}-{account}")
}

/// The debug twin of a service.
pub fn debug_service(service: &str) -> String {
    format!("{DEBUG_PREFIX}{service}")
}

/// The task definition family of the debug copy.
pub fn debug_family(family: &str) -> String {
    if family.starts_with(DEBUG_PREFIX) {
        family.to_string()
    } else {
        format!("{DEBUG_PREFIX}{family}")
    }
}

/// The key of a service's state record in the bucket.
pub fn record_key(cluster: &str, service: &str) -> String {
    format!("services/{cluster}/{service}.json")
}

/// The key of a service's lease (the run working on it) in the bucket.
pub fn lease_key(cluster: &str, service: &str) -> String {
    format!("leases/{cluster}/{service}.json")
}

/// A deterministic debug target group name of at most 32 characters.
///
/// Short names get the plain prefix; longer ones keep as much of the
/// original as fits and end with a hash of the original ARN, so two long
/// names that share a beginning still get different debug names.
pub fn debug_target_group(original_name: &str, original_arn: &str) -> String {
    let plain = format!("{DEBUG_PREFIX}{original_name}");
    if plain.len() <= TARGET_GROUP_MAX {
        return plain;
    }
    let hash = format!("{:08x}", fnv1a(original_arn.as_bytes()) as u32);
    let room = TARGET_GROUP_MAX - DEBUG_PREFIX.len() - 1 - hash.len();
    let head: String = original_name.chars().take(room).collect();
    let head = head.trim_end_matches('-');
    format!("{DEBUG_PREFIX}{head}-{hash}")
}

/// FNV-1a: small, stable across builds and platforms.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_target_group_names_get_the_prefix() {
        assert_eq!(debug_target_group("web-tg", "arn:1"), "cloud-debug-web-tg");
    }

    #[test]
    fn long_target_group_names_fit_32_characters_and_stay_distinct() {
        let a = debug_target_group("storefront-web-blue-tg-2024", "arn:aws:…/a");
        let b = debug_target_group("storefront-web-blue-tg-2024", "arn:aws:…/b");
        assert!(a.len() <= 32 && b.len() <= 32, "{a} {b}");
        assert!(a.starts_with("cloud-debug-storefront-"), "{a}");
        assert_eq!(a.len(), 31, "{a}: the cut part loses its trailing hyphen");
        assert_ne!(a, b);
        assert_eq!(
            a,
            debug_target_group("storefront-web-blue-tg-2024", "arn:aws:…/a")
        );
        assert!(!a.contains("--"));
    }

    #[test]
    fn bucket_and_record_names() {
        assert_eq!(
            state_bucket("eu-west-1", "123456789012"),
            "do-not-delete-cloud-debug-eu-west-1-123456789012"
        );
        assert_eq!(record_key("apps", "web"), "services/apps/web.json");
        assert_eq!(debug_family("web"), "cloud-debug-web");
        assert_eq!(debug_family("cloud-debug-web"), "cloud-debug-web");
    }
}
