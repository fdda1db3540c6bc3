//! `kinja package` and `kinja show`, and charts read from archives:
//! rendering a package, a packaged subchart in `charts/`, `.helmignore`.

mod common;

use common::{kinja, success, user_error};
use std::path::Path;

fn package(chart: &str, dir: &Path) -> String {
    let out = success(kinja().args(["package", chart, "-d"]).arg(dir));
    out.trim().rsplit(": ").next().unwrap().to_string()
}

#[test]
fn a_package_renders_as_its_folder_and_is_the_same_bytes_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let archive = package("charts/seedapp", dir.path());
    assert!(archive.ends_with("seedapp-1.4.0.tgz"), "{archive}");
    let first = std::fs::read(&archive).unwrap();
    package("charts/seedapp", dir.path());
    assert_eq!(std::fs::read(&archive).unwrap(), first, "reproducible");
    let from_folder = success(kinja().args([
        "render",
        "charts/seedapp",
        "-f",
        "charts/seedapp/ci/prod.yaml",
    ]));
    let from_archive =
        success(kinja().args(["render", &archive, "-f", "charts/seedapp/ci/prod.yaml"]));
    assert_eq!(from_archive, from_folder);
}

#[test]
fn a_packaged_subchart_in_charts_renders_as_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().join("composed");
    copy_folder(Path::new("charts/composed"), &parent);
    let db = parent.join("charts/db");
    package(db.to_str().unwrap(), &parent.join("charts"));
    std::fs::remove_dir_all(&db).unwrap();
    assert!(parent.join("charts/db-1.2.3.tgz").is_file());
    let packed = success(kinja().args(["render"]).arg(&parent));
    let folders = success(kinja().args(["render", "charts/composed"]));
    assert_eq!(packed, folders);
}

#[test]
fn ignored_files_are_left_out_of_packages_and_of_files() {
    let chart = common::TestChart::new(&[
        (".helmignore", "# local notes\n*.bak\nscratch/\n"),
        ("notes.bak", "private\n"),
        ("scratch/todo.txt", "private\n"),
        ("config/app.ini", "port=1\n"),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  files: \"{{ files.glob('**') | list | join(',') }}\"\n",
        ),
    ]);
    let out = success(&mut chart.render(&[]));
    assert!(
        out.contains("files: \".helmignore,config/app.ini\""),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let archive = package(chart.path().to_str().unwrap(), dir.path());
    let listing = std::process::Command::new("tar")
        .args(["tzf", &archive])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing.contains("demo/config/app.ini")
            && !listing.contains("bak")
            && !listing.contains("scratch"),
        "{listing}"
    );
}

#[test]
fn show_prints_the_parts_as_written_from_a_folder_or_an_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = package("charts/seedapp", dir.path());
    let chart_yaml = std::fs::read_to_string("charts/seedapp/Chart.yaml").unwrap();
    assert_eq!(
        success(kinja().args(["show", "chart", "charts/seedapp"])),
        chart_yaml
    );
    assert_eq!(
        success(kinja().args(["show", "chart", &archive])),
        chart_yaml
    );
    let values = success(kinja().args(["show", "values", &archive]));
    assert!(values.starts_with("# Defaults mirror"), "{values}");
    let all = success(kinja().args(["show", "all", "charts/seedapp"]));
    assert!(
        all.starts_with(&chart_yaml) && all.contains("\n---\n# Defaults mirror"),
        "{all}"
    );
    let error = user_error(kinja().args(["show", "chart", "no/such"]));
    assert!(error.contains("no/such: no such folder"), "{error}");
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn dependency_list_says_what_charts_holds_and_what_the_values_enable() {
    let listed = success(kinja().args([
        "dependency",
        "list",
        "charts/composed",
        "--set",
        "tags.caching=false",
    ]));
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(
        lines[0],
        "NAME    ALIAS    VERSION  REPOSITORY  STATUS    IN CHARTS/  ENABLED"
    );
    assert!(
        lines[2].starts_with("cache   cache-a  >=0.1.0") && lines[2].ends_with("0.2.0       false"),
        "{listed}"
    );
    assert!(lines[1].ends_with("1.2.3       true"), "{listed}");
    // A missing chart and one out of range, listed as Helm words them.
    let chart = common::TestChart::new(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n- name: db\n  version: ~2.0.0\n  repository: https://charts.example.com\n- name: cache\n  version: '*'\n",
        ),
        ("templates/cm.yaml", "kind: ConfigMap\n"),
        (
            "charts/db/Chart.yaml",
            "apiVersion: v2\nname: db\nversion: 1.0.0\n",
        ),
    ]);
    let listed = success(
        kinja()
            .args(["dependency", "list", "-o", "json"])
            .arg(chart.path()),
    );
    let rows: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(rows[0]["status"], "wrong version");
    assert_eq!(rows[0]["repository"], "https://charts.example.com");
    assert_eq!(rows[1]["status"], "missing");
    assert_eq!(rows[1]["enabled"], false);
}

