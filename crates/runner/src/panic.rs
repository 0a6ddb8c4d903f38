//! Decoding Cairo panic data into a readable message.

use cairo_vm::Felt252;

/// The magic first felt of a panic carrying a serialized `ByteArray` (`panic!("...")`).
const BYTE_ARRAY_MAGIC: &str = "46a6158a16a947e5916b2a2ca68501a45e93d7110e81aa2d6438b1c57c879a3";

/// Short strings print as text, `ByteArray` panics as their text, anything else as hex.
pub fn describe_panic(data: &[Felt252]) -> String {
    if let Some(text) = decode_byte_array_panic(data) {
        return text;
    }
    let parts: Vec<String> = data
        .iter()
        .map(|f| match short_string(f) {
            Some(s) => format!("'{s}'"),
            None => format!("{f:#x}"),
        })
        .collect();
    if parts.is_empty() {
        "(no panic data)".into()
    } else {
        parts.join(", ")
    }
}

/// A felt as a Cairo short string, if all its bytes are printable ASCII.
pub fn short_string(f: &Felt252) -> Option<String> {
    let bytes = f.to_bytes_be();
    let bytes: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if bytes.is_empty() || !bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

fn decode_byte_array_panic(data: &[Felt252]) -> Option<String> {
    let magic = Felt252::from_hex(&format!("0x{BYTE_ARRAY_MAGIC}")).ok()?;
    if data.first() != Some(&magic) {
        return None;
    }
    let n_words: usize = data.get(1)?.to_biguint().try_into().ok()?;
    let mut bytes = Vec::new();
    for word in data.get(2..2 + n_words)? {
        let b = word.to_bytes_be();
        bytes.extend_from_slice(&b[32 - 31..]);
    }
    let pending = data.get(2 + n_words)?;
    let pending_len: usize = data.get(3 + n_words)?.to_biguint().try_into().ok()?;
    if pending_len > 31 {
        return None;
    }
    let b = pending.to_bytes_be();
    bytes.extend_from_slice(&b[32 - pending_len..]);
    String::from_utf8(bytes).ok()
}
