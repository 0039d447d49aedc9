//! The Language Server's wire format, read defensively: `Content-Length` framed JSON-RPC.
//!
//! Headers are capped ([`MAX_HEADER_BYTES`]); a body over the message cap is read and thrown
//! away in chunks, never allocated; a stream that lost its framing (a missing or bad
//! `Content-Length`) is resynchronised at the next `Content-Length` header. Every problem is a
//! [`Frame`] the server answers or logs, so a hostile client cannot make the server exit.

use std::io::{self, BufRead};

use lsp_server::Message;

/// Cap on the header section of one message.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// Cap on one message body: four times the largest file iaclint lints (a document's text is
/// JSON-escaped inside the message).
pub const MAX_MESSAGE_BYTES: usize = 4 * crate::lint::MAX_FILE_BYTES as usize;

/// One item read from the stream.
#[derive(Debug)]
pub enum Frame {
    /// A well-formed JSON-RPC message.
    Message(Message),
    /// A body that is not JSON (answer -32700, id null).
    NotJson(String),
    /// JSON that is not a JSON-RPC request, response or notification (answer -32600 with the
    /// id it has, if any).
    Invalid {
        /// The message's `id`, when it has a usable one.
        id: Option<lsp_server::RequestId>,
        /// What is wrong.
        reason: String,
    },
    /// Broken framing: bad, missing or oversized headers, or a body over the cap (skipped).
    Broken(String),
}

/// One header line as read: its bytes (without the line break), or only its length when it
/// was longer than the room left.
enum Line {
    Text(Vec<u8>),
    TooLong,
    Eof,
}

/// Reads one line of at most `cap` bytes; the rest of a longer line is consumed and dropped.
fn read_line(r: &mut dyn BufRead, cap: usize) -> io::Result<Line> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(if line.is_empty() && !too_long {
                Line::Eof
            } else if too_long {
                Line::TooLong
            } else {
                Line::Text(line)
            });
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], i + 1),
            None => (buf, buf.len()),
        };
        if !too_long {
            if line.len() + chunk.len() > cap {
                too_long = true;
                line = Vec::new();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let found_newline = done > chunk.len();
        r.consume(done);
        if found_newline {
            if too_long {
                return Ok(Line::TooLong);
            }
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Line::Text(line));
        }
    }
}

/// Reads and drops `n` bytes in chunks; false at end of input.
fn skip(r: &mut dyn BufRead, mut n: usize) -> io::Result<bool> {
    while n > 0 {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let k = buf.len().min(n);
        r.consume(k);
        n -= k;
    }
    Ok(true)
}

/// The value of a `Content-Length` header in `line`, if it holds one: `Some(Err)` for a bad
/// value. A header glued to junk (a body sent without its length, then the next message's
/// header) is found too.
fn content_length(line: &[u8]) -> Option<Result<usize, String>> {
    const NAME: &[u8] = b"content-length:";
    let lower = line.to_ascii_lowercase();
    let at = lower.windows(NAME.len()).position(|w| w == NAME)?;
    let value = String::from_utf8_lossy(&line[at + NAME.len()..]);
    let value = value.trim();
    Some(
        value
            .parse::<usize>()
            .map_err(|_| format!("bad Content-Length `{}`", value.escape_debug())),
    )
}

