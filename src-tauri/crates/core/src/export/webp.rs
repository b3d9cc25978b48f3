//! WebP: an `XMP ` chunk at the end of the RIFF container. Only the extended format can hold
//! metadata, so a simple file (one `VP8 ` or `VP8L` chunk) gains the `VP8X` header that says
//! so; the image chunks are copied byte for byte.

use super::ExportError;

const VP8X: &[u8; 4] = b"VP8X";
const VP8: &[u8; 4] = b"VP8 ";
const VP8L: &[u8; 4] = b"VP8L";
const XMP: &[u8; 4] = b"XMP ";
/// Flags in the first byte of `VP8X`.
const XMP_FLAG: u8 = 0b0000_0100;
const ALPHA_FLAG: u8 = 0b0001_0000;

fn is_webp(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
}

struct Chunk<'a> {
    id: &'a [u8],
    data: &'a [u8],
}

/// The WebP with the XMP packet. An `XMP ` chunk already there (ours from an earlier run, or
/// the service's) is dropped, so a file has one packet.
pub(super) fn embed(webp: &[u8], xmp: &[u8]) -> Result<Vec<u8>, ExportError> {
    let chunks = chunks(webp)?;
    let first = chunks.first().ok_or_else(|| damaged("it holds no image"))?;
    let header = match first.id {
        id if id == VP8X => {
            let mut header = first.data.to_vec();
            if header.len() < 10 {
                return Err(damaged("its VP8X header is cut off"));
            }
            header[0] |= XMP_FLAG;
            header
        }
        id if id == VP8 || id == VP8L => extended_header(first)?,
        _ => return Err(damaged("it does not start with an image chunk")),
    };
    let mut body = Vec::with_capacity(webp.len() + xmp.len() + 32);
    body.extend_from_slice(b"WEBP");
    push_chunk(&mut body, VP8X, &header);
    for chunk in &chunks {
        if chunk.id != VP8X && chunk.id != XMP {
            push_chunk(&mut body, chunk.id, chunk.data);
        }
    }
    // XMP comes last in the extended format's order.
    push_chunk(&mut body, XMP, xmp);
    let size = u32::try_from(body.len()).map_err(|_| damaged("it would pass 4 GiB"))?;
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// The chunks inside the RIFF container, whose size field is trusted over the file's length
/// (anything after it is not part of the image).
fn chunks(webp: &[u8]) -> Result<Vec<Chunk<'_>>, ExportError> {
    if !is_webp(webp) {
        return Err(damaged("no RIFF WEBP header"));
    }
    let riff_size = u32::from_le_bytes(webp[4..8].try_into().expect("4 bytes")) as usize;
    let end = 8usize
        .checked_add(riff_size)
        .filter(|end| *end <= webp.len())
        .ok_or_else(|| damaged("it is shorter than its header says"))?;
    let mut chunks = Vec::new();
    let mut pos = 12;
    while pos + 8 <= end {
        let id = &webp[pos..pos + 4];
        let size = u32::from_le_bytes(webp[pos + 4..pos + 8].try_into().expect("4 bytes"));
        let data_end = (pos + 8)
            .checked_add(size as usize)
            .filter(|e| *e <= end)
            .ok_or_else(|| damaged("a chunk is cut off"))?;
        chunks.push(Chunk {
            id,
            data: &webp[pos + 8..data_end],
        });
        // Chunks are padded to an even length.
        pos = data_end + (size as usize & 1);
    }
    Ok(chunks)
}

/// A `VP8X` payload for a simple file: flags, three reserved bytes, then the canvas size
/// minus one in 24 bits each, read from the bitstream's own header.
fn extended_header(image: &Chunk<'_>) -> Result<Vec<u8>, ExportError> {
    let (width, height, alpha) = if image.id == VP8 {
        // A key frame: 3 bytes of frame tag, the start code, then 14-bit width and height.
        let d = image.data;
        if d.len() < 10 || d[3..6] != [0x9D, 0x01, 0x2A] {
            return Err(damaged("its VP8 header is unreadable"));
        }
        let width = u32::from(u16::from_le_bytes([d[6], d[7]]) & 0x3FFF);
        let height = u32::from(u16::from_le_bytes([d[8], d[9]]) & 0x3FFF);
        (width, height, false)
    } else {
        // Signature 0x2F, then 14 bits of width − 1, 14 of height − 1 and the alpha bit.
        let d = image.data;
        if d.len() < 5 || d[0] != 0x2F {
            return Err(damaged("its VP8L header is unreadable"));
        }
        let bits = u32::from_le_bytes([d[1], d[2], d[3], d[4]]);
        let width = (bits & 0x3FFF) + 1;
        let height = ((bits >> 14) & 0x3FFF) + 1;
        (width, height, bits & (1 << 28) != 0)
    };
    if width == 0 || height == 0 {
        return Err(damaged("its size is zero"));
    }
    // Decoders take the alpha flag at its word: without it a lossless image's transparency
    // would be dropped.
    let flags = XMP_FLAG | if alpha { ALPHA_FLAG } else { 0 };
    let mut header = vec![flags, 0, 0, 0];
    header.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    header.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    Ok(header)
}

