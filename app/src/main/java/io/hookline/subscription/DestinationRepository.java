package io.hookline.subscription;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * A webhook's destinations. A PUT never deletes one: deliveries point at destination ids, so
 * replaced destinations are marked removed and keep their history.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
interface DestinationRepository extends GenericRepository<Destination, Long> {

  @Query("""
      INSERT INTO hookline.destination (webhook_id, position, format, url, fields)
      VALUES (:webhookId, :position, :format, :url, :fields)""")
  void insert(String webhookId, int position, String format, String url,
      @Nullable String[] fields);

  @Query("""
      SELECT * FROM hookline.destination
       WHERE webhook_id IN (:webhookIds) AND removed_at IS NULL
       ORDER BY webhook_id, position""")
  List<Destination> findLive(Collection<String> webhookIds);

  @Query("""
      UPDATE hookline.destination SET removed_at = :now
       WHERE webhook_id = :webhookId AND removed_at IS NULL""")
  int markAllRemoved(String webhookId, Instant now);
}
