//! What a service can do beyond making images from a prompt. The web view reads them per
//! account and offers only what the account's service supports.

use serde::{Deserialize, Serialize};

/// What a service can do beyond making images; the UI offers only these.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Capabilities {
    /// The scales Enhance offers on an upscale (empty: no Enhance).
    pub enhance: Vec<EnhanceScale>,
    /// The service lists the account's past images, so they can be imported.
    pub import_past: bool,
    /// The service offers Midjourney's actions on a result (the buttons each result carries),
    /// and Describe and Blend.
    pub actions: bool,
    /// The service takes pictures as data with a prompt (image prompts sent as files).
    pub image_data: bool,
    /// The service reads picture addresses in the prompt text (image prompts, `--sref`,
    /// `--oref` as links to pictures it can fetch).
    pub image_addresses: bool,
}

/// How much larger Enhance makes an upscale. Named on the wire, in the store and in the web
/// view as the service names it ("2x"…): serde and strum are given the same name, and a test
/// holds them together.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ts_rs::TS,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[ts(export)]
pub enum EnhanceScale {
    #[serde(rename = "2x")]
    #[strum(serialize = "2x")]
    X2,
    #[serde(rename = "4x")]
    #[strum(serialize = "4x")]
    X4,
    #[serde(rename = "6x")]
    #[strum(serialize = "6x")]
    X6,
    #[serde(rename = "8x")]
    #[strum(serialize = "8x")]
    X8,
    #[serde(rename = "10x")]
    #[strum(serialize = "10x")]
    X10,
    #[serde(rename = "12x")]
    #[strum(serialize = "12x")]
    X12,
}

impl EnhanceScale {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// How many times wider (and higher) the result is.
    pub fn factor(self) -> u32 {
        match self {
            EnhanceScale::X2 => 2,
            EnhanceScale::X4 => 4,
            EnhanceScale::X6 => 6,
            EnhanceScale::X8 => 8,
            EnhanceScale::X10 => 10,
            EnhanceScale::X12 => 12,
        }
    }
}

/// One upscale of a job as the service knows it: what Enhance starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteImage {
    /// The service's id of the job that made the upscale.
    pub job_remote_id: String,
    /// 0-based: U1 is 0.
    pub index: u8,
}

#[cfg(test)]
mod tests {
    use strum::VariantArray;

    use super::*;

    #[test]
    fn scales_are_named_as_the_service_names_them() {
        crate::enum_names::assert_names_agree::<EnhanceScale>();
        for scale in EnhanceScale::VARIANTS {
            assert_eq!(scale.as_str(), format!("{}x", scale.factor()));
        }
        assert!("3x".parse::<EnhanceScale>().is_err());
        assert!("4X".parse::<EnhanceScale>().is_err());
    }

    #[test]
    fn capabilities_reach_the_web_view_in_camel_case() {
        let caps = Capabilities {
            enhance: vec![EnhanceScale::X2],
            import_past: true,
            ..Capabilities::default()
        };
        let json = serde_json::to_value(caps).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"enhance": ["2x"], "importPast": true, "actions": false, "imageData": false, "imageAddresses": false})
        );
    }
}
