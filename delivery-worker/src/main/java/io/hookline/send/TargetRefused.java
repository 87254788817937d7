package io.hookline.send;

import java.io.IOException;

/** A host resolved to an address deliveries may not reach (see TargetPolicy). */
public final class TargetRefused extends IOException {
  public TargetRefused(String host, String refusal) {
    super(host + ": " + refusal);
  }
}
