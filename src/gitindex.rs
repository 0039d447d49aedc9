//! The paths git tracks, read from the repository's index (`.git/index`, versions 2 to 4), so
//! that ignore rules — which git applies only to untracked files — never hide a tracked file.
//!
//! The index is parsed here, with every offset bounds-checked and the file size capped: no `git`
//! process is run and no git library is linked. A split index (`link` extension) also reads its
//! shared index; a sparse index's directory entries cover every path under them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::fsread::{self, ReadFailure, Symlinks};

/// The largest index read (an index of a million paths is about 100 MB).
pub const MAX_INDEX_BYTES: u64 = 256 * 1024 * 1024;

/// Small git files (`.git` link files, `commondir`, `config`) larger than this are ignored.
const MAX_SMALL_FILE: u64 = 1024 * 1024;

/// Why an index could not be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The file could not be read.
    #[error("{0}")]
    Read(#[from] ReadFailure),
    /// It does not start with `DIRC`.
    #[error("not a git index (bad signature)")]
    BadSignature,
    /// A version this parser does not know.
    #[error("unsupported git index version {0} (2, 3 and 4 are read)")]
    UnsupportedVersion(u32),
    /// It ends in the middle of something.
    #[error("truncated git index: {what} at byte {offset}")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Where.
        offset: usize,
    },
    /// A value that cannot be right.
    #[error("corrupt git index: {what} at byte {offset}")]
    Corrupt {
        /// What is wrong.
        what: &'static str,
        /// Where.
        offset: usize,
    },
}

/// A git repository found on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    /// The working tree: the directory holding `.git`.
    pub workdir: PathBuf,
    /// The git directory (`.git`, or where a `.git` file's `gitdir:` points).
    pub git_dir: PathBuf,
    /// The directory shared by all worktrees (`commondir`), holding `info/exclude`.
    pub common_dir: PathBuf,
}

impl Repo {
    /// The repository whose working tree is `dir`, when `dir/.git` is a directory or a `.git`
    /// file with a `gitdir:` line.
    pub fn at(dir: &Path) -> Option<Repo> {
        let dot_git = dir.join(".git");
        let meta = std::fs::symlink_metadata(&dot_git).ok()?;
        let git_dir = if meta.is_dir() {
            dot_git
        } else if meta.is_file() {
            let bytes = fsread::read_regular(&dot_git, MAX_SMALL_FILE, Symlinks::Refuse).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            let p = dir.join(target);
            if !p.is_dir() {
                return None;
            }
            p
        } else {
            return None;
        };
        let common_dir =
            fsread::read_regular(&git_dir.join("commondir"), MAX_SMALL_FILE, Symlinks::Follow)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .map(|t| git_dir.join(t.trim()))
                .filter(|p| p.is_dir())
                .unwrap_or_else(|| git_dir.clone());
        Some(Repo {
            workdir: dir.to_path_buf(),
            git_dir,
            common_dir,
        })
    }

    /// The repository enclosing `dir` (an absolute directory): the nearest ancestor, `dir`
    /// included, that is a working tree.
    pub fn enclosing(dir: &Path) -> Option<Repo> {
        dir.ancestors().find_map(Repo::at)
    }

    /// `info/exclude`.
    pub fn exclude_file(&self) -> PathBuf {
        self.common_dir.join("info").join("exclude")
    }

    /// The index file.
    pub fn index_file(&self) -> PathBuf {
        self.git_dir.join("index")
    }

    /// The tracked paths; a repository without an index (nothing added yet) tracks nothing.
    pub fn tracked(&self) -> Result<Tracked, IndexError> {
        let index = self.index_file();
        if std::fs::symlink_metadata(&index).is_err() {
            return Ok(Tracked::default());
        }
        let hash_len = self.hash_len();
        let bytes = fsread::read_regular(&index, MAX_INDEX_BYTES, Symlinks::Follow)?;
        let mut tracked = Tracked::default();
        let shared = parse(&bytes, hash_len, &mut tracked)?;
        if let Some(id) = shared {
            let bytes = fsread::read_regular(
                &self.git_dir.join(format!("sharedindex.{id}")),
                MAX_INDEX_BYTES,
                Symlinks::Follow,
            )?;
            parse(&bytes, hash_len, &mut tracked)?;
        }
        Ok(tracked)
    }

    /// 32 for a SHA-256 repository (`extensions.objectFormat = sha256`), else 20.
    fn hash_len(&self) -> usize {
        let config = fsread::read_regular(
            &self.common_dir.join("config"),
            MAX_SMALL_FILE,
            Symlinks::Follow,
        )
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
        let sha256 = config.lines().any(|l| {
            l.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("objectformat") && v.trim() == "sha256"
            })
        });
        if sha256 { 32 } else { 20 }
    }
}

/// The paths of an index, relative to the working tree, with `/` separators.
#[derive(Clone, Debug, Default)]
pub struct Tracked {
    paths: HashSet<Vec<u8>>,
    /// Sparse-index directory entries, with their trailing `/`.
    dirs: Vec<Vec<u8>>,
}

