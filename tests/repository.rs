//! `kinja dependency update` and `build` against real oracles: a chart
//! repository served by Python's `http.server` on the loopback address,
//! indexed by the real `helm repo index` from archives `kinja package` made,
//! and `helm dependency build` reading the `Chart.lock` kinja writes.
//! Without helm (outside CI) the cases are reported as ignored, loudly.

mod common;

use common::kinja_binary;
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// One test: given the helm binary.
type Test = fn(&Path) -> Result<(), Failed>;

fn main() {
    let args = Arguments::from_args();
    let helm = common::find_helm();
    if helm.is_none() {
        if std::env::var("CI").as_deref() == Ok("true") {
            eprintln!("repository: CI=true but no helm binary; these tests must run in CI");
            std::process::exit(1);
        }
        eprintln!(
            "\n!! REPOSITORY TESTS NOT RUN: no helm binary (set HELM_BIN). Reported as ignored.\n"
        );
    }
    let helm = helm.unwrap_or_default();
    let missing = helm.as_os_str().is_empty();
    // (name, test, whether it needs helm)
    let tests: Vec<(&str, Test, bool)> = vec![
        (
            "file-dependencies-lock-as-helm-reads-it",
            file_dependencies,
            true,
        ),
        ("http-repository-newest-in-range", http_repository, true),
        ("a-bad-digest-writes-nothing", bad_digest, true),
        (
            "an-unreachable-repository-writes-nothing",
            unreachable,
            false,
        ),
    ];
    let trials = tests
        .into_iter()
        .map(|(name, test, needs_helm)| {
            let helm = helm.clone();
            Trial::test(name, move || test(&helm)).with_ignored_flag(missing && needs_helm)
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn run(program: &Path, args: &[&str], dir: &Path) -> Result<String, Failed> {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} {args:?} failed:\n{}{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn kinja(args: &[&str], dir: &Path) -> Result<String, Failed> {
    run(&kinja_binary(), args, dir)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A chart folder `name` at `version` under `dir`, with one ConfigMap.
fn chart(dir: &Path, name: &str, version: &str) -> PathBuf {
    let root = dir.join(format!("{name}-{version}-src"));
    write(
        &root.join("Chart.yaml"),
        &format!("apiVersion: v2\nname: {name}\nversion: {version}\n"),
    );
    write(
        &root.join("templates/cm.yaml"),
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-{version}\n"),
    );
    root
}

/// The parent chart `app` with the given `dependencies:` entries.
fn app(dir: &Path, dependencies: &str) -> PathBuf {
    let root = dir.join("app");
    write(
        &root.join("Chart.yaml"),
        &format!("apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n{dependencies}"),
    );
    write(
        &root.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n",
    );
    root
}

fn file_dependencies(helm: &Path) -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let db = chart(dir.path(), "db", "1.2.3");
    std::fs::rename(&db, dir.path().join("db"))?;
    let app = app(
        dir.path(),
        "  - name: db\n    version: \">=1.2.0 <2.0.0\"\n    repository: file://../db\n    condition: db.enabled\n",
    );
    let out = kinja(&["dependency", "update", "app"], dir.path())?;
    if !out.contains("db 1.2.3 from file://../db -> charts/db-1.2.3.tgz") {
        return Err(format!("unexpected output: {out}").into());
    }
    let lock = std::fs::read_to_string(app.join("Chart.lock"))?;
    // helm must accept kinja's lock (its digest) and rebuild charts/ from it.
    std::fs::remove_dir_all(app.join("charts"))?;
    run(helm, &["dependency", "build", "app"], dir.path())?;
    let rendered = run(helm, &["template", "x", "app"], dir.path())?;
    if !rendered.contains("name: db-1.2.3") {
        return Err(format!("helm did not render the dependency:\n{rendered}").into());
    }
    // kinja's build restores the same archive; rendering uses it.
    std::fs::remove_dir_all(app.join("charts"))?;
    kinja(&["dependency", "build", "app"], dir.path())?;
    let rendered = kinja(&["render", "app"], dir.path())?;
    if !rendered.contains("# Source: app/charts/db/templates/cm.yaml") {
        return Err(format!("kinja did not render the dependency:\n{rendered}").into());
    }
    // A changed Chart.yaml makes the lock out of date, for both tools.
    let yaml = std::fs::read_to_string(app.join("Chart.yaml"))?;
    std::fs::write(app.join("Chart.yaml"), yaml.replace("<2.0.0", "<3.0.0"))?;
    let refused = Command::new(kinja_binary())
        .args(["dependency", "build", "app"])
        .current_dir(dir.path())
        .output()?;
    let stderr = String::from_utf8_lossy(&refused.stderr);
    if refused.status.success() || !stderr.contains("Chart.lock is out of date") {
        return Err(format!("kinja built from a stale lock: {stderr}\n{lock}").into());
    }
    Ok(())
}

/// `python3 -m http.server` on a free loopback port, serving `dir`.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path) -> Result<Server, Failed> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
        ])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Server { child, url });
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err("the HTTP server did not start".into())
}

