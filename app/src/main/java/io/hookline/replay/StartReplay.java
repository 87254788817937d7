package io.hookline.replay;

import io.hookline.delivery.DeliveryFilter;
import io.hookline.problem.Problem.FieldError;
import io.hookline.problem.ProblemException;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Starts a bulk replay of the deliveries a filter matches: the job row and one item per matched
 * delivery are written in one transaction with INSERT … SELECT, so the set is fixed when the job
 * is created (deliveries made later are not part of it) and a dry run, which runs the same
 * predicate, counts what the job would take.
 */
@Singleton
final class StartReplay {
  private static final String COUNT = "SELECT count(*) FROM " + DeliveryFilter.FROM + " WHERE ";
  private static final String ITEMS = """
      INSERT INTO hookline.replay_item (replay_id, delivery_id)
      SELECT ?, d.id FROM %s WHERE %s ORDER BY d.id LIMIT ?""";

  private final DataSource dataSource;
  private final TransactionOperations<Connection> transactions;
  private final ReplayJobRows jobs;
  private final ReplayConfig config;
  private final Clock clock;

  StartReplay(DataSource dataSource, DataSourceResolver resolver,
      TransactionOperations<Connection> transactions, ReplayJobRows jobs, ReplayConfig config,
      Clock clock) {
    this.dataSource = resolver.resolve(dataSource);
    this.transactions = transactions;
    this.jobs = jobs;
    this.config = config;
    this.clock = clock;
  }

  /** How many deliveries the filter matches now (a dry run). */
  long count(DeliveryFilter filter) throws SQLException {
    List<Object> parameters = new ArrayList<>();
    String sql = COUNT + filter.where(parameters);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement count = connection.prepareStatement(sql)) {
      DeliveryFilter.bind(count, 1, parameters);
      try (ResultSet row = count.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  /** Creates the job and its items; answers the job's id. */
  String start(DeliveryFilter filter, ReplayRequest.Filter asked, boolean retry) {
    Instant now = clock.instant();
    return transactions.executeWrite(status -> {
      Connection connection = status.getConnection();
      String id = jobs.insert(connection, filter.tenant(), asked, retry, now);
      List<Object> parameters = new ArrayList<>();
      String sql = ITEMS.formatted(DeliveryFilter.FROM, filter.where(parameters));
      int matched;
      try (PreparedStatement items = connection.prepareStatement(sql)) {
        items.setString(1, id);
        DeliveryFilter.bind(items, 2, parameters);
        items.setInt(parameters.size() + 2, config.maxDeliveries() + 1);
        matched = items.executeUpdate();
      }
      refuseAboveCap(matched, config, "filter");
      jobs.settle(connection, id, matched, now);
      return id;
    });
  }

  /** Rolls the job back (by throwing) when it would take more than the configured cap. */
  static void refuseAboveCap(int matched, ReplayConfig config, String field) {
    if (matched > config.maxDeliveries()) {
      throw ProblemException.invalid(List.of(new FieldError(field,
          "matches more than " + config.maxDeliveries()
              + " deliveries (hookline.replay.max-deliveries); narrow it")));
    }
  }
}
