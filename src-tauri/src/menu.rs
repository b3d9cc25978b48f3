//! The window's menu and its shortcuts. Items that act on the page (send, search, settings)
//! are handed to the web view as a `menu` event naming the item; the rest happen here.
//!
//! There is deliberately no Edit menu: its accelerators (Ctrl+C, Ctrl+V…) would take those
//! keys from WebKit, which already handles them in every text field and on selected text.

use tauri::menu::{AboutMetadata, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Manager, Wry};

use crate::events::{Event, MenuChosen};

/// Items the web view acts on; the `menu` event's payload, named as the item's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(export, rename = "MenuItem"))]
pub enum PageItem {
    Send,
    Search,
    Settings,
}

impl PageItem {
    /// The item a menu id names, read as the page reads it (serde's names).
    fn from_id(id: &str) -> Option<Self> {
        use serde::de::{value::Error, Deserialize, IntoDeserializer};
        Self::deserialize(IntoDeserializer::<Error>::into_deserializer(id)).ok()
    }
}

pub fn build(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let item =
        |id: &str, text: &str, keys: Option<&str>| MenuItem::with_id(app, id, text, true, keys);
    let separator = PredefinedMenuItem::separator(app)?;
    let file = Submenu::with_items(
        app,
        "&File",
        true,
        &[
            &item("send", "&Send prompt", Some("CmdOrCtrl+Enter"))?,
            &item("settings", "Se&ttings…", Some("CmdOrCtrl+,"))?,
            &separator,
            &item("quit", "&Quit", Some("CmdOrCtrl+Q"))?,
        ],
    )?;
    let view = Submenu::with_items(
        app,
        "&View",
        true,
        &[
            &item("search", "&Search history", Some("CmdOrCtrl+F"))?,
            &item("fullscreen", "&Full screen", Some("F11"))?,
        ],
    )?;
    let help = Submenu::with_items(
        app,
        "&Help",
        true,
        &[
            &item("logs", "Open the &logs folder", None)?,
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::about(app, Some("&About Atelier"), Some(about(app)))?,
        ],
    )?;
    Menu::with_items(app, &[&file, &view, &help])
}

pub fn on_event(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref();
    match id {
        "quit" => app.exit(0),
        "fullscreen" => toggle_fullscreen(app),
        "logs" => {
            if let Err(e) = crate::commands::open_logs(app) {
                tracing::warn!("could not open the logs folder: {}", e.message);
            }
        }
        _ => {
            if let Some(item) = PageItem::from_id(id) {
                MenuChosen::emit(app, &item);
            }
        }
    }
}

fn toggle_fullscreen(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let now = window.is_fullscreen().unwrap_or(false);
        let _ = window.set_fullscreen(!now);
    }
}

fn about(app: &AppHandle) -> AboutMetadata<'_> {
    let info = app.package_info();
    let bundle = &app.config().bundle;
    AboutMetadata {
        name: Some("Atelier".into()),
        version: Some(info.version.to_string()),
        comments: bundle.short_description.clone(),
        copyright: bundle.copyright.clone(),
        license: bundle.license.clone(),
        website: bundle.homepage.clone(),
        website_label: Some("atelier.dev".into()),
        authors: Some(vec![info.authors.to_owned()]),
        icon: app.default_window_icon().cloned(),
        ..Default::default()
    }
}
