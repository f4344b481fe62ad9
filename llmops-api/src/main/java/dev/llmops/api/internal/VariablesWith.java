package dev.llmops.api.internal;

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
 * The variables of a {@code PromptRef} with one more variable: an immutable base map and the
 * variable, which replaces any of the same name in the base. Adding a variable to a call's shared
 * map this way costs one small object instead of a copy of the map. Lookups walk at most {@link
 * #MAX_DEPTH} such layers; a deeper one is flattened into an immutable copy. Internal: not API
 * (llmops-core reads the layers to remember facts of a shared base by identity).
 *
 * <p>Immutable and thread-safe (the base is immutable); equality and hash code are those of
 * {@link Map}; iteration order is unspecified, as for {@link Map#copyOf}. Like the maps of {@link
 * Map#of}, it rejects null keys in lookups. The hash code of a base map whose values are all plain
 * scalars is remembered by identity ({@link BaseFacts}), so hashing a layer over a shared base does
 * not walk the base.
 */
public final class VariablesWith extends AbstractMap<String, Object> {
  /** How many layers a map may have before a layer is added to an immutable copy instead. */
  public static final int MAX_DEPTH = 8;

  private static final byte UNKNOWN = 0;
  private static final byte REPLACES = 1;
  private static final byte ADDS = 2;

  private final Map<String, Object> base;
  private final String key;
  private final Object value;
  private final int depth;
  /**
   * Whether the base has {@link #key}: {@link #UNKNOWN} until first asked, a racy but idempotent
   * cache (every thread computes the same answer from the immutable base).
   */
  private byte replaces = UNKNOWN;

  private VariablesWith(Map<String, Object> base, String key, Object value, int depth) {
    this.base = base;
    this.key = key;
    this.value = value;
    this.depth = depth;
  }

  /**
   * {@code base} with {@code key} set to {@code value}; {@code base} must be immutable (a {@link
   * Map#copyOf} or a {@link VariablesWith}).
   */
  public static Map<String, Object> of(Map<String, Object> base, String key, Object value) {
    Objects.requireNonNull(key, "name");
    Objects.requireNonNull(value, "value");
    int depth = base instanceof VariablesWith w ? w.depth + 1 : 1;
    if (depth > MAX_DEPTH) {
      Map<String, Object> flat = new HashMap<>(base);
      flat.put(key, value);
      return Map.copyOf(flat);
    }
    return new VariablesWith(base, key, value, depth);
  }

  /** The map under this layer: immutable, a {@link Map#copyOf} or another {@link VariablesWith}. */
  public Map<String, Object> base() {
    return base;
  }

  /** The map under every layer: immutable, and never a {@link VariablesWith}. */
  public Map<String, Object> root() {
    Map<String, Object> m = base;
    while (m instanceof VariablesWith w) {
      m = w.base;
    }
    return m;
  }

  /** How many layers this map has, from 1 (a layer directly over its root). */
  public int depth() {
    return depth;
  }

  /** This layer's variable name. */
  public String key() {
    return key;
  }

  /** This layer's variable value. */
  public Object value() {
    return value;
  }

  /** Whether the base has a variable of this layer's name, which this layer replaces. */
  public boolean replaces() {
    byte r = replaces;
    if (r == UNKNOWN) {
      r = base.containsKey(key) ? REPLACES : ADDS;
      replaces = r;
    }
    return r == REPLACES;
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
    return replaces() ? base.size() : base.size() + 1;
  }

  @Override
  public boolean isEmpty() {
    return false;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super Object> action) {
    Objects.requireNonNull(action, "action");
    boolean replaces = replaces();
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
    int h = baseHash() + (key.hashCode() ^ value.hashCode());
    if (replaces()) {
      h -= key.hashCode() ^ Objects.requireNonNull(base.get(key)).hashCode();
    }
    return h;
  }

  /** The base's hash code: remembered by identity for a base of plain scalars. */
  private int baseHash() {
    if (base instanceof VariablesWith) {
      return base.hashCode();
    }
    BaseFacts facts = BaseFacts.of(base);
    return facts.scalars() ? facts.hash() : base.hashCode();
  }

  /**
   * Equal to any {@link Map} with the same entries, as {@link AbstractMap#equals} (which the hash
   * code above agrees with); a layer over the same base instance with the same variable is equal
   * without walking the base.
   */
  @Override
  public boolean equals(@Nullable Object o) {
    if (o instanceof VariablesWith w && w.base == base && w.key.equals(key)) {
      return w.value.equals(value);
    }
    return super.equals(o);
  }

  /** The base's entries except a replaced one, then this layer's. */
  private final class Entries implements Iterator<Map.Entry<String, Object>> {
    private final Iterator<Map.Entry<String, Object>> inner = base.entrySet().iterator();
    private final boolean replaces = replaces();
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
