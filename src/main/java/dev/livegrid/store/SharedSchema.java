package dev.livegrid.store;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.JDBCType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * LiveGrid's tables in a database it may share with other applications ({@code livegrid_sheets},
 * {@code livegrid_ops}, {@code livegrid_access}, and for cluster mode {@code livegrid_presence} and
 * {@code livegrid_servers}): created when absent, in SQL that H2 2.x, PostgreSQL and SQLite all accept
 * ({@code VARCHAR(255)} keys, {@code TEXT} for JSON of any length, {@code BIGINT} versions and
 * epoch-millisecond times), and checked when present, so a table of the same name but another
 * shape is refused at start-up instead of failing on the first edit. Extra columns are allowed.
 */
final class SharedSchema {

    /** What a column holds, as far as telling LiveGrid's tables from others needs. */
    private enum Kind {
        TEXT("text", Set.of(Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.CLOB, Types.NCHAR, Types.NVARCHAR,
                Types.LONGNVARCHAR, Types.NCLOB)),
        WHOLE("a whole number", Set.of(Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.NUMERIC,
                Types.DECIMAL));

        final String meaning;
        final Set<Integer> jdbcTypes;

        Kind(String meaning, Set<Integer> jdbcTypes) {
            this.meaning = meaning;
            this.jdbcTypes = jdbcTypes;
        }
    }

    private record Column(String name, String type, Kind kind) {
    }

    private record Table(String name, List<Column> columns, List<String> key) {

        String create() {
            return "CREATE TABLE IF NOT EXISTS " + name + " ("
                    + columns.stream().map(c -> c.name() + " " + c.type() + " NOT NULL").collect(Collectors.joining(", "))
                    + ", PRIMARY KEY (" + String.join(", ", key) + "))";
        }
    }

    private static final SheetTables.Names NAMES = SheetTables.Names.SHARED;

    private static final List<Table> TABLES = List.of(
            new Table(NAMES.sheets(), List.of(
                    new Column("id", "VARCHAR(255)", Kind.TEXT),
                    new Column("version", "BIGINT", Kind.WHOLE),
                    new Column("snapshot_version", "BIGINT", Kind.WHOLE),
                    new Column("snapshot", "TEXT", Kind.TEXT),
                    new Column(NAMES.rows(), "INTEGER", Kind.WHOLE),
                    new Column(NAMES.columns(), "INTEGER", Kind.WHOLE),
                    new Column("created_at", "BIGINT", Kind.WHOLE),
                    new Column("updated_at", "BIGINT", Kind.WHOLE)),
                    List.of("id")),
            new Table(NAMES.ops(), List.of(
                    new Column("sheet", "VARCHAR(255)", Kind.TEXT),
                    new Column("version", "BIGINT", Kind.WHOLE),
                    new Column("author", "VARCHAR(255)", Kind.TEXT),
                    new Column("op_id", "VARCHAR(255)", Kind.TEXT),
                    new Column("request", "TEXT", Kind.TEXT),
                    new Column("applied", "TEXT", Kind.TEXT),
                    new Column("at", "BIGINT", Kind.WHOLE)),
                    List.of("sheet", "version")),
            new Table(NAMES.access(), List.of(
                    new Column("sheet", "VARCHAR(255)", Kind.TEXT),
                    new Column("user_id", "VARCHAR(255)", Kind.TEXT),
                    new Column("role", "VARCHAR(16)", Kind.TEXT)),
                    List.of("sheet", "user_id")),
            // Cluster mode: who is on which sheet through which server, and which servers are alive.
            new Table(PresenceTables.PRESENCE, List.of(
                    new Column("sheet", "VARCHAR(255)", Kind.TEXT),
                    new Column("server", "VARCHAR(64)", Kind.TEXT),
                    new Column("user_id", "VARCHAR(255)", Kind.TEXT),
                    new Column("name", "TEXT", Kind.TEXT),
                    new Column("focus_row", "VARCHAR(255)", Kind.TEXT),
                    new Column("focus_col", "VARCHAR(255)", Kind.TEXT)),
                    List.of("sheet", "server", "user_id")),
            new Table(PresenceTables.SERVERS, List.of(
                    new Column("server", "VARCHAR(64)", Kind.TEXT),
                    new Column("seen_at", "BIGINT", Kind.WHOLE)),
                    List.of("server")));

