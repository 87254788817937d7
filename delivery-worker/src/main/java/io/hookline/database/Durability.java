package io.hookline.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which commits wait for the disk. Every commit that records what only Hookline knows does: an
 * event accepted over the REST API, a subscription, an attempt's outcome. Two commits on the way
 * from an event to its first POST do not, because a PostgreSQL crash that undid them would only
 * have them done again: the outbox relay's (the outbox row is the service's durable commit, and
 * the event's id is derived from it) and a claim's (the delivery is pending again and is sent,
 * same webhook-id, once its lease would have run out). A commit that waits flushes every commit
 * written before it, so once an attempt's outcome is recorded its relay and claim are on disk too.
 *
 * <p>On this machine's shared disk a commit's flush took 100-200 ms now and then; with two of
 * them before each POST, such stalls set the tail of commit-to-receipt latency.
 */
public final class Durability {
  private Durability() {}

  /**
   * In a transaction (auto-commit off) whose loss in a PostgreSQL crash is redone by what stays
   * committed: its commit returns before the disk has it.
   */
  public static void redoneIfLost(Connection connection) throws SQLException {
    try (Statement set = connection.createStatement()) {
      set.execute("SET LOCAL synchronous_commit = off");
    }
  }
}
