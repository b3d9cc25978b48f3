//! Accounts and their tokens.

use atelier_core::accounts::{AccountView, HistoryChoice};
use atelier_core::app::{AccountChange, NewAccount};
use atelier_core::providers::Health;
use atelier_core::secrets::Secret;

use super::{blocking, fail, App, Result};

#[tauri::command]
pub async fn list_accounts(app: App<'_>) -> Result<Vec<AccountView>> {
    blocking(&app, |app| app.accounts()).await
}

#[tauri::command]
pub async fn add_account(app: App<'_>, account: NewAccount) -> Result<AccountView> {
    blocking(&app, move |app| app.add_account(&account)).await
}

#[tauri::command]
pub async fn update_account(app: App<'_>, id: i64, change: AccountChange) -> Result<AccountView> {
    blocking(&app, move |app| app.update_account(id, &change)).await
}

#[tauri::command]
pub async fn set_account_token(app: App<'_>, id: i64, token: Secret) -> Result<AccountView> {
    blocking(&app, move |app| app.set_token(id, &token)).await
}

#[tauri::command]
pub async fn set_active_account(app: App<'_>, id: i64) -> Result<AccountView> {
    blocking(&app, move |app| app.set_active(id)).await
}

#[tauri::command]
pub async fn delete_account(app: App<'_>, id: i64, history: HistoryChoice) -> Result<()> {
    blocking(&app, move |app| app.delete_account(id, history)).await
}

/// How many jobs an account's history holds (asked before deleting it).
#[tauri::command]
pub async fn account_job_count(app: App<'_>, id: i64) -> Result<u32> {
    blocking(&app, move |app| app.account_job_count(id)).await
}

// The keychain is read on the blocking pool (it may wait for the person to unlock it); the
// request itself then runs on the async workers.
#[tauri::command]
pub async fn test_connection(app: App<'_>, id: i64) -> Result<Health> {
    let connection = blocking(&app, move |app| app.connect(id)).await?;
    connection.health().await.map_err(fail)
}
