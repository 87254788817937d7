package io.hookline.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON body: {@code {"id","event","created_at","data"}} in that order. The data is copied
 * token by token exactly as stored (numbers keep their digits); {@code fields} keeps only those
 * top-level keys of an object.
 */
final class JsonEnvelope {
  private static final JsonFactory JSON = new JsonFactory();

  private JsonEnvelope() {}

  static byte[] render(EventData event, List<String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(event.data().length + 128);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("id", event.id());
      json.writeStringField("event", event.name());
      json.writeStringField("created_at", event.createdAtText());
      json.writeFieldName("data");
      try (JsonParser data = JSON.createParser(event.data())) {
        data.nextToken();
        if (fields == null || data.currentToken() != JsonToken.START_OBJECT) {
          json.copyCurrentStructureExact(data);
        } else {
          copySelected(data, json, fields);
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not render the event as JSON", e);
    }
    return out.toByteArray();
  }

  private static void copySelected(JsonParser data, JsonGenerator json, List<String> fields)
      throws IOException {
    json.writeStartObject();
    while (data.nextToken() == JsonToken.FIELD_NAME) {
      String key = data.currentName();
      data.nextToken();
      if (fields.contains(key)) {
        json.writeFieldName(key);
        json.copyCurrentStructureExact(data);
      } else {
        data.skipChildren();
      }
    }
    json.writeEndObject();
  }
}
