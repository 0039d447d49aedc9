//! Reading files a pull request controls: regular files only, never blocking, never more than a
//! size cap.
//!
//! Every file iaclint reads from disk goes through [`read_regular`]: inputs, `.iaclint.toml`,
//! baselines, extra rule files, ignore files and the git index. A FIFO would block the run
//! forever, `/dev/zero` (or a symlink to it) would be read until memory runs out, and a file can
//! grow between the size check and the read; so the file is checked to be regular before and
//! after it is opened (opened non-blocking), and at most `limit + 1` bytes are read.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadFailure {
    /// It is not a regular file (a FIFO, device, socket, directory, or a refused symlink).
    #[error("not a regular file ({0}); not read")]
    NotRegular(&'static str),
    /// It is larger than the limit.
    #[error("file is {size} bytes, over the {limit} byte limit; not read")]
    TooLarge {
        /// Its size, or `limit + 1` when it grew while being read.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file system said no.
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
}

/// Whether a symlink at the path itself is followed (named paths) or refused (in-tree ignore
/// files, which git itself refuses to follow).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symlinks {
    /// Read the file a symlink points to (it must still be a regular file).
    Follow,
    /// A symlink is [`ReadFailure::NotRegular`].
    Refuse,
}

/// What kind of non-regular file `t` is, for messages.
pub fn kind_name(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symlink"
    } else if t.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them.
pub fn read_regular(path: &Path, limit: u64, symlinks: Symlinks) -> Result<Vec<u8>, ReadFailure> {
    let meta = match symlinks {
        Symlinks::Follow => std::fs::metadata(path)?,
        Symlinks::Refuse => std::fs::symlink_metadata(path)?,
    };
    if !meta.file_type().is_file() {
        return Err(ReadFailure::NotRegular(kind_name(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadFailure::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let file = open(path, symlinks)?;
    // The path may have been swapped for something else since the check above.
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(ReadFailure::NotRegular(kind_name(meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge {
            size: limit + 1,
            limit,
        });
    }
    Ok(bytes)
}

/// Opens `path` for reading without blocking on a FIFO (and without following a final symlink
/// when `symlinks` refuses them).
#[cfg(unix)]
fn open(path: &Path, symlinks: Symlinks) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut flags = libc::O_NONBLOCK;
    if symlinks == Symlinks::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path, _symlinks: Symlinks) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.tf");
        std::fs::write(&p, "12345").unwrap();
        assert_eq!(read_regular(&p, 5, Symlinks::Refuse).unwrap(), b"12345");
        assert!(matches!(
            read_regular(&p, 4, Symlinks::Refuse),
            Err(ReadFailure::TooLarge { size: 5, limit: 4 })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_and_symlinks_to_it_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.tf");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        for (p, s) in [
            (Path::new("/dev/zero"), Symlinks::Follow),
            (link.as_path(), Symlinks::Follow),
        ] {
            let e = read_regular(p, 10, s).unwrap_err();
            assert!(e.to_string().contains("character device"), "{e}");
        }
        let e = read_regular(&link, 10, Symlinks::Refuse).unwrap_err();
        assert!(e.to_string().contains("a symlink"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo.tf");
        if !std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .is_ok_and(|s| s.success())
        {
            eprintln!("note: `mkfifo` is not available; FIFO test skipped");
            return;
        }
        let e = read_regular(&p, 10, Symlinks::Follow).unwrap_err();
        assert!(e.to_string().contains("a FIFO"), "{e}");
    }
}
