package dev.livegrid.store;

/** The {@link SheetStoreContract} for {@link SqliteSheetStore#inMemory()}, the store of tests and throw-away servers. */
class SqliteInMemorySheetStoreTest extends SheetStoreContract {

    @Override
    protected SheetStore newStore() {
        return SqliteSheetStore.inMemory();
    }

    @Override
    protected String location(SheetStore store) {
        return ((SqliteSheetStore) store).location();
    }
}
