package dev.llmops.core.budget;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The period a budget counts over: a calendar day or month in a time zone, a fixed length aligned
 * to the epoch (every hour, every 7 days), or the whole lifetime. Each window starts from zero; a
 * reservation made in one window is settled in that window even if it ends in the next.
 * Immutable.
 */
public final class Window {
  private enum Kind { DAY, MONTH, FIXED, TOTAL }

  private final Kind kind;
  private final Duration length;
  private final ZoneId zone;

  private Window(Kind kind, Duration length, ZoneId zone) {
    this.kind = kind;
    this.length = length;
    this.zone = zone;
  }

  /** Calendar days in UTC. */
  public static Window daily() {
    return daily(ZoneOffset.UTC);
  }

  /** Calendar days in {@code zone}. */
  public static Window daily(ZoneId zone) {
    return new Window(Kind.DAY, Duration.ofDays(1), Objects.requireNonNull(zone, "zone"));
  }

  /** Calendar months in UTC. */
  public static Window monthly() {
    return monthly(ZoneOffset.UTC);
  }

  /** Calendar months in {@code zone}. */
  public static Window monthly(ZoneId zone) {
    return new Window(Kind.MONTH, Duration.ofDays(31), Objects.requireNonNull(zone, "zone"));
  }

  /**
   * Consecutive windows of {@code length}, aligned to the epoch (so every instance of a service
   * agrees on them).
   *
   * @throws IllegalArgumentException if the length is under one second
   */
  public static Window every(Duration length) {
    Objects.requireNonNull(length, "length");
    if (length.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("window length must be >= 1s but was " + length);
    }
    return new Window(Kind.FIXED, length, ZoneOffset.UTC);
  }

  /** One window forever: a lifetime quota. */
  public static Window total() {
    return new Window(Kind.TOTAL, Duration.ZERO, ZoneOffset.UTC);
  }

  /** The start of the window holding {@code now}. */
  public Instant start(Instant now) {
    return switch (kind) {
      case DAY -> LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
      case MONTH -> LocalDate.ofInstant(now, zone).withDayOfMonth(1).atStartOfDay(zone).toInstant();
      case FIXED -> {
        long len = length.toMillis();
        yield Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), len) * len);
      }
      case TOTAL -> Instant.EPOCH;
    };
  }

  /** When the window holding {@code now} ends, or null for {@link #total()}. */
  public @Nullable Instant end(Instant now) {
    return switch (kind) {
      case DAY -> ZonedDateTime.ofInstant(start(now), zone).plusDays(1).toInstant();
      case MONTH -> ZonedDateTime.ofInstant(start(now), zone).plusMonths(1).toInstant();
      case FIXED -> start(now).plus(length);
      case TOTAL -> null;
    };
  }

  /** The window in words: {@code per day}, {@code per month}, {@code per PT1H}, {@code in total}. */
  @Override
  public String toString() {
    String in = zone.equals(ZoneOffset.UTC) ? "" : " (" + zone + ")";
    return switch (kind) {
      case DAY -> "per day" + in;
      case MONTH -> "per month" + in;
      case FIXED -> "per " + length;
      case TOTAL -> "in total";
    };
  }
}
