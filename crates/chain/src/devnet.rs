//! A local starknet-devnet process: started on a free loopback port, stopped when dropped.

use std::io::{Read, Seek};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;
use starknet::core::types::Felt;
use url::Url;

use crate::client::AccountKey;
use crate::error::ChainError;
use crate::tools;

/// How to start a devnet.
#[derive(Debug, Clone)]
pub struct DevnetOptions {
    /// Seed of the predeployed accounts' keys (same seed, same accounts).
    pub seed: u32,
    /// Number of predeployed, funded accounts.
    pub accounts: u32,
    /// Loopback port; `None` lets the devnet pick a free one.
    pub port: Option<u16>,
}

impl Default for DevnetOptions {
    fn default() -> Self {
        Self {
            seed: 42,
            accounts: 2,
            port: None,
        }
    }
}

/// One predeployed account as devnet reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct PredeployedAccount {
    pub address: Felt,
    pub private_key: Felt,
    pub public_key: Felt,
}

impl PredeployedAccount {
    pub fn key(&self) -> AccountKey {
        AccountKey {
            address: self.address,
            private_key: self.private_key,
        }
    }
}

/// A running devnet; the process is killed when this is dropped.
#[derive(Debug)]
pub struct Devnet {
    child: Child,
    url: Url,
    accounts: Vec<PredeployedAccount>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

/// How long a devnet may take to answer `/is_alive` (it starts in about a second).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

impl Devnet {
    /// Starts `starknet-devnet` and waits until it serves JSON-RPC.
    pub async fn start(options: &DevnetOptions) -> Result<Self, ChainError> {
        let binary = tools::devnet()?;
        let dir = tempfile::tempdir().map_err(|e| ChainError::Devnet(format!("temp dir: {e}")))?;
        let log = dir.path().join("devnet.log");
        let out = std::fs::File::create(&log)
            .map_err(|e| ChainError::Devnet(format!("{}: {e}", log.display())))?;
        let err = out
            .try_clone()
            .map_err(|e| ChainError::Devnet(e.to_string()))?;
        let port = options.port.unwrap_or(0);
        // Logs go to a file: an unread pipe would eventually block the devnet.
        let mut command = Command::new(&binary);
        // The devnet dies with its parent, even one killed without running destructors.
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = command
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--seed", &options.seed.to_string()])
            .args(["--accounts", &options.accounts.to_string()])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| ChainError::Devnet(format!("cannot start {}: {e}", binary.display())))?;
        let mut devnet = Devnet {
            child,
            url: Url::parse("http://127.0.0.1/").expect("static URL"),
            accounts: Vec::new(),
            log,
            _dir: dir,
        };
        devnet.url = devnet.wait_until_listening().await?;
        devnet.accounts = devnet.predeployed_accounts().await?;
        tracing::info!(url = %devnet.url, accounts = devnet.accounts.len(), "devnet started");
        Ok(devnet)
    }

    /// The JSON-RPC endpoint (`http://127.0.0.1:PORT/rpc`).
    pub fn rpc_url(&self) -> Url {
        self.url.join("rpc").expect("static path")
    }

    /// The funded accounts devnet predeployed.
    pub fn accounts(&self) -> &[PredeployedAccount] {
        &self.accounts
    }

    /// The devnet's log so far (for error reports).
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log) {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let _ = f.seek(std::io::SeekFrom::Start(len.saturating_sub(8192)));
            let _ = f.read_to_string(&mut text);
        }
        text
    }

    /// Reads the bound address from the log, then polls `/is_alive`.
    async fn wait_until_listening(&mut self) -> Result<Url, ChainError> {
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            if let Some(status) = self
                .child
                .try_wait()
                .map_err(|e| ChainError::Devnet(e.to_string()))?
            {
                return Err(ChainError::Devnet(format!(
                    "exited with {status} while starting:\n{}",
                    self.log()
                )));
            }
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(address) = log
                .lines()
                .find_map(|l| l.split("listening on ").nth(1))
                .map(|a| a.trim().trim_end_matches('/'))
            {
                let url = Url::parse(&format!("http://{address}/")).map_err(|e| {
                    ChainError::Devnet(format!("bad listening address {address:?}: {e}"))
                })?;
                let alive = client
                    .get(url.join("is_alive").expect("static path"))
                    .send()
                    .await;
                if matches!(alive, Ok(r) if r.status().is_success()) {
                    return Ok(url);
                }
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                return Err(ChainError::Devnet(format!(
                    "not serving after {STARTUP_TIMEOUT:?}:\n{}",
                    self.log()
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn predeployed_accounts(&self) -> Result<Vec<PredeployedAccount>, ChainError> {
        self.devnet_rpc("devnet_getPredeployedAccounts", serde_json::json!({}))
            .await
    }

    /// A devnet-only JSON-RPC method (not part of the Starknet API starknet-rs speaks).
    async fn devnet_rpc<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<T, ChainError> {
        let request =
            serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        let response: serde_json::Value = reqwest::Client::new()
            .post(self.rpc_url())
            .json(&request)
            .send()
            .await
            .map_err(|e| ChainError::Rpc(format!("{method}: {e}")))?
            .json()
            .await
            .map_err(|e| ChainError::Rpc(format!("{method}: {e}")))?;
        if let Some(error) = response.get("error") {
            return Err(ChainError::Rpc(format!("{method}: {error}")));
        }
        serde_json::from_value(response["result"].clone())
            .map_err(|e| ChainError::Rpc(format!("{method}: unexpected result: {e}")))
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
