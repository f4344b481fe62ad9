package dev.llmops.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A typed key for a per-call attribute that a pipeline step records (a prompt fingerprint, a cost,
 * the variant) and that listeners and the final {@link Completion} can read. Keys compare by
 * identity: define each once as a constant.
 *
 * <p>Immutable apart from its {@link #index}, which is assigned once; thread-safe.
 *
 * @param <T> the value type
 */
public final class AttributeKey<T> {
  private static final int UNASSIGNED = -1;
  private static final AtomicInteger INDEXED = new AtomicInteger();
  private static final VarHandle INDEX;

  static {
    try {
      INDEX = MethodHandles.lookup().findVarHandle(AttributeKey.class, "index", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;
  private final Class<T> type;
  private final boolean internal;
  // Written once, from UNASSIGNED, by compare-and-set; a plain read that sees UNASSIGNED re-reads.
  private int index = UNASSIGNED;

  private AttributeKey(String name, Class<T> type, boolean internal) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
    this.internal = internal;
  }

  /** A new key; {@code name} is for diagnostics, conventionally {@code llmops.<step>.<what>}. */
  public static <T> AttributeKey<T> of(String name, Class<T> type) {
    return new AttributeKey<>(name, type, false);
  }

  /**
   * A new key for a step's own working state: readable through {@link CallAttributes} by whoever
   * holds the key, but left out of {@link CallAttributes#snapshot()} and so of the {@link
   * Completion}, which shows only results.
   */
  public static <T> AttributeKey<T> internal(String name, Class<T> type) {
    return new AttributeKey<>(name, type, true);
  }

  /** True for a key made with {@link #internal}: its value never leaves the pipeline. */
  public boolean isInternal() {
    return internal;
  }

  /** The key's name. */
  public String name() {
    return name;
  }

  /** The value type. */
  public Class<T> type() {
    return type;
  }

  /**
   * A small number for this key, so that a {@link CallAttributes} implementation can keep values in
   * an array indexed by it. Keys are numbered 0, 1, 2, ... in the order they are first asked for
   * their index (by a call reading or writing them), so the keys a process actually uses number
   * densely from 0 however many others it defines. A key's index never changes, and two keys never
   * share one below {@link Integer#MAX_VALUE}, which every key numbered after 2<sup>31</sup> - 1
   * others receives. Thread-safe and lock-free.
   */
  public int index() {
    int i = index;
    return i != UNASSIGNED ? i : assignIndex();
  }

  private int assignIndex() {
    int current = (int) INDEX.getVolatile(this);
    if (current != UNASSIGNED) {
      return current;
    }
    int fresh = INDEXED.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : n + 1);
    int witness = (int) INDEX.compareAndExchange(this, UNASSIGNED, fresh);
    // A thread that lost the race leaves its number unused and takes the winner's.
    return witness == UNASSIGNED ? fresh : witness;
  }

  @Override
  public String toString() {
    return name;
  }
}
