package dev.llmops.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmops.api.spi.ChatModel;
import dev.llmops.core.provider.Secret;
import dev.llmops.core.provider.anthropic.AnthropicChatModel;
import dev.llmops.core.provider.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The {@code models} and {@code defaultModel} sections: provider adapters built from the file, or supplied models. */
final class ModelSection extends Section {
  private static final Set<String> MODEL_COMMON = Set.of(
      "provider", "model", "baseUrl", "apiKeyEnv", "timeout", "connectTimeout", "headers");
  private static final Set<String> MODEL_OPENAI = Set.of(
      "organization", "project", "apiKeyHeader", "queryParameters", "providerName", "legacyMaxTokens",
      "includeUsageInStream");
  private static final Set<String> MODEL_ANTHROPIC = Set.of("anthropicVersion", "defaultMaxTokens", "beta");
  private static final Set<String> MODEL_AZURE = Set.of("endpoint", "deployment", "apiVersion");


  ModelSection(Assembler a) {
    super(a);
  }

  void models() {
    Map<String, JsonNode> entries = r.entries(root, "models", "models");
    if (entries.isEmpty() && ConfigReader.present(root, "models") == null) {
      r.problem("models", "required: at least one model endpoint");
    }
    for (Map.Entry<String, JsonNode> e : entries.entrySet()) {
      String name = e.getKey();
      String path = "models." + name;
      JsonNode m = e.getValue();
      if (!m.isObject()) {
        r.problem(path, "expected a mapping with at least 'provider' but found " + ConfigReader.kind(m));
        continue;
      }
      a.modelNames.add(name);
      ChatModel model = model(name, path, m);
      if (model != null) {
        r.apply(path, () -> client.model(name, model));
        if (model instanceof AutoCloseable built && !bindings.models().containsKey(name)) {
          client.closeOnClose(built); // the adapter's HTTP threads end with the client
        }
      }
    }
    for (String bound : bindings.models().keySet()) {
      if (!a.modelNames.contains(bound)) {
        r.problem("models", "the bindings supply model '" + bound + "' but the file does not declare it; add '"
            + bound + ": {provider: supplied}'");
      }
    }
  }

  private @Nullable ChatModel model(String name, String path, JsonNode m) {
    String provider = r.string(m, "provider", path + ".provider");
    if (provider == null) {
      if (ConfigReader.present(m, "provider") == null) {
        r.problem(path + ".provider", "required: openai, azure, anthropic or supplied");
      }
      return null;
    }
    switch (provider.toLowerCase(Locale.ROOT)) {
      case "supplied" -> {
        r.keys(m, path, Set.of("provider"));
        ChatModel supplied = bindings.models().get(name);
        if (supplied == null) {
          r.problem(path, "provider 'supplied' but the bindings supply no model '" + name
              + "'; bind it with ConfigBindings.builder().model(\"" + name + "\", chatModel)");
        }
        return supplied;
      }
      case "openai" -> {
        r.keys(m, path, union(MODEL_COMMON, MODEL_OPENAI));
        return openAi(path, m, OpenAiChatModel.builder());
      }
      case "azure" -> {
        r.keys(m, path, union(union(MODEL_COMMON, MODEL_OPENAI), MODEL_AZURE));
        OpenAiChatModel.Builder b = OpenAiChatModel.builder();
        String endpoint = r.string(m, "endpoint", path + ".endpoint");
        String deployment = r.string(m, "deployment", path + ".deployment");
        String version = r.string(m, "apiVersion", path + ".apiVersion");
        if (endpoint == null || deployment == null || version == null) {
          for (String key : List.of("endpoint", "deployment", "apiVersion")) {
            if (ConfigReader.present(m, key) == null) {
              r.problem(path + "." + key, "required for provider azure");
            }
          }
          return null;
        }
        r.apply(path + ".endpoint", () -> b.azure(endpoint, deployment, version));
        return openAi(path, m, b);
      }
      case "anthropic" -> {
        r.keys(m, path, union(MODEL_COMMON, MODEL_ANTHROPIC));
        return anthropic(path, m);
      }
      default -> {
        r.problem(path + ".provider", "unknown provider " + ConfigReader.quote(provider) + "; one of openai, azure, anthropic, supplied");
        return null;
      }
    }
  }

