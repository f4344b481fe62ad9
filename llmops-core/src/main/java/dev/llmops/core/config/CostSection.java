package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.Money;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.UnknownModelPolicy;
import dev.llmops.core.budget.Budget;
import dev.llmops.core.budget.Budgets;
import dev.llmops.core.budget.OverLimit;
import dev.llmops.core.budget.RateLimit;
import dev.llmops.core.budget.Scope;
import dev.llmops.core.budget.UnpricedModels;
import dev.llmops.core.budget.Window;
import dev.llmops.core.cache.ResponseCache;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.pricing.Rates;
import dev.llmops.core.sink.SinkQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The {@code accounting}, {@code budgets}, {@code rateLimits} and {@code cache} sections. */
final class CostSection extends Section {
  private static final Set<String> ACCOUNTING = Set.of("catalog", "overrides", "unknownModels", "ledgerQueue");
  private static final Set<String> PRICE = Set.of(
      "inputPerMillion", "outputPerMillion", "cacheReadPerMillion", "cacheWritePerMillion", "reasoningPerMillion",
      "maxOutputTokens");
  private static final Set<String> BUDGET = Set.of(
      "name", "scope", "limit", "tokens", "window", "zone", "hard", "onExceeded", "maxWait", "downgradeTo");
  private static final Set<String> RATE_LIMIT = Set.of(
      "scope", "requestsPerMinute", "tokensPerMinute", "onExceeded", "maxWait", "downgradeTo");
  private static final Set<String> CACHE = Set.of("enabled", "maximumSize", "expireAfterWrite", "allowNonDeterministic");


  CostSection(Assembler a) {
    super(a);
  }

  void accounting() {
    JsonNode section = r.object(root, "accounting", "accounting", ACCOUNTING);
    if (section == null) {
      return;
    }
    Accounting.Builder b = Accounting.builder();
    bindings.ledger().ifPresent(b::ledger);
    PriceCatalog catalog = PriceCatalog.bundled();
    String c = r.string(section, "catalog", "accounting.catalog");
    if (c != null && !c.equals("bundled")) {
      Path file = base.resolve(c);
      if (!Files.isRegularFile(file)) {
        r.problem("accounting.catalog", "no such file: " + file + " (or write 'bundled')");
      } else {
        PriceCatalog loaded = r.build("accounting.catalog", () -> PriceCatalog.load(file));
        if (loaded != null) {
          catalog = loaded;
        }
      }
    }
    for (Map.Entry<String, JsonNode> o : r.entries(section, "overrides", "accounting.overrides").entrySet()) {
      ModelPrice price = price(o.getKey(), o.getValue(), "accounting.overrides." + o.getKey());
      if (price != null) {
        catalog = catalog.withOverride(o.getKey(), price);
      }
    }
    b.catalog(catalog);
    UnknownModelPolicy policy = r.choice(section, "unknownModels", "accounting.unknownModels", UnknownModelPolicy.class);
    if (policy != null) {
      b.unknownModels(policy);
    }
    b.ledgerQueue(a.queues.queue(section, "ledgerQueue", "accounting.ledgerQueue", SinkQueue.defaults()));
    client.accounting(b.build());
  }

  private @Nullable ModelPrice price(String key, JsonNode p, String path) {
    if (!p.isObject()) {
      r.problem(path, "expected a mapping with inputPerMillion and outputPerMillion but found " + ConfigReader.kind(p));
      return null;
    }
    r.keys(p, path, PRICE);
    String in = r.decimal(p, "inputPerMillion", path + ".inputPerMillion");
    String out = r.decimal(p, "outputPerMillion", path + ".outputPerMillion");
    for (String required : List.of("inputPerMillion", "outputPerMillion")) {
      if (ConfigReader.present(p, required) == null) {
        r.problem(path + "." + required, "required, as a decimal string such as \"2.50\"");
      }
    }
    String cacheRead = r.decimal(p, "cacheReadPerMillion", path + ".cacheReadPerMillion");
    String cacheWrite = r.decimal(p, "cacheWritePerMillion", path + ".cacheWritePerMillion");
    String reasoning = r.decimal(p, "reasoningPerMillion", path + ".reasoningPerMillion");
    Long maxOut = r.integer(p, "maxOutputTokens", path + ".maxOutputTokens", 1);
    if (in == null || out == null) {
      return null;
    }
    Rates rates = Rates.perMillion(in, out);
    if (cacheRead != null) {
      rates = rates.withCacheReadPerMillion(cacheRead);
    }
    if (cacheWrite != null) {
      rates = rates.withCacheWritePerMillion(cacheWrite);
    }
    if (reasoning != null) {
      rates = rates.withReasoningPerMillion(reasoning);
    }
    ModelPrice price = ModelPrice.of(key, rates);
    return maxOut == null ? price : price.withMaxOutputTokens(maxOut);
  }

