package io.hookline.cli;

/**
 * Why an admin command could not do its work: one line for stderr and the exit code. Thrown
 * anywhere below a command; {@code Hookline.commandLine()} prints it.
 */
public class CommandFailure extends RuntimeException {
  private final int exitCode;

  public CommandFailure(String message) {
    this(message, 1);
  }

  public CommandFailure(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The server answered 404: the command words it for what it looked for. */
  static final class NotFound extends CommandFailure {
    NotFound(String detail) {
      super(detail);
    }
  }
}