  private @Nullable ChatModel openAi(String path, JsonNode m, OpenAiChatModel.Builder b) {
    b.clock(clock);
    boolean ok = endpoint(path, m, b::model, b::baseUrl, b::apiKey, b::timeout, b::connectTimeout, b::header);
    String s = r.string(m, "organization", path + ".organization");
    if (s != null) {
      b.organization(s);
    }
    s = r.string(m, "project", path + ".project");
    if (s != null) {
      b.project(s);
    }
    String header = r.string(m, "apiKeyHeader", path + ".apiKeyHeader");
    if (header != null) {
      r.apply(path + ".apiKeyHeader", () -> b.apiKeyHeader(header));
    }
    String providerName = r.string(m, "providerName", path + ".providerName");
    if (providerName != null) {
      r.apply(path + ".providerName", () -> b.provider(providerName));
    }
    r.stringMap(m, "queryParameters", path + ".queryParameters")
        .forEach((k, v) -> r.apply(path + ".queryParameters." + k, () -> b.queryParameter(k, v)));
    Boolean legacy = r.bool(m, "legacyMaxTokens", path + ".legacyMaxTokens");
    if (legacy != null) {
      b.legacyMaxTokens(legacy);
    }
    Boolean usage = r.bool(m, "includeUsageInStream", path + ".includeUsageInStream");
    if (usage != null) {
      b.includeUsageInStream(usage);
    }
    return ok ? r.build(path, b::build) : null;
  }

  private @Nullable ChatModel anthropic(String path, JsonNode m) {
    AnthropicChatModel.Builder b = AnthropicChatModel.builder().clock(clock);
    boolean ok = endpoint(path, m, b::model, b::baseUrl, b::apiKey, b::timeout, b::connectTimeout, b::header);
    String v = r.string(m, "anthropicVersion", path + ".anthropicVersion");
    if (v != null) {
      r.apply(path + ".anthropicVersion", () -> b.anthropicVersion(v));
    }
    Integer max = r.smallInteger(m, "defaultMaxTokens", path + ".defaultMaxTokens", 1);
    if (max != null) {
      r.apply(path + ".defaultMaxTokens", () -> b.defaultMaxTokens(max));
    }
    for (String beta : r.strings(m, "beta", path + ".beta")) {
      r.apply(path + ".beta", () -> b.beta(beta));
    }
    return ok ? r.build(path, b::build) : null;
  }

  /** The settings both adapters share; false if the endpoint cannot be built (a problem was recorded). */
  private boolean endpoint(
      String path,
      JsonNode m,
      java.util.function.Consumer<String> model,
      java.util.function.Consumer<String> baseUrl,
      java.util.function.Consumer<Secret> apiKey,
      java.util.function.Consumer<Duration> timeout,
      java.util.function.Consumer<Duration> connectTimeout,
      java.util.function.BiConsumer<String, String> header) {
    boolean ok = true;
    String id = r.string(m, "model", path + ".model");
    if (id == null) {
      if (ConfigReader.present(m, "model") == null) {
        r.problem(path + ".model", "required: the provider's model id, for example gpt-4o-mini");
      }
      ok = false;
    } else {
      r.apply(path + ".model", () -> model.accept(id));
    }
    String url = r.string(m, "baseUrl", path + ".baseUrl");
    if (url != null) {
      r.apply(path + ".baseUrl", () -> baseUrl.accept(url));
    }
    String keyEnv = r.string(m, "apiKeyEnv", path + ".apiKeyEnv");
    if (keyEnv != null) {
      Secret secret = a.secret(keyEnv, path + ".apiKeyEnv");
      if (secret == null) {
        ok = false;
      } else {
        apiKey.accept(secret);
      }
    }
    Duration d = r.duration(m, "timeout", path + ".timeout");
    if (d != null) {
      r.apply(path + ".timeout", () -> timeout.accept(d));
    }
    Duration c = r.duration(m, "connectTimeout", path + ".connectTimeout");
    if (c != null) {
      r.apply(path + ".connectTimeout", () -> connectTimeout.accept(c));
    }
    r.stringMap(m, "headers", path + ".headers").forEach((k, v) -> r.apply(path + ".headers." + k, () -> header.accept(k, v)));
    return ok;
  }

  void defaultModel() {
    String def = r.string(root, "defaultModel", "defaultModel");
    if (def != null) {
      if (a.knownModel(def, "defaultModel")) {
        client.defaultModel(def);
      }
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return all;
  }
}
