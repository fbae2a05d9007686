//! Writing output files: the one way every command writes a file.
//!
//! - A regular file, or a path where nothing is yet, is written to a
//!   temporary file in the same folder (`.NAME.tfop-tmp-PID`), synced to
//!   disk, renamed over the target and the folder synced, so a crash leaves
//!   either the old file or the new one, never half of one. An existing
//!   file keeps its permissions (and, where allowed, its owner).
//! - A device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is
//!   written straight to: it is never replaced.
//! - A symbolic link is followed and its target written as above, so the
//!   link stays a link.
//!
//! Temporaries not yet renamed are removed when the run is interrupted
//! (SIGINT, SIGTERM: see [`Outputs::clean_up_on_signals`]); one left by a
//! run that was killed outright is removed by the next run writing the same
//! target.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Symbolic links followed before giving up, as the kernel does (`ELOOP`).
const MAX_LINKS: usize = 40;

/// What a temporary's name holds between the target's name and the PID.
const TEMPORARY_MARK: &str = ".tfop-tmp-";

/// The temporaries this run has made and not yet renamed into place.
#[derive(Clone, Default)]
pub(crate) struct Outputs {
    pending: Arc<Mutex<Vec<PathBuf>>>,
}

/// A file being written; [`OutputFile::commit`] puts it in place. Dropped
/// without a commit, it leaves the target as it was.
pub(crate) struct OutputFile {
    file: BufWriter<File>,
    /// The temporary and the file it becomes, for a regular file.
    staged: Option<(PathBuf, PathBuf)>,
    pending: Arc<Mutex<Vec<PathBuf>>>,
}

impl Outputs {
    fn lock(&self) -> MutexGuard<'_, Vec<PathBuf>> {
        lock(&self.pending)
    }

    /// On SIGINT or SIGTERM, removes every temporary not yet renamed, then
    /// ends the process as that signal would (status 130 or 143 in a shell).
    #[cfg(unix)]
    pub(crate) fn clean_up_on_signals(&self) -> io::Result<()> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
        let pending = Arc::clone(&self.pending);
        std::thread::Builder::new()
            .name("tfop-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // The lock is held to the end: no temporary is made or
                    // renamed after this point.
                    let pending = lock(&pending);
                    for temporary in pending.iter() {
                        let _ = std::fs::remove_file(temporary);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            })?;
        Ok(())
    }

    /// Without Unix signals there is nothing to hook.
    #[cfg(not(unix))]
    pub(crate) fn clean_up_on_signals(&self) -> io::Result<()> {
        Ok(())
    }

    /// Opens `path` for writing as the module says.
    pub(crate) fn create(&self, path: &Path) -> io::Result<OutputFile> {
        let target = follow_links(path)?;
        let existing = match std::fs::metadata(&target) {
            Ok(metadata) => Some(metadata),
            Err(error) if error.kind() == io::ErrorKind::NotFound => None,
            Err(error) => return Err(error),
        };
        if let Some(metadata) = &existing {
            if metadata.is_dir() {
                return Err(io::Error::other(
                    "it is a folder; name a file to write".to_owned(),
                ));
            }
            if !metadata.is_file() {
                // A device, FIFO or socket: written to, never replaced.
                let file = OpenOptions::new().write(true).open(&target)?;
                return Ok(OutputFile {
                    file: BufWriter::new(file),
                    staged: None,
                    pending: Arc::clone(&self.pending),
                });
            }
        }
        let temporary = temporary_beside(&target);
        let mut pending = self.lock();
        remove_stale_temporaries(&target, &pending);
        pending.push(temporary.clone());
        let created = (|| {
            let file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temporary)?;
            if let Some(metadata) = &existing {
                keep_owner_and_permissions(&file, metadata)?;
            }
            Ok(file)
        })();
        match created {
            Ok(file) => Ok(OutputFile {
                file: BufWriter::new(file),
                staged: Some((temporary, target)),
                pending: Arc::clone(&self.pending),
            }),
            Err(error) => {
                pending.retain(|p| p != &temporary);
                let _ = std::fs::remove_file(&temporary);
                Err(error)
            }
        }
    }

    /// Writes `bytes` whole to `path`.
    pub(crate) fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut file = self.create(path)?;
        file.write_all(bytes)?;
        file.commit()
    }
}

