//! The library: pages, counts, likes, collections, saved searches, deleting and undoing.

use atelier_core::engine::Job;
use atelier_core::library::{
    Collection, Cursor, Deletion, Facets, Filter, LibraryQuery, Page, SavedSearch, Selection,
    Summary,
};

use super::{blocking, App, Result};

#[tauri::command]
pub async fn library_page(
    app: App<'_>,
    query: LibraryQuery,
    from: Option<i64>,
    limit: u32,
) -> Result<Page> {
    blocking(&app, move |app| app.library_page(&query, from, limit)).await
}

#[tauri::command]
pub async fn library_summary(app: App<'_>, query: LibraryQuery) -> Result<Summary> {
    blocking(&app, move |app| app.library_summary(&query)).await
}

#[tauri::command]
pub async fn library_facets(app: App<'_>, filter: Filter) -> Result<Facets> {
    blocking(&app, move |app| app.library_facets(&filter)).await
}

/// The ids between two positions, for a Shift-click.
#[tauri::command]
pub async fn library_range(
    app: App<'_>,
    query: LibraryQuery,
    from: Cursor,
    to: Cursor,
) -> Result<Vec<i64>> {
    blocking(&app, move |app| app.library_range(&query, &from, &to)).await
}

#[tauri::command]
pub async fn get_job(app: App<'_>, id: i64) -> Result<Option<Job>> {
    blocking(&app, move |app| app.job(id)).await
}

#[tauri::command]
pub async fn like(app: App<'_>, selection: Selection, liked: bool) -> Result<()> {
    blocking(&app, move |app| app.like(&selection, liked)).await
}

#[tauri::command]
pub async fn collections(app: App<'_>) -> Result<Vec<Collection>> {
    blocking(&app, |app| app.collections()).await
}

#[tauri::command]
pub async fn create_collection(app: App<'_>, name: String) -> Result<Collection> {
    blocking(&app, move |app| app.create_collection(&name)).await
}

#[tauri::command]
pub async fn rename_collection(app: App<'_>, id: i64, name: String) -> Result<()> {
    blocking(&app, move |app| app.rename_collection(id, &name)).await
}

#[tauri::command]
pub async fn delete_collection(app: App<'_>, id: i64) -> Result<()> {
    blocking(&app, move |app| app.delete_collection(id)).await
}

/// Adds the selection to a collection (`add`), or takes it out.
#[tauri::command]
pub async fn collect(app: App<'_>, collection: i64, selection: Selection, add: bool) -> Result<()> {
    blocking(&app, move |app| app.collect(collection, &selection, add)).await
}

#[tauri::command]
pub async fn saved_searches(app: App<'_>) -> Result<Vec<SavedSearch>> {
    blocking(&app, |app| app.saved_searches()).await
}

#[tauri::command]
pub async fn save_search(app: App<'_>, name: String, query: LibraryQuery) -> Result<SavedSearch> {
    blocking(&app, move |app| app.save_search(&name, &query)).await
}

#[tauri::command]
pub async fn delete_saved_search(app: App<'_>, id: i64) -> Result<()> {
    blocking(&app, move |app| app.delete_saved_search(id)).await
}

/// Deletes jobs or images: rows in one go, files to the system trash; the receipt undoes it.
#[tauri::command]
pub async fn delete_items(app: App<'_>, selection: Selection) -> Result<Deletion> {
    blocking(&app, move |app| app.delete(&selection)).await
}

#[tauri::command]
pub async fn undo_deletion(app: App<'_>, receipt: i64) -> Result<()> {
    blocking(&app, move |app| app.undo_deletion(receipt)).await
}
