package dev.llmops.api;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The variables of a {@link PromptRef} with one more variable: an immutable base map and the
 * variable, which replaces any of the same name in the base. Adding a variable to a call's shared
 * map this way costs one small object instead of a copy of the map. Lookups walk at most {@link
 * #MAX_DEPTH} such layers; a deeper one is flattened into an immutable copy.
 *
 * <p>Immutable and thread-safe (the base is immutable); equality and hash code are those of
 * {@link Map}; iteration order is unspecified, as for {@link Map#copyOf}. Like the maps of {@link
 * Map#of}, it rejects null keys in lookups.
 */
final class VariablesWith extends AbstractMap<String, Object> {
  static final int MAX_DEPTH = 8;

  private final Map<String, Object> base;
  private final String key;
  private final Object value;
  private final boolean replaces;
  private final int depth;

  private VariablesWith(Map<String, Object> base, String key, Object value, boolean replaces, int depth) {
    this.base = base;
    this.key = key;
    this.value = value;
    this.replaces = replaces;
    this.depth = depth;
  }

  /**
   * {@code base} with {@code key} set to {@code value}; {@code base} must be immutable (a {@link
   * Map#copyOf} or a {@link VariablesWith}).
   */
  static Map<String, Object> of(Map<String, Object> base, String key, Object value) {
    Objects.requireNonNull(key, "name");
    Objects.requireNonNull(value, "value");
    int depth = base instanceof VariablesWith w ? w.depth + 1 : 1;
    if (depth > MAX_DEPTH) {
      Map<String, Object> flat = new HashMap<>(base);
      flat.put(key, value);
      return Map.copyOf(flat);
    }
    return new VariablesWith(base, key, value, base.containsKey(key), depth);
  }

  @Override
  public @Nullable Object get(@Nullable Object k) {
    return key.equals(k) ? value : base.get(k);
  }

  @Override
  public boolean containsKey(@Nullable Object k) {
    return key.equals(k) || base.containsKey(k);
  }

  @Override
  public int size() {
    return replaces ? base.size() : base.size() + 1;
  }

  @Override
  public boolean isEmpty() {
    return false;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    Objects.requireNonNull(action, "action");
    base.forEach((k, v) -> {
      if (!replaces || !key.equals(k)) {
        action.accept(k, v);
      }
    });
    action.accept(key, value);
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Entries();
      }

      @Override
      public int size() {
        return VariablesWith.this.size();
      }
    };
  }

  @Override
  public int hashCode() {
    int h = base.hashCode() + (key.hashCode() ^ value.hashCode());
    if (replaces) {
      h -= key.hashCode() ^ Objects.requireNonNull(base.get(key)).hashCode();
    }
    return h;
  }

  // equals is AbstractMap's (any Map with the same entries), which the hashCode above agrees with.
  @Override
  public boolean equals(@Nullable Object o) {
    return super.equals(o);
  }

  /** The base's entries except a replaced one, then this layer's. */
  private final class Entries implements Iterator<Map.Entry<String, Object>> {
    private final Iterator<Map.Entry<String, Object>> inner = base.entrySet().iterator();
    private Map.@Nullable Entry<String, Object> next = advance();
    private boolean ownDone;

    private Map.@Nullable Entry<String, Object> advance() {
      while (inner.hasNext()) {
        Map.Entry<String, Object> e = inner.next();
        if (!replaces || !key.equals(e.getKey())) {
          return e;
        }
      }
      return null;
    }

    @Override
    public boolean hasNext() {
      return next != null || !ownDone;
    }

    @Override
    public Map.Entry<String, Object> next() {
      Map.Entry<String, Object> e = next;
      if (e != null) {
        next = advance();
        return e;
      }
      if (ownDone) {
        throw new NoSuchElementException();
      }
      ownDone = true;
      return Map.entry(key, value);
    }
  }
}
