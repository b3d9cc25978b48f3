//! Errors as the web view receives them: a code the UI branches on and the sentence it shows.
//! The code comes from the error's variant, so rewording a message never changes behaviour.

use serde::Serialize;
use ts_rs::TS;

use super::AtelierError;
use crate::data_folder::DataFolderError;
use crate::export::ExportError;
use crate::media::MediaError;
use crate::providers::address::AddressError;
use crate::providers::ProviderError;
use crate::secrets::SecretError;
use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    Database,
    NewerDatabase,
    KeychainUnavailable,
    KeychainRejected,
    TokenRejected,
    Forbidden,
    NotFound,
    ImageGone,
    QuotaReached,
    RateLimited,
    Rejected,
    ServiceError,
    Unreachable,
    Timeout,
    BadResponse,
    NotSent,
    /// The server does not let its past images be listed: nothing to import there.
    ImportUnavailable,
    /// The service's queue is full: nothing was started; try again later.
    QueueFull,
    /// Midjourney would refuse a word of the prompt: edit it.
    Banned,
    DownloadInterrupted,
    NotAnImage,
    TooLarge,
    Oversized,
    Trash,
    NotInTrash,
    FileError,
    FolderInUse,
    FolderError,
    NoToken,
    NoAccount,
    /// A plain `http://` address on another machine: the UI asks before allowing it.
    UnencryptedAddress,
    BadAddress,
    /// The address moved to another server: the UI asks for the token with it.
    TokenNeeded,
    Invalid,
    /// Something in the shell itself failed (a task, a window, a dialog).
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ErrorReply {
    pub code: ErrorCode,
    pub message: String,
    /// What to use instead, when the fix is certain (an address with `https://` added, or a
    /// service's base instead of one of its request paths): the UI offers it in one click.
    pub suggestion: Option<String>,
}

impl ErrorReply {
    pub fn new(code: ErrorCode, message: impl std::fmt::Display) -> Self {
        ErrorReply {
            code,
            message: message.to_string(),
            suggestion: None,
        }
    }

    pub fn internal(message: impl std::fmt::Display) -> Self {
        ErrorReply::new(ErrorCode::Internal, message)
    }
}

impl From<&AtelierError> for ErrorReply {
    fn from(e: &AtelierError) -> Self {
        ErrorReply {
            code: e.code(),
            message: e.to_string(),
            suggestion: e.suggestion().map(str::to_owned),
        }
    }
}

impl AtelierError {
    /// See [`ErrorReply::suggestion`].
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            AtelierError::Address(e) => e.suggestion(),
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        use ErrorCode as C;
        match self {
            AtelierError::Store(e) => store(e),
            AtelierError::Secret(SecretError::Unavailable(_)) => C::KeychainUnavailable,
            AtelierError::Secret(SecretError::Rejected(_)) => C::KeychainRejected,
            AtelierError::Provider(e) => provider(e),
            AtelierError::Media(e) => media(e),
            AtelierError::Folder(DataFolderError::InUse(_)) => C::FolderInUse,
            AtelierError::Folder(DataFolderError::Io { .. }) => C::FolderError,
            AtelierError::Address(AddressError::Unencrypted(_)) => C::UnencryptedAddress,
            AtelierError::Address(_) => C::BadAddress,
            AtelierError::NoToken(_) => C::NoToken,
            AtelierError::NoAccount => C::NoAccount,
            AtelierError::TokenNeeded(_) => C::TokenNeeded,
            AtelierError::Export(ExportError::UnknownFormat | ExportError::Damaged { .. }) => {
                C::NotAnImage
            }
            AtelierError::Export(_) => C::FileError,
            AtelierError::Invalid(_) => C::Invalid,
        }
    }
}

fn store(e: &StoreError) -> ErrorCode {
    match e {
        StoreError::Sqlite(_) => ErrorCode::Database,
        StoreError::Newer { .. } => ErrorCode::NewerDatabase,
    }
}

fn provider(e: &ProviderError) -> ErrorCode {
    use ErrorCode as C;
    match e {
        ProviderError::Unauthorized { .. } => C::TokenRejected,
        ProviderError::Forbidden { .. } => C::Forbidden,
        ProviderError::NotFound { .. } => C::NotFound,
        ProviderError::ImageGone { .. } => C::ImageGone,
        ProviderError::QuotaReached { .. } => C::QuotaReached,
        ProviderError::RateLimited { .. } => C::RateLimited,
        ProviderError::Rejected { .. } => C::Rejected,
        ProviderError::Server { .. } => C::ServiceError,
        ProviderError::Network { .. } | ProviderError::Unreachable { .. } => C::Unreachable,
        ProviderError::Timeout { .. } => C::Timeout,
        ProviderError::BadResponse { .. } => C::BadResponse,
        ProviderError::NotSent { .. } => C::NotSent,
        ProviderError::ListingUnavailable { .. } => C::ImportUnavailable,
        ProviderError::QueueFull { .. } => C::QueueFull,
        ProviderError::Banned { .. } => C::Banned,
    }
}

fn media(e: &MediaError) -> ErrorCode {
    use ErrorCode as C;
    match e {
        MediaError::Provider(e) => provider(e),
        MediaError::Interrupted(_) => C::DownloadInterrupted,
        MediaError::NotAnImage(_) => C::NotAnImage,
        MediaError::TooLarge(_) => C::TooLarge,
        MediaError::Oversized { .. } => C::Oversized,
        MediaError::Trash(_) => C::Trash,
        MediaError::NotInTrash => C::NotInTrash,
        MediaError::JobGone => C::NotFound,
        MediaError::Io { .. } => C::FileError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_carry_the_variants_code_and_the_sentence() {
        let e = AtelierError::Address(AddressError::Unencrypted("http://a.example".into()));
        let reply = ErrorReply::from(&e);
        assert_eq!(reply.code, ErrorCode::UnencryptedAddress);
        assert!(reply
            .message
            .starts_with("http://a.example is not encrypted"));
        let json = serde_json::to_value(&reply).unwrap();
        assert_eq!(json["code"], "unencrypted_address");

        let gone = AtelierError::Media(MediaError::Provider(ProviderError::ImageGone {
            service: "Svc",
            status: 404,
        }));
        assert_eq!(gone.code(), ErrorCode::ImageGone);
        assert_eq!(
            AtelierError::TokenNeeded("https://b.example".into()).code(),
            ErrorCode::TokenNeeded
        );
        let json = serde_json::to_value(ErrorReply::internal("x")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "internal", "message": "x", "suggestion": null})
        );
    }

    #[test]
    fn address_replies_carry_the_suggested_address() {
        let e = AtelierError::Address(AddressError::NoScheme {
            scheme: "https://",
            suggestion: "https://cl.imagineapi.dev".into(),
        });
        let json = serde_json::to_value(ErrorReply::from(&e)).unwrap();
        assert_eq!(json["code"], "bad_address");
        assert_eq!(json["suggestion"], "https://cl.imagineapi.dev");
        assert_eq!(
            json["message"],
            "Add https:// in front: https://cl.imagineapi.dev"
        );
    }
}
