package dev.llmops.core.prompt;

import com.github.mustachejava.Code;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.codes.ValueCode;
import com.github.mustachejava.codes.WriteCode;
import dev.llmops.api.Message;
import dev.llmops.api.Role;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A compiled template that is nothing but text and top-level {@code {{name}}} values (the common
 * case), rendered by joining its text parts and the values into one exactly-sized string, without
 * going through mustache.java. Built from the compiled template and checked against it once, so it
 * writes exactly what mustache.java would.
 *
 * <p>It remembers the messages of the last {@value #MEMO_SIZE} value sets that were rendered more
 * than once (a system message with the same company and tone on every call, say): a call whose
 * values print exactly like a remembered set's gets that set's {@link Message} instance back,
 * compared value by value without allocating. A value set is remembered the second time it misses
 * (among the last misses, kept by a hash of their values), so values that change on every call (a
 * question, a ticket number) cost a short hash, not a memo entry; after 64 misses in a row such a
 * message looks at the memo on one call in 64 only. The oldest remembered set makes room for a new
 * one. A remembered set is its printed text, so {@code 1} and {@code
 * 1L} or {@code "1"} share it; strings, whole numbers ({@code Integer}, {@code Long}, {@code
 * Short}, {@code Byte}), booleans and characters are compared with it, and a message with any other
 * value (a {@code Double}, a {@code BigDecimal}) is rendered anew each time.
 *
 * <p>Thread-safe: the memo is an immutable snapshot replaced whole through a volatile field, and
 * entries are never changed once published; concurrent misses may lose one another's entries,
 * never corrupt them. The miss bookkeeping is racy on purpose: it only decides what to remember.
 */
final class PlainTemplate {
  /** How many value sets a template remembers. */
  static final int MEMO_SIZE = 4;
  /** How many recent misses it keeps to notice a value set that misses twice (a power of two). */
  private static final int MISSES = 16;
  private static final int COLD = 64;
  private static final int SAMPLE = 64;

  private static final Entry[] NONE = new Entry[0];

  private final Role role;
  /** {@code texts[0]}, then the value of {@code names[0]}, then {@code texts[1]}, and so on. */
  private final String[] texts;
  private final String[] names;
  /** The distinct names, in order of first use. */
  private final String[] keys;
  /** Per value slot: the index in {@link #keys} of its name. */
  private final int[] keyOf;
  /** Per key: where in the parts (see {@link #render}) its value is first written. */
  private final int[] firstPart;
  /** Remembered renders, most recent first; replaced whole, never changed in place. */
  private volatile Entry[] memo = NONE;
  /**
   * Fingerprints of the values of recent misses, by their low bits: a set that misses with the
   * fingerprint its slot holds is remembered. Only a hint, so plain racy ints: a lost write delays
   * remembering a set, a collision remembers one in vain; neither changes what is rendered. (Ints
   * rather than the misses themselves: storing a young object into this long-lived template on
   * every miss would cost a GC write barrier.)
   */
  private final int[] missed = new int[MISSES];
  /**
   * Misses in a row, a racy hint like {@link #missed}: from {@link #COLD} on, a message whose
   * values change on every call skips the memo but on every {@link #SAMPLE}th call.
   */
  private int missStreak;

  private PlainTemplate(Role role, String[] texts, String[] names) {
    this.role = role;
    this.texts = texts;
    this.names = names;
    List<String> distinct = new ArrayList<>();
    this.keyOf = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      int k = distinct.indexOf(names[i]);
      if (k < 0) {
        k = distinct.size();
        distinct.add(names[i]);
      }
      keyOf[i] = k;
    }
    this.keys = distinct.toArray(new String[0]);
    this.firstPart = new int[keys.length];
    for (int i = names.length - 1; i >= 0; i--) {
      firstPart[keyOf[i]] = 2 * i + 1;
    }
  }

  /**
   * The plain form of {@code mustache}, for messages of {@code role}, or null if it has sections, dotted names, comments or
   * anything else mustache.java must render itself.
   */
  static @Nullable PlainTemplate of(Mustache mustache, Role role) {
    Code[] codes = mustache.getCodes();
    if (codes == null) {
      return null;
    }
    List<String> texts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (Code code : codes) {
      if (code.getClass() == WriteCode.class || (code.getName() == null && code.getCodes() == null)) {
        // Text, or a code that refers to nothing (the end-of-template marker): constant output.
        String constant = output(code, Map.of());
        if (constant == null) {
          return null;
        }
        text.append(constant);
      } else if (code.getClass() == ValueCode.class && plainName(code.getName()) && code.getCodes() == null) {
        texts.add(text.toString());
        text.setLength(0);
        names.add(code.getName());
        // Executed with an empty value, a value code writes just the text that follows it.
        String after = output(code, Map.of(code.getName(), ""));
        if (after == null) {
          return null;
        }
        text.append(after);
      } else {
        return null;
      }
    }
    texts.add(text.toString());
    PlainTemplate plain = new PlainTemplate(role, texts.toArray(new String[0]), names.toArray(new String[0]));
    return plain.rendersLike(mustache) ? plain : null;
  }

  private static boolean plainName(@Nullable String name) {
    return name != null && !name.isEmpty() && name.indexOf('.') < 0;
  }

  /** What {@code code} alone writes with {@code scope}, or null if it cannot run alone. */
  private static @Nullable String output(Code code, Map<String, Object> scope) {
    StringWriter out = new StringWriter();
    List<Object> scopes = new ArrayList<>();
    scopes.add(scope);
    try {
      code.execute(out, scopes);
    } catch (RuntimeException e) {
      return null;
    }
    return out.toString();
  }

  /** Whether this renders what mustache.java renders, for distinct marker values. */
  private boolean rendersLike(Mustache mustache) {
    Map<String, Object> probe = new HashMap<>();
    for (String name : names) {
      probe.put(name, "\u0001" + name + "\u0002");
    }
    StringWriter expected = new StringWriter();
    try {
      mustache.execute(expected, probe);
    } catch (RuntimeException e) {
      return false;
    }
    String[] parts = parts(probe, texts, 0, null, false);
    return parts != null && expected.toString().equals(String.join("", parts));
  }

  /** How many values the template writes (a name used twice counts twice). */
  int variableCount() {
    return names.length;
  }

  /** The text, for a template without variables. */
  String constantText() {
    if (names.length != 0) {
      throw new IllegalStateException("the template has variables");
    }
    return texts[0];
  }

  /**
   * Renders with {@code variables}, or returns null when mustache.java must do it: a name is
   * missing (it reports which), or a value is not a string, number, boolean or character (it
   * unwraps optionals, calls lambdas, ...). Returns a remembered message when the values print
   * like a remembered set's.
   */
  @Nullable Message render(Map<String, ?> variables) {
    int streak = missStreak;
    if (streak >= COLD && (streak & (SAMPLE - 1)) != 0) {
      missStreak = streak < (1 << 30) ? streak + 1 : COLD;
      String[] parts = parts(variables, texts, 0, null, false);
      return parts == null ? null : Message.of(role, String.join("", parts));
    }
    Entry[] entries = memo;
    // Bit e set: entries[e] printed every value compared so far as this call will print it.
    int alive = (1 << entries.length) - 1;
    int key = 0;
    @Nullable Object pending = null;
    boolean fetched = false;
    for (; alive != 0 && key < keys.length; key++) {
      @Nullable Object value = variables.get(keys[key]);
      int matching = 0;
      for (int e = 0; e < entries.length; e++) {
        if ((alive & (1 << e)) != 0 && printsAs(value, entries[e].parts[firstPart[key]])) {
          matching |= 1 << e;
        }
      }
      if (matching == 0) {
        pending = value;
        fetched = true;
        break;
      }
      alive = matching;
    }
    if (alive != 0 && key == keys.length) {
      if (streak != 0) {
        missStreak = 0;
      }
      return entries[Integer.numberOfTrailingZeros(alive)].message;
    }
    // The values before `key` print like those of any entry still alive: take its text for them.
    String[] donor = alive != 0 ? entries[Integer.numberOfTrailingZeros(alive)].parts : texts;
    String[] parts = parts(variables, donor, key, pending, fetched);
    if (parts == null) {
      return null;
    }
    // One exactly-sized string, no intermediate buffer.
    Message message = Message.of(role, String.join("", parts));
    if (keys.length > 0) {
      missStreak = streak + 1;
      remember(parts, message);
    }
    return message;
  }

  /**
   * The text parts and printed values, or null when mustache.java must render: the values of the
   * first {@code reused} keys are taken from {@code donor}'s parts, the value of key {@code
   * reused} is {@code pending} when {@code fetched}, the rest are looked up.
   */
  private String @Nullable [] parts(
      Map<String, ?> variables, String[] donor, int reused, @Nullable Object pending, boolean fetched) {
    String[] parts = new String[texts.length + names.length];
    parts[0] = texts[0];
    for (int i = 0; i < names.length; i++) {
      int k = keyOf[i];
      int at = 2 * i + 1;
      String value;
      if (firstPart[k] != at) {
        value = parts[firstPart[k]];
      } else if (k < reused) {
        value = donor[at];
      } else {
        value = text(k == reused && fetched ? pending : variables.get(keys[k]));
        if (value == null) {
          return null;
        }
      }
      parts[at] = value;
      parts[at + 1] = texts[i + 1];
    }
    return parts;
  }

  /** Remembers a render whose values missed once before; otherwise notes that they missed. */
  private void remember(String[] parts, Message message) {
    int fingerprint = fingerprint(parts);
    int slot = fingerprint & (MISSES - 1);
    if (missed[slot] != fingerprint) {
      missed[slot] = fingerprint;
      return;
    }
    Entry[] old = memo;
    for (Entry e : old) {
      if (samePrinted(e.parts, parts)) {
        return; // another thread remembered it meanwhile
      }
    }
    Entry[] next = new Entry[Math.min(old.length + 1, MEMO_SIZE)];
    next[0] = new Entry(parts, message);
    System.arraycopy(old, 0, next, 1, next.length - 1);
    memo = next;
  }

  /**
   * A hash of the printed values: of every character of a short value, and of the length and
   * nine characters spread over a long one, so that it costs little for a long text that changes
   * on every call.
   */
  private int fingerprint(String[] parts) {
    int h = 0;
    for (int at : firstPart) {
      String s = parts[at];
      int n = s.length();
      h = 31 * h + n;
      int step = n <= 16 ? 1 : n / 8;
      for (int i = n - 1; i >= 0; i -= step) {
        h = 31 * h + s.charAt(i);
      }
    }
    return h ^ (h >>> 16);
  }

  private boolean samePrinted(String[] a, String[] b) {
    for (int at : firstPart) {
      if (!a[at].equals(b[at])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code value} prints as {@code printed}, decided without allocating for the types a
   * remembered render can hold; false for any other type.
   */
  static boolean printsAs(@Nullable Object value, String printed) {
    if (value == printed) {
      return true;
    }
    if (value instanceof String) {
      return printed.equals(value);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return printsAs(((Number) value).longValue(), printed);
    }
    if (value instanceof Boolean b) {
      return printed.equals(b ? "true" : "false");
    }
    if (value instanceof Character c) {
      return printed.length() == 1 && printed.charAt(0) == c;
    }
    return false;
  }

  /** Whether {@code Long.toString(value)} equals {@code printed}, compared from the last digit. */
  static boolean printsAs(long value, String printed) {
    int i = printed.length();
    long rest = value < 0 ? value : -value; // negative, so that Long.MIN_VALUE fits
    do {
      if (--i < 0 || printed.charAt(i) != (char) ('0' - rest % 10)) {
        return false;
      }
      rest /= 10;
    } while (rest != 0);
    if (value < 0 && (--i < 0 || printed.charAt(i) != '-')) {
      return false;
    }
    return i == 0;
  }

  private static @Nullable String text(@Nullable Object value) {
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Boolean || value instanceof Character
        || value instanceof Double || value instanceof Float || value instanceof Short || value instanceof Byte
        || value instanceof BigDecimal || value instanceof BigInteger) {
      return value.toString();
    }
    return null;
  }

  /** A remembered render: its parts (text and printed values, never changed) and the message. */
  private static final class Entry {
    final String[] parts;
    final Message message;

    Entry(String[] parts, Message message) {
      this.parts = parts;
      this.message = message;
    }
  }
}
