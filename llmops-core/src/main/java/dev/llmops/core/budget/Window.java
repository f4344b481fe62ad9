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
 * to the epoch (every hour, every 7 days), the whole lifetime, or a rolling (sliding) length such
 * as the last 24 hours. Each calendar or fixed window starts from zero; a reservation made in one
 * window is settled in that window even if it ends in the next. A rolling window never resets: see
 * {@link #rolling(Duration, int)}. Immutable.
 */
public final class Window {
  private enum Kind { DAY, MONTH, FIXED, TOTAL, ROLLING }

  private final Kind kind;
  private final Duration length;
  private final ZoneId zone;
  private final int buckets;

  private Window(Kind kind, Duration length, ZoneId zone) {
    this(kind, length, zone, 1);
  }

  private Window(Kind kind, Duration length, ZoneId zone, int buckets) {
    this.kind = kind;
    this.length = length;
    this.zone = zone;
    this.buckets = buckets;
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

  /**
   * A rolling (sliding) window: the spending of the last {@code length}, counted in {@code
   * buckets} buckets of {@code length / buckets} each (the granularity), aligned to the epoch. For
   * example {@code rolling(Duration.ofHours(24), 24)} counts the last 24 hours in hourly buckets.
   *
   * <p>Spending and reservations are recorded in the bucket of the time the attempt was reserved
   * (its settlement or release goes to that same bucket, so nothing leaks when buckets roll). At
   * time {@code now} the window holds the bucket of {@code now} and the {@code buckets} buckets
   * before it: every amount reserved in {@code [now - length, now]} is counted, so no interval of
   * {@code length} ever holds more than a hard limit; an amount leaves the window between {@code
   * length} and {@code length + granularity} after it was reserved. An attempt settled after its
   * bucket has left the window is not counted again (its reservation was counted while it
   * mattered).
   *
   * <p>{@link dev.llmops.api.BudgetExceededException#resetAt()} for a rolling budget is the bucket
   * boundary at which enough of the oldest spending and reservations will have left the window for
   * the rejected reservation to fit, assuming nothing else is reserved meanwhile and in-flight
   * reservations settle at their full amount; when the reservation is larger than the limit, the
   * time the whole current spending has left. Needs a {@link BudgetStore} that supports rolling
   * windows ({@link BudgetStore#inMemory()} does).
   *
   * @throws IllegalArgumentException if {@code buckets} is not in 1..10000, or {@code length} is
   *     not a whole number of milliseconds per bucket (at least 1 ms each)
   */
  public static Window rolling(Duration length, int buckets) {
    Objects.requireNonNull(length, "length");
    if (buckets < 1 || buckets > 10_000) {
      throw new IllegalArgumentException("rolling window buckets must be in 1..10000 but was " + buckets);
    }
    long millis = length.toMillis();
    if (length.compareTo(Duration.ofMillis(millis)) != 0 || millis < buckets || millis % buckets != 0) {
      throw new IllegalArgumentException(
          "rolling window length " + length + " must split into " + buckets + " buckets of whole milliseconds");
    }
    return new Window(Kind.ROLLING, length, ZoneOffset.UTC, buckets);
  }

  /** True for a {@link #rolling(Duration, int)} window. */
  public boolean isRolling() {
    return kind == Kind.ROLLING;
  }

  /** The number of buckets of a rolling window; 1 for the others. */
  public int buckets() {
    return buckets;
  }

  /** The length of one bucket of a rolling window (its granularity); the window's length otherwise. */
  public Duration granularity() {
    return length.dividedBy(buckets);
  }

  /**
   * The index of the bucket holding {@code epochMillis}: the number of whole granularities since
   * the epoch.
   */
  public long bucket(long epochMillis) {
    return Math.floorDiv(epochMillis, length.toMillis() / buckets);
  }

  /** When bucket {@code bucket} starts. */
  public Instant bucketStart(long bucket) {
    return Instant.ofEpochMilli(Math.multiplyExact(bucket, length.toMillis() / buckets));
  }

  /**
   * The start of the window holding {@code now}; for a rolling window, the start of the oldest
   * bucket it counts.
   */
  public Instant start(Instant now) {
    return switch (kind) {
      case DAY -> LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
      case MONTH -> LocalDate.ofInstant(now, zone).withDayOfMonth(1).atStartOfDay(zone).toInstant();
      case FIXED -> {
        long len = length.toMillis();
        yield Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), len) * len);
      }
      case TOTAL -> Instant.EPOCH;
      case ROLLING -> bucketStart(bucket(now.toEpochMilli()) - buckets);
    };
  }

  /**
   * When the window holding {@code now} ends, or null for {@link #total()} and rolling windows
   * (which never end; their oldest bucket leaves at the next bucket boundary).
   */
  public @Nullable Instant end(Instant now) {
    return switch (kind) {
      case DAY -> ZonedDateTime.ofInstant(start(now), zone).plusDays(1).toInstant();
      case MONTH -> ZonedDateTime.ofInstant(start(now), zone).plusMonths(1).toInstant();
      case FIXED -> start(now).plus(length);
      case TOTAL, ROLLING -> null;
    };
  }

  /**
   * The window in words: {@code per day}, {@code per month}, {@code per PT1H}, {@code in total},
   * {@code per rolling PT24H/24}.
   */
  @Override
  public String toString() {
    String in = zone.equals(ZoneOffset.UTC) ? "" : " (" + zone + ")";
    return switch (kind) {
      case DAY -> "per day" + in;
      case MONTH -> "per month" + in;
      case FIXED -> "per " + length;
      case TOTAL -> "in total";
      case ROLLING -> "per rolling " + length + "/" + buckets;
    };
  }
}
