package dev.llmops.core.pricing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmops.api.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads LiteLLM's {@code model_prices_and_context_window.json}. Numbers are read from their
 * decimal text into {@link BigDecimal} (never through {@code double}). Entries that are not models
 * ({@code sample_spec}, {@code fallback_generalizations}, non-object values, objects without
 * {@code litellm_provider}) and models without a per-token input or output price are left out, so
 * that their cost is unknown rather than zero.
 */
final class CatalogParser {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private static final Pattern THRESHOLD =
      Pattern.compile(
          "(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
              + "|cache_creation_input_token_cost|output_cost_per_reasoning_token)_above_(\\d+)(k?)_tokens");

  private CatalogParser() {}

  static PriceCatalog parse(InputStream in, String source) {
    byte[] bytes;
    JsonNode root;
    try {
      bytes = in.readAllBytes();
      root = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(
          "price catalog " + source + " is not valid JSON at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw new ConfigurationException("cannot read price catalog " + source + ": " + e.getClass().getSimpleName());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigurationException("price catalog " + source + " must be a JSON object of model entries");
    }
    Map<String, ModelPrice> prices = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String key = e.getKey();
      JsonNode entry = e.getValue();
      if (!entry.isObject() || key.equals("sample_spec") || key.equals("fallback_generalizations")) {
        continue;
      }
      JsonNode provider = entry.get("litellm_provider");
      if (provider == null || !provider.isTextual()) {
        continue;
      }
      ModelPrice price = entry(source, key, provider.asText(), entry);
      if (price != null) {
        prices.put(key, price);
      }
    }
    JsonNode updated = root.get("last_updated");
    String date = updated != null && updated.isTextual() ? updated.asText() + " " : "";
    return new PriceCatalog(prices, date + "sha256:" + sha256(bytes).substring(0, 12));
  }

  private static @Nullable ModelPrice entry(String source, String key, String provider, JsonNode entry) {
    List<ModelPrice.Tier> tiers = tiers(source, key, entry);
    BigDecimal input = price(source, key, entry, "input_cost_per_token");
    BigDecimal output = price(source, key, entry, "output_cost_per_token");
    if (!tiers.isEmpty()) {
      Rates first = tiers.get(0).rates();
      input = input != null ? input : first.input();
      output = output != null ? output : first.output();
    }
    if (input == null || output == null) {
      return null;
    }
    BigDecimal cacheRead = price(source, key, entry, "cache_read_input_token_cost");
    if (cacheRead == null) {
      cacheRead = price(source, key, entry, "input_cost_per_token_cache_hit");
    }
    Rates base =
        new Rates(
            input,
            output,
            cacheRead,
            price(source, key, entry, "cache_creation_input_token_cost"),
            price(source, key, entry, "output_cost_per_reasoning_token"));
    return new ModelPrice(
        key,
        provider,
        base,
        thresholds(source, key, entry, base),
        tiers,
        provider.equals("xai"),
        limit(entry, "max_input_tokens"),
        limit(entry, "max_output_tokens"));
  }

  private static List<ModelPrice.Threshold> thresholds(String source, String key, JsonNode entry, Rates base) {
    Map<Long, BigDecimal[]> byThreshold = new LinkedHashMap<>();
    for (Iterator<String> it = entry.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.contains("_above_")) {
        continue;
      }
      Matcher m = THRESHOLD.matcher(field);
      if (!m.matches()) {
        continue;
      }
      long n = Long.parseLong(m.group(2)) * (m.group(3).isEmpty() ? 1 : 1000);
      BigDecimal rate = price(source, key, entry, field);
      if (rate == null) {
        continue;
      }
      BigDecimal[] slots = byThreshold.computeIfAbsent(n, x -> new BigDecimal[5]);
      slots[slot(m.group(1))] = rate;
    }
    List<ModelPrice.Threshold> out = new ArrayList<>();
    byThreshold.forEach(
        (n, s) -> out.add(new ModelPrice.Threshold(n, base.overriddenBy(new Rates.PartialRates(s[0], s[1], s[2], s[3], s[4])))));
    return out;
  }

  private static int slot(String base) {
    return switch (base) {
      case "input_cost_per_token" -> 0;
      case "output_cost_per_token" -> 1;
      case "cache_read_input_token_cost" -> 2;
      case "cache_creation_input_token_cost" -> 3;
      default -> 4;
    };
  }

  private static List<ModelPrice.Tier> tiers(String source, String key, JsonNode entry) {
    JsonNode list = entry.get("tiered_pricing");
    if (list == null || !list.isArray()) {
      return List.of();
    }
    BigDecimal topOutput = price(source, key, entry, "output_cost_per_token");
    List<ModelPrice.Tier> tiers = new ArrayList<>();
    int i = 0;
    for (JsonNode tier : list) {
      String where = "tiered_pricing[" + i++ + "]";
      BigDecimal in = price(source, key, tier, "input_cost_per_token");
      BigDecimal out = price(source, key, tier, "output_cost_per_token");
      out = out != null ? out : topOutput;
      if (in == null || out == null) {
        // A tier priced some other way (per query, per page): not a token tier.
        return List.of();
      }
      JsonNode range = tier.get("range");
      if (range == null || !range.isArray() || range.size() != 2 || !range.get(0).isNumber() || !range.get(1).isNumber()) {
        throw new ConfigurationException(
            "price catalog " + source + ": model '" + key + "' field " + where + ".range must be [min, max]");
      }
      tiers.add(
          new ModelPrice.Tier(
              range.get(0).decimalValue().longValue(),
              range.get(1).decimalValue().longValue(),
              new Rates(
                  in,
                  out,
                  price(source, key, tier, "cache_read_input_token_cost"),
                  price(source, key, tier, "cache_creation_input_token_cost"),
                  price(source, key, tier, "output_cost_per_reasoning_token"))));
    }
    return tiers;
  }

  private static @Nullable BigDecimal price(String source, String key, JsonNode entry, String field) {
    JsonNode node = entry.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw new ConfigurationException(
          "price catalog " + source + ": model '" + key + "' field '" + field + "' must be a number but was "
              + node.getNodeType());
    }
    BigDecimal value = node.decimalValue();
    if (value.signum() < 0) {
      throw new ConfigurationException(
          "price catalog " + source + ": model '" + key + "' field '" + field + "' must be >= 0 but was "
              + value.toPlainString());
    }
    return value;
  }

  private static long limit(JsonNode entry, String field) {
    JsonNode node = entry.get(field);
    if (node == null || !node.isNumber()) {
      return 0;
    }
    long value = node.decimalValue().longValue();
    return Math.max(0, value);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
