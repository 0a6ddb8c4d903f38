//! `cairn devnet` and `cairn deploy`: the Starknet side of the CLI.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use chain::{AccountKey, Chain, Devnet, DevnetOptions, Felt};
use indicatif::{ProgressBar, ProgressStyle};
use url::Url;

/// Where and as whom to send transactions.
#[derive(clap::Args)]
pub struct Network {
    /// JSON-RPC endpoint of a Starknet node (e.g. the URL `cairn devnet` prints).
    #[arg(long, env = "STARKNET_RPC", value_name = "URL")]
    rpc: Url,
    /// Address of the account that signs and pays.
    #[arg(long, env = "STARKNET_ACCOUNT", value_name = "ADDRESS")]
    account: String,
    /// The account's private key; prefer the environment variable over the command line.
    #[arg(
        long,
        env = "STARKNET_PRIVATE_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    private_key: String,
}

impl Network {
    async fn connect(&self) -> Result<Chain> {
        let key = AccountKey {
            address: parse_felt(&self.account).context("--account")?,
            private_key: parse_felt(&self.private_key).context("--private-key")?,
        };
        Ok(Chain::connect(self.rpc.clone(), &key).await?)
    }
}

#[derive(clap::Args)]
pub struct DevnetArgs {
    /// Port on 127.0.0.1 (default: a free one).
    #[arg(long)]
    port: Option<u16>,
    /// Seed of the predeployed accounts (same seed, same keys).
    #[arg(long, default_value_t = 42)]
    seed: u32,
    /// Number of predeployed, funded accounts.
    #[arg(long, default_value_t = 2)]
    accounts: u32,
}

#[derive(clap::Args)]
pub struct DeployArgs {
    /// A contract package (Scarb.toml + src/ with one #[starknet::contract]), e.g.
    /// contracts/registry. Without one: Cairn's verifier (its six stage classes, then the
    /// verifier contract, which deploys its fact registry).
    package: Option<PathBuf>,
    /// Constructor arguments as comma-separated felts (decimal or 0x-hex).
    #[arg(long, default_value = "", allow_hyphen_values = true)]
    constructor: String,
    /// Deployment salt (the address depends on class, salt, deployer and arguments).
    #[arg(long, default_value = "0")]
    salt: String,
    #[command(flatten)]
    network: Network,
}

fn parse_felt(s: &str) -> Result<Felt> {
    let s = s.trim();
    let parsed = if let Some(hex) = s.strip_prefix("0x") {
        Felt::from_hex(&format!("0x{hex}")).ok()
    } else {
        Felt::from_dec_str(s).ok()
    };
    parsed.with_context(|| format!("{s:?} is not a felt (decimal or 0x-hex below the field prime)"))
}

fn parse_felts(s: &str) -> Result<Vec<Felt>> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(parse_felt)
        .collect()
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Runs a devnet in the foreground until Ctrl-C.
pub fn devnet(a: DevnetArgs) -> Result<()> {
    runtime()?.block_on(async {
        let options = DevnetOptions { seed: a.seed, accounts: a.accounts, port: a.port };
        let devnet = Devnet::start(&options).await?;
        let mut banner = format!("starknet-devnet listening: {}\n", devnet.rpc_url());
        for (i, account) in devnet.accounts().iter().enumerate() {
            banner += &format!(
                "account {i}: address {:#x} private key {:#x}\n",
                account.address, account.private_key
            );
        }
        let first = &devnet.accounts()[0];
        banner += &format!(
            "\nto use account 0:\n  export STARKNET_RPC={} STARKNET_ACCOUNT={:#x} STARKNET_PRIVATE_KEY={:#x}\n\nCtrl-C stops the devnet (its state is not kept).\n",
            devnet.rpc_url(),
            first.address,
            first.private_key
        );
        // A reader that went away (`| head`, a test that read the export line) must not stop
        // the devnet: println! would panic on the broken pipe and take the node down with it.
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = stdout.write_all(banner.as_bytes()).and_then(|()| stdout.flush()) {
            tracing::debug!("stdout closed: {e}");
        }
        drop(stdout);
        tokio::signal::ctrl_c().await?;
        drop(devnet);
        Ok(())
    })
}

