package io.hookline.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The queue statements (claim, record) read a few hundred rows by index from a table of
 * millions whose statistics are often stale: the table is new, or its share of pending and
 * sending rows changed a moment ago. Planned on such statistics, PostgreSQL reads every pending
 * row through a bitmap and sorts them, or scans the whole table, instead of walking an index for
 * the few rows it needs (measured: a claim of 500 took 158 ms and a record of 436 took 28 ms on a
 * 23,000-row table that had not yet been analysed). For the current transaction only, plans that
 * read whole tables or bitmaps are priced out, so these statements walk their indexes whatever
 * the statistics say. Nothing else is affected.
 */
public final class QueuePlans {
  private QueuePlans() {}

  /**
   * In such a transaction, the statements run until {@link #sortsAllowed} also read an index in
   * its order rather than sort what another index found. Believing that few rows are pending,
   * the planner read all 100,000 pending rows through one host's index and sorted them for the
   * oldest 1,000 (56 ms) instead of reading the due index in order (0.5 ms). Only for simple
   * reads: with sorts priced out, a statement that must order a join's result may choose a far
   * worse join to avoid the sort (measured: 1.9 s instead of 20 ms for a claim's last step).
   */
  public static void inIndexOrder(Connection connection) throws SQLException {
    set(connection, "SET LOCAL enable_sort = off");
  }

  /** Ends {@link #inIndexOrder}. */
  public static void sortsAllowed(Connection connection) throws SQLException {
    set(connection, "SET LOCAL enable_sort = on");
  }

  private static void set(Connection connection, String sql) throws SQLException {
    try (Statement set = connection.createStatement()) {
      set.execute(sql);
    }
  }

  /** In a transaction (auto-commit off): the rest of it plans with index scans. */
  public static void byIndex(Connection connection) throws SQLException {
    try (Statement set = connection.createStatement()) {
      set.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off");
    }
  }
}
