//! A Starknet account on a JSON-RPC node: declare, deploy, invoke, call, read storage and events.

use std::sync::Arc;
use std::time::{Duration, Instant};

use starknet::accounts::{Account, AccountError, ExecutionEncoding, SingleOwnerAccount};
use starknet::contract::{ContractFactory, UdcSelector};
use starknet::core::types::{
    BlockId, BlockTag, Call, ContractExecutionError, EmittedEvent, Event, EventFilter,
    ExecutionResult, Felt, FunctionCall, StarknetError, TransactionReceipt,
};
use starknet::core::utils::get_selector_from_name;
use starknet::providers::jsonrpc::HttpTransport;
use starknet::providers::{JsonRpcClient, Provider, ProviderError};
use starknet::signers::{LocalWallet, SigningKey};
use url::Url;

use crate::contract::CompiledContract;
use crate::error::ChainError;

type Rpc = Arc<JsonRpcClient<HttpTransport>>;

/// An account's address and signing key.
#[derive(Clone)]
pub struct AccountKey {
    pub address: Felt,
    pub private_key: Felt,
}

impl std::fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        write!(f, "AccountKey {{ address: {:#x} }}", self.address)
    }
}

/// What a transaction cost and emitted.
#[derive(Debug, Clone)]
pub struct TxOutcome {
    pub hash: Felt,
    pub l2_gas: u64,
    pub l1_gas: u64,
    pub l1_data_gas: u64,
    /// Fee charged, in FRI.
    pub fee: Felt,
    pub events: Vec<Event>,
}

/// A declared class.
#[derive(Debug, Clone)]
pub struct Declared {
    pub class_hash: Felt,
    /// `None` when the class was already declared.
    pub tx: Option<TxOutcome>,
}

/// A deployed contract.
#[derive(Debug, Clone)]
pub struct Deployed {
    pub address: Felt,
    pub tx: TxOutcome,
}

/// Explicit resource bounds for a transaction, skipping fee estimation (which fails outright for
/// a transaction that would revert or exceed the limits, leaving no receipt to inspect).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub l2_gas: u64,
    /// State diffs (storage writes) are paid in L1 data gas.
    pub l1_data_gas: u64,
}

/// One account on one node.
pub struct Chain {
    rpc: Rpc,
    account: SingleOwnerAccount<Rpc, LocalWallet>,
}

/// How long to wait for a receipt.
const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

impl Chain {
    /// Connects `key`'s account (an OpenZeppelin-style Cairo 1 account) on the node at `url`.
    pub async fn connect(url: Url, key: &AccountKey) -> Result<Self, ChainError> {
        let rpc = Arc::new(JsonRpcClient::new(HttpTransport::new(url.clone())));
        let chain_id = rpc
            .chain_id()
            .await
            .map_err(|e| ChainError::Rpc(format!("{url}: starknet_chainId: {e}")))?;
        let signer = LocalWallet::from_signing_key(SigningKey::from_secret_scalar(key.private_key));
        let mut account = SingleOwnerAccount::new(
            rpc.clone(),
            signer,
            key.address,
            chain_id,
            ExecutionEncoding::New,
        );
        // Pre-confirmed state: the next nonce must count transactions not yet in a block.
        account.set_block_id(BlockId::Tag(BlockTag::PreConfirmed));
        Ok(Self { rpc, account })
    }

    /// The account's address.
    pub fn address(&self) -> Felt {
        self.account.address()
    }

    /// The node.
    pub fn provider(&self) -> &JsonRpcClient<HttpTransport> {
        &self.rpc
    }

