package dev.llmops.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.GenerationParameters;
import dev.llmops.api.Message;
import dev.llmops.api.PromptRef;
import dev.llmops.api.Role;
import dev.llmops.api.ToolCall;
import dev.llmops.core.prompt.PromptVersion;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Keys are exact: two requests get equal keys if and only if they agree on every field the key
 * covers, whatever kind of key (field by field, or the digest of a request over the size limit).
 * Pairs are generated that differ in one field, drawn from small domains so that the "different"
 * value is often the same one; the expected answer comes from the field alone, and the digest
 * (the encoding {@link CacheKeysTest} pins) must agree with {@code equals}.
 */
class CacheKeyEqualityTest {
  private static final String LONG_A = "x".repeat(CacheKeys.MAX_EXACT_CHARS) + "a";
  private static final String LONG_B = "x".repeat(CacheKeys.MAX_EXACT_CHARS) + "b";

  /** Each field of a full request and the values it may take. */
  private static final Object[][] FULL = {
      {"gpt", "claude", "gpt "},                                  // 0 endpoint
      {"sys", "", LONG_A, LONG_B},                                // 1 system message content
      {Role.USER, Role.ASSISTANT},                                // 2 second message's role
      {"q", "Q", "é漢😀", ""},                                     // 3 second message's content
      {"{}", "{\"a\":1}"},                                        // 4 tool call arguments (if present)
      {"c1", "c2"},                                               // 5 tool call id (if present)
      {0.0, -0.0, 0.5, null},                                     // 6 temperature
      {null, 1, 2},                                               // 7 maxOutputTokens
      {List.of(), List.of("a"), List.of("a", "b"), List.of("ab")}, // 8 stop sequences
      {null, 1L, 2L},                                             // 9 seed
      {null, "", "[]"},                                           // 10 toolsJson
      {null, "{}", "{ }"},                                        // 11 responseFormatJson
      {"m1", "m2"},                                               // 12 metadata: not covered
      {null, "a", "b"},                                           // 13 request's model: not covered
      {true, false},                                              // 14 a tool call and its answer follow
      {null, 0.5, 1.0},                                           // 15 topP
  };

  @Property(tries = 2000)
  void fullKeysAreEqualExactlyWhenEveryCoveredFieldIs(
      @ForAll @Size(16) List<@IntRange(min = 0, max = 3) Integer> picks,
      @ForAll @IntRange(min = 0, max = 15) int field, @ForAll @IntRange(min = 0, max = 3) int other) {
    Object[] a = pick(FULL, picks);
    Object[] b = a.clone();
    b[field] = FULL[field][other % FULL[field].length];
    boolean toolsPresent = (Boolean) a[14];
    boolean expectEqual = Objects.equals(a[field], b[field]) || field == 12 || field == 13
        || ((field == 4 || field == 5) && !toolsPresent);

    CacheKey ka = CacheKeys.key((String) a[0], request(a), null);
    CacheKey kb = CacheKeys.key((String) b[0], request(b), null);

    assertExact(ka, kb, expectEqual);
    assertThat(ka.hex()).isEqualTo(CacheKeys.of((String) a[0], request(a)));
  }

  private static final PromptVersion V1 = PromptVersion.builder("support", 1)
      .system("About {{product}}.{{#flag}} Flagged.{{/flag}}").user("{{question}}").build();
  private static final PromptVersion V1_OTHER_TEXT = PromptVersion.builder("support", 1)
      .system("About {{product}}!{{#flag}} Flagged.{{/flag}}").user("{{question}}").build();
  private static final PromptVersion V2 = PromptVersion.builder("support", 2)
      .system("About {{product}}.{{#flag}} Flagged.{{/flag}}").user("{{question}}").build();

  /** Variable values: the same text in many types, scales and signs. */
  private static final Object[] TYPED = {
      "1", 1, 1L, (short) 1, (byte) 1, '1', 1.0, 1.0f, BigInteger.ONE, new BigDecimal("1"),
      new BigDecimal("1.0"), new BigDecimal("1.00"), 0.0, -0.0, 0.0f, -0.0f, true, "true", false, "false",
  };

