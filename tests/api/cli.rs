//! The command line: each command's help lists the options it uses, and an option given where
//! it does nothing is refused rather than silently ignored.

use std::process::{Command, Output};

fn crm_server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crm-server"))
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("the server binary runs")
}

fn help_of(args: &[&str]) -> String {
    let output = crm_server(args);
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn each_command_lists_only_the_options_it_uses() {
    let serve = help_of(&["serve", "--help"]);
    for option in [
        "--listen",
        "--jwt-secret",
        "--database-url",
        "--files-dir",
        "--password-memory-kib",
    ] {
        assert!(serve.contains(option), "serve --help lacks {option}:\n{serve}");
    }
    assert_eq!(
        help_of(&["--help"]).matches("--listen").count(),
        1,
        "crm-server alone serves"
    );

    let openapi = help_of(&["openapi", "--help"]);
    assert_eq!(
        openapi.matches("--").count(),
        1,
        "openapi takes no option but --help:\n{openapi}"
    );
    let migrate = help_of(&["migrate", "--help"]);
    assert!(
        migrate.contains("--database-url") && !migrate.contains("--listen"),
        "{migrate}"
    );
    let seed = help_of(&["seed", "--help"]);
    for option in ["--profile", "--database-url", "--password-memory-kib"] {
        assert!(seed.contains(option), "seed --help lacks {option}:\n{seed}");
    }
    assert!(!seed.contains("--jwt-secret") && !seed.contains("--listen"), "{seed}");
}

#[test]
fn an_option_before_a_command_that_does_not_take_it_is_refused() {
    let output = crm_server(&["--listen", "127.0.0.1:1", "openapi"]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--listen"), "{stderr}");
    assert!(output.stdout.is_empty(), "no document is printed");
}
