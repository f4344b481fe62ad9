package dev.llmops.core.pricing;

import dev.llmops.api.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Model prices by name, with the catalog's version. Immutable and thread-safe; lookups allocate
 * nothing for a hit on the exact key.
 *
 * <p>Load the application's own copy of LiteLLM's {@code model_prices_and_context_window.json}
 * with {@link #load(Path)} (kept current by the application), or start from {@link #bundled()},
 * the small dated table shipped with llmops for the major providers' current chat models.
 * Negotiated prices go in with {@link #withOverride}.
 *
 * <p>Lookup of a model id tries the exact key if its provider matches, then {@code
 * provider/model}, then the exact key of another provider, then the bare model (the part after
 * the last {@code /}), each case-sensitively, then the same case-insensitively.
 */
public final class PriceCatalog {
  private static final String BUNDLED_RESOURCE = "default-prices.json";

  private final Map<String, ModelPrice> prices;
  private final Map<String, ModelPrice> lowerCase;
  private final String version;

  PriceCatalog(Map<String, ModelPrice> prices, String version) {
    this.prices = Map.copyOf(prices);
    Map<String, ModelPrice> lower = new LinkedHashMap<>();
    prices.forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
    this.lowerCase = Map.copyOf(lower);
    this.version = version;
  }

  /** The price table shipped with llmops (major providers' chat models; see its date in {@link #version()}). */
  public static PriceCatalog bundled() {
    return Bundled.INSTANCE;
  }

  /** A catalog with no prices: every model is unknown. */
  public static PriceCatalog empty() {
    return new PriceCatalog(Map.of(), "empty");
  }

  /**
   * Loads a catalog in LiteLLM's format from a file.
   *
   * @throws ConfigurationException naming the file, model key and field when the file is malformed
   */
  public static PriceCatalog load(Path file) {
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file)) {
      return CatalogParser.parse(in, file.toString());
    } catch (IOException e) {
      throw new ConfigurationException("cannot read price catalog " + file + ": " + e.getClass().getSimpleName());
    }
  }

  /**
   * Loads a catalog in LiteLLM's format from a stream, which is not closed.
   *
   * @param source names the stream in error messages and, without a {@code last_updated} key, in
   *     the version
   * @throws ConfigurationException naming the source, model key and field when it is malformed
   */
  public static PriceCatalog load(InputStream in, String source) {
    return CatalogParser.parse(Objects.requireNonNull(in, "in"), Objects.requireNonNull(source, "source"));
  }

  /** The catalog's version: its {@code last_updated} date when it has one, plus a content hash. */
  public String version() {
    return version;
  }

  /** How many models have prices. */
  public int size() {
    return prices.size();
  }

  /** All prices by catalog key. */
  public Map<String, ModelPrice> prices() {
    return prices;
  }

  /** The price of catalog key or model id {@code model}; see the class comment for the lookup order. */
  public Optional<ModelPrice> find(String model) {
    return Optional.ofNullable(lookup(null, model));
  }

  /** The price of {@code model} served by {@code provider} ({@code openai}, {@code anthropic}, ...). */
  public Optional<ModelPrice> find(String provider, String model) {
    return Optional.ofNullable(lookup(provider, model));
  }

  @Nullable ModelPrice lookup(@Nullable String provider, String model) {
    ModelPrice p = prices.get(model);
    if (p != null && (provider == null || provider.isEmpty() || p.provider().equals(provider))) {
      return p;
    }
    if (provider != null && !provider.isEmpty()) {
      ModelPrice prefixed = prices.get(provider + "/" + model);
      if (prefixed != null) {
        return prefixed;
      }
    }
    if (p != null) {
      return p; // the same name under another provider: the closest price there is
    }
    p = lookupIn(prices, provider, model);
    if (p != null) {
      return p;
    }
    String lower = model.toLowerCase(Locale.ROOT);
    p = lowerCase.get(lower);
    if (p != null) {
      return p;
    }
    return lookupIn(lowerCase, provider == null ? null : provider.toLowerCase(Locale.ROOT), lower);
  }

  private static @Nullable ModelPrice lookupIn(Map<String, ModelPrice> map, @Nullable String provider, String model) {
    if (provider != null && !provider.isEmpty()) {
      ModelPrice p = map.get(provider + "/" + model);
      if (p != null) {
        return p;
      }
    }
    int slash = model.lastIndexOf('/');
    return slash >= 0 && slash < model.length() - 1 ? map.get(model.substring(slash + 1)) : null;
  }

  /**
   * This catalog with {@code price} for {@code model}, replacing the catalog's (a negotiated
   * price, a fine-tuned model). The version notes that it was overridden.
   */
  public PriceCatalog withOverride(String model, ModelPrice price) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(price, "price");
    Map<String, ModelPrice> copy = new LinkedHashMap<>(prices);
    copy.put(model, price);
    String v = version.endsWith("+overrides") ? version : version + "+overrides";
    return new PriceCatalog(copy, v);
  }

  @Override
  public String toString() {
    return "PriceCatalog[" + prices.size() + " models, version " + version + "]";
  }

  /** Holds the bundled catalog, read on first use. */
  private static final class Bundled {
    static final PriceCatalog INSTANCE = read();

    private static PriceCatalog read() {
      try (InputStream in = PriceCatalog.class.getResourceAsStream(BUNDLED_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("bundled price table " + BUNDLED_RESOURCE + " is missing from llmops-core");
        }
        return CatalogParser.parse(in, "llmops bundled prices");
      } catch (IOException e) {
        throw new IllegalStateException("cannot read bundled price table " + BUNDLED_RESOURCE, e);
      }
    }
  }
}
