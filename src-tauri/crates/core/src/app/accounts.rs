//! Accounts: adding, editing, switching and deleting them, and their keychain tokens.

use super::{Atelier, AtelierError};
use crate::accounts::{
    clean_label, clean_token, trim_pasted, Account, AccountOptions, AccountView, Address,
    AuthStyle, HistoryChoice,
};
use crate::app::{AccountChange, NewAccount};
use crate::library::{Filter, LibraryQuery};
use crate::providers::address;
use crate::providers::{Health, ProviderKind};
use crate::secrets::Secret;

impl Atelier {
    pub fn accounts(&self) -> Result<Vec<AccountView>, AtelierError> {
        let active = self.store.active_account()?.id;
        self.store
            .accounts()?
            .into_iter()
            .map(|account| self.view(account, active))
            .collect()
    }

    pub fn add_account(&self, new: &NewAccount) -> Result<AccountView, AtelierError> {
        if !new.provider.needs_token() {
            return Err(AtelierError::Invalid(
                "The Demo account is built in.".into(),
            ));
        }
        let label = clean_label(&new.label).map_err(AtelierError::Invalid)?;
        let options = options_for(new.provider, &new.options);
        let token = match options.auth {
            AuthStyle::NoSecret => None,
            _ => Some(clean_token(&new.token).map_err(AtelierError::Invalid)?),
        };
        let address = checked_address(new.provider, &new.base_url, new.allow_unencrypted)?;
        // Prompts keep going where they went until the person picks the new account (its
        // token is untested yet). Pinned, since the store's fallback is the first account.
        let active = self.store.active_account()?.id;
        let account = self.store.insert_account(new.provider, &label, &address)?;
        let kept = self
            .store
            .set_account_options(account.id, &options)
            .map_err(AtelierError::from)
            .and_then(|()| match &token {
                Some(token) => Ok(self.secrets.set(&account.keychain_name(), token)?),
                None => Ok(()),
            });
        if let Err(e) = kept {
            // No token, no account: never leave one behind that cannot work.
            self.store.delete_account(account.id)?;
            return Err(e);
        }
        self.store.set_active_account(active)?;
        self.view(self.account(account.id)?, active)
    }

    /// Renames, moves or re-tokens an account. A token never follows an address to another
    /// server on its own: moving there needs the token pasted again with it.
    pub fn update_account(
        &self,
        id: i64,
        change: &AccountChange,
    ) -> Result<AccountView, AtelierError> {
        let account = self.account(id)?;
        let label = clean_label(&change.label).map_err(AtelierError::Invalid)?;
        if !account.provider.needs_token() {
            self.store
                .update_account(id, &label, &Address::checked(""))?;
            return self.view(self.account(id)?, self.store.active_account()?.id);
        }
        let address =
            checked_address(account.provider, &change.base_url, change.allow_unencrypted)?;
        let options = options_for(account.provider, &change.options);
        let keeps_secret = options.auth != AuthStyle::NoSecret;
        let token = match &change.token {
            Some(raw) if keeps_secret => Some(clean_token(raw).map_err(AtelierError::Invalid)?),
            _ => None,
        };
        let moved_away = !address::same_origin(&account.base_url, &address.url);
        if keeps_secret && token.is_none() && moved_away {
            let to = address::parse(&address.url)?.origin().ascii_serialization();
            return Err(AtelierError::TokenNeeded(to));
        }
        if let Some(token) = &token {
            self.secrets.set(&account.keychain_name(), token)?;
        }
        if !keeps_secret {
            // None is kept for a server that takes none.
            self.secrets.delete(&account.keychain_name())?;
        }
        self.store.update_account(id, &label, &address)?;
        self.store.set_account_options(id, &options)?;
        let moved = address.url != account.base_url
            || address.allow_unencrypted != account.allow_unencrypted
            || options != account.options;
        if moved || token.is_some() {
            self.refresh_provider(&self.account(id)?)?;
        }
        self.view(self.account(id)?, self.store.active_account()?.id)
    }

