//! A small ESC/POS reader for the tests, written apart from the kiosk's own code: it
//! turns the bytes a printer would receive back into text lines (through an
//! independent CP857 table, the `oem_cp` crate), barcodes, QR contents and cuts.

/// What a printer would have printed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Printed {
    pub lines: Vec<String>,
    pub barcodes: Vec<String>,
    pub qr_codes: Vec<String>,
    pub cuts: usize,
    /// The code pages selected with `ESC t n`, in order.
    pub code_pages: Vec<u8>,
    /// Real-time status questions (`DLE EOT n`).
    pub status_requests: Vec<u8>,
    /// Bytes this reader does not know, which a test may want to see.
    pub unknown: Vec<u8>,
}

impl Printed {
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

fn character(byte: u8, page: u8) -> char {
    if byte < 0x80 {
        return byte as char;
    }
    match page {
        13 => oem_cp::decode_char_incomplete_table_lossy(byte, &oem_cp::code_table::DECODING_TABLE_CP857),
        _ => '\u{fffd}',
    }
}

pub fn decode(bytes: &[u8]) -> Printed {
    let mut out = Printed::default();
    let mut line = String::new();
    let mut page = 0u8;
    let mut i = 0;
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            0x0a => {
                out.lines.push(std::mem::take(&mut line));
                i += 1;
            }
            0x10 if at(i + 1) == 0x04 => {
                out.status_requests.push(at(i + 2));
                i += 3;
            }
            0x1b => {
                let command = at(i + 1);
                match command {
                    b'@' => {
                        page = 0;
                        i += 2;
                    }
                    b't' => {
                        page = at(i + 2);
                        out.code_pages.push(page);
                        i += 3;
                    }
                    // Print the buffer and feed n lines: the first ends the current line.
                    b'd' => {
                        let n = at(i + 2);
                        if n > 0 {
                            out.lines.push(std::mem::take(&mut line));
                        }
                        for _ in 1..n {
                            out.lines.push(String::new());
                        }
                        i += 3;
                    }
                    b'a' | b'E' | b'-' | b'G' | b'M' | b'J' | b'{' | b'!' | b'2' | b'3' | b'V' | b'R' => i += 3,
                    _ => {
                        out.unknown.extend_from_slice(&bytes[i..i + 2]);
                        i += 2;
                    }
                }
            }
            0x1d => {
                let command = at(i + 1);
                match command {
                    b'V' => {
                        out.cuts += 1;
                        i += if matches!(at(i + 2), 65 | 66 | 97 | 98 | 103 | 104) {
                            4
                        } else {
                            3
                        };
                    }
                    b'k' => {
                        let system = at(i + 2);
                        if system <= 6 {
                            let end = bytes[i + 3..]
                                .iter()
                                .position(|&x| x == 0)
                                .map_or(bytes.len(), |p| i + 3 + p);
                            out.barcodes
                                .push(String::from_utf8_lossy(&bytes[i + 3..end]).into_owned());
                            i = end + 1;
                        } else {
                            let n = at(i + 3) as usize;
                            let data = &bytes[i + 4..(i + 4 + n).min(bytes.len())];
                            out.barcodes.push(code128_text(data));
                            i += 4 + n;
                        }
                    }
                    b'(' => {
                        let len = at(i + 3) as usize + 256 * at(i + 4) as usize;
                        let body = &bytes[(i + 5).min(bytes.len())..(i + 5 + len).min(bytes.len())];
                        // GS ( k: cn 49 (QR), fn 80 (store the data), m 48, then the data.
                        if at(i + 2) == b'k' && body.len() >= 3 && body[0] == 49 && body[1] == 80 {
                            out.qr_codes.push(String::from_utf8_lossy(&body[3..]).into_owned());
                        }
                        i += 5 + len;
                    }
                    b'!' | b'B' | b'h' | b'w' | b'H' | b'f' | b'b' | b'L' => i += 3,
                    _ => {
                        out.unknown.extend_from_slice(&bytes[i..i + 2]);
                        i += 2;
                    }
                }
            }
            0x00..=0x1f => i += 1,
            _ => {
                line.push(character(b, page));
                i += 1;
            }
        }
    }
    if !line.is_empty() {
        out.lines.push(line);
    }
    out
}

/// CODE128 data as sent with `GS k 73`: "{B" text, or "{C" digit pairs as bytes.
fn code128_text(data: &[u8]) -> String {
    let mut text = String::new();
    let mut set = b'B';
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'{' && i + 1 < data.len() {
            set = data[i + 1];
            i += 2;
            continue;
        }
        if set == b'C' {
            text.push_str(&format!("{:02}", data[i]));
        } else {
            text.push(data[i] as char);
        }
        i += 1;
    }
    text
}
