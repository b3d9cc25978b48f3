//! What an image carries out of the library: where it came from, written as the text other
//! image tools read (`parameters`) and as an XMP packet.

use chrono::{DateTime, Utc};

use crate::job::{Job, Slot};
use crate::providers::ProviderKind;

/// Atelier's own XMP namespace, for what no standard schema has a property for.
pub const XMP_NAMESPACE: &str = "https://atelier.dev/ns/1.0/";

/// IPTC's term for a picture made by a generative model, as Midjourney labels its own files.
/// An XMP packet the service put in a file is replaced (a file has one packet), so ours says
/// it too.
const TRAINED_ALGORITHMIC_MEDIA: &str =
    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

/// A remote id is the service's; it is provenance, not a place for a paragraph.
const MAX_REMOTE_ID: usize = 200;

/// Where an image came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// The prompt as it was sent, parameters included: what someone copies to make it again.
    pub prompt: String,
    /// Its `--` parameters alone (`--ar 16:9 --v 7`), empty when it has none.
    pub parameters: String,
    /// The service as people know it ("ImagineAPI").
    pub service: String,
    /// Made by a generative model: every service but the offline Demo.
    pub generated: bool,
    /// Atelier's id for the job.
    pub job_id: i64,
    /// The service's id for the job, when it gave one.
    pub remote_id: Option<String>,
    /// When the job was made, Unix milliseconds.
    pub created_at: i64,
    /// Which of the job's pictures it is ([`image_label`]).
    pub slot: String,
}

impl Provenance {
    pub fn of(job: &Job, slot: Slot) -> Provenance {
        Provenance {
            prompt: job.prompt.clone(),
            parameters: split_parameters(&job.prompt).1.to_owned(),
            service: job.provider.display_name().to_owned(),
            generated: job.provider != ProviderKind::Demo,
            job_id: job.id,
            remote_id: job
                .remote_id
                .as_ref()
                .map(|id| id.chars().take(MAX_REMOTE_ID).collect()),
            created_at: job.created_at,
            slot: image_label(job, slot),
        }
    }

    /// The text of a PNG's `parameters` chunk: the prompt, then one line of `Key: value`
    /// pairs, the shape Stable Diffusion tools write and image browsers show.
    pub fn parameters_text(&self) -> String {
        let mut line = format!("Service: {}, Job: {}", self.service, self.job_id);
        if let Some(remote) = &self.remote_id {
            line.push_str(&format!(", Remote job: {remote}"));
        }
        line.push_str(&format!(
            ", Slot: {}, Date: {}",
            self.slot,
            iso_date(self.created_at)
        ));
        // A PNG text chunk ends at a NUL.
        format!("{}\n{line}", self.prompt).replace('\0', "")
    }

    /// A whole XMP packet: the prompt as `dc:description` (what photo tools show as the
    /// caption), the date as `xmp:CreateDate`, the rest in Atelier's namespace.
    pub fn xmp(&self) -> String {
        let mut props = format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt>\
             </dc:description>\n<xmp:CreateDate>{}</xmp:CreateDate>\n",
            escape(&self.prompt),
            iso_date(self.created_at)
        );
        if self.generated {
            props.push_str(&format!(
                "<Iptc4xmpExt:DigitalSourceType>{TRAINED_ALGORITHMIC_MEDIA}\
                 </Iptc4xmpExt:DigitalSourceType>\n"
            ));
        }
        let mut own = |name: &str, value: &str| {
            props.push_str(&format!(
                "<atelier:{name}>{}</atelier:{name}>\n",
                escape(value)
            ));
        };
        if !self.parameters.is_empty() {
            own("PromptParameters", &self.parameters);
        }
        own("Service", &self.service);
        own("JobID", &self.job_id.to_string());
        if let Some(remote) = &self.remote_id {
            own("RemoteJobID", remote);
        }
        own("Slot", &self.slot);
        format!(
            "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
             <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
             <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
             <rdf:Description rdf:about=\"\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
             xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
             xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" \
             xmlns:atelier=\"{XMP_NAMESPACE}\">\n\
             {props}</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>"
        )
    }

    /// The XMP packet, with the prompt and its parameters shortened (ending in "…") until it
    /// is at most `limit` bytes; `None` if even without them it does not fit.
    pub fn xmp_within(&self, limit: usize) -> Option<String> {
        let xmp = self.xmp();
        if xmp.len() <= limit {
            return Some(xmp);
        }
        let shortened = |keep: usize| {
            let mut p = self.clone();
            p.prompt = clip(&self.prompt, keep);
            p.parameters = clip(&self.parameters, keep);
            p.xmp()
        };
        // The most characters kept that fit: escaping makes the packet's length a poor
        // guide to how much to cut, so search.
        let longest = self
            .prompt
            .chars()
            .count()
            .max(self.parameters.chars().count());
        let (mut fits, mut over) = (0, longest);
        let mut best = shortened(0);
        if best.len() > limit {
            return None;
        }
        while over - fits > 1 {
            let mid = (fits + over) / 2;
            let xmp = shortened(mid);
            if xmp.len() <= limit {
                (fits, best) = (mid, xmp);
            } else {
                over = mid;
            }
        }
        Some(best)
    }
}