    /// Declares `contract` unless its class is already known to the node. `compiled_class_hash`
    /// must be the hash of the CASM the sequencer compiles (see [`crate::sequencer_compiled_class_hash`]).
    pub async fn declare(
        &self,
        contract: &CompiledContract,
        compiled_class_hash: Felt,
    ) -> Result<Declared, ChainError> {
        let class = contract.flattened()?;
        let class_hash = class.class_hash();
        match self
            .rpc
            .get_class(BlockId::Tag(BlockTag::Latest), class_hash)
            .await
        {
            Ok(_) => {
                return Ok(Declared {
                    class_hash,
                    tx: None,
                })
            }
            Err(ProviderError::StarknetError(StarknetError::ClassHashNotFound)) => {}
            Err(e) => return Err(ChainError::Rpc(format!("starknet_getClass: {e}"))),
        }
        let action = format!("declaring {}", contract.name);
        let sent = self
            .account
            .declare_v3(Arc::new(class), compiled_class_hash)
            .send()
            .await
            .map_err(|e| tx_error(&action, e))?;
        let tx = self.wait(sent.transaction_hash).await?;
        tracing::info!(class = %format!("{class_hash:#x}"), l2_gas = tx.l2_gas, "{action}: done");
        Ok(Declared {
            class_hash,
            tx: Some(tx),
        })
    }

    /// Deploys an instance of a declared class through the Universal Deployer.
    pub async fn deploy(
        &self,
        class_hash: Felt,
        constructor_calldata: Vec<Felt>,
        salt: Felt,
    ) -> Result<Deployed, ChainError> {
        let factory = ContractFactory::new_with_udc(class_hash, &self.account, UdcSelector::New);
        let deployment = factory.deploy_v3(constructor_calldata, salt, false);
        let address = deployment.deployed_address();
        let action = format!("deploying class {class_hash:#x}");
        let sent = deployment.send().await.map_err(|e| tx_error(&action, e))?;
        let tx = self.wait(sent.transaction_hash).await?;
        Ok(Deployed { address, tx })
    }

    /// Invokes `function` on `contract` with fee estimation.
    pub async fn invoke(
        &self,
        contract: Felt,
        function: &str,
        calldata: Vec<Felt>,
    ) -> Result<TxOutcome, ChainError> {
        self.execute(contract, function, calldata, None).await
    }

    /// Invokes without estimation, with `bounds`; a revert comes back as
    /// [`ChainError::Reverted`] carrying the sequencer's reason.
    pub async fn invoke_bounded(
        &self,
        contract: Felt,
        function: &str,
        calldata: Vec<Felt>,
        bounds: Bounds,
    ) -> Result<TxOutcome, ChainError> {
        self.execute(contract, function, calldata, Some(bounds))
            .await
    }

    /// One invoke: estimated, or with `bounds` and twice the latest block's gas prices.
    async fn execute(
        &self,
        contract: Felt,
        function: &str,
        calldata: Vec<Felt>,
        bounds: Option<Bounds>,
    ) -> Result<TxOutcome, ChainError> {
        let calls = vec![call(contract, function, calldata)?];
        let action = format!("invoking {function} on {contract:#x}");
        let mut execution = self.account.execute_v3(calls);
        if let Some(bounds) = bounds {
            let block = self
                .rpc
                .get_block_with_tx_hashes(BlockId::Tag(BlockTag::Latest))
                .await
                .map_err(|e| ChainError::Rpc(format!("starknet_getBlockWithTxHashes: {e}")))?;
            let price = |p: &starknet::core::types::ResourcePrice| {
                u128::try_from(p.price_in_fri)
                    .unwrap_or(u128::MAX / 4)
                    .saturating_mul(2)
                    .max(1)
            };
            execution = execution
                .l1_gas(0)
                .l1_gas_price(price(block.l1_gas_price()))
                .l1_data_gas(bounds.l1_data_gas)
                .l1_data_gas_price(price(block.l1_data_gas_price()))
                .l2_gas(bounds.l2_gas)
                .l2_gas_price(price(block.l2_gas_price()))
                .tip(0);
        }
        let sent = execution.send().await.map_err(|e| tx_error(&action, e))?;
        self.wait(sent.transaction_hash).await
    }

    /// Calls a view function at the latest block.
    pub async fn call(
        &self,
        contract: Felt,
        function: &str,
        calldata: Vec<Felt>,
    ) -> Result<Vec<Felt>, ChainError> {
        let request = FunctionCall {
            contract_address: contract,
            entry_point_selector: selector(function)?,
            calldata,
        };
        self.rpc
            .call(request, BlockId::Tag(BlockTag::Latest))
            .await
            .map_err(|e| ChainError::Rpc(format!("calling {function} on {contract:#x}: {e}")))
    }

