package io.hookline.payload;

/** A rendered request body and its media type. */
public record Payload(byte[] body, String contentType) {
  public static final String JSON = "application/json";
  public static final String XML = "application/xml";
}