impl OutputFile {
    /// Flushes and syncs the file, renames it over the target and syncs the
    /// folder; a device or FIFO is only flushed.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        self.file.flush()?;
        let Some((temporary, target)) = self.staged.take() else {
            return Ok(());
        };
        let renamed = (|| {
            self.file.get_ref().sync_all()?;
            let mut pending = lock(&self.pending);
            std::fs::rename(&temporary, &target)?;
            pending.retain(|p| p != &temporary);
            Ok(())
        })();
        if let Err(error) = renamed {
            self.forget(&temporary);
            return Err(error);
        }
        sync_folder(&target)
    }

    /// Removes the temporary and stops tracking it.
    fn forget(&self, temporary: &Path) {
        let mut pending = lock(&self.pending);
        let _ = std::fs::remove_file(temporary);
        pending.retain(|p| p != temporary);
    }
}

impl Write for OutputFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some((temporary, _)) = self.staged.take() {
            self.forget(&temporary);
        }
    }
}

/// What `-o` names: `-` is standard output, as in most command-line tools;
/// anything else is a path. A file really named `-` is `-o ./-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    StandardOutput,
    Path(PathBuf),
}

/// What a command writes where `-o` points.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writes {
    /// One stream: a file, or standard output.
    Stream,
    /// A folder of files (`--format csv`), which standard output cannot be.
    Folder,
}

impl From<OsString> for Target {
    fn from(arg: OsString) -> Target {
        if arg == "-" {
            Target::StandardOutput
        } else {
            Target::Path(PathBuf::from(arg))
        }
    }
}

impl Target {
    /// The file to write, or none for standard output.
    pub(crate) fn file(&self) -> Option<&Path> {
        match self {
            Target::StandardOutput => None,
            Target::Path(path) => Some(path),
        }
    }

    /// What an error message calls it.
    pub(crate) fn name(&self) -> String {
        match self {
            Target::StandardOutput => "standard output".to_owned(),
            Target::Path(path) => path.display().to_string(),
        }
    }

    /// The folder to write; `-o -` is a usage error, said on standard error.
    pub(crate) fn folder(&self) -> Result<&Path, super::Exit> {
        self.file().ok_or_else(|| {
            eprintln!(
                "error: -o - is standard output, but --format csv writes a folder of files; name the folder with -o DIR"
            );
            super::Exit::Failure
        })
    }

    /// A workbook (`--xlsx -`) is binary: a terminal would show it as noise
    /// and may take its bytes for control codes, so standard output takes it
    /// only when it is a file or a pipe.
    fn refuse_binary_on_terminal(&self, flag: &str) -> Result<(), super::Exit> {
        if *self == Target::StandardOutput && io::stdout().is_terminal() {
            eprintln!(
                "error: {flag} - writes a binary workbook to standard output, which is a terminal; redirect it (`> report.xlsx`, `| …`) or name the file ({flag} FILE)"
            );
            return Err(super::Exit::Failure);
        }
        Ok(())
    }

    /// The path an optional `-o` names for what the command writes: none
    /// for standard output (no `-o`, or `-o -` for a stream).
    pub(crate) fn resolve(
        target: Option<&Target>,
        writes: Writes,
    ) -> Result<Option<&Path>, super::Exit> {
        match (target, writes) {
            (None, _) => Ok(None),
            (Some(target), Writes::Stream) => Ok(target.file()),
            (Some(target), Writes::Folder) => target.folder().map(Some),
        }
    }
}

/// What `report` and `diff` check before any work: at most one result on
/// standard output, and no workbook written to a terminal.
pub(crate) fn streams_apart(
    results: &[(&str, bool)],
    workbook: Option<&Target>,
) -> Result<(), super::Exit> {
    one_on_standard_output(results)?;
    workbook.map_or(Ok(()), |target| target.refuse_binary_on_terminal("--xlsx"))
}

