package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Wake-ups of the worker: a signal about deliveries due now to hosts its claims all leave out
 * is dropped (the worker claims by itself once one of them is no longer left out); any other
 * wakes it.
 */
class DeliveriesDueTest {
  private final DeliveriesDue due = new DeliveriesDue();

  DeliveriesDueTest() {
    due.leaveOut(Set.of("hanging.example", "busy.example")::contains);
  }

  /** Whether a signal is pending (taking it). */
  private boolean pending() throws InterruptedException {
    return due.await(0);
  }

  @Test
  void hostsAllLeftOutDoNotWakeTheWorker() throws Exception {
    due.clear();
    due.signal(List.of("hanging.example", "busy.example"));
    assertThat(pending()).isFalse();
    due.notified(List.of("hanging.example", "busy.example hanging.example"));
    assertThat(pending()).isFalse();
  }

  @Test
  void anyHostNotLeftOutWakesIt() throws Exception {
    due.clear();
    due.signal(List.of("hanging.example", "a.example"));
    assertThat(pending()).isTrue();
    due.notified(List.of("busy.example", "b.example"));
    assertThat(pending()).isTrue();
  }

  @Test
  void unnamedHostsAlwaysWakeIt() throws Exception {
    due.clear();
    due.signal(List.of());
    assertThat(pending()).isTrue();
    // an empty payload: too many hosts to name, a replay, a reconnect
    due.notified(List.of("hanging.example", ""));
    assertThat(pending()).isTrue();
    due.signal();
    assertThat(pending()).isTrue();
  }
}