    private SharedSchema() {
    }

    /**
     * What makes the tables of LiveGrid's names in the connection's schema not LiveGrid's; when
     * nothing does, creates the absent ones first (so nothing is created next to a foreign table).
     */
    static List<String> createOrCheck(Connection c) throws SQLException {
        List<String> problems = problems(c, false);
        if (!problems.isEmpty()) {
            return problems;
        }
        try (Statement s = c.createStatement()) {
            for (Table table : TABLES) {
                s.execute(table.create());
            }
        }
        return problems(c, true);
    }

    private static List<String> problems(Connection c, boolean created) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (Table table : TABLES) {
            problems.addAll(problems(c, table, created));
        }
        return problems;
    }

    private static List<String> problems(Connection c, Table table, boolean created) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String name = asStored(meta, table.name());
        Map<String, Integer> types = columns(c, meta, name);
        if (types.isEmpty()) {
            return created ? List.of("table " + table.name() + " is not found in schema " + c.getSchema()
                    + " after creating it") : List.of();
        }
        List<String> wrong = new ArrayList<>();
        for (Column column : table.columns()) {
            Integer type = types.get(column.name());
            if (type == null) {
                wrong.add("it has no column " + column.name());
            } else if (!column.kind().jdbcTypes.contains(type)) {
                wrong.add("its column " + column.name() + " is " + typeName(type) + " where LiveGrid keeps "
                        + column.kind().meaning);
            }
        }
        List<String> key = primaryKey(c, meta, name);
        if (!key.equals(table.key())) {
            wrong.add("its primary key is " + (key.isEmpty() ? "missing" : "(" + String.join(", ", key) + ")")
                    + " where LiveGrid's is (" + String.join(", ", table.key()) + ")");
        }
        return wrong.isEmpty() ? List.of() : List.of("table " + table.name() + ": " + String.join("; ", wrong));
    }

    /** Unquoted names are stored in upper case by H2 and the standard, in lower case by PostgreSQL. */
    private static String asStored(DatabaseMetaData meta, String name) throws SQLException {
        if (meta.storesUpperCaseIdentifiers()) {
            return name.toUpperCase(Locale.ROOT);
        }
        return meta.storesLowerCaseIdentifiers() ? name.toLowerCase(Locale.ROOT) : name;
    }

    /** Column name (lower case) to JDBC type, of the table by exactly this name in the connection's schema. */
    private static Map<String, Integer> columns(Connection c, DatabaseMetaData meta, String table) throws SQLException {
        Map<String, Integer> types = new LinkedHashMap<>();
        try (ResultSet r = meta.getColumns(c.getCatalog(), c.getSchema(), table, null)) {
            while (r.next()) {
                if (r.getString("TABLE_NAME").equalsIgnoreCase(table)) { // '_' in the pattern matches any character
                    types.put(r.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), r.getInt("DATA_TYPE"));
                }
            }
        }
        return types;
    }

    private static List<String> primaryKey(Connection c, DatabaseMetaData meta, String table) throws SQLException {
        Map<Integer, String> bySequence = new TreeMap<>();
        try (ResultSet r = meta.getPrimaryKeys(c.getCatalog(), c.getSchema(), table)) {
            while (r.next()) {
                bySequence.put(r.getInt("KEY_SEQ"), r.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(bySequence.values());
    }

    private static String typeName(int type) {
        try {
            return JDBCType.valueOf(type).getName();
        } catch (IllegalArgumentException e) {
            return "type " + type;
        }
    }
}
