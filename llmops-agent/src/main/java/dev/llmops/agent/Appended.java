package dev.llmops.agent;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A list that only grows, whose {@link #snapshot()} is an immutable view of the elements so far
 * that shares their array instead of copying it: a run's conversation and steps are appended to
 * and never changed, so a checkpoint costs O(1) instead of a copy of the whole run. Not
 * thread-safe itself (one run loop appends); its snapshots are immutable and thread-safe.
 */
final class Appended<T> {
  private Object[] elements = new Object[16];
  private int size;

  void add(T element) {
    if (size == elements.length) {
      // Snapshots keep the old array: growing copies, it never writes where a snapshot reads.
      elements = Arrays.copyOf(elements, size * 2);
    }
    elements[size++] = element;
  }

  void addAll(List<? extends T> more) {
    for (T t : more) {
      add(t);
    }
  }

  int size() {
    return size;
  }

  @SuppressWarnings("unchecked")
  T get(int index) {
    return (T) elements[index];
  }

  /** The elements so far, as an immutable list that later appends do not change. */
  List<T> snapshot() {
    return new View<>(elements, size);
  }

  /** {@code list} itself when it is a loop's {@link Shared} snapshot, else an immutable copy. */
  static <T> List<T> immutable(List<T> list) {
    return list instanceof Shared ? list : List.copyOf(list);
  }

  /** An immutable list a run loop's snapshot shares with the loop instead of copying it. */
  interface Shared {}

  /**
   * Elements {@code [0, size)} of an array nobody writes below {@code size} any more. The final
   * fields publish the array's contents as of construction to any thread that reads the view.
   */
  private static final class View<T> extends AbstractList<T> implements RandomAccess, Shared {
    private final Object[] elements;
    private final int size;

    View(Object[] elements, int size) {
      this.elements = elements;
      this.size = size;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get(int index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException("index " + index + " of " + size);
      }
      return (T) elements[index];
    }

    @Override
    public int size() {
      return size;
    }
  }
}