    pub fn set_token(&self, id: i64, raw: &Secret) -> Result<AccountView, AtelierError> {
        let account = self.account(id)?;
        if !account.provider.needs_token() {
            return Err(AtelierError::Invalid(
                "The Demo account needs no token.".into(),
            ));
        }
        if !account.needs_token() {
            return Err(AtelierError::Invalid(
                "This account is set to send no secret: choose how the server takes it \
                 (mj-api-secret or Authorization: Bearer) in the account first."
                    .into(),
            ));
        }
        let token = clean_token(raw).map_err(AtelierError::Invalid)?;
        self.secrets.set(&account.keychain_name(), &token)?;
        self.refresh_provider(&account)?;
        self.view(self.account(id)?, self.store.active_account()?.id)
    }

    pub fn set_active(&self, id: i64) -> Result<AccountView, AtelierError> {
        let account = self.account(id)?;
        self.store.set_active_account(id)?;
        self.view(account, id)
    }

    /// Removes the account and its keychain entry; its jobs are kept or deleted as asked.
    pub fn delete_account(&self, id: i64, history: HistoryChoice) -> Result<(), AtelierError> {
        let account = self.account(id)?;
        if !account.provider.needs_token() {
            return Err(AtelierError::Invalid(
                "The built-in Demo account cannot be deleted.".into(),
            ));
        }
        self.importer.forget(id);
        self.engine.forget_account(id);
        for job in self.store.unfinished_jobs()? {
            if job.account_id == Some(id) {
                self.engine.cancel(job.id)?;
            }
        }
        if history == HistoryChoice::Delete {
            let query = LibraryQuery {
                filter: Filter {
                    account: Some(id),
                    ..Filter::default()
                },
                ..LibraryQuery::default()
            };
            let jobs = self.store.ids_matching(&query)?;
            let removed = self.store.remove_jobs(&jobs, &self.media)?;
            self.to_trash(removed)?;
            self.forget_outgoing_of_deleted();
        }
        self.secrets.delete(&account.keychain_name())?;
        self.store.delete_account(id)?;
        Ok(())
    }

    /// How many jobs the account's history holds (asked when deleting it).
    pub fn account_job_count(&self, id: i64) -> Result<u32, AtelierError> {
        Ok(self.store.job_count(id)?)
    }

    pub async fn test_connection(&self, id: i64) -> Result<Health, AtelierError> {
        self.connect(id)?.health().await
    }

    pub(super) fn account(&self, id: i64) -> Result<Account, AtelierError> {
        self.store.account(id)?.ok_or(AtelierError::NoAccount)
    }

    /// A new token or address: the account gets a fresh chance, and its jobs use it.
    pub(super) fn refresh_provider(&self, account: &Account) -> Result<(), AtelierError> {
        if !account.provider.needs_token() {
            return Ok(());
        }
        self.store.clear_token_problem(account.id)?;
        match self.provider(account) {
            Ok(provider) => self.engine.set_provider(account.id, provider),
            // No token yet: nothing to follow jobs with until one is pasted.
            Err(AtelierError::NoToken(_)) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }

    fn view(&self, account: Account, active: i64) -> Result<AccountView, AtelierError> {
        let kind = account.provider;
        let needs_token = account.needs_token();
        let token_set = needs_token && self.secrets.get(&account.keychain_name())?.is_some();
        Ok(AccountView {
            provider_name: kind.display_name(),
            default_base_url: kind.default_base_url(),
            needs_token,
            capabilities: kind.capabilities(),
            token_set,
            active: account.id == active,
            account,
        })
    }
}

/// The options kept for an account: only midjourney-proxy has a choice; the others speak one
/// way, so whatever came with them is not kept (a "no secret" must not reach them).
fn options_for(kind: ProviderKind, asked: &AccountOptions) -> AccountOptions {
    match kind {
        ProviderKind::MjPlus => asked.clone(),
        _ => AccountOptions::default(),
    }
}

/// The address to store: the provider's own when left empty, checked, without a trailing
/// slash; allowed unencrypted only if it is unencrypted and the person said so.
fn checked_address(
    kind: ProviderKind,
    text: &str,
    allow_unencrypted: bool,
) -> Result<Address, AtelierError> {
    let text = if trim_pasted(text).is_empty() {
        kind.default_base_url()
    } else {
        text
    };
    let url = address::parse_for(text, &kind.address_rules())?;
    address::require_encryption_as_typed(text, &url, allow_unencrypted)?;
    Ok(Address {
        url: url.as_str().trim_end_matches('/').to_owned(),
        allow_unencrypted: allow_unencrypted && address::is_unencrypted(&url),
    })
}