impl Tracked {
    /// Whether `rel` (relative to the working tree, `/` separators) is tracked.
    pub fn contains(&self, rel: &[u8]) -> bool {
        self.paths.contains(rel) || self.dirs.iter().any(|d| rel.starts_with(d))
    }

    /// The number of tracked paths.
    pub fn len(&self) -> usize {
        self.paths.len() + self.dirs.len()
    }

    /// True when nothing is tracked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Bytes `at..at + n` of `data`, or a truncation error naming `what`.
fn take<'a>(
    data: &'a [u8],
    at: usize,
    n: usize,
    what: &'static str,
) -> Result<&'a [u8], IndexError> {
    at.checked_add(n)
        .and_then(|end| data.get(at..end))
        .ok_or(IndexError::Truncated { what, offset: at })
}

fn u32_at(data: &[u8], at: usize, what: &'static str) -> Result<u32, IndexError> {
    let b = take(data, at, 4, what)?;
    Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn u16_at(data: &[u8], at: usize, what: &'static str) -> Result<u16, IndexError> {
    let b = take(data, at, 2, what)?;
    Ok(u16::from_be_bytes([b[0], b[1]]))
}

/// Git's variable-length offset encoding (index v4 prefix lengths): the value and the bytes used.
fn varint(data: &[u8], at: usize) -> Result<(u64, usize), IndexError> {
    let byte = |i: usize| {
        data.get(i).copied().ok_or(IndexError::Truncated {
            what: "path prefix length",
            offset: i,
        })
    };
    let mut i = at;
    let mut c = byte(i)?;
    i += 1;
    let mut val = u64::from(c & 127);
    while c & 128 != 0 {
        val = val
            .checked_add(1)
            .filter(|v| v >> 57 == 0)
            .ok_or(IndexError::Corrupt {
                what: "path prefix length overflows",
                offset: at,
            })?;
        c = byte(i)?;
        i += 1;
        val = (val << 7) + u64::from(c & 127);
    }
    Ok((val, i - at))
}

/// Adds the paths of the index `data` to `out`; returns the shared index id of a split index.
pub fn parse(
    data: &[u8],
    hash_len: usize,
    out: &mut Tracked,
) -> Result<Option<String>, IndexError> {
    if take(data, 0, 4, "signature")? != b"DIRC" {
        return Err(IndexError::BadSignature);
    }
    let version = u32_at(data, 4, "version")?;
    if !(2..=4).contains(&version) {
        return Err(IndexError::UnsupportedVersion(version));
    }
    let count = u32_at(data, 8, "entry count")?;
    // Stat data (40 bytes), the object id, flags (2 bytes).
    let fixed = 40 + hash_len + 2;
    let mut pos = 12;
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = pos;
        take(data, pos, fixed, "entry")?;
        let mode = u32_at(data, pos + 24, "entry mode")?;
        let flags = u16_at(data, pos + 40 + hash_len, "entry flags")?;
        pos += fixed;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return Err(IndexError::Corrupt {
                    what: "extended flags in a version 2 index",
                    offset: start,
                });
            }
            take(data, pos, 2, "extended flags")?;
            pos += 2;
        }
        let name = if version == 4 {
            let (strip, used) = varint(data, pos)?;
            pos += used;
            let keep = usize::try_from(strip)
                .ok()
                .and_then(|s| prev.len().checked_sub(s))
                .ok_or(IndexError::Corrupt {
                    what: "path prefix longer than the previous path",
                    offset: pos - used,
                })?;
            let nul = nul_from(data, pos)?;
            let mut name = prev[..keep].to_vec();
            name.extend_from_slice(&data[pos..nul]);
            pos = nul + 1;
            name
        } else {
            let nul = nul_from(data, pos)?;
            let name = data[pos..nul].to_vec();
            // Entries are NUL-padded to a multiple of 8 bytes (at least one NUL).
            pos = start + ((nul - start + 8) & !7);
            if pos > data.len() {
                return Err(IndexError::Truncated {
                    what: "entry padding",
                    offset: nul,
                });
            }
            name
        };
        if name.is_empty() {
            return Err(IndexError::Corrupt {
                what: "empty path",
                offset: start,
            });
        }
        if mode & 0o170000 == 0o040000 && name.ends_with(b"/") {
            out.dirs.push(name.clone());
        } else {
            out.paths.insert(name.clone());
        }
        prev = name;
    }
    // Extensions, up to the trailing checksum; only `link` (split index) matters here.
    let end = data.len().saturating_sub(hash_len);
    let mut shared = None;
    while pos + 8 <= end {
        let sig = take(data, pos, 4, "extension")?;
        let size = u32_at(data, pos + 4, "extension size")? as usize;
        let body = take(data, pos + 8, size, "extension data")?;
        if sig == b"link" {
            let id = take(body, 0, hash_len, "shared index id")?;
            if id.iter().any(|b| *b != 0) {
                shared = Some(id.iter().map(|b| format!("{b:02x}")).collect());
            }
        }
        pos += 8 + size;
    }
    Ok(shared)
}

