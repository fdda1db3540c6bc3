//! Helpers shared by the integration tests: throwaway charts and the binary.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

pub const CHART_YAML: &str = "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"2.0\"\n";

/// A chart in a temporary folder. `files` are (path, content); a default
/// `Chart.yaml` is written unless the files include one.
pub struct TestChart {
    pub dir: TempDir,
}

impl TestChart {
    pub fn new(files: &[(&str, &str)]) -> TestChart {
        let dir = tempfile::tempdir().expect("a temp dir");
        if !files.iter().any(|(p, _)| *p == "Chart.yaml") {
            std::fs::write(dir.path().join("Chart.yaml"), CHART_YAML).unwrap();
        }
        let chart = TestChart { dir };
        for (path, content) in files {
            chart.write(path, content.as_bytes());
        }
        chart
    }

    pub fn write(&self, path: &str, content: &[u8]) -> PathBuf {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, content).unwrap();
        full
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `kinja render <chart> <args>`.
    pub fn render(&self, args: &[&str]) -> Command {
        let mut cmd = kinja();
        cmd.arg("render").arg(self.path()).args(args);
        cmd
    }
}

/// The binary under test: `KINJA_BIN` when set (CI points it at the release
/// build), else the one cargo built for this test run.
pub fn kinja_binary() -> PathBuf {
    std::env::var_os("KINJA_BIN")
        .filter(|path| !path.is_empty())
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kinja")), PathBuf::from)
}

pub fn kinja() -> Command {
    let mut cmd = Command::new(kinja_binary());
    cmd.env_remove("NO_COLOR")
        .timeout(std::time::Duration::from_secs(30));
    cmd
}

/// Runs a command that must fail as a user error: exit 1, nothing on stdout.
/// Returns stderr.
pub fn user_error(cmd: &mut Command) -> String {
    let output = cmd.output().expect("the command runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "expected exit 1; stderr:\n{stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "stdout must stay empty on errors, got:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(!stderr.contains("panicked"), "a panic is a bug:\n{stderr}");
    assert!(
        !stderr.contains("RUST_BACKTRACE"),
        "no backtraces for users:\n{stderr}"
    );
    stderr
}

/// Runs a command that must succeed; returns stdout.
pub fn success(cmd: &mut Command) -> String {
    let output = cmd.output().expect("the command runs");
    assert!(
        output.status.success(),
        "expected success; stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The real helm: `HELM_BIN`, else `helm` on `PATH`.
pub fn find_helm() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("HELM_BIN").filter(|b| !b.is_empty()) {
        return Some(PathBuf::from(bin));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("helm"))
            .find(|candidate| candidate.is_file())
    })
}
