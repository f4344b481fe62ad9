package dev.llmops.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The real database behind a switch the test throws: while "down", no connection is handed out (as
 * when the server is unreachable); {@link #loseNextCommitAcknowledgement} lets a commit reach the
 * database and then breaks the connection before the writer hears of it, the case that doubles
 * records in a writer that is not idempotent. Everything else is the real server.
 */
final class Outages {
  private final DataSource real;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicInteger lostAcknowledgements = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger acknowledgementsLost = new AtomicInteger();

  Outages(DataSource real) {
    this.real = real;
  }

  void down() {
    down.set(true);
  }

  void up() {
    down.set(false);
  }

  /** How many connections were refused while down. */
  int refused() {
    return refused.get();
  }

  /** How many commits succeeded while the writer was told they failed. */
  int acknowledgementsLost() {
    return acknowledgementsLost.get();
  }

  void loseNextCommitAcknowledgement() {
    lostAcknowledgements.incrementAndGet();
  }

  DataSource dataSource() {
    InvocationHandler h = (proxy, method, args) -> {
      if (method.getName().equals("getConnection")) {
        if (down.get()) {
          refused.incrementAndGet();
          throw new SQLTransientConnectionException("test: the database is unreachable", "08001");
        }
        return connection((Connection) invoke(method, real, args));
      }
      return invoke(method, real, args);
    };
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, h);
  }

  private Connection connection(Connection c) {
    InvocationHandler h = (proxy, method, args) -> {
      Object result = invoke(method, c, args);
      if (method.getName().equals("commit") && lostAcknowledgements.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        acknowledgementsLost.incrementAndGet();
        throw new SQLException("test: connection lost after the commit was sent", "08006");
      }
      return result;
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
