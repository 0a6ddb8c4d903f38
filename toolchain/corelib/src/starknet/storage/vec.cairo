//! `Vec<T>`: a growable array in contract storage. Its length (a `u64`) is stored at the vec's own
//! address; element `i` lives at the path hashed from the vec's path and `i`, so elements can be
//! `Store` values or further storage nodes (maps, vecs).

use core::Option;
use super::{
    IntoIterRange, Mutable, StorageAsPath, StorageAsPointer, StoragePath, StoragePathTrait,
    StoragePathUpdateTrait, StoragePointer0Offset, StoragePointerReadAccess,
    StoragePointerWriteAccess,
};

/// A growable array in contract storage.
#[phantom]
pub struct Vec<T> {}

/// Read-only access to a storage vec.
pub trait VecTrait<T> {
    type ElementType;
    /// The path of element `index`, or `None` when out of bounds.
    fn get(self: T, index: u64) -> Option<StoragePath<Self::ElementType>>;
    /// The path of element `index`; panics when out of bounds.
    fn at(self: T, index: u64) -> StoragePath<Self::ElementType>;
    /// The number of elements.
    fn len(self: T) -> u64;
}

/// Read and write access to a storage vec.
pub trait MutableVecTrait<T> {
    type ElementType;
    /// The path of element `index`, or `None` when out of bounds.
    fn get(self: T, index: u64) -> Option<StoragePath<Mutable<Self::ElementType>>>;
    /// The path of element `index`; panics when out of bounds.
    fn at(self: T, index: u64) -> StoragePath<Mutable<Self::ElementType>>;
    /// The number of elements.
    fn len(self: T) -> u64;
    /// Grows the vec by one element and returns its path (the element is not written).
    #[deprecated(feature: "starknet-storage-deprecation", note: "Use `allocate` instead")]
    fn append(self: T) -> StoragePath<Mutable<Self::ElementType>>;
    /// Grows the vec by one element and returns its path (the element is not written).
    fn allocate(self: T) -> StoragePath<Mutable<Self::ElementType>>;
    /// Appends `value`.
    fn push<+Drop<Self::ElementType>, +starknet::Store<Self::ElementType>>(
        self: T, value: Self::ElementType,
    );
    /// Removes the last element, clears its slots and returns it; `None` when empty.
    fn pop<+Drop<Self::ElementType>, +starknet::Store<Self::ElementType>>(
        self: T,
    ) -> Option<Self::ElementType>;
}

/// The length slot of a vec at `path`.
fn length_pointer<S>(path: StoragePath<S>) -> StoragePointer0Offset<u64> {
    StoragePointer0Offset { __storage_pointer_address__: path.finalize() }
}

fn mutable_length_pointer<S>(path: StoragePath<S>) -> StoragePointer0Offset<Mutable<u64>> {
    StoragePointer0Offset { __storage_pointer_address__: path.finalize() }
}

impl VecImpl<T> of VecTrait<StoragePath<Vec<T>>> {
    type ElementType = T;
    fn get(self: StoragePath<Vec<T>>, index: u64) -> Option<StoragePath<T>> {
        if index < self.len() {
            Option::Some(StoragePathUpdateTrait::<Vec<T>, T, u64>::update(self, index))
        } else {
            Option::None
        }
    }
    fn at(self: StoragePath<Vec<T>>, index: u64) -> StoragePath<T> {
        assert(index < self.len(), 'Index out of bounds');
        StoragePathUpdateTrait::<Vec<T>, T, u64>::update(self, index)
    }
    fn len(self: StoragePath<Vec<T>>) -> u64 {
        length_pointer(self).read()
    }
}

