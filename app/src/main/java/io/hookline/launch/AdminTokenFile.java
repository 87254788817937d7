package io.hookline.launch;

import io.hookline.identity.PublicId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The admin token used when HOOKLINE_ADMIN_TOKEN is unset: generated at first start, kept in the
 * data directory (owner-only), and printed once, on the start that created it.
 */
final class AdminTokenFile {
  private AdminTokenFile() {}

  static String readOrCreate(Path dataDir) {
    Path file = dataDir.resolve("admin-token");
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      Files.createDirectories(dataDir);
      String token = "hka_" + PublicId.randomChars(40);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      // Printed once, on the console rather than through the logging system, so that log
      // shipping never carries it; later starts only say where it is.
      System.out.println("Generated the admin token (shown once; also stored in " + file + "):");
      System.out.println("  HOOKLINE_ADMIN_TOKEN=" + token);
      return token;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read or create the admin token in " + file, e);
    }
  }
}
