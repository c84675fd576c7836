package dev.livegrid.store;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A {@link DataSource} in front of another that watches what a store does with its connections:
 * how many are out, whether auto-commit was as lent when each came back, and — when armed — fails
 * the n-th write statement ({@code executeUpdate}, or {@code executeBatch}: a batch of op rows
 * counts as one) from then on, as a database would midway
 * through a commit. Optionally lends connections with auto-commit off, as some pools do.
 */
final class TrackingDataSource implements DataSource {

    private final DataSource target;
    private final boolean autoCommit;
    private final AtomicInteger lent = new AtomicInteger();
    private final AtomicInteger out = new AtomicInteger();
    private final List<String> returnedChanged = new ArrayList<>();
    private final AtomicInteger updates = new AtomicInteger();
    private volatile int failAt = -1;

    /** Lends {@code target}'s connections with auto-commit set to {@code autoCommit}. */
    TrackingDataSource(DataSource target, boolean autoCommit) {
        this.target = target;
        this.autoCommit = autoCommit;
    }

    /** Connections lent so far. */
    int lent() {
        return lent.get();
    }

    /** Connections lent and not closed yet. */
    int out() {
        return out.get();
    }

    /** One line per connection that came back with auto-commit other than it was lent with. */
    synchronized List<String> returnedChanged() {
        return List.copyOf(returnedChanged);
    }

    /** From now on, the {@code n}-th write statement (1 = the next) fails. */
    void failUpdate(int n) {
        updates.set(0);
        failAt = n;
    }

    /** Write statements since the last {@link #failUpdate} or {@link #countUpdates}. */
    int updates() {
        return updates.get();
    }

    void countUpdates() {
        updates.set(0);
        failAt = -1;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = target.getConnection();
        connection.setAutoCommit(autoCommit);
        lent.incrementAndGet();
        out.incrementAndGet();
        return proxy(Connection.class, new Watched(connection));
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("a store asks without credentials");
    }

    private final class Watched implements InvocationHandler {
        private final Connection connection;
        private boolean closed;

        Watched(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("close") && !closed) {
                closed = true;
                out.decrementAndGet();
                if (!connection.isClosed() && connection.getAutoCommit() != autoCommit) {
                    synchronized (TrackingDataSource.this) {
                        returnedChanged.add("connection " + lent.get() + " came back with auto-commit "
                                + connection.getAutoCommit() + ", lent with " + autoCommit);
                    }
                }
            }
            Object result = call(connection, method, args);
            if (result instanceof PreparedStatement statement) {
                return proxy(PreparedStatement.class, (p, m, a) -> {
                    boolean write = m.getName().equals("executeUpdate") || m.getName().equals("executeBatch");
                    if (write && updates.incrementAndGet() == failAt) {
                        throw new SQLException("injected failure of write statement " + failAt);
                    }
                    return call(statement, m, a);
                });
            }
            return result;
        }
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(TrackingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter writer) throws SQLException {
        target.setLogWriter(writer);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