/// Declares (if needed) and deploys a contract package, or the verifier.
pub fn deploy(a: DeployArgs) -> Result<()> {
    let constructor = parse_felts(&a.constructor).context("--constructor")?;
    let salt = parse_felt(&a.salt).context("--salt")?;
    let Some(package) = &a.package else {
        anyhow::ensure!(
            constructor.is_empty(),
            "--constructor: the verifier's constructor arguments are its classes, set by cairn"
        );
        return deploy_verifier(&a.network, salt);
    };
    let contract = chain::compile_contract(package)?;
    runtime()?.block_on(async {
        let chain = a.network.connect().await?;
        let compiled = chain::sequencer_compiled_class_hash(&contract)?;
        let declared = chain.declare(&contract, compiled).await?;
        match &declared.tx {
            Some(tx) => println!(
                "declared {} class {:#x} (tx {:#x}, L2 gas {})",
                contract.name, declared.class_hash, tx.hash, tx.l2_gas
            ),
            None => println!("class {:#x} already declared", declared.class_hash),
        }
        let deployed = chain.deploy(declared.class_hash, constructor, salt).await?;
        println!(
            "deployed at {:#x} (tx {:#x}, L2 gas {})",
            deployed.address, deployed.tx.hash, deployed.tx.l2_gas
        );
        Ok(())
    })
}

fn deploy_verifier(network: &Network, salt: Felt) -> Result<()> {
    let bar = crate::spinner();
    bar.set_message("compiling the verifier's classes (about a minute)");
    let classes = chain::VerifierClasses::compile(&chain::contracts_dir())?;
    runtime()?.block_on(async {
        let chain = network.connect().await?;
        let deployment = chain::deploy_verifier(&chain, &classes, salt, |step| {
            bar.set_message(step.to_string())
        })
        .await;
        bar.finish_and_clear();
        let deployment = deployment?;
        for (what, tx) in &deployment.txs {
            println!("{what}: tx {:#x}, L2 gas {}", tx.hash, tx.l2_gas);
        }
        println!("verifier: {:#x}", deployment.verifier);
        println!("registry: {:#x}", deployment.registry);
        Ok(())
    })
}

#[derive(clap::Args)]
pub struct SubmitArgs {
    /// A proof made with `cairn prove --for-chain`.
    proof: PathBuf,
    /// The verifier contract (`cairn deploy` prints it).
    #[arg(long, value_name = "ADDRESS")]
    contract: String,
    /// Session number: one verification per (account, nonce); a used one is refused.
    #[arg(long, default_value = "0")]
    nonce: String,
    #[command(flatten)]
    network: Network,
}

/// Verifies a proof on chain, stage by stage, and prints the fact and what it cost.
pub fn submit(a: SubmitArgs) -> Result<()> {
    let contract = parse_felt(&a.contract).context("--contract")?;
    let nonce = parse_felt(&a.nonce).context("--nonce")?;
    let proof = prover::read_chain_proof(&a.proof)?;
    let sections = verifier::ProofSections::new(&proof).map_err(|e| anyhow::anyhow!("{e}"))?;
    runtime()?.block_on(async {
        let chain = a.network.connect().await?;
        let bar = ProgressBar::new(1);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} stages {elapsed} {msg}")
                .expect("template"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message("begin");
        let submission =
            chain::submit_proof(&chain, contract, &sections, nonce, |done, total, name| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                bar.set_message(name.to_string());
            })
            .await;
        bar.finish_and_clear();
        let submission = submission.context("the verifier rejected the proof")?;
        let (mut gas, mut calldata) = (0u64, 0usize);
        for s in &submission.txs {
            println!(
                "{:<24} tx {:#x}  L2 gas {:>12}  calldata {:>6} felts",
                s.stage, s.tx.hash, s.tx.l2_gas, s.calldata_felts
            );
            gas += s.tx.l2_gas;
            calldata += s.calldata_felts;
        }
        println!(
            "total: {} transactions, L2 gas {gas}, calldata {calldata} felts",
            submission.txs.len()
        );
        println!(
            "program hash (Poseidon of the bytecode): {:#x}",
            submission.program_hash
        );
        println!(
            "output hash (Poseidon of the output): {:#x}",
            submission.output_hash
        );
        println!("fact: {:#x}", submission.fact);
        Ok(())
    })
}
