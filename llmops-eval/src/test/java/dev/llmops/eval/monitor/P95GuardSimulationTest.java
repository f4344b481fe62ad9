package dev.llmops.eval.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallAttributes;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.FinishReason;
import dev.llmops.api.Usage;
import dev.llmops.core.experiment.Assignment;
import dev.llmops.core.experiment.Experiment;
import dev.llmops.core.experiment.Experiments;
import dev.llmops.core.experiment.Variant;
import dev.llmops.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The p95 guard watched at every look: over many simulated rollouts it rolls back a canary whose
 * latencies are drawn from the control's own distribution at most about {@code α} of the time
 * (the mSPRT's guarantee, which a p95 re-estimated and re-tested at every look would not keep),
 * and a canary with a slow tail nearly always.
 */
class P95GuardSimulationTest {
  private static final int RUNS = 200;
  private static final int LOOKS = 40;
  private static final int CALLS_PER_ARM_PER_LOOK = 50;
  private static final ChatResponse ANSWER = ChatResponse.of("r", "m", "ok", FinishReason.STOP, Usage.of(1, 1));

  /** A finished call of {@code variant} that took {@code latencyMs} by {@code clock}. */
  private record SimulatedCall(Instant startedAt, Assignment assignment) implements CallInfo {
    @Override
    public String callId() {
      return "c";
    }

    @Override
    public CallMode mode() {
      return CallMode.BLOCKING;
    }

    @Override
    public CallContext context() {
      return CallContext.empty();
    }

    @Override
    public ChatRequest originalRequest() {
      return ChatRequest.builder().user("hi").build();
    }

    @Override
    public CallAttributes attributes() {
      Assignment a = assignment;
      return new CallAttributes() {
        @Override
        @SuppressWarnings("unchecked")
        public <T> Optional<T> get(AttributeKey<T> key) {
          return key.equals(Assignment.KEY) ? Optional.of((T) a) : Optional.empty();
        }

        @Override
        public <T> void put(AttributeKey<T> key, T value) {
          throw new UnsupportedOperationException();
        }

        @Override
        public Map<AttributeKey<?>, Object> snapshot() {
          return Map.of(Assignment.KEY, a);
        }
      };
    }

    @Override
    public boolean cancelled() {
      return false;
    }
  }

  /** How many of {@link #RUNS} rollouts the p95 guard rolled back. */
  private static int rolledBack(DoubleSupplier control, DoubleSupplier canary) {
    return rolledBack(Guard.latencyP95(), control, canary);
  }

  private static int rolledBack(Guard guard, DoubleSupplier control, DoubleSupplier canary) {
    int rolledBack = 0;
    for (int run = 0; run < RUNS; run++) {
      TestClock clock = TestClock.create();
      Experiments x = Experiments.of(Experiment.builder("e").feature("f")
          .variant(Variant.of("a")).variant(Variant.of("b"))
          .ramp(new Experiment.Ramp("b", List.of(0.5))).build());
      GuardedRollout rollout = GuardedRollout.builder(x, "e").clock(clock).guard(guard)
          .minSamples(200).minStepDuration(Duration.ofDays(1)).build();
      Assignment a = new Assignment("e", "a", 0, Assignment.Reason.HASHED, 0.1);
      Assignment b = new Assignment("e", "b", 1, Assignment.Reason.HASHED, 0.9);
      for (int look = 0; look < LOOKS && !rollout.done(); look++) {
        for (int i = 0; i < CALLS_PER_ARM_PER_LOOK; i++) {
          Instant now = clock.instant();
          rollout.callEnd(new SimulatedCall(now.minusNanos((long) (control.getAsDouble() * 1e6)), a), ANSWER);
          rollout.callEnd(new SimulatedCall(now.minusNanos((long) (canary.getAsDouble() * 1e6)), b), ANSWER);
        }
        clock.advance(Duration.ofMinutes(1));
        rollout.evaluate();
      }
      if (rollout.history().stream().anyMatch(e -> e.kind() == RolloutEvent.Kind.ROLLED_BACK)) {
        rolledBack++;
      }
    }
    return rolledBack;
  }

  @Test
  void watchedEveryMinuteItRaisesFewFalseAlarmsAndCatchesASlowTail() {
    SplittableRandom random = new SplittableRandom(20261207);
    // Log-normal latencies around 300 ms, the shape real latencies have.
    DoubleSupplier same = () -> 300 * Math.exp(0.5 * random.nextGaussian());
    int falseAlarms = rolledBack(same, same);
    // α = 0.05: 10 of 200 expected at most (16 is 2 standard deviations above); the margin of 20 %
    // makes the default guard conservative, so the test without a margin is checked too.
    assertThat(falseAlarms).as("false alarms in %d rollouts watched %d times each", RUNS, LOOKS).isLessThanOrEqualTo(16);
    int withoutMargin = rolledBack(new Guard(Guard.Metric.LATENCY_P95, 0, 1.0, Guard.Action.ROLL_BACK), same, same);
    assertThat(withoutMargin).as("false alarms without a margin").isLessThanOrEqualTo(16);

    DoubleSupplier slowTail = () -> same.getAsDouble() * (random.nextInt(10) == 0 ? 4 : 1);
    assertThat(rolledBack(same, slowTail)).as("slow tails caught").isGreaterThanOrEqualTo(RUNS * 9 / 10);
  }
}