fn push_chunk(out: &mut Vec<u8>, id: &[u8], data: &[u8]) {
    let size = u32::try_from(data.len()).expect("checked against the RIFF size");
    out.extend_from_slice(id);
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

fn damaged(reason: &str) -> ExportError {
    ExportError::Damaged {
        format: "WebP",
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::*;

    const LOSSY: &[u8] = include_bytes!("fixtures/lossy.webp");
    const LOSSY_ALPHA: &[u8] = include_bytes!("fixtures/lossy-alpha.webp");

    fn ids(webp: &[u8]) -> Vec<String> {
        let chunks = chunks(webp).unwrap();
        chunks
            .iter()
            .map(|c| String::from_utf8_lossy(c.id).into_owned())
            .collect()
    }

    /// Embeds, then checks the file with exiftool and the decoder: same pixels, a valid
    /// extended container, the provenance readable.
    fn check(original: &[u8], provenance: &crate::export::Provenance) -> Vec<u8> {
        let embedded = crate::export::embed(original, provenance).unwrap();
        assert_eq!(
            decode(&embedded),
            decode(original),
            "the pixels are untouched"
        );
        let tags = exiftool_bytes(&embedded, "webp");
        assert_provenance(&tags, provenance);
        let riff = u32::from_le_bytes(embedded[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff + 8, embedded.len(), "the RIFF size covers the file");
        assert_eq!(ids(&embedded)[0], "VP8X");
        assert_eq!(ids(&embedded).last().unwrap(), "XMP ");
        embedded
    }

    #[test]
    fn a_lossy_webp_becomes_extended_with_its_canvas_size() {
        // Made by cwebp: the image crate encodes lossless WebP only.
        assert_eq!(ids(LOSSY), ["VP8 "]);
        let embedded = check(LOSSY, &sample());
        let header = chunks(&embedded).unwrap()[0].data.to_vec();
        assert_eq!(header, [XMP_FLAG, 0, 0, 0, 39, 0, 0, 23, 0, 0], "40×24");
        assert_eq!(ids(&embedded), ["VP8X", "VP8 ", "XMP "]);
    }

    #[test]
    fn a_lossless_webp_keeps_its_transparency() {
        let (original, pixels) = fixture(image::ImageFormat::WebP);
        assert_eq!(ids(&original), ["VP8L"]);
        assert!(pixels.color().has_alpha(), "the fixture has transparency");
        let embedded = check(&original, &sample());
        assert_eq!(chunks(&embedded).unwrap()[0].data[0], XMP_FLAG | ALPHA_FLAG);
        let opaque = image::DynamicImage::ImageRgb8(pixels.to_rgb8());
        let mut rgb = Vec::new();
        opaque
            .write_to(
                &mut std::io::Cursor::new(&mut rgb),
                image::ImageFormat::WebP,
            )
            .unwrap();
        assert_eq!(
            chunks(&check(&rgb, &sample())).unwrap()[0].data[0],
            XMP_FLAG
        );
    }

    #[test]
    fn an_extended_webp_gets_the_flag_and_one_packet_of_either_length() {
        assert_eq!(ids(LOSSY_ALPHA), ["VP8X", "ALPH", "VP8 "]);
        let mut provenance = sample();
        let once = check(LOSSY_ALPHA, &provenance);
        // Packets of both parities, so the padding of odd chunks is read and written.
        for extra in ["", "x"] {
            provenance.prompt = format!("{JAPANESE_PROMPT}{extra}");
            let twice = check(&once, &provenance);
            assert_eq!(ids(&twice), ["VP8X", "ALPH", "VP8 ", "XMP "]);
            let again = check(&twice, &provenance);
            assert_eq!(again, twice, "embedding is idempotent");
        }
        provenance.prompt = TRICKY_PROMPT.into();
        check(LOSSY_ALPHA, &provenance);
    }

    #[test]
    fn damaged_webps_are_refused() {
        assert!(embed(&LOSSY[..LOSSY.len() - 10], b"x").is_err(), "cut off");
        let mut odd = LOSSY.to_vec();
        odd[12..16].copy_from_slice(b"JUNK");
        assert!(embed(&odd, b"x").is_err(), "no image chunk first");
    }
}
