//! JPEG: one APP1 XMP segment after the leading JFIF and Exif segments; every other segment
//! and the compressed image copied byte for byte.

use super::metadata::Provenance;
use super::ExportError;

const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// Extended XMP continues a main packet, so it goes when that packet is replaced.
const EXTENDED_XMP_HEADER: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
/// A segment's length field counts itself: 65,535 − 2 bytes of payload at most.
const MAX_PAYLOAD: usize = 65_533;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
/// Start of scan: the compressed image follows, and nothing after it is touched.
const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;

fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// The JPEG with the provenance as XMP. XMP segments already there (ours from an earlier
/// run, or the service's) are dropped, so a file has one packet.
pub(super) fn embed(jpeg: &[u8], provenance: &Provenance) -> Result<Vec<u8>, ExportError> {
    if !is_jpeg(jpeg) {
        return Err(damaged("no JPEG start marker"));
    }
    let xmp = provenance
        .xmp_within(MAX_PAYLOAD - XMP_HEADER.len())
        .ok_or_else(|| damaged("the provenance cannot fit in a segment"))?;
    let (kept, insert_at, scan) = segments(jpeg)?;
    let mut out = Vec::with_capacity(jpeg.len() + xmp.len() + 64);
    out.extend_from_slice(&jpeg[..2]);
    for range in &kept[..insert_at] {
        out.extend_from_slice(&jpeg[range.clone()]);
    }
    let length = u16::try_from(2 + XMP_HEADER.len() + xmp.len()).expect("fitted above");
    out.extend_from_slice(&[0xFF, APP1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(XMP_HEADER);
    out.extend_from_slice(xmp.as_bytes());
    for range in &kept[insert_at..] {
        out.extend_from_slice(&jpeg[range.clone()]);
    }
    out.extend_from_slice(&jpeg[scan..]);
    Ok(out)
}

type Segments = (Vec<std::ops::Range<usize>>, usize, usize);

/// The segments before the image data that stay, how many of them lead (JFIF, Exif: XMP
/// goes after those), and where the image data starts.
fn segments(jpeg: &[u8]) -> Result<Segments, ExportError> {
    let mut kept = Vec::new();
    let mut insert_at = 0;
    let mut leading = true;
    let mut pos = 2;
    loop {
        if jpeg.get(pos) != Some(&0xFF) {
            return Err(damaged("a segment does not start with a marker"));
        }
        // Any number of 0xFF may pad before a marker.
        while jpeg.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *jpeg.get(pos + 1).ok_or_else(|| damaged("it ends early"))?;
        if marker == SOS || marker == EOI {
            return Ok((kept, insert_at, pos));
        }
        let end = if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            pos + 2 // markers that stand alone, without a length
        } else {
            let field = jpeg
                .get(pos + 2..pos + 4)
                .ok_or_else(|| damaged("it ends early"))?;
            let length = usize::from(u16::from_be_bytes([field[0], field[1]]));
            if length < 2 {
                return Err(damaged("a segment has an impossible length"));
            }
            pos + 2 + length
        };
        let payload = jpeg
            .get(pos + 4..end)
            .or_else(|| (end == pos + 2).then_some(&[][..]))
            .ok_or_else(|| damaged("a segment is cut off"))?;
        let is_xmp = marker == APP1
            && (payload.starts_with(XMP_HEADER) || payload.starts_with(EXTENDED_XMP_HEADER));
        if !is_xmp {
            kept.push(pos..end);
            let leads = marker == APP0 || (marker == APP1 && payload.starts_with(b"Exif\0"));
            leading &= leads;
            if leading {
                insert_at = kept.len();
            }
        }
        pos = end;
    }
}

fn damaged(reason: &str) -> ExportError {
    ExportError::Damaged {
        format: "JPEG",
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::*;

    /// Each segment's marker up to the image data, 0 standing for XMP.
    fn markers(jpeg: &[u8]) -> Vec<u8> {
        let mut markers = Vec::new();
        let mut pos = 2;
        while jpeg[pos + 1] != SOS {
            let length = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
            let xmp = jpeg[pos + 4..].starts_with(XMP_HEADER);
            markers.push(if xmp { 0 } else { jpeg[pos + 1] });
            pos += 2 + length;
        }
        markers
    }

    /// A JPEG with an Exif segment after its JFIF one, as cameras and services write them.
    fn with_exif(jpeg: &[u8]) -> Vec<u8> {
        let jfif_end = 4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
        assert_eq!(jpeg[3], APP0, "the image crate writes JFIF first");
        let exif = b"Exif\0\0II*\0\x08\0\0\0\0\0\0\0\0\0";
        let mut out = jpeg[..jfif_end].to_vec();
        out.extend_from_slice(&[0xFF, APP1]);
        out.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(exif);
        out.extend_from_slice(&jpeg[jfif_end..]);
        out
    }

    #[test]
    fn jpeg_carries_xmp_that_exiftool_reads() {
        let (original, pixels) = fixture(image::ImageFormat::Jpeg);
        let original = with_exif(&original);
        let provenance = sample();
        let embedded = crate::export::embed(&original, &provenance).unwrap();
        assert_eq!(decode(&embedded), pixels, "the pixels are untouched");
        let (_, _, scan) = segments(&original).unwrap();
        assert!(embedded.ends_with(&original[scan..]), "the scan is copied");
        let tags = exiftool_bytes(&embedded, "jpg");
        assert_provenance(&tags, &provenance);
        // JFIF, Exif, then the XMP (the 0).
        assert_eq!(&markers(&embedded)[..3], &[APP0, APP1, 0]);
    }

    #[test]
    fn embedding_twice_keeps_one_packet() {
        let (original, pixels) = fixture(image::ImageFormat::Jpeg);
        let mut provenance = sample();
        let once = crate::export::embed(&original, &provenance).unwrap();
        provenance.prompt = JAPANESE_PROMPT.into();
        let twice = crate::export::embed(&once, &provenance).unwrap();
        assert_eq!(markers(&once), markers(&twice));
        assert_eq!(markers(&once).iter().filter(|m| **m == 0).count(), 1);
        assert_eq!(decode(&twice), pixels);
        let tags = exiftool_bytes(&twice, "jpg");
        assert_eq!(text(&tags["XMP-dc:Description"]), JAPANESE_PROMPT);
    }

    #[test]
    fn markup_survives_and_a_huge_prompt_is_cut_to_fit_the_segment() {
        let (original, pixels) = fixture(image::ImageFormat::Jpeg);
        let mut provenance = sample();
        provenance.prompt = TRICKY_PROMPT.into();
        let tags = exiftool_bytes(
            &crate::export::embed(&original, &provenance).unwrap(),
            "jpg",
        );
        assert_eq!(text(&tags["XMP-dc:Description"]), TRICKY_PROMPT);

        provenance.prompt = "<&> ".repeat(20_000);
        let embedded = crate::export::embed(&original, &provenance).unwrap();
        assert_eq!(decode(&embedded), pixels);
        let tags = exiftool_bytes(&embedded, "jpg");
        let description = text(&tags["XMP-dc:Description"]);
        assert!(description.starts_with("<&> <&>") && description.ends_with('…'));
        assert_eq!(text(&tags["XMP-atelier:JobID"]), "42");
    }

    #[test]
    fn a_jpeg_cut_before_its_image_data_is_refused() {
        let (original, _) = fixture(image::ImageFormat::Jpeg);
        assert!(matches!(
            crate::export::embed(&original[..30], &sample()),
            Err(ExportError::Damaged { .. })
        ));
    }
}
