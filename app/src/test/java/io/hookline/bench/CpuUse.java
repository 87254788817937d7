package io.hookline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time spent by a process and its descendants (PostgreSQL's postmaster and its backends)
 * between two points. Throughput on a shared machine drifts with its neighbours; CPU per
 * delivery drifts much less, so it is what tells two versions apart.
 */
final class CpuUse {
  private final ProcessHandle root;
  private final Map<Long, Long> start;

  private CpuUse(ProcessHandle root) {
    this.root = root;
    this.start = sample(root);
  }

  static CpuUse of(ProcessHandle root) {
    return new CpuUse(root);
  }

  /** The PostgreSQL server whose data directory is under {@code dir}. */
  static ProcessHandle postgres(Path dir) throws Exception {
    String pid = Files.readAllLines(dir.resolve("postgres").resolve("postmaster.pid")).getFirst();
    return ProcessHandle.of(Long.parseLong(pid.strip())).orElseThrow();
  }

  /** CPU milliseconds since this was created (processes that ended meanwhile are not counted). */
  double millis() {
    long total = 0;
    for (Map.Entry<Long, Long> now : sample(root).entrySet()) {
      total += now.getValue() - start.getOrDefault(now.getKey(), 0L);
    }
    return total / 1e6;
  }

  private static Map<Long, Long> sample(ProcessHandle root) {
    Map<Long, Long> cpu = new HashMap<>();
    Stream.concat(Stream.of(root), root.descendants()).forEach(p -> p.info().totalCpuDuration()
        .ifPresent(d -> cpu.put(p.pid(), d.toNanos())));
    return cpu;
  }
}
