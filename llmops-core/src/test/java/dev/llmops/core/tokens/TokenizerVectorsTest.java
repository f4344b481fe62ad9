package dev.llmops.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.core.ConformanceData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** JTokkit's published encodings (string to token ids) must come out of our counters exactly. */
class TokenizerVectorsTest {

  @Test
  void o200kMatchesEveryVector() throws IOException {
    checkAll(TokenCounter.o200k(), "tokenizer-vectors/jtokkit-o200k_base_encodings.csv");
  }

  @Test
  void cl100kMatchesEveryVector() throws IOException {
    checkAll(TokenCounter.cl100k(), "tokenizer-vectors/jtokkit-cl100k_base_encodings.csv");
  }

  private static void checkAll(TokenCounter counter, String file) throws IOException {
    Path path = ConformanceData.file(file);
    List<List<String>> rows = Csv.parse(Files.readString(path, StandardCharsets.UTF_8));
    assertThat(rows.get(0)).containsExactly("input", "output", "outputMaxTokens10");
    int checked = 0;
    for (List<String> row : rows.subList(1, rows.size())) {
      String input = row.get(0);
      int[] expected = ids(row.get(1));
      assertThat(counter.encode(input)).as("%s ids of %s", counter.encoding(), input).containsExactly(expected);
      assertThat(counter.count(input)).as("count of %s", input).isEqualTo(expected.length);
      assertThat(TokenCounter.upperBound(input)).as("bytes bound %s", input).isGreaterThanOrEqualTo(expected.length);
      checked++;
    }
    assertThat(checked).isGreaterThan(400);
  }

  private static int[] ids(String list) {
    String inner = list.trim().substring(1, list.trim().length() - 1).trim();
    return inner.isEmpty() ? new int[0] : Arrays.stream(inner.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  @Property(tries = 200)
  void byteCountBoundsTheRealTokenCount(@ForAll String text) {
    assertThat(TokenCounter.upperBound(text)).isGreaterThanOrEqualTo(TokenCounter.o200k().count(text));
    assertThat(TokenCounter.upperBound(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void familiesPickTheirEncodingAndOthersAreFlaggedEstimates() {
    assertThat(TokenCounter.forModel("gpt-4o-2024-08-06").encoding()).isEqualTo("o200k_base");
    assertThat(TokenCounter.forModel("openai/gpt-5-mini").encoding()).isEqualTo("o200k_base");
    assertThat(TokenCounter.forModel("o3").encoding()).isEqualTo("o200k_base");
    assertThat(TokenCounter.forModel("gpt-4-turbo").encoding()).isEqualTo("cl100k_base");
    assertThat(TokenCounter.forModel("gpt-3.5-turbo").encoding()).isEqualTo("cl100k_base");
    TokenCounter claude = TokenCounter.forModel("claude-sonnet-4-5");
    assertThat(claude.exact()).isFalse();
    assertThat(claude.count("12345678")).isEqualTo(2);
  }

  /** RFC 4180 CSV: quoted fields with doubled quotes and line breaks. */
  static final class Csv {
    static List<List<String>> parse(String text) {
      List<List<String>> rows = new ArrayList<>();
      List<String> row = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            field.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          row.add(field.toString());
          field.setLength(0);
        } else if (c == '\n' || c == '\r') {
          if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
            i++;
          }
          row.add(field.toString());
          field.setLength(0);
          rows.add(row);
          row = new ArrayList<>();
        } else {
          field.append(c);
        }
      }
      if (field.length() > 0 || !row.isEmpty()) {
        row.add(field.toString());
        rows.add(row);
      }
      return rows;
    }
  }
}