impl MutableVecImpl<T> of MutableVecTrait<StoragePath<Mutable<Vec<T>>>> {
    type ElementType = T;
    fn get(self: StoragePath<Mutable<Vec<T>>>, index: u64) -> Option<StoragePath<Mutable<T>>> {
        if index < self.len() {
            Option::Some(StoragePathUpdateTrait::<Mutable<Vec<T>>, Mutable<T>, u64>::update(self, index))
        } else {
            Option::None
        }
    }
    fn at(self: StoragePath<Mutable<Vec<T>>>, index: u64) -> StoragePath<Mutable<T>> {
        assert(index < self.len(), 'Index out of bounds');
        StoragePathUpdateTrait::<Mutable<Vec<T>>, Mutable<T>, u64>::update(self, index)
    }
    fn len(self: StoragePath<Mutable<Vec<T>>>) -> u64 {
        mutable_length_pointer(self).read()
    }
    fn append(self: StoragePath<Mutable<Vec<T>>>) -> StoragePath<Mutable<T>> {
        self.allocate()
    }
    fn allocate(self: StoragePath<Mutable<Vec<T>>>) -> StoragePath<Mutable<T>> {
        let len = self.len();
        mutable_length_pointer(self).write(len + 1);
        StoragePathUpdateTrait::<Mutable<Vec<T>>, Mutable<T>, u64>::update(self, len)
    }
    fn push<+Drop<T>, +starknet::Store<T>>(self: StoragePath<Mutable<Vec<T>>>, value: T) {
        self.allocate().write(value);
    }
    fn pop<+Drop<T>, +starknet::Store<T>>(self: StoragePath<Mutable<Vec<T>>>) -> Option<T> {
        let len = self.len();
        if len == 0 {
            return Option::None;
        }
        let last = len - 1;
        let element: StoragePath<Mutable<T>> = StoragePathUpdateTrait::<
            Mutable<Vec<T>>, Mutable<T>, u64,
        >::update(self, last);
        let ptr = element.as_ptr();
        let value = ptr.read();
        starknet::SyscallResultTrait::unwrap_syscall(
            starknet::Store::<T>::scrub(0, ptr.__storage_pointer_address__, 0),
        );
        mutable_length_pointer(self).write(last);
        Option::Some(value)
    }
}

/// `VecTrait` for any handle that is a path to a vec (a storage member, a map entry, ...).
impl PathableVecImpl<
    T, +Drop<T>, impl AsPath: StorageAsPath<T>, impl V: VecTrait<StoragePath<AsPath::Value>>,
> of VecTrait<T> {
    type ElementType = V::ElementType;
    fn get(self: T, index: u64) -> Option<StoragePath<V::ElementType>> {
        self.as_path().get(index)
    }
    fn at(self: T, index: u64) -> StoragePath<V::ElementType> {
        self.as_path().at(index)
    }
    fn len(self: T) -> u64 {
        self.as_path().len()
    }
}

/// `MutableVecTrait` for any handle that is a mutable path to a vec.
impl PathableMutableVecImpl<
    T,
    +Drop<T>,
    impl AsPath: StorageAsPath<T>,
    impl V: MutableVecTrait<StoragePath<AsPath::Value>>,
> of MutableVecTrait<T> {
    type ElementType = V::ElementType;
    fn get(self: T, index: u64) -> Option<StoragePath<Mutable<V::ElementType>>> {
        self.as_path().get(index)
    }
    fn at(self: T, index: u64) -> StoragePath<Mutable<V::ElementType>> {
        self.as_path().at(index)
    }
    fn len(self: T) -> u64 {
        self.as_path().len()
    }
    fn append(self: T) -> StoragePath<Mutable<V::ElementType>> {
        self.as_path().allocate()
    }
    fn allocate(self: T) -> StoragePath<Mutable<V::ElementType>> {
        self.as_path().allocate()
    }
    fn push<+Drop<V::ElementType>, +starknet::Store<V::ElementType>>(
        self: T, value: V::ElementType,
    ) {
        self.as_path().push(value)
    }
    fn pop<+Drop<V::ElementType>, +starknet::Store<V::ElementType>>(
        self: T,
    ) -> Option<V::ElementType> {
        self.as_path().pop()
    }
}

/// `vec[index]` on a read-only vec handle.
pub impl VecIndexView<
    T, +Copy<T>, +Drop<T>, impl V: VecTrait<T>,
> of core::ops::IndexView<T, u64> {
    type Target = StoragePath<V::ElementType>;
    fn index(self: @T, index: u64) -> StoragePath<V::ElementType> {
        V::at(*self, index)
    }
}

/// `vec[index]` on a mutable vec handle.
pub impl MutableVecIndexView<
    T, +Copy<T>, +Drop<T>, impl V: MutableVecTrait<T>,
> of core::ops::IndexView<T, u64> {
    type Target = StoragePath<Mutable<V::ElementType>>;
    fn index(self: @T, index: u64) -> StoragePath<Mutable<V::ElementType>> {
        V::at(*self, index)
    }
}

/// Iterator over the element paths of a read-only vec, from `next` up to `end` (exclusive).
#[derive(Copy, Drop)]
pub struct VecIter<T> {
    vec: T,
    next: u64,
    end: u64,
}

