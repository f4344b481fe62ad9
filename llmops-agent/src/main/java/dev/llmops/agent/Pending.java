package dev.llmops.agent;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * The tool calls of a model answer that have no recorded result yet, in order. Results are recorded
 * from the head and only the calls at the head change state (started, awaiting approval), so the
 * list is the answer's immutable calls from a head index, with the changed head calls in a short
 * array: a checkpoint's {@link #snapshot()} copies those few (at most a batch) and shares the rest,
 * instead of copying every call still waiting. Not thread-safe; its snapshots are immutable.
 */
final class Pending {
  private static final ToolExecution[] NONE = {};
  private List<ToolExecution> calls = List.of();
  private int head;
  /** The calls at {@code head, head + changedCount} with their new state. */
  private ToolExecution[] changed = new ToolExecution[4];
  private int changedCount;

  /** Adds the calls of a new answer (or a loaded checkpoint); there must be none left. */
  void reset(List<ToolExecution> next) {
    calls = List.copyOf(next);
    head = 0;
    changedCount = 0; // slots past the count are never read; they are overwritten before use
  }

  boolean isEmpty() {
    return head == calls.size();
  }

  int size() {
    return calls.size() - head;
  }

  ToolExecution get(int index) {
    return index < changedCount ? changed[index] : calls.get(head + index);
  }

  /** Changes the call at {@code index}, which must be at most one past the calls changed so far. */
  void set(int index, ToolExecution call) {
    if (index > changedCount) {
      throw new IllegalStateException("calls change from the head: " + index + " after " + changedCount);
    }
    if (index == changedCount) {
      if (changedCount == changed.length) {
        changed = Arrays.copyOf(changed, changedCount * 2);
      }
      changedCount++;
    }
    changed[index] = call;
  }

  /** Drops the head call: its result was recorded. */
  void removeFirst() {
    if (changedCount > 0) {
      System.arraycopy(changed, 1, changed, 0, changedCount - 1);
      changedCount--;
    }
    head++;
  }

  /** The calls now, as an immutable list. */
  List<ToolExecution> snapshot() {
    ToolExecution[] first = changedCount == 0 ? NONE : Arrays.copyOf(changed, changedCount);
    return new View(first, calls, head + changedCount);
  }

  /** A few changed calls, then the answer's calls from {@code from}. */
  private static final class View extends AbstractList<ToolExecution> implements RandomAccess, Appended.Shared {
    private final ToolExecution[] first;
    private final List<ToolExecution> rest;
    private final int from;

    View(ToolExecution[] first, List<ToolExecution> rest, int from) {
      this.first = first;
      this.rest = rest;
      this.from = from;
    }

    @Override
    public ToolExecution get(int index) {
      if (index < first.length) {
        return first[index];
      }
      return rest.get(from + index - first.length);
    }

    @Override
    public int size() {
      return first.length + rest.size() - from;
    }
  }
}
