package dev.llmops.agent;

import dev.llmops.api.Money;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one run may use: steps (model calls and tool executions together), tool calls (in all and
 * per tool), tokens, money and active time. Each is checked before the step that would go past
 * it; reaching one ends the run with {@link RunStatus#LIMIT_REACHED} and the {@link Limit}, keeping
 * what was done. Immutable and thread-safe.
 *
 * @param maxSteps the most steps, from 1
 * @param maxToolCalls the most tool executions, from 0
 * @param maxToolCallsPerTool the most executions of each named tool
 * @param maxTokens the most input plus output tokens over the run's model calls
 * @param maxCost the most money over the run's model calls, or null for no limit: before each
 *     model call the worst case of its cost is reserved against what is left (its output cap
 *     lowered to fit) and settled with its cost, so the run stays within it; calls of a model
 *     without a price are not reserved for and count as zero
 * @param maxDuration the most active time (time spent in steps, measured on the client's clock;
 *     time waiting for an approval or a decision does not count), or null for no limit
 */
public record RunLimits(
    int maxSteps, int maxToolCalls, Map<String, Integer> maxToolCallsPerTool, long maxTokens,
    @Nullable Money maxCost, @Nullable Duration maxDuration) {

  /** 25 steps, 50 tool calls, no token, money or time limit. */
  public static final RunLimits DEFAULTS = builder().build();

  /** Checks the components and copies the map. */
  public RunLimits {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be >= 1 but was " + maxSteps);
    }
    if (maxToolCalls < 0) {
      throw new IllegalArgumentException("maxToolCalls must be >= 0 but was " + maxToolCalls);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1 but was " + maxTokens);
    }
    maxToolCallsPerTool = Map.copyOf(maxToolCallsPerTool);
    maxToolCallsPerTool.forEach((tool, max) -> {
      if (max < 0) {
        throw new IllegalArgumentException("maxToolCallsPerTool[" + tool + "] must be >= 0 but was " + max);
      }
    });
    if (maxCost != null && maxCost.amount().signum() < 0) {
      throw new IllegalArgumentException("maxCost must not be negative but was " + maxCost);
    }
    if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
      throw new IllegalArgumentException("maxDuration must be positive but was " + maxDuration);
    }
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RunLimits}. Not thread-safe. */
  public static final class Builder {
    private int maxSteps = 25;
    private int maxToolCalls = 50;
    private final Map<String, Integer> perTool = new LinkedHashMap<>();
    private long maxTokens = Long.MAX_VALUE;
    private @Nullable Money maxCost;
    private @Nullable Duration maxDuration;

    private Builder() {}

    /** The most steps (default 25). */
    public Builder maxSteps(int maxSteps) {
      this.maxSteps = maxSteps;
      return this;
    }

    /** The most tool executions (default 50). */
    public Builder maxToolCalls(int maxToolCalls) {
      this.maxToolCalls = maxToolCalls;
      return this;
    }

    /** The most executions of the tool {@code name}. */
    public Builder maxToolCalls(String name, int max) {
      perTool.put(Objects.requireNonNull(name, "name"), max);
      return this;
    }

    /** The most input plus output tokens (default: no limit). */
    public Builder maxTokens(long maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    /** The most money (default: no limit). */
    public Builder maxCost(Money maxCost) {
      this.maxCost = Objects.requireNonNull(maxCost, "maxCost");
      return this;
    }

    /** The most active time (default: no limit). */
    public Builder maxDuration(Duration maxDuration) {
      this.maxDuration = Objects.requireNonNull(maxDuration, "maxDuration");
      return this;
    }

    /**
     * Builds the limits.
     *
     * @throws IllegalArgumentException if a limit is out of range
     */
    public RunLimits build() {
      return new RunLimits(maxSteps, maxToolCalls, perTool, maxTokens, maxCost, maxDuration);
    }
  }
}
