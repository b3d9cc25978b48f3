//! The contract names each command's arguments by hand, and Tauri matches them by name only
//! when the page calls: a renamed parameter would compile and fail in the window. This test
//! holds every command function in `commands/` to its line in the contract.

use std::path::Path;

/// Parameters Tauri fills in itself; the page never sends them.
const INJECTED: &[&str] = &[
    "App<",
    "AppHandle",
    "State<",
    "tauri::",
    "Window",
    "WebviewWindow",
];

macro_rules! declared {
    ($( $name:ident ( $( $arg:ident : $ty:ty ),* ) -> $reply:ty ; )*) => {
        vec![$( (stringify!($name), vec![$( format!("{}:{}", stringify!($arg), stringify!($ty)) ),*]) ),*]
    };
}

/// The source of every command module, as one text.
fn sources() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/commands");
    let mut text = String::new();
    for entry in std::fs::read_dir(dir)
        .expect("commands/ can be read")
        .flatten()
    {
        text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    text
}

/// The parameters of `fn name(...)` the page sends, as `name:Type` without spaces.
fn parameters(sources: &str, name: &str) -> Option<Vec<String>> {
    let start = sources.find(&format!("fn {name}("))? + name.len() + 4;
    let mut depth = 0;
    let mut params = vec![String::new()];
    for c in sources[start..].chars() {
        match c {
            '(' | '<' => depth += 1,
            ')' if depth == 0 => break,
            ')' | '>' => depth -= 1,
            ',' if depth == 0 => params.push(String::new()),
            _ => {}
        }
        if c != ',' || depth != 0 {
            params.last_mut()?.push(c);
        }
    }
    Some(
        params
            .iter()
            .map(|p| p.split_whitespace().collect::<String>())
            .filter(|p| !p.is_empty())
            .filter(|p| {
                let ty = p.split_once(':').map_or("", |(_, ty)| ty);
                !INJECTED.iter().any(|i| ty.starts_with(i))
            })
            .collect(),
    )
}

#[test]
fn every_command_takes_what_the_contract_says() {
    let sources = sources();
    for (name, args) in each_command!(declared) {
        let want: Vec<String> = args
            .iter()
            .map(|a| a.split_whitespace().collect())
            .collect();
        let found = parameters(&sources, name)
            .unwrap_or_else(|| panic!("no `fn {name}(` in src-tauri/src/commands/"));
        assert_eq!(
            found, want,
            "`{name}`: the function's parameters against the contract's"
        );
    }
}

#[test]
fn injected_parameters_are_left_out_and_generics_kept_whole() {
    let text = "pub async fn f(\n    app: App<'_>,\n    exports: State<'_, Arc<E>>,\n    ids: Vec<i64>,\n    at: Option<(i64, i64)>,\n) {}";
    assert_eq!(
        parameters(text, "f").unwrap(),
        ["ids:Vec<i64>", "at:Option<(i64,i64)>"]
    );
}
