//! Attachments: files attached to a record (a task's documentation, a signed contract, a
//! customer's purchase order). An attachment never changes: it is uploaded, read, and deleted.
//! Its content is kept once per SHA-256, whoever uploads the same bytes again.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::resource::ResourceType;
use crate::validation::ValidationErrors;

/// The longest filename kept, in bytes (what common file systems allow).
pub const FILENAME_MAX_BYTES: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: Uuid,
    /// The record it is attached to: one of [`ResourceType::takes_attachments`].
    pub resource_type: ResourceType,
    pub resource_id: Uuid,
    pub filename: String,
    /// Sniffed from the bytes, never the client's word.
    pub content_type: String,
    pub size: i64,
    /// Lowercase hex: the content's name in the file store.
    pub sha256: String,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a client asked to attach, before any rule was checked (the content is checked as it
/// streams in: see [`TextCheck`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttachmentInput {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    /// The filename the client's `file` part gave; none when there was no `file` part.
    pub filename: Option<String>,
    pub has_file: bool,
}

/// An upload's target and name after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentFields {
    pub resource_type: ResourceType,
    pub resource_id: Uuid,
    pub filename: String,
}

impl AttachmentInput {
    /// Checks every rule that needs no stored record, reporting all broken ones.
    pub fn validate(self) -> Result<AttachmentFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let resource_type = match self.resource_type.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("resource_type", "required", "the type of the record to attach to");
                None
            }
            Some(name) => {
                let resource_type = ResourceType::parse(name).filter(|t| t.takes_attachments());
                if resource_type.is_none() {
                    let names: Vec<&str> = ResourceType::with_attachments().map(ResourceType::as_str).collect();
                    errors.add("resource_type", "invalid", format!("one of {}", names.join(", ")));
                }
                resource_type
            }
        };
        let resource_id = match self.resource_id.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("resource_id", "required", "the id of the record to attach to");
                None
            }
            Some(text) => errors.check("resource_id", Uuid::parse_str(text).map_err(|_| NotAnId)),
        };
        if !self.has_file {
            errors.add("file", "required", "a part named `file` with the content");
        }
        let filename = match self.filename {
            Some(raw) => errors.check("filename", sanitize_filename(&raw)),
            None if self.has_file => {
                errors.add(
                    "filename",
                    "required",
                    "the `file` part names its file (Content-Disposition)",
                );
                None
            }
            None => None,
        };
        match (resource_type, resource_id, filename) {
            (Some(resource_type), Some(resource_id), Some(filename)) if errors.is_empty() => Ok(AttachmentFields {
                resource_type,
                resource_id,
                filename,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug)]
struct NotAnId;

impl std::fmt::Display for NotAnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a UUID")
    }
}

impl crate::validation::CodedError for NotAnId {
    fn code(&self) -> &'static str {
        "invalid"
    }
}

/// Why a filename was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FilenameError {
    #[error("must not be empty")]
    Empty,
    /// A path is refused rather than cut to its last part: a client that sends one is confused or
    /// probing, and silently storing another name than the one sent would hide either.
    #[error("a name, not a path: no `/`, `\\` or `..`")]
    Path,
    #[error("at most {FILENAME_MAX_BYTES} bytes")]
    TooLong,
}

impl crate::validation::CodedError for FilenameError {
    fn code(&self) -> &'static str {
        match self {
            FilenameError::Empty => "required",
            FilenameError::Path => "path_not_allowed",
            FilenameError::TooLong => "too_long",
        }
    }
}

/// A filename safe to store and to send back in `Content-Disposition`: control characters
/// (newlines that would split a header among them) dropped, surrounding blanks trimmed; a path,
/// an empty name or one over [`FILENAME_MAX_BYTES`] refused.
pub fn sanitize_filename(raw: &str) -> Result<String, FilenameError> {
    let cleaned: String = raw.chars().filter(|c| !c.is_control()).collect();
    let name = cleaned.trim();
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(FilenameError::Path);
    }
    if name.is_empty() {
        return Err(FilenameError::Empty);
    }
    if name.len() > FILENAME_MAX_BYTES {
        return Err(FilenameError::TooLong);
    }
    Ok(name.to_owned())
}