/// Reads the next frame; `None` at end of input.
pub fn read(r: &mut dyn BufRead, max_body: usize) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut used = 0;
    let mut junk = false;
    loop {
        let room = MAX_HEADER_BYTES.saturating_sub(used);
        match read_line(r, room)? {
            Line::Eof => return Ok(None),
            Line::TooLong => {
                return Ok(Some(Frame::Broken(format!(
                    "header over the {MAX_HEADER_BYTES} byte limit"
                ))));
            }
            Line::Text(line) if line.is_empty() => {
                if length.is_none() && (junk || used == 0) {
                    // A stray blank line, or still out of sync: keep looking for a header.
                    continue;
                }
                break;
            }
            Line::Text(line) => {
                used += line.len() + 2;
                if let Some(l) = content_length(&line) {
                    let glued = !line.to_ascii_lowercase().starts_with(b"content-length:");
                    junk |= glued;
                    length = Some(l);
                } else if !line.contains(&b':') {
                    junk = true;
                }
            }
        }
    }
    let n = match length {
        None => {
            return Ok(Some(Frame::Broken(
                "message without a Content-Length header".into(),
            )));
        }
        Some(Err(e)) => return Ok(Some(Frame::Broken(e))),
        Some(Ok(n)) => n,
    };
    if n > max_body {
        if !skip(r, n)? {
            return Ok(None);
        }
        return Ok(Some(Frame::Broken(format!(
            "message of {n} bytes is over the {max_body} byte limit; skipped"
        ))));
    }
    let mut body = vec![0; n];
    if let Err(e) = r.read_exact(&mut body) {
        return if e.kind() == io::ErrorKind::UnexpectedEof {
            Ok(None)
        } else {
            Err(e)
        };
    }
    // Junk before the header was dropped; the message itself is served.
    Ok(Some(parse(&body)))
}

/// A body as a message.
fn parse(body: &[u8]) -> Frame {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Frame::NotJson(e.to_string()),
    };
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<lsp_server::RequestId>(id.clone()).ok());
    if !value.is_object() || value.get("jsonrpc").and_then(|v| v.as_str()) != Some("2.0") {
        return Frame::Invalid {
            id,
            reason: "not a JSON-RPC 2.0 message".into(),
        };
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Frame::Message(m),
        Err(e) => Frame::Invalid {
            id,
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut r = io::BufReader::with_capacity(16, input);
        let mut out = Vec::new();
        while let Some(f) = read(&mut r, 1000).unwrap() {
            out.push(match f {
                Frame::Message(Message::Notification(n)) => format!("note {}", n.method),
                Frame::Message(Message::Request(q)) => format!("req {}", q.method),
                Frame::Message(Message::Response(_)) => "resp".into(),
                Frame::NotJson(_) => "not json".into(),
                Frame::Invalid { .. } => "invalid".into(),
                Frame::Broken(e) => format!("bad: {e}"),
            });
        }
        out
    }

    fn msg(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const OK: &str = r#"{"jsonrpc":"2.0","method":"ok"}"#;

    #[test]
    fn hostile_frames_are_reported_and_the_stream_goes_on() {
        let mut input = String::new();
        input += "Content-Length: 99999999999999\r\n\r\n";
        input += &msg(OK);
        let f = frames(input.as_bytes());
        // The huge length is skipped to the end of input, never allocated.
        assert_eq!(f.len(), 0, "{f:?}");

        let mut input = String::new();
        input += "Content-Length: 2000\r\n\r\n";
        input += &"x".repeat(2000);
        input += "Content-Length: abc\r\n\r\n";
        input += &msg(OK);
        input += "\r\n"; // a stray blank line
        input += &msg(OK);
        input += "Content-Type: x\r\n\r\n"; // no Content-Length: the body is glued to the next header
        input += OK;
        input += &msg(OK);
        input += &msg("{not json");
        input += &msg(r#"{"jsonrpc":"2.0","id":7}"#);
        input += &msg("[1]");
        input += &format!("X-Long: {}\r\n", "y".repeat(20_000));
        input += &msg(OK);
        assert_eq!(
            frames(input.as_bytes()),
            [
                "bad: message of 2000 bytes is over the 1000 byte limit; skipped",
                "bad: bad Content-Length `abc`",
                "note ok",
                "note ok",
                "bad: message without a Content-Length header",
                "note ok",
                "not json",
                "invalid",
                "invalid",
                "bad: header over the 8192 byte limit",
                "note ok",
            ]
        );
    }
}
