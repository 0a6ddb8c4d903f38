//! Storage nodes: structs marked `#[starknet::storage_node]` whose members are storage paths
//! hashed from the node's own path (unlike `Store` structs, which occupy consecutive slots).
//! The plugin implements these traits; `StoragePath` dereferences through them (storage.cairo).

use super::{Mutable, StoragePath};

/// Maps a path to a node onto the struct of its members' paths.
pub trait StorageNode<T> {
    type NodeType;
    fn storage_node(self: StoragePath<T>) -> Self::NodeType;
}

/// Like `StorageNode`, for a mutable path.
pub trait StorageNodeMut<T> {
    type NodeType;
    fn storage_node_mut(self: StoragePath<Mutable<T>>) -> Self::NodeType;
}