impl VecIterator<T, +Copy<T>, +Drop<T>, impl V: VecTrait<T>> of Iterator<VecIter<T>> {
    type Item = StoragePath<V::ElementType>;
    fn next(ref self: VecIter<T>) -> Option<StoragePath<V::ElementType>> {
        if self.next >= self.end {
            return Option::None;
        }
        let index = self.next;
        self.next += 1;
        V::get(self.vec, index)
    }
}

/// Iterator over the element paths of a mutable vec.
#[derive(Copy, Drop)]
pub struct MutableVecIter<T> {
    vec: T,
    next: u64,
    end: u64,
}

impl MutableVecIterator<
    T, +Copy<T>, +Drop<T>, impl V: MutableVecTrait<T>,
> of Iterator<MutableVecIter<T>> {
    type Item = StoragePath<Mutable<V::ElementType>>;
    fn next(ref self: MutableVecIter<T>) -> Option<StoragePath<Mutable<V::ElementType>>> {
        if self.next >= self.end {
            return Option::None;
        }
        let index = self.next;
        self.next += 1;
        V::get(self.vec, index)
    }
}

fn clamp_range(range: core::ops::Range<u64>, len: u64) -> (u64, u64) {
    let end = if range.end < len {
        range.end
    } else {
        len
    };
    (range.start, end)
}

/// `into_iter_range` / `into_iter_full_range` over a read-only vec path.
pub impl VecIntoIterRange<T> of IntoIterRange<StoragePath<Vec<T>>> {
    type IntoIter = VecIter<StoragePath<Vec<T>>>;
    fn into_iter_range(
        self: StoragePath<Vec<T>>, range: core::ops::Range<u64>,
    ) -> VecIter<StoragePath<Vec<T>>> {
        let (next, end) = clamp_range(range, self.len());
        VecIter { vec: self, next, end }
    }
    fn into_iter_full_range(self: StoragePath<Vec<T>>) -> VecIter<StoragePath<Vec<T>>> {
        VecIter { vec: self, next: 0, end: self.len() }
    }
}

/// `into_iter_range` / `into_iter_full_range` over a mutable vec path.
pub impl MutableVecIntoIterRange<T> of IntoIterRange<StoragePath<Mutable<Vec<T>>>> {
    type IntoIter = MutableVecIter<StoragePath<Mutable<Vec<T>>>>;
    fn into_iter_range(
        self: StoragePath<Mutable<Vec<T>>>, range: core::ops::Range<u64>,
    ) -> MutableVecIter<StoragePath<Mutable<Vec<T>>>> {
        let (next, end) = clamp_range(range, self.len());
        MutableVecIter { vec: self, next, end }
    }
    fn into_iter_full_range(
        self: StoragePath<Mutable<Vec<T>>>,
    ) -> MutableVecIter<StoragePath<Mutable<Vec<T>>>> {
        MutableVecIter { vec: self, next: 0, end: self.len() }
    }
}

/// The iterators for any handle that is a path to a vec.
pub impl PathableVecIntoIterRange<
    T, +Drop<T>, impl AsPath: StorageAsPath<T>, +VecTrait<StoragePath<AsPath::Value>>,
    impl R: IntoIterRange<StoragePath<AsPath::Value>>,
> of IntoIterRange<T> {
    type IntoIter = R::IntoIter;
    fn into_iter_range(self: T, range: core::ops::Range<u64>) -> R::IntoIter {
        R::into_iter_range(self.as_path(), range)
    }
    fn into_iter_full_range(self: T) -> R::IntoIter {
        R::into_iter_full_range(self.as_path())
    }
}

/// The iterators for any handle that is a mutable path to a vec.
pub impl PathableMutableVecIntoIterRange<
    T, +Drop<T>, impl AsPath: StorageAsPath<T>, +MutableVecTrait<StoragePath<AsPath::Value>>,
    impl R: IntoIterRange<StoragePath<AsPath::Value>>,
> of IntoIterRange<T> {
    type IntoIter = R::IntoIter;
    fn into_iter_range(self: T, range: core::ops::Range<u64>) -> R::IntoIter {
        R::into_iter_range(self.as_path(), range)
    }
    fn into_iter_full_range(self: T) -> R::IntoIter {
        R::into_iter_full_range(self.as_path())
    }
}

/// A vec is a valid storage member when its elements are.
impl ValidStorageTypeTraitVecImpl<
    T, +super::ValidStorageTypeTrait<T>,
> of super::ValidStorageTypeTrait<Vec<T>>;
