//! The README's key table is the keymap's help, so the two cannot drift.

use ecs_debug::app::keymap::Keymap;

fn keys_table() -> String {
    let mut table = String::from("| keys | action |\n|---|---|\n");
    for (keys, what) in Keymap::default().help_rows() {
        let keys: Vec<String> = keys.split(' ').map(|k| format!("`{k}`")).collect();
        table.push_str(&format!("| {} | {what} |\n", keys.join(" ")));
    }
    table
}

#[test]
fn readme_key_table_matches_the_default_keymap() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("<!-- keys:start -->\n")
        .expect("keys:start marker")
        + 20;
    let end = readme.find("<!-- keys:end -->").expect("keys:end marker");
    assert_eq!(
        &readme[start..end],
        keys_table(),
        "update the README's key table to this"
    );
}
