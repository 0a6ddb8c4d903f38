//! `Map<K, V>`: a storage mapping. It occupies no slot of its own; the value of key `k` lives at
//! the path hashed from the map's path and `k` (Pedersen, through `Hash<K>`), so maps nest.

use core::hash::Hash;
use super::{
    Mutable, StorageAsPath, StoragePath, StoragePathHashState, StoragePathUpdateTrait,
    StoragePointerReadAccess, StoragePointerWriteAccess,
};

/// A key-value mapping in contract storage.
#[phantom]
pub struct Map<K, V> {}

/// `map.read(key)`: the value stored under `key` (the default value if never written).
pub trait StorageMapReadAccess<TMemberState> {
    type Key;
    type Value;
    fn read(self: TMemberState, key: Self::Key) -> Self::Value;
}

/// `map.write(key, value)`.
pub trait StorageMapWriteAccess<TMemberState> {
    type Key;
    type Value;
    fn write(self: TMemberState, key: Self::Key, value: Self::Value);
}

/// `map.entry(key)`: the storage path of the value under `key`, to read, write or descend into.
pub trait StoragePathEntry<C> {
    type Key;
    type Value;
    fn entry(self: C, key: Self::Key) -> StoragePath<Self::Value>;
}

impl EntryInfoStoragePathEntry<
    K, V, +Hash<K, StoragePathHashState>,
> of StoragePathEntry<StoragePath<Map<K, V>>> {
    type Key = K;
    type Value = V;
    fn entry(self: StoragePath<Map<K, V>>, key: K) -> StoragePath<V> {
        StoragePathUpdateTrait::<Map<K, V>, V, K>::update(self, key)
    }
}

impl MutableEntryStoragePathEntry<
    K, V, +Hash<K, StoragePathHashState>,
> of StoragePathEntry<StoragePath<Mutable<Map<K, V>>>> {
    type Key = K;
    type Value = Mutable<V>;
    fn entry(self: StoragePath<Mutable<Map<K, V>>>, key: K) -> StoragePath<Mutable<V>> {
        StoragePathUpdateTrait::<Mutable<Map<K, V>>, Mutable<V>, K>::update(self, key)
    }
}

/// `entry` for any handle that is a path to a map (a storage member, a nested entry, ...).
impl PathableStoragePathEntry<
    T,
    +Drop<T>,
    impl AsPath: StorageAsPath<T>,
    impl Entry: StoragePathEntry<StoragePath<AsPath::Value>>,
    +Drop<Entry::Key>,
> of StoragePathEntry<T> {
    type Key = Entry::Key;
    type Value = Entry::Value;
    fn entry(self: T, key: Entry::Key) -> StoragePath<Entry::Value> {
        Entry::entry(self.as_path(), key)
    }
}

impl StorageMapReadAccessImpl<
    T,
    +Drop<T>,
    impl Entry: StoragePathEntry<T>,
    impl Read: StoragePointerReadAccess<StoragePath<Entry::Value>>,
> of StorageMapReadAccess<T> {
    type Key = Entry::Key;
    type Value = Read::Value;
    fn read(self: T, key: Entry::Key) -> Read::Value {
        let path = Entry::entry(self, key);
        Read::read(@path)
    }
}

impl StorageMapWriteAccessImpl<
    T,
    +Drop<T>,
    impl Entry: StoragePathEntry<T>,
    impl Write: StoragePointerWriteAccess<StoragePath<Entry::Value>>,
    +Drop<Write::Value>,
> of StorageMapWriteAccess<T> {
    type Key = Entry::Key;
    type Value = Write::Value;
    fn write(self: T, key: Entry::Key, value: Write::Value) {
        Write::write(Entry::entry(self, key), value)
    }
}

/// A map is a valid storage member when its values are (`Store` types, nodes, maps, vecs).
impl ValidStorageTypeTraitMapImpl<
    K, V, +Hash<K, StoragePathHashState>, +super::ValidStorageTypeTrait<V>,
> of super::ValidStorageTypeTrait<Map<K, V>>;
