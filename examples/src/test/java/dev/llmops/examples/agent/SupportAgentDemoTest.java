package dev.llmops.examples.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.agent.RunStatus;
import dev.llmops.api.Money;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SupportAgentDemoTest {

  @Test
  void crashesAfterStepTwoResumesAndRunsEveryToolOnce() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    SupportAgentDemo.Summary s = SupportAgentDemo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String out = buffer.toString(StandardCharsets.UTF_8);

    assertThat(s.crashed()).isTrue();
    assertThat(s.result().status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(s.executions()).containsEntry("lookup_order", 1).containsEntry("check_refund_policy", 1)
        .containsEntry("draft_reply", 1);
    assertThat(s.result().steps()).hasSize(7);
    // gpt-4o at $2.50 / $10 per million: (820+910+1010+1100) in, (40+35+45+60) out.
    Money expected = Money.usd("0.0096").plus(Money.usd("0.0018"));
    assertThat(s.result().cost()).isEqualTo(expected);
    assertThat(out).contains("replica 1 crashed after step 2", "replica 2 resumed: COMPLETED",
        "spend: " + s.result().cost().amount().toPlainString() + " USD over 4 model calls",
        "tool executions: lookup_order 1, check_refund_policy 1, draft_reply 1");
  }
}
