//! Account rows and the active-account setting.

use rusqlite::{params, OptionalExtension, Row};

use super::{Store, StoreError};
use crate::accounts::{Account, AccountOptions, Address};
use crate::clock::now_ms;
use crate::providers::ProviderKind;

const ACTIVE_KEY: &str = "active_account";

impl Store {
    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, provider, label, base_url, token_problem, unencrypted_ok, options FROM accounts \
             ORDER BY id",
        )?;
        let rows = stmt.query_map([], account_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    pub fn account(&self, id: i64) -> Result<Option<Account>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, provider, label, base_url, token_problem, unencrypted_ok, options FROM accounts \
                 WHERE id = ?1",
                [id],
                account_from_row,
            )
            .optional()?)
    }

    pub fn insert_account(
        &self,
        provider: ProviderKind,
        label: &str,
        address: &Address,
    ) -> Result<Account, StoreError> {
        let id = {
            let conn = self.conn();
            conn.execute(
                "INSERT INTO accounts (provider, label, base_url, unencrypted_ok, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    provider.as_str(),
                    label,
                    address.url,
                    address.allow_unencrypted,
                    now_ms()
                ],
            )?;
            conn.last_insert_rowid()
        };
        self.account(id)?
            .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }

    pub fn update_account(
        &self,
        id: i64,
        label: &str,
        address: &Address,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE accounts SET label = ?2, base_url = ?3, unencrypted_ok = ?4 WHERE id = ?1",
            params![id, label, address.url, address.allow_unencrypted],
        )?;
        Ok(())
    }

    /// How the account's service is spoken to; stored as JSON so later choices read as their
    /// defaults in older rows.
    pub fn set_account_options(&self, id: i64, options: &AccountOptions) -> Result<(), StoreError> {
        let json = serde_json::to_string(options).expect("options always serialize");
        self.conn().execute(
            "UPDATE accounts SET options = ?2 WHERE id = ?1",
            params![id, json],
        )?;
        Ok(())
    }

    /// Records that the service rejected the account's token. Returns whether this is news,
    /// so the person is told once, not once per job.
    pub fn mark_token_rejected(&self, id: i64, problem: &str) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE accounts SET token_problem = ?2 WHERE id = ?1 AND token_problem IS NULL",
            params![id, problem],
        )?;
        Ok(changed == 1)
    }

    /// A new token (or address) deserves a fresh chance.
    pub fn clear_token_problem(&self, id: i64) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE accounts SET token_problem = NULL WHERE id = ?1",
            [id],
        )?;
        Ok(())
    }

    pub fn delete_account(&self, id: i64) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM accounts WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn job_count(&self, account_id: i64) -> Result<u32, StoreError> {
        Ok(self.conn().query_row(
            "SELECT COUNT(*) FROM jobs WHERE account_id = ?1",
            [account_id],
            |r| r.get(0),
        )?)
    }

    /// The account prompts go to: the chosen one while it exists, else the first (Demo).
    pub fn active_account(&self) -> Result<Account, StoreError> {
        let chosen = self
            .setting(ACTIVE_KEY)?
            .and_then(|v| v.parse::<i64>().ok());
        if let Some(account) = chosen.map(|id| self.account(id)).transpose()?.flatten() {
            return Ok(account);
        }
        self.accounts()?
            .into_iter()
            .next()
            .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }

    pub fn set_active_account(&self, id: i64) -> Result<(), StoreError> {
        self.set_setting(ACTIVE_KEY, &id.to_string())
    }
}

fn account_from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    let provider: String = r.get(1)?;
    Ok(Account {
        id: r.get(0)?,
        provider: super::rows::named(1, &provider)?,
        label: r.get(2)?,
        base_url: r.get(3)?,
        token_problem: r.get(4)?,
        allow_unencrypted: r.get(5)?,
        // Written by this code as JSON; a row it cannot read keeps the defaults.
        options: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_store_has_the_demo_account_active() {
        let store = Store::open_in_memory().unwrap();
        let active = store.active_account().unwrap();
        assert_eq!(
            (active.provider, active.label.as_str()),
            (ProviderKind::Demo, "Demo")
        );
    }

    #[test]
    fn accounts_are_added_switched_and_deleted() {
        let store = Store::open_in_memory().unwrap();
        let work = store
            .insert_account(
                ProviderKind::ImagineApi,
                "Work",
                &Address::checked("https://cl.imagineapi.dev"),
            )
            .unwrap();
        store.set_active_account(work.id).unwrap();
        assert_eq!(store.active_account().unwrap().id, work.id);
        store
            .update_account(
                work.id,
                "Studio",
                &Address {
                    url: "http://192.168.1.2:1".into(),
                    allow_unencrypted: true,
                },
            )
            .unwrap();
        let studio = store.account(work.id).unwrap().unwrap();
        assert_eq!(studio.label, "Studio");
        assert!(studio.allow_unencrypted);

        assert!(store.mark_token_rejected(work.id, "revoked").unwrap());
        assert!(
            !store.mark_token_rejected(work.id, "revoked").unwrap(),
            "told once"
        );
        let problem = store.account(work.id).unwrap().unwrap().token_problem;
        assert_eq!(problem.as_deref(), Some("revoked"));
        store.clear_token_problem(work.id).unwrap();
        assert!(store.mark_token_rejected(work.id, "again").unwrap());

        let job = store
            .insert_job("r", &store.account(work.id).unwrap().unwrap(), "p", None)
            .unwrap();
        store.delete_account(work.id).unwrap();
        let kept = store.job(job.id).unwrap().unwrap();
        assert_eq!(
            (kept.account_id, kept.account_label.as_str()),
            (None, "Studio")
        );
        assert_eq!(
            store.active_account().unwrap().provider,
            ProviderKind::Demo,
            "falls back to Demo"
        );
    }

    #[test]
    fn an_accounts_options_are_kept() {
        use crate::accounts::{AuthStyle, SpeedMode};
        let store = Store::open_in_memory().unwrap();
        let proxy = store
            .insert_account(
                ProviderKind::MjPlus,
                "Proxy",
                &Address::checked("http://127.0.0.1:8080"),
            )
            .unwrap();
        assert_eq!(proxy.options, AccountOptions::default());
        let options = AccountOptions {
            auth: AuthStyle::NoSecret,
            speed: Some(SpeedMode::Relax),
        };
        store.set_account_options(proxy.id, &options).unwrap();
        assert_eq!(store.account(proxy.id).unwrap().unwrap().options, options);
    }
}
