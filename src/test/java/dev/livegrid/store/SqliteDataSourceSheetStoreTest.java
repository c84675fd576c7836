package dev.livegrid.store;

import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;

/**
 * The {@link SheetStoreContract} for {@link DataSourceSheetStore} on a SQLite file: the shared
 * tables' SQL is portable to SQLite too, not only to H2 and PostgreSQL.
 */
class SqliteDataSourceSheetStoreTest extends SheetStoreContract {

    @TempDir
    Path dir;

    @Override
    protected SheetStore newStore() {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + dir.resolve("shared.db"));
        return DataSourceSheetStore.open(sqlite, "jdbc/sqlite");
    }

    @Override
    protected String location(SheetStore store) {
        return ((DataSourceSheetStore) store).location();
    }
}
