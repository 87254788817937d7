package io.hookline.claim;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Who holds a claim: host, process and a random part, so two workers never share a name. */
public final class WorkerId {
  private WorkerId() {}

  public static String create() {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    return host() + "/" + ProcessHandle.current().pid() + "/" + HexFormat.of().formatHex(random);
  }

  private static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
