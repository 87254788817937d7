package io.hookline.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class PayloadsTest {
  private static final Instant AT = Instant.parse("2026-11-22T22:40:37.356Z");

  private static EventData event(String data) {
    return new EventData(1, "evt_1", "order.created", AT, data);
  }

  private static String json(String data, List<String> fields) {
    return new String(Payloads.render(event(data), "json", fields).body(), StandardCharsets.UTF_8);
  }

  private static String xml(String data) {
    Payload payload = Payloads.render(event(data), "xml", null);
    assertThat(payload.contentType()).isEqualTo("application/xml");
    return new String(payload.body(), StandardCharsets.UTF_8);
  }

  @Test
  void jsonEnvelopeInOrderWithDataAsStored() {
    assertThat(json("{\"b\": 1.10, \"a\": [true, null, \"é\\n\"], \"n\": 123456789012345678901234567890}",
        null)).isEqualTo("{\"id\":\"evt_1\",\"event\":\"order.created\","
        + "\"created_at\":\"2026-11-22T22:40:37.356Z\",\"data\":{\"b\":1.10,\"a\":[true,null,"
        + "\"é\\n\"],\"n\":123456789012345678901234567890}}");
  }

  @Test
  void createdAtWithoutMillisIsStillIsoInstant() {
    EventData whole = new EventData(1, "e", "x", Instant.parse("2026-11-22T22:40:37Z"), "{}");
    assertThat(new String(Payloads.render(whole, "json", null).body(), StandardCharsets.UTF_8))
        .contains("\"created_at\":\"2026-11-22T22:40:37Z\"");
  }

  @Test
  void fieldsKeepTopLevelKeysOnly() {
    assertThat(json("{\"a\": {\"b\": 1}, \"c\": 2, \"d\": [3]}", List.of("a", "d")))
        .endsWith("\"data\":{\"a\":{\"b\":1},\"d\":[3]}}");
    assertThat(json("[1, 2]", List.of("a"))).endsWith("\"data\":[1,2]}");
  }

  @Test
  void xmlEnvelopeMapsObjectsArraysAndScalars() throws Exception {
    String body = xml("{\"order\": {\"id\": 7, \"paid\": true, \"note\": null, "
        + "\"lines\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}], \"tags\": [], \"m\": [[1, 2], [3]]}}");
    assertThat(body).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><webhook>"
        + "<id>evt_1</id><event>order.created</event><created_at>2026-11-22T22:40:37.356Z"
        + "</created_at><data><order><id>7</id><paid>true</paid><note/>"
        + "<lines><sku>A</sku></lines><lines><sku>B</sku></lines>"
        + "<m><item>1</item><item>2</item></m><m><item>3</item></m></order></data></webhook>");
    parse(body);
  }

  @Test
  void keysThatAreNotXmlNamesBecomeEntries() throws Exception {
    String body = xml("{\"2nd\": 1, \"with space\": \"x\", \"a:b\": 2, \"\": 3, \"ok-name.1\": 4}");
    Document doc = parse(body);
    assertThat(body).contains("<entry key=\"2nd\">1</entry>", "<entry key=\"with space\">x</entry>",
        "<entry key=\"a:b\">2</entry>", "<entry key=\"\">3</entry>", "<ok-name.1>4</ok-name.1>");
    assertThat(doc.getElementsByTagName("entry").getLength()).isEqualTo(4);
  }

  @Test
  void textIsEscapedAndIllegalCharactersReplaced() throws Exception {
    String body = xml("{\"t\": \"<a href='x'>&amp;</a> \\\"q\\\" \\u0001 \\ud800 ok\", "
        + "\"k\\u0002\": 1}");
    Document doc = parse(body);
    assertThat(doc.getElementsByTagName("t").item(0).getTextContent())
        .isEqualTo("<a href='x'>&amp;</a> \"q\" \uFFFD \uFFFD ok");
    assertThat(doc.getElementsByTagName("entry").item(0).getAttributes().getNamedItem("key")
        .getNodeValue()).isEqualTo("k\uFFFD");
  }

  @Test
  void dataThatIsNotAnObject() throws Exception {
    assertThat(xml("[1, {\"a\": 2}]")).contains("<data><item>1</item><item><a>2</a></item></data>");
    assertThat(xml("\"text\"")).contains("<data>text</data>");
    assertThat(xml("null")).contains("<data/>");
  }

  @Test
  void eachBodyIsRenderedOncePerBatch() {
    Payloads payloads = new Payloads();
    EventData event = event("{\"a\": 1}");
    Payload first = payloads.of(event, "json", null);
    assertThat(payloads.of(event, "json", null)).isSameAs(first);
    assertThat(payloads.of(event, "json", List.of("a"))).isNotSameAs(first);
    assertThat(payloads.of(event, "xml", null)).isNotSameAs(first);
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }
}
