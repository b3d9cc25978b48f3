use std::time::Duration;

/// Everything that can go wrong talking to a service, phrased for the person at the keyboard.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    #[error("{service} rejected the API token ({detail}). Paste a new token in Settings.")]
    Unauthorized {
        service: &'static str,
        detail: String,
    },
    #[error("{service} refused access: {detail}")]
    Forbidden {
        service: &'static str,
        detail: String,
    },
    #[error("{service} has no such job (it may have been deleted, or belongs to another token).")]
    NotFound { service: &'static str },
    /// An image address that answers 404 or 410: the job was found, its file was not.
    #[error(
        "{service} no longer has this image (HTTP {status}): it is gone from the service's \
         storage, so it cannot be downloaded again."
    )]
    ImageGone { service: &'static str, status: u16 },
    #[error("{service} says your quota is used up: {detail}")]
    QuotaReached {
        service: &'static str,
        detail: String,
    },
    #[error("{service} is limiting requests; Atelier will slow down and retry.")]
    RateLimited {
        service: &'static str,
        retry_after: Option<Duration>,
    },
    #[error("{service} rejected the request: {detail}")]
    Rejected {
        service: &'static str,
        detail: String,
    },
    #[error("{service} is having trouble (HTTP {status}). Atelier will retry.")]
    Server { service: &'static str, status: u16 },
    /// The connection was never made (no such name, refused, or TLS failed before the
    /// request was written): the service cannot have received anything.
    #[error(
        "Could not reach {service}: {detail}. Check the address in Settings and your connection."
    )]
    Unreachable {
        service: &'static str,
        detail: String,
    },
    /// Anything else on the way: the request may have gone out (a reset, a connection
    /// closed mid-answer, a refused redirect).
    #[error(
        "Could not reach {service}: {detail}. Check the address in Settings and your connection."
    )]
    Network {
        service: &'static str,
        detail: String,
    },
    #[error("{service} took too long to answer.")]
    Timeout { service: &'static str },
    #[error("{service} sent a reply Atelier could not read ({detail}).")]
    BadResponse {
        service: &'static str,
        detail: String,
    },
    /// The service would not list the account's past images (the server's permissions, an
    /// older or trimmed server, or a service with no such list): nothing can be imported.
    #[error(
        "{service} does not let Atelier list this account's past images here ({detail}), so \
         they cannot be imported from this server."
    )]
    ListingUnavailable {
        service: &'static str,
        detail: String,
    },
    /// The service's queue is full (midjourney-proxy's code 23): nothing was started.
    #[error("{service}'s queue is full, so it did not start the job and nothing was charged. Try again in a few minutes.")]
    QueueFull { service: &'static str },
    /// Midjourney would refuse the prompt (midjourney-proxy's code 24).
    #[error("{}", banned_sentence(.word.as_deref()))]
    Banned {
        service: &'static str,
        /// The word Midjourney objects to, where the service says.
        word: Option<String>,
    },
    /// A passing failure before the prompt itself left: nothing to reconcile, nothing charged.
    #[error(
        "{service} could not take the prompt just now ({detail}), so it was not sent and \
         nothing was charged. Try again in a moment."
    )]
    NotSent {
        service: &'static str,
        detail: String,
    },
}

fn banned_sentence(word: Option<&str>) -> String {
    match word {
        Some(w) => {
            format!("Midjourney would refuse the word “{w}”: change it and send the prompt again.")
        }
        None => "Midjourney would refuse this prompt: change it and send it again.".to_owned(),
    }
}

impl ProviderError {
    /// Worth trying again later without the user doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Server { .. }
                | ProviderError::Unreachable { .. }
                | ProviderError::Network { .. }
                | ProviderError::Timeout { .. }
                | ProviderError::BadResponse { .. }
        )
    }

    /// A passing failure after which the service may have the request (it went out, and no
    /// usable answer came back): a submission must be looked up before it is sent again.
    /// Not so for a service never reached.
    pub fn answer_lost(&self) -> bool {
        self.is_transient() && !matches!(self, ProviderError::Unreachable { .. })
    }

    /// The token itself is wrong; retrying cannot help until the user replaces it.
    pub fn is_auth(&self) -> bool {
        matches!(self, ProviderError::Unauthorized { .. })
    }

    /// Wraps a passing failure that happened before the prompt left. (An unreachable
    /// service keeps its own, plainer sentence.)
    pub fn not_sent(self) -> ProviderError {
        let (service, detail) = match self {
            ProviderError::Server { service, status } => (service, format!("HTTP {status}")),
            ProviderError::RateLimited { service, .. } => (service, "too many requests".into()),
            ProviderError::Timeout { service } => (service, "no answer in time".into()),
            ProviderError::Network { service, detail }
            | ProviderError::BadResponse { service, detail } => (service, detail),
            other => return other,
        };
        ProviderError::NotSent { service, detail }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
