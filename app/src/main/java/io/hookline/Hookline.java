package io.hookline;

import io.hookline.launch.ServeCommand;
import io.hookline.launch.WorkerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The hookline executable: {@code serve}, {@code worker} and the admin commands. */
@Command(name = "hookline", mixinStandardHelpOptions = true,
    versionProvider = Hookline.Version.class,
    description = "Self-hosted webhook sending: the API, the delivery worker and admin commands.",
    subcommands = {ServeCommand.class, WorkerCommand.class})
public final class Hookline implements Runnable {

  /** Exit code of commands that started a server: the process lives on until it is stopped. */
  public static final int KEEP_RUNNING = -1;

  public static void main(String[] args) {
    int code = new CommandLine(new Hookline()).execute(args);
    if (code != KEEP_RUNNING) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static String version() {
    String version = Hookline.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"Hookline " + version()};
    }
  }
}