  @Nullable Budgets budgets() {
    List<JsonNode> budgetNodes = r.list(root, "budgets", "budgets");
    List<JsonNode> limitNodes = r.list(root, "rateLimits", "rateLimits");
    if (budgetNodes.isEmpty() && limitNodes.isEmpty()) {
      return null;
    }
    Budgets.Builder b = Budgets.builder();
    bindings.budgetStore().ifPresent(b::store);
    JsonNode unpriced = ConfigReader.present(root, "unpricedModels");
    if (unpriced != null) {
      if (unpriced.isTextual() && unpriced.asText().equals("reject")) {
        b.unpricedModels(UnpricedModels.reject());
      } else if (unpriced.isObject()) {
        ModelPrice fallback = price("unpriced", unpriced, "unpricedModels");
        if (fallback != null) {
          b.unpricedModels(UnpricedModels.reserveAt(fallback));
        }
      } else {
        r.problem("unpricedModels", "expected 'reject' or a price (inputPerMillion, outputPerMillion) but found "
            + ConfigReader.kind(unpriced));
      }
    }
    for (int i = 0; i < budgetNodes.size(); i++) {
      String path = "budgets[" + i + "]";
      Budget budget = budget(budgetNodes.get(i), path);
      if (budget != null) {
        r.apply(path + ".name", () -> b.budget(budget));
      }
    }
    for (int i = 0; i < limitNodes.size(); i++) {
      String path = "rateLimits[" + i + "]";
      RateLimit limit = rateLimit(limitNodes.get(i), path);
      if (limit != null) {
        b.rateLimit(limit);
      }
    }
    Budgets built = b.build();
    client.budgets(built);
    return built;
  }

  private @Nullable Budget budget(JsonNode n, String path) {
    if (!r.mapping(n, path, BUDGET)) {
      return null;
    }
    Scope scope = scope(n, path);
    Money money = r.money(n, "limit", path + ".limit");
    Long tokens = r.integer(n, "tokens", path + ".tokens", 0);
    boolean oneLimit = r.exactlyOne(n, path, "limit", "tokens");
    Window window = window(n, path);
    Boolean hard = r.bool(n, "hard", path + ".hard");
    OverLimit action = overLimit(n, path);
    String name = r.string(n, "name", path + ".name");
    if (scope == null || window == null || action == null || (money == null && tokens == null) || !oneLimit) {
      return null;
    }
    Budget budget;
    if (money != null) {
      budget = r.build(path, () -> Budget.money(scope, money, window));
    } else {
      long t = Objects.requireNonNull(tokens, "tokens");
      budget = r.build(path, () -> Budget.tokens(scope, t, window));
    }
    if (budget == null) {
      return null;
    }
    budget = budget.onExceeded(action);
    if (Boolean.FALSE.equals(hard)) {
      budget = budget.soft();
    }
    return name == null ? budget : budget.named(name);
  }

  private @Nullable Scope scope(JsonNode n, String path) {
    if (ConfigReader.present(n, "scope") == null) {
      r.problem(path + ".scope", "required: one of global, tenant, subject, api_key, feature");
      return null;
    }
    return r.choice(n, "scope", path + ".scope", Scope.class);
  }

  private static final String WINDOWS =
      "daily, monthly, total, a length such as 1h, or rolling <length>/<buckets> such as rolling 24h/24";

  /** {@code 24h/24}: the last 24 hours in 24 buckets. */
  private @Nullable Window rolling(String spec, String path) {
    int slash = spec.indexOf('/');
    Duration length = ConfigReader.parseDuration(slash < 0 ? spec : spec.substring(0, slash).trim());
    Integer buckets = null;
    if (slash >= 0) {
      try {
        buckets = Integer.valueOf(spec.substring(slash + 1).trim());
      } catch (NumberFormatException e) {
        buckets = null;
      }
    }
    if (length == null || buckets == null) {
      r.problem(path + ".window", "a rolling window is written rolling <length>/<buckets>, such as rolling 24h/24");
      return null;
    }
    int b = buckets;
    return r.build(path + ".window", () -> Window.rolling(length, b));
  }

