package dev.llmops.eval.monitor;

import dev.llmops.api.CallInfo;
import dev.llmops.api.Fingerprint;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A monitor's slices found from a call without building its {@link MonitorKey}: the call path
 * hashes the key's parts as the call holds them (feature, prompt name and version, model, experiment
 * and variant) and probes an open-addressing table of handles, comparing part by part, so a call to
 * a slice seen before allocates nothing. The first call of a slice builds its key and its value
 * ({@code factory}) once; values are kept by key in {@link #byKey()}, so parts that spell the same
 * key share one value.
 *
 * <p>Reads take no lock: the table is copied on insert (at most {@code max} inserts in a monitor's
 * life) and published through a volatile field. Thread-safe.
 */
final class SliceIndex<V> {
  private final int max;
  private final Function<MonitorKey, V> factory;
  private final Map<MonitorKey, V> byKey = new ConcurrentHashMap<>();
  @SuppressWarnings({"unchecked", "rawtypes"})
  private volatile Handle<V>[] table = new Handle[16];
  private int handles; // guarded by this

  SliceIndex(int max, Function<MonitorKey, V> factory) {
    this.max = max;
    this.factory = factory;
  }

  /** The values by key; a value made here is in it before any call can find it. */
  Map<MonitorKey, V> byKey() {
    return byKey;
  }

  /** The value of {@code call}'s slice, made on its first call; null once {@code max} slices are kept. */
  @Nullable V of(CallInfo call) {
    Fingerprint f = call.attributes().getOrNull(Fingerprint.KEY);
    String feature = orEmpty(call.context().feature());
    String model = orEmpty(f != null && f.model() != null ? f.model() : call.originalRequest().model());
    @Nullable String prompt = null;
    int version = 0;
    @Nullable String experiment = null;
    @Nullable String variant = null;
    if (f != null) {
      prompt = f.promptName();
      version = prompt == null ? 0 : f.promptVersion();
      experiment = f.experimentKey();
      variant = experiment == null ? null : f.variant();
    }
    int hash = hash(feature, model, prompt, version, experiment, variant);
    Handle<V>[] t = table;
    int mask = t.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      Handle<V> h = t[i];
      if (h == null) {
        break;
      }
      if (h.hash == hash && h.matches(feature, model, prompt, version, experiment, variant)) {
        return h.value;
      }
    }
    return insert(MonitorKey.of(call), hash, feature, model, prompt, version, experiment, variant);
  }

  /** The value of {@code key}, made if new; null once {@code max} slices are kept. */
  @Nullable V of(MonitorKey key) {
    V v = byKey.get(key);
    if (v != null || byKey.size() >= max) {
      return v;
    }
    synchronized (this) {
      return byKey.size() >= max ? byKey.get(key) : byKey.computeIfAbsent(key, factory);
    }
  }

  private synchronized @Nullable V insert(MonitorKey key, int hash, String feature, String model, @Nullable String prompt,
      int version, @Nullable String experiment, @Nullable String variant) {
    V value = byKey.get(key);
    if (value == null) {
      if (byKey.size() >= max) {
        return null;
      }
      value = byKey.computeIfAbsent(key, factory);
    }
    if (handles < 4 * max) { // parts spelling one key differently (a ':' in a name) may add handles, never unbounded
      Handle<V>[] t = table;
      if (2 * (handles + 1) > t.length) {
        t = grow(t);
      } else {
        t = Arrays.copyOf(t, t.length);
      }
      put(t, new Handle<>(hash, feature, model, prompt, version, experiment, variant, value));
      handles++;
      table = t;
    }
    return value;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <V> Handle<V>[] grow(Handle<V>[] old) {
    Handle<V>[] t = new Handle[old.length * 2];
    for (Handle<V> h : old) {
      if (h != null) {
        put(t, h);
      }
    }
    return t;
  }

  private static <V> void put(Handle<V>[] t, Handle<V> h) {
    int mask = t.length - 1;
    int i = h.hash & mask;
    while (t[i] != null) {
      if (t[i].matches(h.feature, h.model, h.prompt, h.version, h.experiment, h.variant)) {
        return; // another thread's call inserted it first
      }
      i = (i + 1) & mask;
    }
    t[i] = h;
  }

  private static int hash(String feature, String model, @Nullable String prompt, int version,
      @Nullable String experiment, @Nullable String variant) {
    int h = feature.hashCode();
    h = 31 * h + model.hashCode();
    h = 31 * h + Objects.hashCode(prompt);
    h = 31 * h + version;
    h = 31 * h + Objects.hashCode(experiment);
    h = 31 * h + Objects.hashCode(variant);
    return h ^ (h >>> 16); // spread the high bits into the probed ones
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  /** One slice as a call's parts spell it, and its value. Immutable. */
  private record Handle<V>(int hash, String feature, String model, @Nullable String prompt, int version,
      @Nullable String experiment, @Nullable String variant, V value) {

    boolean matches(String feature, String model, @Nullable String prompt, int version, @Nullable String experiment,
        @Nullable String variant) {
      return this.feature.equals(feature) && this.model.equals(model) && Objects.equals(this.prompt, prompt)
          && this.version == version && Objects.equals(this.experiment, experiment)
          && Objects.equals(this.variant, variant);
    }
  }
}
