package dev.llmops.core.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class SseEventReaderTest {
  record Event(@Nullable String name, String data) {}

  private static List<Event> read(List<String> lines) {
    List<Event> events = new ArrayList<>();
    SseEventReader reader = new SseEventReader((name, data) -> events.add(new Event(name, data)));
    lines.forEach(reader::line);
    reader.end();
    return events;
  }

  /** Whatever events are written, with comments in between, the same events are read back. */
  @Property
  void writtenEventsAreReadBack(@ForAll("events") List<Event> events, @ForAll boolean comments,
      @ForAll boolean trailingBlank) {
    List<String> lines = new ArrayList<>();
    for (Event e : events) {
      if (comments) {
        lines.add(": keep-alive");
      }
      if (e.name() != null) {
        lines.add("event: " + e.name());
      }
      for (String part : e.data().split("\n", -1)) {
        lines.add("data: " + part);
      }
      lines.add("");
    }
    if (!trailingBlank && !lines.isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    assertThat(read(lines)).isEqualTo(events);
  }

  @Provide
  Arbitrary<List<Event>> events() {
    Arbitrary<String> name = Arbitraries.of("message_start", "content_block_delta", "ping").injectNull(0.4);
    Arbitrary<String> data = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(30)
        .list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("\n", parts));
    return Combinators.combine(name, data).as(Event::new).list().ofMaxSize(8);
  }

  @Test
  void fieldParsingFollowsTheStandard() {
    assertThat(read(List.of("data:no-space", "", "data:  two spaces", "", "id: 7", "retry: 10", "data", "")))
        .containsExactly(new Event(null, "no-space"), new Event(null, " two spaces"), new Event(null, ""));
    assertThat(read(List.of("event: ping", ""))).isEmpty();
  }
}