  private @Nullable Window window(JsonNode n, String path) {
    String w = r.string(n, "window", path + ".window");
    String zoneText = r.string(n, "zone", path + ".zone");
    ZoneId zone = null;
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        r.problem(path + ".zone", "unknown time zone " + ConfigReader.quote(zoneText));
      }
    }
    if (w == null) {
      if (ConfigReader.present(n, "window") == null) {
        r.problem(path + ".window", "required: " + WINDOWS);
      }
      return null;
    }
    switch (w.toLowerCase(Locale.ROOT)) {
      case "daily" -> {
        return zone == null ? Window.daily() : Window.daily(zone);
      }
      case "monthly" -> {
        return zone == null ? Window.monthly() : Window.monthly(zone);
      }
      case "total" -> {
        return Window.total();
      }
      default -> {
        if (w.regionMatches(true, 0, "rolling ", 0, 8)) {
          return rolling(w.substring(8).trim(), path);
        }
        Duration d = ConfigReader.parseDuration(w);
        if (d == null) {
          r.problem(path + ".window", "not a window: " + ConfigReader.quote(w) + "; " + WINDOWS);
          return null;
        }
        return r.build(path + ".window", () -> Window.every(d));
      }
    }
  }

  private @Nullable RateLimit rateLimit(JsonNode n, String path) {
    if (!r.mapping(n, path, RATE_LIMIT)) {
      return null;
    }
    Scope scope = scope(n, path);
    Long requests = r.integer(n, "requestsPerMinute", path + ".requestsPerMinute", 1);
    Long tokens = r.integer(n, "tokensPerMinute", path + ".tokensPerMinute", 1);
    boolean oneLimit = r.exactlyOne(n, path, "requestsPerMinute", "tokensPerMinute");
    OverLimit action = overLimit(n, path);
    if (scope == null || action == null || !oneLimit || (requests == null && tokens == null)) {
      return null;
    }
    RateLimit limit = requests != null
        ? RateLimit.requestsPerMinute(scope, requests)
        : RateLimit.tokensPerMinute(scope, Objects.requireNonNull(tokens, "tokens"));
    return limit.onExceeded(action);
  }

  /** {@code onExceeded: reject | wait | downgrade} with {@code maxWait} or {@code downgradeTo}. */
  private @Nullable OverLimit overLimit(JsonNode n, String path) {
    String action = r.string(n, "onExceeded", path + ".onExceeded");
    Duration maxWait = r.duration(n, "maxWait", path + ".maxWait");
    String to = r.string(n, "downgradeTo", path + ".downgradeTo");
    String kind = action == null ? "reject" : action.toLowerCase(Locale.ROOT);
    if (!kind.equals("wait") && ConfigReader.present(n, "maxWait") != null) {
      r.problem(path + ".maxWait", "only used with onExceeded: wait");
    }
    if (!kind.equals("downgrade") && ConfigReader.present(n, "downgradeTo") != null) {
      r.problem(path + ".downgradeTo", "only used with onExceeded: downgrade");
    }
    switch (kind) {
      case "reject" -> {
        return OverLimit.reject();
      }
      case "wait" -> {
        if (maxWait == null) {
          if (ConfigReader.present(n, "maxWait") == null) {
            r.problem(path + ".maxWait", "required with onExceeded: wait");
          }
          return null;
        }
        return OverLimit.waitUpTo(maxWait);
      }
      case "downgrade" -> {
        if (to == null) {
          if (ConfigReader.present(n, "downgradeTo") == null) {
            r.problem(path + ".downgradeTo", "required with onExceeded: downgrade");
          }
          return null;
        }
        return a.knownModel(to, path + ".downgradeTo") ? OverLimit.downgradeTo(to) : null;
      }
      default -> {
        r.problem(path + ".onExceeded", "unknown action " + ConfigReader.quote(kind) + "; one of reject, wait, downgrade");
        return null;
      }
    }
  }

  void cache() {
    JsonNode c = r.object(root, "cache", "cache", CACHE);
    if (c == null || !r.bool(c, "enabled", "cache.enabled", true)) {
      return;
    }
    ResponseCache.Builder b = ResponseCache.builder();
    Long size = r.integer(c, "maximumSize", "cache.maximumSize", 1);
    if (size != null) {
      b.maximumSize(size);
    }
    Duration ttl = r.duration(c, "expireAfterWrite", "cache.expireAfterWrite");
    if (ttl != null) {
      r.apply("cache.expireAfterWrite", () -> b.expireAfterWrite(ttl));
    }
    Boolean any = r.bool(c, "allowNonDeterministic", "cache.allowNonDeterministic");
    if (any != null) {
      b.allowNonDeterministic(any);
    }
    client.cache(b.build());
  }
}