#[test]
fn completion_scripts_are_valid_shell() {
    let bash = success(kinja().args(["completion", "bash"]));
    assert!(
        bash.contains("render") && bash.contains("dependency"),
        "the subcommands are completed"
    );
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("kinja.bash");
    std::fs::write(&script, bash).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(checked.success(), "bash -n accepts the script");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(
            !success(kinja().args(["completion", shell])).is_empty(),
            "{shell}"
        );
    }
}

#[test]
fn dependency_update_fetches_a_chart_listed_twice_once_and_prunes_as_helm_does() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    };
    write(
        "db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 1.2.3\n",
    );
    write(
        "db/templates/cm.yaml",
        "kind: ConfigMap\nmetadata:\n  name: {{ chart.name }}\n",
    );
    write(
        "app/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: db\n  alias: one\n  version: '*'\n  repository: file://../db\n- name: db\n  alias: two\n  version: '*'\n  repository: file://../db\n- name: kept\n  version: '*'\n",
    );
    write(
        "app/templates/cm.yaml",
        "kind: ConfigMap\nmetadata:\n  name: app\n",
    );
    write(
        "app/charts/kept/Chart.yaml",
        "apiVersion: v2\nname: kept\nversion: 1.0.0\n",
    );
    // An older db archive and a stray chart's archive: Helm deletes both.
    package(
        dir.path().join("db").to_str().unwrap(),
        &dir.path().join("app/charts"),
    );
    std::fs::rename(
        dir.path().join("app/charts/db-1.2.3.tgz"),
        dir.path().join("app/charts/db-1.0.0.tgz"),
    )
    .unwrap();
    let out = success(
        kinja()
            .args(["dependency", "update"])
            .arg(dir.path().join("app")),
    );
    assert!(
        out.contains("db 1.2.3 from file://../db -> charts/db-1.2.3.tgz"),
        "{out}"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("app/charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["db-1.2.3.tgz", "kept"],
        "one archive for two aliases, the old one pruned"
    );
    let rendered = success(kinja().args(["render"]).arg(dir.path().join("app")));
    assert!(
        rendered.contains("name: one") && rendered.contains("name: two"),
        "{rendered}"
    );
    let lock = std::fs::read_to_string(dir.path().join("app/Chart.lock")).unwrap();
    assert_eq!(lock.matches("- name: db").count(), 2, "{lock}");
    let error = user_error(
        kinja()
            .args(["dependency", "update", "charts/seedapp.tgz"])
            .current_dir(dir.path()),
    );
    assert!(
        error.contains("no such folder") || error.contains("not into an archive"),
        "{error}"
    );
}

#[test]
fn symlinked_folders_are_followed_and_loops_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared-templates");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(
        shared.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: linked\n",
    )
    .unwrap();
    let chart = dir.path().join("app");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: app\nversion: 0.1.0\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&shared, chart.join("templates")).unwrap();
    let out = success(kinja().args(["render"]).arg(&chart));
    assert!(out.contains("name: linked"), "{out}");
    std::os::unix::fs::symlink(&chart, shared.join("loop")).unwrap();
    let error = user_error(kinja().args(["render"]).arg(&chart));
    assert!(error.contains("symlink loop"), "{error}");
}

#[test]
fn a_created_chart_renders_and_its_tests_render_every_branch() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("web");
    let out = success(kinja().arg("create").arg(&chart));
    assert!(
        out.starts_with(&format!("Creating {}\n", chart.display())),
        "{out}"
    );

    let rendered = success(kinja().arg("render").arg(&chart).args(["--name", "shop"]));
    let kinds: Vec<&str> = rendered
        .lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .collect();
    assert_eq!(
        kinds,
        ["ServiceAccount", "ConfigMap", "Service", "Deployment"],
        "{rendered}"
    );
    assert!(rendered.contains("  name: shop-web\n"), "{rendered}");
    assert!(rendered.contains("image: \"nginx:1.27.0\""), "{rendered}");

    // Everything that is off by default renders when switched on.
    let all_on = success(kinja().arg("render").arg(&chart).args([
        "--set",
        "ingress.enabled=true,persistence.enabled=true,autoscaling.enabled=true",
    ]));
    for kind in [
        "Ingress",
        "PersistentVolumeClaim",
        "HorizontalPodAutoscaler",
    ] {
        assert!(
            all_on.contains(&format!("kind: {kind}\n")),
            "{kind}: {all_on}"
        );
    }

    let tested = success(kinja().arg("test").arg(&chart).arg("--coverage"));
    assert!(tested.contains(" passed, 0 failed\n"), "{tested}");
    assert!(
        tested.contains("branches rendered (100.0%)\n"),
        "the starter's suites must cover it: {tested}"
    );

    // The values schema is there and checked.
    let refused = user_error(
        kinja()
            .arg("render")
            .arg(&chart)
            .args(["--set", "service.port=0"]),
    );
    assert!(refused.contains("service.port"), "{refused}");

    // Packages leave the suites out.
    let listed = std::fs::read_to_string(chart.join(".helmignore")).unwrap();
    assert!(listed.lines().any(|l| l == "tests/"), "{listed}");
}