/// The offset of the first NUL at or after `at`.
fn nul_from(data: &[u8], at: usize) -> Result<usize, IndexError> {
    data.get(at..)
        .and_then(|rest| rest.iter().position(|b| *b == 0))
        .map(|i| at + i)
        .ok_or(IndexError::Truncated {
            what: "path",
            offset: at,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(version: u32, count: u32) -> Vec<u8> {
        let mut b = b"DIRC".to_vec();
        b.extend_from_slice(&version.to_be_bytes());
        b.extend_from_slice(&count.to_be_bytes());
        b
    }

    fn stat(mode: u32, name_len: usize) -> Vec<u8> {
        let mut e = vec![0u8; 24];
        e.extend_from_slice(&mode.to_be_bytes());
        e.extend_from_slice(&[0u8; 12]);
        e.extend_from_slice(&[0xab; 20]);
        e.extend_from_slice(&(name_len.min(0xfff) as u16).to_be_bytes());
        e
    }

    fn v2(names: &[&str]) -> Vec<u8> {
        let mut b = header(2, names.len() as u32);
        for n in names {
            let mut e = stat(0o100644, n.len());
            e.extend_from_slice(n.as_bytes());
            let padded = (e.len() + 8) & !7;
            e.resize(padded, 0);
            b.extend(e);
        }
        b.extend_from_slice(&[0u8; 20]);
        b
    }

    /// Version 4: each path stored as (bytes to drop from the previous path, new suffix).
    fn v4(names: &[&str]) -> Vec<u8> {
        let mut b = header(4, names.len() as u32);
        let mut prev = "";
        for n in names {
            let common = prev
                .bytes()
                .zip(n.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let strip = prev.len() - common;
            assert!(strip < 128, "one-byte varints in this helper");
            b.extend(stat(0o100644, n.len()));
            b.push(strip as u8);
            b.extend_from_slice(&n.as_bytes()[common..]);
            b.push(0);
            prev = n;
        }
        b.extend_from_slice(&[0u8; 20]);
        b
    }

    fn paths(data: &[u8]) -> Result<Tracked, IndexError> {
        let mut t = Tracked::default();
        parse(data, 20, &mut t)?;
        Ok(t)
    }

    const NAMES: &[&str] = &[
        "a.tf",
        "infra/main.tf",
        "infra/modules/x.tf",
        "infra/net.tf",
    ];

    #[test]
    fn version_2_paths() {
        let t = paths(&v2(NAMES)).unwrap();
        assert_eq!(t.len(), 4);
        for n in NAMES {
            assert!(t.contains(n.as_bytes()), "{n}");
        }
        assert!(!t.contains(b"infra"));
    }

    #[test]
    fn version_4_prefix_compressed_paths() {
        let t = paths(&v4(NAMES)).unwrap();
        assert_eq!(t.len(), 4);
        for n in NAMES {
            assert!(t.contains(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn varints_follow_git_offset_encoding() {
        assert_eq!(varint(&[0x05], 0).unwrap(), (5, 1));
        // 0x80 0x00 is 128 in git's encoding (each continuation adds one).
        assert_eq!(varint(&[0x80, 0x00], 0).unwrap(), (128, 2));
        assert!(varint(&[0x80], 0).is_err());
        assert!(varint(&[0xff; 20], 0).is_err());
    }

    #[test]
    fn truncated_or_corrupt_index_is_an_error_never_a_panic() {
        for data in [v2(NAMES), v4(NAMES)] {
            for n in 0..data.len() - 20 {
                assert!(paths(&data[..n]).is_err(), "prefix of {n} bytes");
            }
            // Every byte flipped: an error or some paths, never a panic.
            for i in 0..data.len() {
                let mut d = data.clone();
                d[i] ^= 0xff;
                let _ = paths(&d);
            }
        }
        assert!(matches!(
            paths(b"DIRC\0\0\0\x05\0\0\0\0"),
            Err(IndexError::UnsupportedVersion(5))
        ));
        assert!(matches!(paths(b"XXXX"), Err(IndexError::BadSignature)));
        // A count far larger than the file.
        let mut d = header(2, u32::MAX);
        d.extend_from_slice(&[0u8; 20]);
        assert!(paths(&d).is_err());
        // A v4 prefix longer than the previous path.
        let mut d = header(4, 1);
        d.extend(stat(0o100644, 1));
        d.extend_from_slice(&[9, b'x', 0]);
        assert!(matches!(paths(&d), Err(IndexError::Corrupt { .. })));
    }

    #[test]
    fn a_git_file_points_at_the_git_dir() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.git");
        std::fs::create_dir_all(real.join("info")).unwrap();
        let wt = dir.path().join("wt");
        std::fs::create_dir_all(wt.join("sub")).unwrap();
        std::fs::write(wt.join(".git"), "gitdir: ../real.git\n").unwrap();
        let repo = Repo::enclosing(&wt.join("sub")).unwrap();
        assert_eq!(repo.workdir, wt);
        assert_eq!(repo.git_dir, wt.join("../real.git"));
        assert!(repo.tracked().unwrap().is_empty());
    }
}