/// Refuses a run whose results would share standard output (the main
/// result without `-o`, `--html -`, `--xlsx -`): they would run together
/// into one stream nothing could split again. Each result is named as the
/// user wrote it, with whether it goes to standard output.
fn one_on_standard_output(results: &[(&str, bool)]) -> Result<(), super::Exit> {
    let shared: Vec<&str> = results
        .iter()
        .filter(|(_, on_stdout)| *on_stdout)
        .map(|(name, _)| *name)
        .collect();
    let (all, named) = match shared.as_slice() {
        [] | [_] => return Ok(()),
        [first, second] => ("both", format!("{first} and {second}")),
        [rest @ .., last] => ("all", format!("{} and {last}", rest.join(", "))),
    };
    eprintln!(
        "error: {named} {all} write standard output, where they would run together; name a file for all but one"
    );
    Err(super::Exit::Failure)
}

/// Where a command's result goes: standard output, or a file put in place
/// by [`Destination::commit`].
pub(crate) enum Destination {
    File(OutputFile),
    Stdout(std::io::StdoutLock<'static>),
}

impl Destination {
    /// The file at `path` (written as the module says), or standard output.
    pub(crate) fn open(outputs: &Outputs, path: Option<&Path>) -> io::Result<Destination> {
        match path {
            Some(path) => outputs.create(path).map(Destination::File),
            None => Ok(Destination::Stdout(io::stdout().lock())),
        }
    }

    /// Puts a file in place; flushes standard output.
    pub(crate) fn commit(self) -> io::Result<()> {
        match self {
            Destination::File(file) => file.commit(),
            Destination::Stdout(mut out) => out.flush(),
        }
    }
}

impl Write for Destination {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Destination::File(file) => file.write(bytes),
            Destination::Stdout(out) => out.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Destination::File(file) => file.flush(),
            Destination::Stdout(out) => out.flush(),
        }
    }
}

fn lock(pending: &Mutex<Vec<PathBuf>>) -> MutexGuard<'_, Vec<PathBuf>> {
    // A list of paths is whole even if a holder panicked.
    pending.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The folder a path is in; `.` for a bare name.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The path a chain of symbolic links ends at (which may not exist yet).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = folder_of(&path).join(target);
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} symbolic links in a row; point the path at a file"
    )))
}

/// `.NAME.tfop-tmp-PID` in the target's folder, so the rename is atomic and
/// a later run knows the file for a temporary of this target.
pub(crate) fn temporary_beside(path: &Path) -> PathBuf {
    folder_of(path).join(format!("{}{}", temporary_prefix(path), std::process::id()))
}

fn temporary_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}{TEMPORARY_MARK}")
}

/// Removes the target's temporaries left by runs that are no longer
/// running (killed outright, or the machine stopped), and one of this
/// process's that it no longer tracks. A running run's are left alone.
fn remove_stale_temporaries(target: &Path, pending: &[PathBuf]) {
    let prefix = temporary_prefix(target);
    let Ok(entries) = std::fs::read_dir(folder_of(target)) else {
        return;
    };
    let own = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|name| name.strip_prefix(&prefix))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let stale = if pid == own {
            !pending.contains(&path)
        } else {
            !is_running(pid)
        };
        let regular = entry.file_type().is_ok_and(|kind| kind.is_file());
        if stale && regular {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Whether a process with this id is running; where that cannot be told,
/// it is taken to be, so nothing is removed.
fn is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        proc.join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(unix)]
fn keep_owner_and_permissions(file: &File, metadata: &std::fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    // Only root (or the owner, for the group) may do this; otherwise the
    // new file is the writer's, as any replaced file would be.
    let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
    file.set_permissions(metadata.permissions())
}

#[cfg(not(unix))]
fn keep_owner_and_permissions(file: &File, metadata: &std::fs::Metadata) -> io::Result<()> {
    file.set_permissions(metadata.permissions())
}

/// Makes the rename durable: the folder's entry is synced too.
#[cfg(unix)]
fn sync_folder(target: &Path) -> io::Result<()> {
    File::open(folder_of(target))?.sync_all()
}

#[cfg(not(unix))]
fn sync_folder(_target: &Path) -> io::Result<()> {
    Ok(())
}
