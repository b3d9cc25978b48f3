//! PNG: two `iTXt` chunks before the first `IDAT`, every other chunk copied byte for byte.

use super::ExportError;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// The keyword Stable Diffusion tools write and image browsers show.
const PARAMETERS: &[u8] = b"parameters";
/// The keyword the XMP specification gives XMP in PNG.
const XMP: &[u8] = b"XML:com.adobe.xmp";
/// The PNG specification's ceiling on a chunk's length.
const MAX_CHUNK: usize = (1 << 31) - 1;

fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(SIGNATURE)
}

/// The PNG with `parameters` and XMP text. Text chunks with either keyword already there
/// (ours from an earlier run, or the service's) are dropped, so a file has one of each.
pub(super) fn embed(png: &[u8], parameters: &str, xmp: &str) -> Result<Vec<u8>, ExportError> {
    if !is_png(png) {
        return Err(damaged("no PNG signature"));
    }
    let mut out = Vec::with_capacity(png.len() + parameters.len() + xmp.len() + 64);
    out.extend_from_slice(SIGNATURE);
    let mut inserted = false;
    let mut pos = SIGNATURE.len();
    while pos < png.len() {
        let header = png
            .get(pos..pos + 8)
            .ok_or_else(|| damaged("a chunk is cut off"))?;
        let length = u32::from_be_bytes(header[..4].try_into().expect("4 bytes")) as usize;
        let kind = &header[4..8];
        let end = pos + 12 + length;
        if length > MAX_CHUNK || end > png.len() {
            return Err(damaged("a chunk is cut off"));
        }
        if kind == b"IDAT" && !inserted {
            push_chunk(&mut out, b"iTXt", &itxt(PARAMETERS, parameters));
            push_chunk(&mut out, b"iTXt", &itxt(XMP, xmp));
            inserted = true;
        }
        if !is_replaced(kind, &png[pos + 8..end - 4]) {
            out.extend_from_slice(&png[pos..end]);
        }
        pos = end;
        if kind == b"IEND" {
            break;
        }
    }
    if !inserted {
        return Err(damaged("no image data"));
    }
    Ok(out)
}

fn damaged(reason: &str) -> ExportError {
    ExportError::Damaged {
        format: "PNG",
        reason: reason.into(),
    }
}

/// A text chunk (any of the three kinds) whose keyword is one this writes.
fn is_replaced(kind: &[u8], data: &[u8]) -> bool {
    if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt") {
        return false;
    }
    let keyword = data.split(|b| *b == 0).next().unwrap_or_default();
    keyword == PARAMETERS || keyword == XMP
}

/// Uncompressed international text: keyword, NUL, no compression, no language tag, no
/// translated keyword, then UTF-8.
fn itxt(keyword: &[u8], text: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(keyword.len() + 5 + text.len());
    data.extend_from_slice(keyword);
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());
    data
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).expect("text far below 2 GiB");
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::*;

    /// Each chunk's type, in order.
    fn kinds(png: &[u8]) -> Vec<String> {
        let mut pos = 8;
        let mut kinds = Vec::new();
        while pos < png.len() {
            let length = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
            kinds.push(String::from_utf8_lossy(&png[pos + 4..pos + 8]).into_owned());
            pos += 12 + length;
        }
        kinds
    }

    #[test]
    fn png_carries_parameters_and_xmp_that_exiftool_reads() {
        let (original, pixels) = fixture(image::ImageFormat::Png);
        let provenance = sample();
        let embedded = crate::export::embed(&original, &provenance).unwrap();
        assert_eq!(decode(&embedded), pixels, "the pixels are untouched");
        let tags = exiftool_bytes(&embedded, "png");
        assert_eq!(
            text(&tags["PNG:Parameters"]),
            provenance.parameters_text(),
            "{tags:#}"
        );
        assert_provenance(&tags, &provenance);
    }

    #[test]
    fn embedding_twice_replaces_rather_than_adds() {
        let (original, pixels) = fixture(image::ImageFormat::Png);
        let mut provenance = sample();
        let once = crate::export::embed(&original, &provenance).unwrap();
        provenance.prompt = "a blue bird".into();
        let twice = crate::export::embed(&once, &provenance).unwrap();
        assert_eq!(kinds(&once), kinds(&twice));
        assert_eq!(
            kinds(&twice),
            ["IHDR", "iTXt", "iTXt", "IDAT", "IEND"],
            "text before the image data"
        );
        assert_eq!(decode(&twice), pixels);
        let tags = exiftool_bytes(&twice, "png");
        assert!(text(&tags["PNG:Parameters"]).starts_with("a blue bird\n"));
        assert_eq!(text(&tags["XMP-dc:Description"]), "a blue bird");
    }

    #[test]
    fn non_latin_and_markup_prompts_survive() {
        let (original, _) = fixture(image::ImageFormat::Png);
        for prompt in [TRICKY_PROMPT, JAPANESE_PROMPT] {
            let mut provenance = sample();
            provenance.prompt = prompt.into();
            let embedded = crate::export::embed(&original, &provenance).unwrap();
            let tags = exiftool_bytes(&embedded, "png");
            assert_eq!(text(&tags["XMP-dc:Description"]), prompt);
            assert!(text(&tags["PNG:Parameters"]).starts_with(&format!("{prompt}\n")));
        }
    }

    #[test]
    fn a_cut_off_png_is_refused_not_mangled() {
        let (original, _) = fixture(image::ImageFormat::Png);
        let cut = &original[..original.len() / 2];
        assert!(matches!(
            embed(cut, "p", "x"),
            Err(ExportError::Damaged { .. })
        ));
        assert!(embed(&original[..8], "p", "x").is_err(), "no image data");
    }
}
