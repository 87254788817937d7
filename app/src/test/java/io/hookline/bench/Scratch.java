package io.hookline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The data directory of a benchmark's PostgreSQL: a full-size run leaves several GiB in it, so it
 * is removed when the run ends, unless {@code -Dbench.keep-data=true} asks to keep it (its
 * {@code postgres/server.log} has every autovacuum run and slow statement).
 */
public final class Scratch {
  private Scratch() {}

  public static Path create(String prefix) throws IOException {
    return Files.createTempDirectory(prefix);
  }

  /** Removes the directory, or says where it was kept. Call once its server has stopped. */
  public static void remove(Path directory) throws IOException {
    if (Boolean.getBoolean("bench.keep-data")) {
      System.out.println("PostgreSQL's data and log kept in " + directory);
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