    /// One storage slot of `contract`.
    pub async fn storage_at(&self, contract: Felt, key: Felt) -> Result<Felt, ChainError> {
        self.rpc
            .get_storage_at(contract, key, BlockId::Tag(BlockTag::Latest))
            .await
            .map_err(|e| ChainError::Rpc(format!("starknet_getStorageAt: {e}")))
    }

    /// All events `contract` emitted, oldest first.
    pub async fn events(&self, contract: Felt) -> Result<Vec<EmittedEvent>, ChainError> {
        let mut events = Vec::new();
        let mut token = None;
        loop {
            let filter = EventFilter {
                from_block: Some(BlockId::Number(0)),
                to_block: Some(BlockId::Tag(BlockTag::Latest)),
                address: Some(contract),
                keys: None,
            };
            let page = self
                .rpc
                .get_events(filter, token, 1000)
                .await
                .map_err(|e| ChainError::Rpc(format!("starknet_getEvents: {e}")))?;
            events.extend(page.events);
            match page.continuation_token {
                Some(next) => token = Some(next),
                None => return Ok(events),
            }
        }
    }

    /// Waits for the receipt; a reverted transaction is an error carrying the reason.
    async fn wait(&self, hash: Felt) -> Result<TxOutcome, ChainError> {
        let started = Instant::now();
        let receipt = loop {
            match self.rpc.get_transaction_receipt(hash).await {
                Ok(r) => break r.receipt,
                Err(ProviderError::StarknetError(StarknetError::TransactionHashNotFound)) => {}
                Err(e) => return Err(ChainError::Rpc(format!("receipt of {hash:#x}: {e}"))),
            }
            if started.elapsed() > RECEIPT_TIMEOUT {
                return Err(ChainError::Rpc(format!(
                    "no receipt for {hash:#x} after {RECEIPT_TIMEOUT:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        if let ExecutionResult::Reverted { reason } = receipt.execution_result() {
            return Err(ChainError::Reverted {
                hash,
                reason: reason.clone(),
            });
        }
        let (resources, fee) = match &receipt {
            TransactionReceipt::Invoke(r) => (&r.execution_resources, &r.actual_fee),
            TransactionReceipt::Declare(r) => (&r.execution_resources, &r.actual_fee),
            TransactionReceipt::DeployAccount(r) => (&r.execution_resources, &r.actual_fee),
            TransactionReceipt::Deploy(r) => (&r.execution_resources, &r.actual_fee),
            TransactionReceipt::L1Handler(r) => (&r.execution_resources, &r.actual_fee),
        };
        Ok(TxOutcome {
            hash,
            l2_gas: resources.l2_gas,
            l1_gas: resources.l1_gas,
            l1_data_gas: resources.l1_data_gas,
            fee: fee.amount,
            events: receipt.events().to_vec(),
        })
    }
}

/// The selector of an entry point name.
pub fn selector(function: &str) -> Result<Felt, ChainError> {
    get_selector_from_name(function)
        .map_err(|_| ChainError::Rpc(format!("entry point name {function:?} is not ASCII")))
}

fn call(to: Felt, function: &str, calldata: Vec<Felt>) -> Result<Call, ChainError> {
    Ok(Call {
        to,
        selector: selector(function)?,
        calldata,
    })
}

fn tx_error<S: std::fmt::Display>(action: &str, e: AccountError<S>) -> ChainError {
    let reason = match e {
        // Estimation of a reverting transaction: the innermost message is the revert reason.
        AccountError::Provider(ProviderError::StarknetError(err)) => match &err {
            StarknetError::TransactionExecutionError(d) => innermost(&d.execution_error),
            StarknetError::ContractError(d) => innermost(&d.revert_error),
            StarknetError::ValidationFailure(m)
            | StarknetError::CompilationFailed(m)
            | StarknetError::InvalidTransactionNonce(m) => format!("{err}: {m}"),
            _ => err.to_string(),
        },
        other => other.to_string(),
    };
    ChainError::Transaction {
        action: action.to_string(),
        reason,
    }
}

fn innermost(error: &ContractExecutionError) -> String {
    match error {
        ContractExecutionError::Nested(inner) => innermost(&inner.error),
        ContractExecutionError::Message(m) => m.clone(),
    }
}