  /** Each field of a prompt call and the values it may take. */
  private static final Object[][] PROMPT = {
      {"gpt", "claude"},                                          // 0 endpoint
      {V1, V1_OTHER_TEXT, V2},                                    // 1 the pinned version
      TYPED,                                                      // 2 variable product
      {"q", "Q", LONG_A, LONG_B},                                 // 3 variable question
      TYPED,                                                      // 4 variable flag
      {"absent", "x", 7},                                         // 5 an unused variable (or none)
      {"none", "user f", "assistant f", "user g"},                // 6 a message after the rendered ones
      {1, 2},                                                     // 7 maxOutputTokens
      {null, "[]"},                                               // 8 toolsJson
  };

  @Property(tries = 2000)
  void promptKeysAreEqualExactlyWhenEveryCoveredFieldIsAndTheTypesMatch(
      @ForAll @Size(9) List<@IntRange(min = 0, max = 19) Integer> picks,
      @ForAll @IntRange(min = 0, max = 8) int field, @ForAll @IntRange(min = 0, max = 19) int other) {
    Object[] a = pick(PROMPT, picks);
    Object[] b = a.clone();
    b[field] = PROMPT[field][other % PROMPT[field].length];
    // What the old digest encoded for a variable: its type's name and its text.
    boolean expectEqual = field == 1
        ? a[field] == b[field]
        : sameTypeAndText(a[field], b[field]);

    CacheKey ka = promptKey(a);
    CacheKey kb = promptKey(b);

    assertExact(ka, kb, expectEqual);
    // A prompt key never equals a full-request key, even of the very request it was made for.
    ChatRequest rendered = rendered(a);
    assertThat(ka).isNotEqualTo(CacheKeys.full((String) a[0], rendered));
    assertThat(ka.hex()).isNotEqualTo(CacheKeys.of((String) a[0], rendered));
  }

  @Test
  void typedVariablesWithTheSameTextAreDistinctKeys() {
    Object[] base = {"gpt", V1, "1", "q", false, "absent", "none", 1, null};
    List<CacheKey> keys = new ArrayList<>();
    for (Object value : new Object[] {"1", 1, 1L, new BigDecimal("1"), new BigDecimal("1.0"),
        new BigDecimal("1.00"), BigInteger.ONE, 1.0, 1.0f}) {
      Object[] parts = base.clone();
      parts[2] = value;
      keys.add(promptKey(parts));
    }
    assertThat(keys).doesNotHaveDuplicates();
    Object[] negativeZero = base.clone();
    negativeZero[2] = -0.0;
    Object[] zero = base.clone();
    zero[2] = 0.0;
    assertThat(promptKey(negativeZero)).isNotEqualTo(promptKey(zero));
    // Equal values of one type are one key, however they were made.
    Object[] fresh = base.clone();
    fresh[2] = new BigDecimal("1.0").setScale(2);
    Object[] parsed = base.clone();
    parsed[2] = new BigDecimal("1.00");
    assertThat(promptKey(fresh)).isEqualTo(promptKey(parsed)).hasSameHashCodeAs(promptKey(parsed));
  }

  @Test
  void aKeyIsExactUpToTheSizeLimitAndADigestAboveIt() {
    String endpoint = "gpt";
    ChatRequest atLimit = ChatRequest.builder().user("y".repeat(CacheKeys.MAX_EXACT_CHARS)).temperature(0).build();
    ChatRequest over = ChatRequest.builder().user("y".repeat(CacheKeys.MAX_EXACT_CHARS + 1)).temperature(0).build();

    assertThat(CacheKeys.full(endpoint, atLimit)).isInstanceOf(CacheKey.Request.class);
    assertThat(CacheKeys.full(endpoint, over)).isInstanceOf(CacheKey.Digest.class)
        .isEqualTo(CacheKeys.full(endpoint, over.toBuilder().build()));
    // Both kinds report the documented digest.
    assertThat(CacheKeys.full(endpoint, atLimit).hex()).isEqualTo(ResponseCache.key(endpoint, atLimit));
    assertThat(CacheKeys.full(endpoint, over).hex()).isEqualTo(ResponseCache.key(endpoint, over));

    Object[] small = {"gpt", V1, "p", "q", false, "absent", "none", 1, null};
    Object[] large = small.clone();
    large[3] = LONG_A;
    assertThat(promptKey(small)).isInstanceOf(CacheKey.Prompt.class);
    assertThat(promptKey(large)).isInstanceOf(CacheKey.Digest.class);
    assertThat(promptKey(large).hex()).isEqualTo(withLimitIgnored(large).hex());
  }

