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
 * 23,000-row table that had not yet been analysed). Sorting is priced out too: believing that
 * few rows are pending, the planner read all 100,000 pending rows of one host's index and sorted
 * them for the oldest 1,000 (56 ms) instead of reading the due index in order (0.5 ms). For the
 * current transaction only, plans that read whole tables or bitmaps, or sort what an index
 * already orders, are priced out, so these statements walk their indexes whatever the
 * statistics say; a sort that nothing can replace still runs. Nothing else is affected.
 */
public final class QueuePlans {
  private QueuePlans() {}

  /** In a transaction (auto-commit off): the rest of it plans with index scans. */
  public static void byIndex(Connection connection) throws SQLException {
    try (Statement set = connection.createStatement()) {
      set.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;"
          + " SET LOCAL enable_sort = off");
    }
  }
}