/// Whether a stream of bytes is text: valid UTF-8 with no NUL, decided as the chunks arrive
/// (a character may be split between two), keeping at most three bytes.
#[derive(Debug, Clone, Default)]
pub struct TextCheck {
    /// The start of a character cut off at the end of the last chunk.
    carry: Vec<u8>,
    failed: bool,
}

impl TextCheck {
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.failed {
            return;
        }
        if chunk.contains(&0) {
            self.failed = true;
            return;
        }
        // First complete the character the last chunk cut off, a byte at a time (four at most).
        let mut rest = chunk;
        while !self.carry.is_empty() {
            let Some((&byte, tail)) = rest.split_first() else {
                return;
            };
            self.carry.push(byte);
            rest = tail;
            match std::str::from_utf8(&self.carry) {
                Ok(_) => self.carry.clear(),
                Err(error) if error.error_len().is_none() => {}
                Err(_) => {
                    self.failed = true;
                    return;
                }
            }
        }
        match std::str::from_utf8(rest) {
            Ok(_) => {}
            Err(error) if error.error_len().is_none() => self.carry = rest[error.valid_up_to()..].to_vec(),
            Err(_) => self.failed = true,
        }
    }

    /// Whether every byte fed was text, the last character complete.
    pub fn is_text(&self) -> bool {
        !self.failed && self.carry.is_empty()
    }
}

/// The content type of an upload: what its first bytes show (a signature the sniffer knows),
/// else `text/plain` for text, else `application/octet-stream`.
pub fn content_type(sniffed: Option<&str>, is_text: bool) -> String {
    match sniffed {
        Some(mime) => mime.to_owned(),
        None if is_text => "text/plain; charset=utf-8".to_owned(),
        None => "application/octet-stream".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_keep_their_name_and_lose_control_characters() {
        assert_eq!(sanitize_filename("  offer.pdf ").unwrap(), "offer.pdf");
        assert_eq!(sanitize_filename("a\r\nb\u{7}.txt").unwrap(), "ab.txt");
        assert_eq!(sanitize_filename("Angebot Müller.pdf").unwrap(), "Angebot Müller.pdf");
        assert_eq!(sanitize_filename("..hidden").unwrap(), "..hidden");
    }

    #[test]
    fn paths_empty_and_overlong_names_are_refused() {
        for path in ["../etc/passwd", "a/b.txt", "C:\\x.txt", "..", ".", "/"] {
            assert_eq!(sanitize_filename(path), Err(FilenameError::Path), "{path}");
        }
        assert_eq!(sanitize_filename(" \n "), Err(FilenameError::Empty));
        assert_eq!(
            sanitize_filename(&"é".repeat(128)),
            Err(FilenameError::TooLong),
            "bytes, not characters"
        );
        assert!(sanitize_filename(&"a".repeat(255)).is_ok());
    }

    #[test]
    fn text_is_valid_utf8_without_nul_whatever_the_chunks() {
        let text = "Grüße, 世界! 🎉 done".as_bytes();
        for size in 1..=text.len() {
            let mut check = TextCheck::default();
            for chunk in text.chunks(size) {
                check.feed(chunk);
            }
            assert!(check.is_text(), "chunks of {size}");
        }
        let mut nul = TextCheck::default();
        nul.feed(b"abc\0def");
        assert!(!nul.is_text());
        let mut invalid = TextCheck::default();
        invalid.feed(&[b'a', 0xff, b'b']);
        assert!(!invalid.is_text());
        let mut cut = TextCheck::default();
        cut.feed(&"ü".as_bytes()[..1]);
        assert!(!cut.is_text(), "a character cut off at the end is no text");
    }

    #[test]
    fn names_and_ids_are_required_and_checked_together() {
        let errors = AttachmentInput::default().validate().unwrap_err();
        let fields: Vec<&str> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["resource_type", "resource_id", "file"]);
        let input = AttachmentInput {
            resource_type: Some("product".to_owned()),
            resource_id: Some("42".to_owned()),
            filename: Some("a/b".to_owned()),
            has_file: true,
        };
        let errors = input.validate().unwrap_err();
        let fields: Vec<&str> = errors.errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["resource_type", "resource_id", "filename"]);
    }
}
