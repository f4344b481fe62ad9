package dev.llmops.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server-side script, called by its SHA-1 ({@code EVALSHA}); when the server's script cache
 * lacks it (after a restart, a failover or {@code SCRIPT FLUSH}: {@code NOSCRIPT}, which Lettuce
 * reports as {@link RedisNoScriptException}), it is sent once in full ({@code EVAL}), which
 * caches it again. Thread-safe.
 */
final class LuaScript {
  final String name;
  final String text;
  final String sha;

  private LuaScript(String name, String text) {
    this.name = name;
    this.text = text;
    this.sha = sha1(text);
  }

  /** The script in resource {@code name} next to this class. */
  static LuaScript load(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/llmops/redis/" + name);
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource dev/llmops/redis/" + name, e);
    }
  }

  /** Runs the script; counts in {@code reloads} each time the server had to be sent its text. */
  CompletableFuture<List<Object>> run(
      RedisAsyncCommands<String, String> redis, String[] keys, String[] args, LongAdder reloads) {
    return redis.<List<Object>>evalsha(sha, ScriptOutputType.MULTI, keys, args).toCompletableFuture()
        .exceptionallyCompose(e -> {
          if (unwrap(e) instanceof RedisNoScriptException) {
            reloads.increment();
            return redis.<List<Object>>eval(text, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
          }
          return CompletableFuture.failedFuture(unwrap(e));
        });
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-1", e);
    }
  }
}