/// The first `keep` characters, marked as cut with "…"; nothing when `keep` is 0.
fn clip(text: &str, keep: usize) -> String {
    match text.char_indices().nth(keep) {
        None => text.to_owned(),
        Some(_) if keep == 0 => String::new(),
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
    }
}

/// The prompt's words and its `--` parameters: everything from the first word that starts
/// with `--` and a letter (or `—`, which some keyboards make of `--` and Midjourney accepts).
pub fn split_parameters(prompt: &str) -> (&str, &str) {
    let mut word_start = true;
    for (i, c) in prompt.char_indices() {
        if c.is_whitespace() {
            word_start = true;
            continue;
        }
        if word_start {
            let rest = &prompt[i..];
            let after = rest.strip_prefix("--").or_else(|| rest.strip_prefix('—'));
            if after.is_some_and(|a| a.starts_with(|c: char| c.is_ascii_alphabetic())) {
                return (prompt[..i].trim(), prompt[i..].trim());
            }
        }
        word_start = false;
    }
    (prompt.trim(), "")
}

/// How a slot is written in names and metadata: "grid", "U1".."U4".
/// Which of a job's pictures an image is, as people say it: "grid", "U2", or for an Enhance
/// (whose one picture sits in the grid's place) "U2 enhanced 4x".
pub fn image_label(job: &Job, slot: Slot) -> String {
    match (&job.enhancement, slot) {
        (Some(e), Slot::Grid) => match &e.parent {
            Some(parent) => format!("{} enhanced {}", slot_label(parent.slot), e.scale.as_str()),
            None => format!("enhanced {}", e.scale.as_str()),
        },
        _ => slot_label(slot).to_owned(),
    }
}

pub fn slot_label(slot: Slot) -> &'static str {
    match slot {
        Slot::Grid => "grid",
        Slot::U1 => "U1",
        Slot::U2 => "U2",
        Slot::U3 => "U3",
        Slot::U4 => "U4",
    }
}

fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// ISO 8601 in UTC to the second: `2026-11-30T14:05:09Z`.
pub fn iso_date(ms: i64) -> String {
    utc(ms).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The UTC day, `2026-11-30`: the same whatever the time zone of whoever opens the files.
pub fn day(ms: i64) -> String {
    utc(ms).format("%Y-%m-%d").to_string()
}

/// The date and time a zip entry or a file's modification time gets: (y, m, d, h, min, s).
pub(super) fn civil(ms: i64) -> (i32, u32, u32, u32, u32, u32) {
    use chrono::{Datelike, Timelike};
    let t = utc(ms);
    (
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    )
}

/// Text as XML element content. Characters XML 1.0 cannot hold at all (most control
/// characters) are dropped: a reader would reject the whole packet for one of them.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // A parser turns a raw CR into a line feed.
            '\r' => out.push_str("&#xD;"),
            '\t' | '\n' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::sample;

    #[test]
    fn parameters_are_the_tail_from_the_first_double_dash_word() {
        assert_eq!(
            split_parameters("a red--bird --ar 16:9 --v 7"),
            ("a red--bird", "--ar 16:9 --v 7")
        );
        assert_eq!(split_parameters("a bird —ar 2:3"), ("a bird", "—ar 2:3"));
        assert_eq!(
            split_parameters("a bird -- and --5"),
            ("a bird -- and --5", "")
        );
        assert_eq!(split_parameters("--v 7"), ("", "--v 7"));
        assert_eq!(split_parameters("  sky  "), ("sky", ""));
    }

    #[test]
    fn the_parameters_text_is_the_prompt_then_one_line_of_provenance() {
        assert_eq!(
            sample().parameters_text(),
            "a red bird on a branch --ar 16:9 --v 7\nService: ImagineAPI, Job: 42, \
             Remote job: abc-123, Slot: U1, Date: 2026-11-30T14:05:09Z"
        );
    }

    #[test]
    fn xml_special_and_control_characters_are_escaped_or_dropped() {
        assert_eq!(
            escape("<a & \"b\" 'c'>\u{1}\r\n"),
            "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;&#xD;\n"
        );
        let mut p = sample();
        p.prompt = "a <b> & \"c\"".into();
        assert!(p
            .xmp()
            .contains(">a &lt;b&gt; &amp; &quot;c&quot;</rdf:li>"));
    }

    #[test]
    fn a_packet_too_large_is_fitted_by_shortening_the_prompt() {
        let mut p = sample();
        p.prompt = "鳥 & ".repeat(20_000);
        let xmp = p.xmp_within(4_000).unwrap();
        assert!(xmp.len() <= 4_000, "{}", xmp.len());
        assert!(xmp.contains("…</rdf:li>"));
        assert_eq!(sample().xmp_within(100_000), Some(sample().xmp()));
        assert_eq!(sample().xmp_within(100), None);
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(iso_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(day(1_796_047_509_000), "2026-11-30");
    }
}
