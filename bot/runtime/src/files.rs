//! Files under the data directory hold customers' addresses: the directory is
//! created owner-only (0700) and every file vm-doctor writes there is 0600,
//! whatever the process umask (the binary also sets its umask to 077 so that
//! sled's own files follow).

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

/// Creates `dir` and any missing parents with mode 0700. An existing
/// directory keeps its mode (an operator may have chosen it).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Options for a new file readable by its owner only (0600).
pub fn private_options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    o.mode(0o600);
    o
}

/// Creates or truncates `path` (0600 when new) and writes `bytes`.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?
        .write_all(bytes)
}
