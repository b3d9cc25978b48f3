//! The window may do what the page does and nothing more: `capabilities/default.json` lists
//! exactly an `allow-*` for each command of the contract and the core permissions of the
//! Tauri modules the page imports.

use std::collections::BTreeSet;
use std::path::Path;

/// What each `@tauri-apps` module the page may import needs. `invoke` is checked against the
/// commands' own permissions and `convertFileSrc` only builds a URL, so `core` needs nothing;
/// `listen` also unlistens.
const MODULES: &[(&str, &[&str])] = &[
    ("@tauri-apps/api/core", &[]),
    (
        "@tauri-apps/api/event",
        &["core:event:allow-listen", "core:event:allow-unlisten"],
    ),
    // Only for files dropped on the window, which arrive as webview events.
    (
        "@tauri-apps/api/webview",
        &["core:event:allow-listen", "core:event:allow-unlisten"],
    ),
];

macro_rules! allowed {
    ($( $name:ident ( $( $arg:ident : $ty:ty ),* ) -> $reply:ty ; )*) => {
        [$( format!("allow-{}", stringify!($name).replace('_', "-")) ),*]
    };
}

/// The `@tauri-apps` modules the page's own code (not its tests) imports.
fn tauri_modules(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir)
        .expect("ui/src can be read")
        .flatten()
    {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "testing" {
                tauri_modules(&path, found);
            }
        } else if !name.contains(".test.") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let imports = text.split("from \"@tauri-apps/").skip(1);
            found.extend(imports.filter_map(|rest| {
                let module = rest.split('"').next()?;
                Some(format!("@tauri-apps/{module}"))
            }));
        }
    }
}

fn listed() -> BTreeSet<String> {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../../capabilities/default.json"))
            .expect("capabilities/default.json is JSON");
    let permissions = file["permissions"].as_array().expect("a permissions list");
    let names = permissions
        .iter()
        .map(|p| p.as_str().expect("a permission name"));
    names.map(str::to_owned).collect()
}

#[test]
fn the_window_may_call_the_contract_and_what_the_page_imports() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src");
    let mut modules = BTreeSet::new();
    tauri_modules(&ui, &mut modules);
    let mut expected: BTreeSet<String> = each_command!(allowed).into_iter().collect();
    for module in &modules {
        let Some((_, needs)) = MODULES.iter().find(|(name, _)| name == module) else {
            panic!("the page imports {module}: add it and the permissions it needs to MODULES");
        };
        expected.extend(needs.iter().map(|p| p.to_string()));
    }
    let listed = listed();
    let missing: Vec<_> = expected.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "capabilities/default.json should add {missing:?} and drop {extra:?}"
    );
}
