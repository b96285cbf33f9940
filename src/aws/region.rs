//! The regions the region picker offers, and a sanity check for names.

/// Commercial regions, in the order the picker lists them.
// LIMITATION: the list is compiled in rather than read with
// ec2:DescribeRegions, which would need one more SDK crate and one more
// permission; a newer region can still be named with --region.
pub const KNOWN_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
];

/// True for a region this build knows by name.
pub fn is_known(region: &str) -> bool {
    KNOWN_REGIONS.contains(&region)
}

/// True when `region` has the shape of a region name (`xx-word-N`), so
/// that newer or partition-specific regions are not refused outright.
pub fn looks_valid(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    if parts.len() < 3 {
        return false;
    }
    let (last, rest) = parts.split_last().unwrap_or((&"", &[]));
    let lower_word = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase());
    !last.is_empty() && last.chars().all(|c| c.is_ascii_digit()) && rest.iter().all(lower_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_shapes() {
        assert!(looks_valid("us-east-1"));
        assert!(looks_valid("us-gov-west-1"));
        assert!(!looks_valid("useast1"));
        assert!(!looks_valid("us-east-"));
        assert!(!looks_valid("US-EAST-1"));
        assert!(!looks_valid("mars-north-x"));
    }
}