/// A repository of db 1.2.3, 1.2.9, 1.3.0 and 2.0.0-rc.1, packaged by kinja
/// and indexed by helm, served over HTTP.
fn repository(helm: &Path, dir: &Path) -> Result<(PathBuf, Server), Failed> {
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo)?;
    for version in ["1.2.3", "1.2.9", "1.3.0", "2.0.0-rc.1"] {
        let source = chart(dir, "db", version);
        kinja(
            &[
                "package",
                source.to_str().unwrap(),
                "-d",
                repo.to_str().unwrap(),
            ],
            dir,
        )?;
    }
    let server = serve(&repo)?;
    run(helm, &["repo", "index", ".", "--url", &server.url], &repo)?;
    Ok((repo, server))
}

fn http_repository(helm: &Path) -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let (_repo, server) = repository(helm, dir.path())?;
    let app = app(
        dir.path(),
        &format!(
            "  - name: db\n    version: ~1.2.0\n    repository: {}\n",
            server.url
        ),
    );
    let out = kinja(&["dependency", "update", "app"], dir.path())?;
    if !out.contains("db 1.2.9 from") || !app.join("charts/db-1.2.9.tgz").is_file() {
        return Err(format!("the newest 1.2.x was not fetched: {out}").into());
    }
    // A range naming a pre-release may take one.
    std::fs::write(
        app.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: db\n    version: \">=2.0.0-0\"\n    repository: {}\n",
            server.url
        ),
    )?;
    kinja(&["dependency", "update", "app"], dir.path())?;
    let charts: Vec<String> = std::fs::read_dir(app.join("charts"))?
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    if charts != ["db-2.0.0-rc.1.tgz"] {
        return Err(format!("the old archive must be replaced: {charts:?}").into());
    }
    // build fetches exactly the locked version again.
    std::fs::remove_dir_all(app.join("charts"))?;
    kinja(&["dependency", "build", "app"], dir.path())?;
    if !app.join("charts/db-2.0.0-rc.1.tgz").is_file() {
        return Err("build did not fetch the locked version".into());
    }
    // A range no version is in: a clear error listing what there is.
    std::fs::write(
        app.join("Chart.yaml"),
        format!(
            "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: db\n    version: ~9.0.0\n    repository: {}\n",
            server.url
        ),
    )?;
    let missing = Command::new(kinja_binary())
        .args(["dependency", "update", "app"])
        .current_dir(dir.path())
        .output()?;
    let stderr = String::from_utf8_lossy(&missing.stderr);
    if missing.status.success()
        || !stderr
            .contains("has no version of db in the range (it has 2.0.0-rc.1, 1.3.0, 1.2.9, 1.2.3)")
    {
        return Err(format!("unexpected: {stderr}").into());
    }
    let rendered = kinja(&["render", "app"], dir.path())?;
    if !rendered.contains("name: db-2.0.0-rc.1") {
        return Err(format!("the pre-release was not rendered:\n{rendered}").into());
    }
    Ok(())
}

fn bad_digest(helm: &Path) -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let (repo, server) = repository(helm, dir.path())?;
    let app = app(
        dir.path(),
        &format!(
            "  - name: db\n    version: ~1.2.0\n    repository: {}\n",
            server.url
        ),
    );
    // The archive changes after it was indexed.
    let other = chart(dir.path(), "db", "1.2.9");
    write(&other.join("values.yaml"), "tampered: true\n");
    kinja(
        &[
            "package",
            other.to_str().unwrap(),
            "-d",
            repo.to_str().unwrap(),
        ],
        dir.path(),
    )?;
    let output = Command::new(kinja_binary())
        .args(["dependency", "update", "app"])
        .current_dir(dir.path())
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() || !stderr.contains("digest") {
        return Err(format!("a tampered archive was accepted: {stderr}").into());
    }
    let written = std::fs::read_dir(app.join("charts")).map_or(0, |d| d.count());
    if written != 0 || app.join("Chart.lock").exists() {
        return Err(format!("something was written: {written} files in charts/").into());
    }
    Ok(())
}

fn unreachable(_helm: &Path) -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    // A port nothing listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let app = app(
        dir.path(),
        &format!("  - name: db\n    version: ~1.2.0\n    repository: http://127.0.0.1:{port}\n"),
    );
    let output = Command::new(kinja_binary())
        .args(["dependency", "update", "app"])
        .current_dir(dir.path())
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() != Some(1)
        || !stderr.contains(&format!(
            "dependency db: http://127.0.0.1:{port}/index.yaml"
        ))
    {
        return Err(format!("unexpected: {stderr}").into());
    }
    if !output.stdout.is_empty() || app.join("Chart.lock").exists() || app.join("charts").exists() {
        return Err("something was written".into());
    }
    Ok(())
}