#[test]
fn create_refuses_bad_names_existing_folders_and_missing_parents() {
    let dir = tempfile::tempdir().unwrap();
    let bad = user_error(kinja().arg("create").arg(dir.path().join("My_Chart")));
    assert!(
        bad.contains("\"My_Chart\" is not a valid chart name: lower-case letters"),
        "{bad}"
    );
    assert!(!dir.path().join("My_Chart").exists());

    let existing = dir.path().join("taken");
    std::fs::create_dir(&existing).unwrap();
    std::fs::write(existing.join("keep.txt"), "mine").unwrap();
    let refused = user_error(kinja().arg("create").arg(&existing));
    assert!(refused.contains("exists already"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(existing.join("keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_dir(&existing).unwrap().count(),
        1,
        "nothing written into it"
    );

    let orphan = user_error(kinja().arg("create").arg(dir.path().join("no/such/web")));
    assert!(orphan.contains("does not exist"), "{orphan}");
}

#[test]
fn a_starter_chart_gives_its_files_with_the_new_name() {
    let dir = tempfile::tempdir().unwrap();
    let starter = dir.path().join("house-starter");
    std::fs::create_dir_all(starter.join("templates")).unwrap();
    std::fs::create_dir_all(starter.join("tests")).unwrap();
    std::fs::write(
        starter.join("Chart.yaml"),
        "# our house style\napiVersion: v2\nname: house-starter\nversion: 2.0.0\ndescription: <CHARTNAME> by the platform team\n",
    )
    .unwrap();
    std::fs::write(starter.join("values.yaml"), "app: <CHARTNAME>\n").unwrap();
    std::fs::write(
        starter.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ release.name }}-<CHARTNAME>\ndata:\n  app: {{ values.app }}\n",
    )
    .unwrap();
    std::fs::write(
        starter.join("tests/cm_test.yaml"),
        "suite: cm\ntemplates: [cm.yaml]\ntests:\n  - it: is named\n    asserts:\n      - equal: {path: metadata.name, value: RELEASE-NAME-<CHARTNAME>}\n",
    )
    .unwrap();
    std::fs::write(starter.join("README.md"), "About <CHARTNAME>\n").unwrap();
    std::fs::write(starter.join("notes.tmp"), "scratch\n").unwrap();
    std::fs::write(starter.join(".helmignore"), "*.tmp\n").unwrap();

    let chart = dir.path().join("billing");
    success(
        kinja()
            .arg("create")
            .arg(&chart)
            .arg("--starter")
            .arg(&starter),
    );
    let chart_yaml = std::fs::read_to_string(chart.join("Chart.yaml")).unwrap();
    assert_eq!(
        chart_yaml,
        "# our house style\napiVersion: v2\nname: billing\nversion: 2.0.0\ndescription: billing by the platform team\n"
    );
    assert_eq!(
        std::fs::read_to_string(chart.join("README.md")).unwrap(),
        "About <CHARTNAME>\n"
    );
    assert!(
        !chart.join("notes.tmp").exists(),
        "ignored by the starter's .helmignore"
    );
    let rendered = success(kinja().arg("render").arg(&chart));
    assert!(
        rendered.contains("name: release-name-billing\n") && rendered.contains("app: billing\n"),
        "{rendered}"
    );
    let tested = success(kinja().arg("test").arg(&chart));
    assert!(tested.ends_with("1 passed, 0 failed\n"), "{tested}");

    let missing = user_error(
        kinja()
            .arg("create")
            .arg(dir.path().join("other"))
            .args(["--starter", "/no/such/starter"]),
    );
    assert!(missing.contains("/no/such/starter"), "{missing}");
}