  @Test
  void aKeyDoesNotKeepTheRenderedMessagesAlive() {
    Object[] parts = {"gpt", V1, "p", "q", false, "absent", "user f", 1, null};
    CacheKey.Prompt key = (CacheKey.Prompt) promptKey(parts);
    assertThat(key.trailing).containsExactly(Message.of(Role.USER, "f"));
    assertThat(key.trailing.getClass().getName()).doesNotContain("SubList");
    Object[] none = parts.clone();
    none[6] = "none";
    assertThat(((CacheKey.Prompt) promptKey(none)).trailing).isSameAs(List.of());
  }

  private static boolean sameTypeAndText(@Nullable Object x, @Nullable Object y) {
    return (x == null || y == null) ? x == y : (x.getClass() == y.getClass() && x.toString().equals(y.toString()));
  }

  private static void assertExact(CacheKey ka, CacheKey kb, boolean expectEqual) {
    assertThat(ka.equals(kb)).as("%s vs %s", ka, kb).isEqualTo(expectEqual);
    assertThat(kb.equals(ka)).isEqualTo(expectEqual);
    assertThat(ka.hex().equals(kb.hex())).isEqualTo(expectEqual);
    if (expectEqual) {
      assertThat(ka.hashCode()).isEqualTo(kb.hashCode());
      assertThat(ka.getClass()).isEqualTo(kb.getClass());
    }
  }

  private static Object[] pick(Object[][] domains, List<Integer> picks) {
    Object[] parts = new Object[domains.length];
    for (int i = 0; i < domains.length; i++) {
      parts[i] = domains[i][picks.get(i) % domains[i].length];
    }
    return parts;
  }

  private static ChatRequest request(Object[] p) {
    ChatRequest.Builder b = ChatRequest.builder()
        .model((String) p[13])
        .system((String) p[1])
        .message(Message.of((Role) p[2], (String) p[3]))
        .parameters(new GenerationParameters((Double) p[6], (Double) p[15], (Integer) p[7], cast(p[8]), (Long) p[9],
            null, null))
        .toolsJson((String) p[10])
        .responseFormatJson((String) p[11])
        .metadata("k", (String) p[12]);
    if ((Boolean) p[14]) {
      b.message(new Message(Role.ASSISTANT, "", List.of(new ToolCall((String) p[5], "lookup", (String) p[4])), null));
      b.message(Message.tool((String) p[5], "42"));
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static List<String> cast(Object o) {
    return (List<String>) o;
  }

  private static Map<String, Object> variables(Object[] p) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("product", p[2]);
    variables.put("question", p[3]);
    variables.put("flag", p[4]);
    if (!"absent".equals(p[5])) {
      variables.put("unused", p[5]);
    }
    return variables;
  }

  private static ChatRequest rendered(Object[] p) {
    PromptVersion version = (PromptVersion) p[1];
    List<Message> messages = new ArrayList<>(version.render(variables(p)).messages());
    String trailing = (String) p[6];
    if (!"none".equals(trailing)) {
      int space = trailing.indexOf(' ');
      messages.add(Message.of(Role.valueOf(trailing.substring(0, space).toUpperCase(java.util.Locale.ROOT)),
          trailing.substring(space + 1)));
    }
    return ChatRequest.builder().messages(messages).temperature(0.0).maxOutputTokens((Integer) p[7])
        .toolsJson((String) p[8]).build();
  }

  private static CacheKey promptKey(Object[] p) {
    ChatRequest request = rendered(p);
    PromptVersion version = (PromptVersion) p[1];
    return CacheKeys.key((String) p[0], request, PromptCacheKeysTest.rendering(version, variables(p), request));
  }

  /** The structured key a call over the limit would have had (to compare digests). */
  private static CacheKey withLimitIgnored(Object[] p) {
    ChatRequest request = rendered(p);
    PromptVersion version = (PromptVersion) p[1];
    return new CacheKey.Prompt((String) p[0], version.name(), version.version(), version.contentHash(),
        version.messages().size(), Map.copyOf(variables(p)), List.of(), request.parameters(), request.toolsJson(),
        request.responseFormatJson());
  }
}
