//! The AWS CLI the tests of several crates drive, found one way: `$AWS_CLI` when set, else the
//! repository's `.venv/bin/aws` (requirements-dev.txt pins it; scripts/test.sh installs it),
//! else `aws` on PATH. Without one the test fails and says how to install it, rather than
//! passing without having run. Included by each test binary with
//! `#[path = ".../test-support/aws_cli.rs"] mod aws_cli_path;` (a file, not a crate, so no
//! package set changes).

use std::path::{Path, PathBuf};

/// The `aws` executable. Every crate including this lives at `localcloud/<crate>`.
pub fn aws_cli() -> PathBuf {
    if let Some(explicit) = std::env::var_os("AWS_CLI") {
        return explicit.into();
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("repository root");
    let venv = repo.join(".venv/bin/aws");
    if venv.is_file() {
        return venv;
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("aws"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "this test drives the AWS CLI, found neither at {} nor on PATH: install it with \
                 `python3 -m venv .venv && .venv/bin/pip install -r requirements-dev.txt` at \
                 the repository root (scripts/test.sh does), or set AWS_CLI to an `aws` binary",
                venv.display()
            )
        })
}
