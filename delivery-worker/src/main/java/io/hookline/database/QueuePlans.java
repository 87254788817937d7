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

  /** In a transaction (auto-commit off): the rest of it plans with index scans. */
  public static void byIndex(Connection connection) throws SQLException {
    try (Statement set = connection.createStatement()) {
      set.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off");
    }
  }
}
