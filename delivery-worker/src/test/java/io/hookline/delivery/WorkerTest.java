package io.hookline.delivery;

import static org.mockserver.model.HttpRequest.request;

import io.hookline.database.TestDatabase;
import io.micronaut.jdbc.DataSourceResolver;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.mockserver.integration.ClientAndServer;
import org.mockserver.model.HttpRequest;

/**
 * What delivery tests share: a fresh database, a MockServer receiver on loopback, the worker with
 * its loop off (tests call workOnce()), a clock the test moves, and a clean queue per test.
 */
abstract class WorkerTest implements TestPropertyProvider {
  @Inject
  DeliveryWorker worker;
  @Inject
  MutableClock clock;
  @Inject
  DataSource dataSource;
  @Inject
  DataSourceResolver resolver;

  ClientAndServer receiver;
  Fixtures db;
  Map<String, String> properties;

  /** Settings of this test class on top of the shared ones. */
  Map<String, String> settings() {
    return Map.of();
  }

  @Override
  public Map<String, String> getProperties() {
    properties = new HashMap<>(TestDatabase.fresh());
    properties.put("hookline.worker.enabled", "false");
    properties.put("hookline.test.clock", "mutable");
    properties.put("hookline.delivery.allow-private-targets", "true");
    properties.put("hookline.delivery.retry-jitter", "0");
    properties.put("hookline.delivery.retry-schedule", "10s,1m,1h");
    properties.put("hookline.delivery.timeout", "3s");
    properties.putAll(settings());
    return properties;
  }

  @BeforeAll
  void startReceiver() {
    receiver = ClientAndServer.startClientAndServer();
  }

  @AfterAll
  void stopReceiver() {
    receiver.stop();
  }

  @BeforeEach
  void cleanSlate() {
    db = new Fixtures(resolver.resolve(dataSource));
    db.update("UPDATE hookline.delivery SET status = 'dropped', reason = 'earlier test'"
        + " WHERE status IN ('pending', 'sending')");
    receiver.reset();
    clock.set(MutableClock.START);
  }

  String url(String path) {
    return "http://127.0.0.1:" + receiver.getPort() + path;
  }

  HttpRequest[] received(String path) {
    return receiver.retrieveRecordedRequests(request().withPath(path));
  }

  static int closedPort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
