package io.hookline.payload;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * JSON keys and strings may hold what XML 1.0 cannot: keys that are not XML names become
 * {@code <entry key="original key">}, and characters XML cannot carry at all (most control
 * characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD.
 */
final class XmlNames {
  static final String ENTRY = "entry";

  private XmlNames() {}

  static void startElement(XMLStreamWriter xml, String key) throws XMLStreamException {
    if (isName(key)) {
      xml.writeStartElement(key);
    } else {
      xml.writeStartElement(ENTRY);
      xml.writeAttribute("key", legalText(key));
    }
  }

  static void emptyElement(XMLStreamWriter xml, String key) throws XMLStreamException {
    if (isName(key)) {
      xml.writeEmptyElement(key);
    } else {
      xml.writeEmptyElement(ENTRY);
      xml.writeAttribute("key", legalText(key));
    }
  }

  /** An XML 1.0 (5th edition) Name without colons, so no namespace prefix can be implied. */
  static boolean isName(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); ) {
      int c = key.codePointAt(i);
      if (i == 0 ? !isNameStart(c) : !isNameChar(c)) {
        return false;
      }
      i += Character.charCount(c);
    }
    return true;
  }

  private static boolean isNameStart(int c) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
        || (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF)
        || (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF)
        || (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F)
        || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF)
        || (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD)
        || (c >= 0x10000 && c <= 0xEFFFF);
  }

  private static boolean isNameChar(int c) {
    return isNameStart(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7
        || (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
  }

  /** The text with every character XML 1.0 cannot carry replaced by U+FFFD. */
  static String legalText(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      int width = Character.charCount(c);
      boolean legal = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF)
          || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
      if (!legal && out == null) {
        out = new StringBuilder(text.length()).append(text, 0, i);
      }
      if (out != null) {
        out.appendCodePoint(legal ? c : 0xFFFD);
      }
      i += width;
    }
    return out == null ? text : out.toString();
  }
}
