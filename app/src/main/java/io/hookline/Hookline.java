package io.hookline;

import io.hookline.cli.CommandFailure;
import io.hookline.cli.DeliveriesCommand;
import io.hookline.cli.KeysCommand;
import io.hookline.cli.ReplayCommand;
import io.hookline.cli.TenantsCommand;
import io.hookline.launch.ServeCommand;
import io.hookline.launch.WorkerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The hookline executable: {@code serve}, {@code worker} and the admin commands. */
@Command(name = "hookline", mixinStandardHelpOptions = true,
    versionProvider = Hookline.Version.class,
    description = "Self-hosted webhook sending: the API, the delivery worker and admin commands.",
    subcommands = {ServeCommand.class, WorkerCommand.class, ReplayCommand.class,
        DeliveriesCommand.class, TenantsCommand.class, KeysCommand.class})
public final class Hookline implements Runnable {

  /** Exit code of commands that started a server: the process lives on until it is stopped. */
  public static final int KEEP_RUNNING = -1;

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    if (code != KEEP_RUNNING) {
      System.exit(code);
    }
  }

  /**
   * The command line with every command; an admin command's {@link CommandFailure} ends it with
   * one line on stderr and the failure's exit code, never a stack trace.
   */
  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Hookline());
    line.setExecutionExceptionHandler((exception, command, parsed) -> {
      if (exception instanceof CommandFailure failure) {
        command.getErr().println(failure.getMessage());
        command.getErr().flush();
        return failure.exitCode();
      }
      throw exception;
    });
    // Usage mistakes get the reason and a pointer to --help, not the whole usage text.
    line.setParameterExceptionHandler((exception, args) -> {
      CommandLine command = exception.getCommandLine();
      command.getErr().println(exception.getMessage());
      command.getErr().println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
      command.getErr().flush();
      return command.getCommandSpec().exitCodeOnInvalidInput();
    });
    return line;
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
