//! `cairn devnet` and `cairn deploy` as a user runs them: a devnet in the background, the
//! registry deployed with the printed account, and a clear failure for a wrong key.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{stderr, stdout};

/// Stops `cairn devnet` the way a user does (Ctrl-C), so it stops its devnet too.
struct Background(std::process::Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn devnet_then_deploy_registry() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["devnet", "--accounts", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let _guard = Background(child);
    // The `export ...` line names the node and account for the next commands.
    let mut env = Vec::new();
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("export ") {
            env = rest
                .split_whitespace()
                .map(|kv| kv.split_once('=').unwrap())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            break;
        }
    }
    assert_eq!(env.len(), 3, "no export line from cairn devnet");
    let account = env
        .iter()
        .find(|(k, _)| k == "STARKNET_ACCOUNT")
        .unwrap()
        .1
        .clone();
    let registry = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts/registry");

    let deploy = |extra_env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cairn"));
        cmd.args([
            "deploy",
            registry.to_str().unwrap(),
            "--constructor",
            &account,
        ]);
        cmd.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd.envs(extra_env.iter().copied());
        cmd.output().unwrap()
    };
    let o = deploy(&[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("declared cairn_registry::Registry class 0x"),
        "{text}"
    );
    assert!(text.contains("deployed at 0x"), "{text}");

    // Same class again: not declared twice; a new salt gives a second instance.
    let o = deploy(&[]);
    assert!(
        !o.status.success(),
        "same salt and arguments must collide: {}",
        stdout(&o)
    );
    let o = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "deploy",
            registry.to_str().unwrap(),
            "--constructor",
            &account,
            "--salt",
            "1",
        ])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("already declared"), "{}", stdout(&o));

    // A wrong key: rejected by the account's validation, named as such.
    let o = deploy(&[("STARKNET_PRIVATE_KEY", "0x1234")]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("error:") && err.to_lowercase().contains("valid"),
        "{err}"
    );

    // A constructor argument that is not a felt names the flag.
    let o = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args([
            "deploy",
            registry.to_str().unwrap(),
            "--constructor",
            "0xZZ",
        ])
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--constructor"), "{}", stderr(&o));
}
