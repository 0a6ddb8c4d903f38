//! Sub-pointers: the members of a `Store` struct (consecutive slots after one base address), as
//! pointers with offsets. `#[derive(starknet::Store)]` implements `SubPointers`/`SubPointersMut`;
//! the `...Forward` traits let paths and other pointer-like handles reach the members directly
//! (`self.facts.entry(k).program_hash`).

use super::{Mutable, MutableTrait, StorageAsPointer, StoragePointer, StoragePointer0Offset};

/// Maps a pointer to a `Store` struct onto the struct of its members' pointers.
pub trait SubPointers<T> {
    type SubPointersType;
    fn sub_pointers(self: StoragePointer<T>) -> Self::SubPointersType;
}

/// Like `SubPointers`, for a mutable pointer.
pub trait SubPointersMut<T> {
    type SubPointersType;
    fn sub_pointers_mut(self: StoragePointer<Mutable<T>>) -> Self::SubPointersType;
}

/// `sub_pointers` for anything that can be turned into a pointer.
pub trait SubPointersForward<T> {
    type SubPointersType;
    fn sub_pointers(self: T) -> Self::SubPointersType;
}

/// `sub_pointers_mut` for anything that can be turned into a mutable pointer.
pub trait SubPointersMutForward<T> {
    type SubPointersType;
    fn sub_pointers_mut(self: T) -> Self::SubPointersType;
}

impl SubPointersForwardImpl<
    T,
    +Drop<T>,
    impl AsPointer: StorageAsPointer<T>,
    impl Inner: SubPointers<AsPointer::Value>,
> of SubPointersForward<T> {
    type SubPointersType = Inner::SubPointersType;
    fn sub_pointers(self: T) -> Inner::SubPointersType {
        let ptr: StoragePointer0Offset<AsPointer::Value> = self.as_ptr();
        Inner::sub_pointers(ptr.deref())
    }
}

impl SubPointersMutForwardImpl<
    T,
    +Drop<T>,
    impl AsPointer: StorageAsPointer<T>,
    impl M: MutableTrait<AsPointer::Value>,
    impl Inner: SubPointersMut<M::InnerType>,
> of SubPointersMutForward<T> {
    type SubPointersType = Inner::SubPointersType;
    fn sub_pointers_mut(self: T) -> Inner::SubPointersType {
        let ptr: StoragePointer0Offset<AsPointer::Value> = self.as_ptr();
        Inner::sub_pointers_mut(
            StoragePointer::<
                Mutable<M::InnerType>,
            > { __storage_pointer_address__: ptr.__storage_pointer_address__, __storage_pointer_offset__: 0 },
        )
    }
}
