package io.hookline.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseExcerptTest {

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anEmptyBodyIsEmptyText() {
    assertThat(new ResponseExcerpt().text()).isEmpty();
  }

  @Test
  void chunksAreJoinedInOrderAndTheFirstIsNotChangedByTheOthers() {
    ResponseExcerpt excerpt = new ResponseExcerpt();
    byte[] first = utf8("ab");
    excerpt.add(first);
    excerpt.add(utf8("cd"));
    excerpt.add(utf8("é".repeat(3)));

    assertThat(excerpt.text()).isEqualTo("abcdééé");
    assertThat(first).isEqualTo(utf8("ab"));
  }

  @Test
  void onlyTheFirst4KiBAreKeptAcrossChunksAndACutCharacterBecomesAReplacement() {
    ResponseExcerpt excerpt = new ResponseExcerpt();
    excerpt.add(utf8("x".repeat(4001)));
    // 4001 + 2 × 47 = 4095: the 4096th byte is the first half of an é
    excerpt.add(utf8("é".repeat(60)));
    excerpt.add(utf8("more"));

    assertThat(excerpt.text()).isEqualTo("x".repeat(4001) + "é".repeat(47) + "\uFFFD");
  }

  @Test
  void nulAndMalformedBytesBecomeReplacements() {
    ResponseExcerpt excerpt = new ResponseExcerpt();
    excerpt.add(new byte[] {'o', 0, 'k', (byte) 0xff});

    assertThat(excerpt.text()).isEqualTo("o\uFFFDk\uFFFD");
  }

  @Test
  void readingStopsPastTheDrainLimit() {
    ResponseExcerpt excerpt = new ResponseExcerpt();
    byte[] mebibyte = new byte[(int) ResponseExcerpt.DRAIN_LIMIT];

    assertThat(excerpt.add(mebibyte)).isTrue();
    assertThat(excerpt.add(new byte[1])).isFalse();
  }
}
