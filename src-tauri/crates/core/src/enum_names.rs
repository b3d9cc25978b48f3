//! The check every stored enum shares: the name strum gives a variant (what the store writes
//! and reads back) is the name serde gives it (what the web view sees), so neither can drift
//! from the rows already in people's databases.

use std::fmt::Debug;
use std::str::FromStr;

use serde::Serialize;
use strum::VariantArray;

/// Every variant's strum name is its serde name, and parses back to it.
pub fn assert_names_agree<T>()
where
    T: VariantArray + Serialize + FromStr + Copy + PartialEq + Debug + Into<&'static str>,
    <T as FromStr>::Err: Debug,
{
    for &variant in T::VARIANTS {
        let name: &'static str = variant.into();
        let serde_name = serde_json::to_value(variant).unwrap();
        assert_eq!(
            serde_name, name,
            "{variant:?}: stored and sent names differ"
        );
        assert_eq!(
            name.parse::<T>().unwrap(),
            variant,
            "{name} does not read back"
        );
    }
    assert!(
        "not a name".parse::<T>().is_err(),
        "an unknown name is refused"
    );
}
