package dev.llmops.examples.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.FinishReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamingExampleTest {
  @Test
  void streamsOfflineThroughTheFakeServer() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StreamingExample.Result r = StreamingExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), Map.of());
    assertThat(r.chunks()).isGreaterThan(10);
    assertThat(r.streamedText()).isEqualTo(r.completion().text()).isNotBlank();
    assertThat(r.completion().finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.completion().usage().estimated()).isFalse();
    assertThat(r.completion().usage().outputTokens()).isPositive();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(r.streamedText()).contains("finish=STOP");
  }
}
