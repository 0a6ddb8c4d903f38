//! The roots of a contract's storage: `StorageBase` (one member, rooted at its selector) and
//! `FlattenedStorage` (a whole storage struct whose members live at their own selectors, e.g. a
//! component's storage embedded with `#[substorage(v0)]`). The `#[storage]` plugin implements
//! `StorageTrait`/`StorageTraitMut` for each storage struct, mapping it to a struct of members.

use super::{Mutable, StorageAsPath, StoragePath, StoragePathTrait};

/// A storage member rooted at `__base_address__` (the member's selector).
pub struct StorageBase<T> {
    pub __base_address__: felt252,
}

impl StorageBaseCopy<T> of Copy<StorageBase<T>> {}
impl StorageBaseDrop<T> of Drop<StorageBase<T>> {}

impl StorageBaseAsPath<T> of StorageAsPath<StorageBase<T>> {
    type Value = T;
    fn as_path(self: @StorageBase<T>) -> StoragePath<T> {
        StoragePathTrait::new(*self.__base_address__)
    }
}

impl StorageBaseDeref<T> of core::ops::Deref<StorageBase<T>> {
    type Target = StoragePath<T>;
    fn deref(self: StorageBase<T>) -> StoragePath<T> {
        self.as_path()
    }
}

/// A storage struct whose members are addressed by their own selectors, with no common prefix.
pub struct FlattenedStorage<T> {}

impl FlattenedStorageCopy<T> of Copy<FlattenedStorage<T>> {}
impl FlattenedStorageDrop<T> of Drop<FlattenedStorage<T>> {}

/// Read access to the members of a storage struct (implemented by the `#[storage]` plugin).
pub trait StorageTrait<T> {
    /// The struct of member handles.
    type BaseType;
    fn storage(self: FlattenedStorage<T>) -> Self::BaseType;
}

/// Write access to the members of a storage struct (implemented by the `#[storage]` plugin).
pub trait StorageTraitMut<T> {
    /// The struct of mutable member handles.
    type BaseType;
    fn storage_mut(self: FlattenedStorage<Mutable<T>>) -> Self::BaseType;
}

impl FlattenedStorageDeref<T, impl S: StorageTrait<T>> of core::ops::Deref<FlattenedStorage<T>> {
    type Target = S::BaseType;
    fn deref(self: FlattenedStorage<T>) -> S::BaseType {
        self.storage()
    }
}

impl MutableFlattenedStorageDeref<
    T, impl S: StorageTraitMut<T>,
> of core::ops::Deref<FlattenedStorage<Mutable<T>>> {
    type Target = S::BaseType;
    fn deref(self: FlattenedStorage<Mutable<T>>) -> S::BaseType {
        self.storage_mut()
    }
}
