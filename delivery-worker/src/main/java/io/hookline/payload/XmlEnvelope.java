package io.hookline.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The XML body: {@code <webhook><id/><event/><created_at/><data/></webhook>}. The data's JSON
 * maps as docs/receiving-webhooks.md describes: an object member becomes an element named by
 * its key (or {@code <entry key="…">} when the key is not an XML name), an array becomes its
 * elements repeated under the member's name ({@code <item>} inside another array), scalars
 * become text (numbers exactly as stored), null becomes an empty element.
 */
final class XmlEnvelope {
  private static final JsonFactory JSON = new JsonFactory();
  private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();

  private XmlEnvelope() {}

  static byte[] render(EventData event, List<String> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(event.data().length * 2 + 256);
    try (JsonParser data = JSON.createParser(event.data())) {
      XMLStreamWriter xml = XML.createXMLStreamWriter(out, "UTF-8");
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeStartElement("webhook");
      text(xml, "id", event.id());
      text(xml, "event", event.name());
      text(xml, "created_at", event.createdAtText());
      data.nextToken();
      if (data.currentToken() == JsonToken.START_OBJECT) {
        xml.writeStartElement("data");
        members(data, xml, fields);
        xml.writeEndElement();
      } else {
        value(data, xml, "data");
      }
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the event's data", e);
    } catch (XMLStreamException e) {
      throw new IllegalStateException("Could not render the event as XML", e);
    }
    return out.toByteArray();
  }

  /** The members of the object the parser is at; with fields, only those keys. */
  private static void members(JsonParser data, XMLStreamWriter xml, List<String> fields)
      throws IOException, XMLStreamException {
    while (data.nextToken() == JsonToken.FIELD_NAME) {
      String key = data.currentName();
      data.nextToken();
      if (fields != null && !fields.contains(key)) {
        data.skipChildren();
      } else if (data.currentToken() == JsonToken.START_ARRAY) {
        while (data.nextToken() != JsonToken.END_ARRAY) {
          value(data, xml, key);
        }
      } else {
        value(data, xml, key);
      }
    }
  }

  /** One value as one element named {@code key}. */
  private static void value(JsonParser data, XMLStreamWriter xml, String key)
      throws IOException, XMLStreamException {
    JsonToken token = data.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      XmlNames.emptyElement(xml, key);
      return;
    }
    XmlNames.startElement(xml, key);
    switch (token) {
      case START_OBJECT -> members(data, xml, null);
      case START_ARRAY -> {
        while (data.nextToken() != JsonToken.END_ARRAY) {
          value(data, xml, "item");
        }
      }
      default -> xml.writeCharacters(XmlNames.legalText(data.getText()));
    }
    xml.writeEndElement();
  }

  private static void text(XMLStreamWriter xml, String name, String value)
      throws XMLStreamException {
    xml.writeStartElement(name);
    xml.writeCharacters(XmlNames.legalText(value));
    xml.writeEndElement();
  }
}
