package dev.llmops.core.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.CallContext;
import dev.llmops.api.Money;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.Rates;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The budget package's values: what each builds, accepts, refuses and says. */
class BudgetValuesTest {
  private static final Instant NOON = Instant.parse("2026-03-15T12:34:56.789Z");

  @Test
  void budgetsKeepTheirPartsAndChangeOneAtATime() {
    Budget money = Budget.money(Scope.TENANT, Money.usd("50"), Window.daily());
    assertThat(money.limit()).isEqualTo(50_000_000_000L);
    assertThat(money.unit()).isEqualTo(Budget.Unit.MONEY);
    assertThat(money.hard()).isTrue();
    assertThat(money.onExceeded()).isEqualTo(OverLimit.reject());
    assertThat(money.name()).isEqualTo("money/TENANT/per day");
    assertThat(money.describe()).matches("50(\\.0+)? USD per day");
    Budget soft = money.soft();
    assertThat(soft.hard()).isFalse();
    assertThat(soft.limit()).isEqualTo(money.limit());
    assertThat(soft.name()).isEqualTo(money.name());
    Budget renamed = soft.named("x").onExceeded(OverLimit.downgradeTo("cheap"));
    assertThat(renamed.name()).isEqualTo("x");
    assertThat(renamed.hard()).isFalse();
    assertThat(renamed.onExceeded().endpoint()).isEqualTo("cheap");
    assertThat(renamed.scope()).isEqualTo(Scope.TENANT);
    assertThat(renamed.window().toString()).isEqualTo("per day");
    Budget tokens = Budget.tokens(Scope.SUBJECT, 1_000, Window.monthly());
    assertThat(tokens.describe()).isEqualTo("1000 tokens per month");
    assertThat(tokens.name()).isEqualTo("tokens/SUBJECT/per month");
    assertThat(Budget.tokens(Scope.GLOBAL, 0, Window.total()).limit()).isZero();
    assertThatThrownBy(() -> Budget.tokens(Scope.GLOBAL, -1, Window.total()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
  }

  @Test
  void theBuilderRefusesDuplicateNamesAndOutOfRangeSettings() {
    Budget a = Budget.tokens(Scope.GLOBAL, 10, Window.daily());
    Budgets.Builder b = Budgets.builder().budget(a);
    assertThatThrownBy(() -> b.budget(a.soft())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(a.name());
    b.budget(a.named("other"));
    assertThatThrownBy(() -> b.defaultMaxOutputTokens(0)).hasMessageContaining("defaultMaxOutputTokens");
    assertThatThrownBy(() -> b.minOutputTokens(0)).hasMessageContaining("minOutputTokens");
    Budgets built = b.defaultMaxOutputTokens(1).minOutputTokens(1).build();
    assertThat(built.budgets()).extracting(Budget::name).containsExactly(a.name(), "other");
    assertThat(built.defaultMaxOutputTokens()).isEqualTo(1);
    assertThat(built.minOutputTokens()).isEqualTo(1);
    assertThat(built.unpricedModels()).isSameAs(UnpricedModels.reject());
    assertThat(built.rateLimits()).isEmpty();
    assertThat(Budgets.builder().build().defaultMaxOutputTokens()).isEqualTo(4096);
    assertThat(Budgets.builder().build().minOutputTokens()).isEqualTo(1);
  }

  @Test
  void unpricedModelsRejectOrNameTheirFallback() {
    ModelPrice price = ModelPrice.of("fallback", Rates.perMillion("1", "2"));
    assertThat(UnpricedModels.reject().fallbackPrice()).isNull();
    assertThat(UnpricedModels.reject()).hasToString("reject");
    assertThat(UnpricedModels.reserveAt(price).fallbackPrice()).isSameAs(price);
    assertThat(UnpricedModels.reserveAt(price)).hasToString("reserveAt(fallback)");
  }

  @Test
  void overLimitActionsAreChecked() {
    assertThat(OverLimit.reject().action()).isEqualTo(OverLimit.Action.REJECT);
    assertThat(OverLimit.waitUpTo(Duration.ofSeconds(3)).maxWait()).isEqualTo(Duration.ofSeconds(3));
    assertThat(OverLimit.waitUpTo(Duration.ZERO).action()).isEqualTo(OverLimit.Action.WAIT);
    assertThatThrownBy(() -> OverLimit.waitUpTo(Duration.ofMillis(-1))).hasMessageContaining("maxWait");
    assertThatThrownBy(() -> new OverLimit(OverLimit.Action.DOWNGRADE, Duration.ZERO, " "))
        .hasMessageContaining("DOWNGRADE");
    assertThatThrownBy(() -> new OverLimit(OverLimit.Action.DOWNGRADE, Duration.ZERO, null))
        .hasMessageContaining("DOWNGRADE");
  }

  @Test
  void rateLimitsAreCheckedAndDescribed() {
    RateLimit rpm = RateLimit.requestsPerMinute(Scope.API_KEY, 1);
    assertThat(rpm.describe()).isEqualTo("1 requests per minute");
    assertThat(rpm.unit()).isEqualTo(RateLimit.Unit.REQUESTS);
    RateLimit tpm = RateLimit.tokensPerMinute(Scope.FEATURE, 500).onExceeded(OverLimit.waitUpTo(Duration.ofSeconds(1)));
    assertThat(tpm.describe()).isEqualTo("500 tokens per minute");
    assertThat(tpm.onExceeded().action()).isEqualTo(OverLimit.Action.WAIT);
    assertThat(tpm.perMinute()).isEqualTo(500);
    assertThatThrownBy(() -> RateLimit.requestsPerMinute(Scope.GLOBAL, 0)).hasMessageContaining("0");
  }

  @Test
  void scopesNameTheirValueAndShadowCallsApart() {
    CallContext full = CallContext.ofTenant("acme").withSubject("ana").withFeature("chat").withApiKeyId("k1");
    assertThat(Scope.GLOBAL.key(full)).isEqualTo("global:*");
    assertThat(Scope.TENANT.key(full)).isEqualTo("tenant:acme");
    assertThat(Scope.SUBJECT.key(full)).isEqualTo("subject:ana");
    assertThat(Scope.FEATURE.key(full)).isEqualTo("feature:chat");
    assertThat(Scope.API_KEY.key(full)).isEqualTo("api_key:k1");
    assertThat(Scope.TENANT.key(CallContext.empty())).isEqualTo("tenant:(none)");
    CallContext shadow = full.withTag("llmops.shadow", "true");
    assertThat(Scope.TENANT.key(shadow)).isEqualTo("shadow:tenant:acme");
    assertThat(Scope.TENANT.key(full.withTag("llmops.shadow", "false"))).isEqualTo("tenant:acme");
    assertThat(Scope.TENANT.key(full.withTag("other", "true"))).isEqualTo("tenant:acme");
    assertThat(Scope.TENANT.value(shadow)).isEqualTo("acme");
  }

  @Test
  void counterKeysNameBudgetScopeAndWindowAndShadowCallsApart() {
    Budget daily = Budget.money(Scope.TENANT, Money.usd("1"), Window.daily()).named("d");
    CallContext acme = CallContext.ofTenant("acme");
    assertThat(Budgets.counterKey(daily, acme, NOON)).isEqualTo("d|tenant:acme|2026-03-15T00:00:00Z");
    assertThat(Budgets.counterKey(daily, acme.withTag("llmops.shadow", "true"), NOON))
        .isEqualTo("d|shadow:tenant:acme|2026-03-15T00:00:00Z");
    Budget rolling = Budget.tokens(Scope.TENANT, 1, Window.rolling(Duration.ofHours(1), 4)).named("r");
    assertThat(Budgets.counterKey(rolling, acme, NOON)).isEqualTo("r|tenant:acme|rolling");
  }

  @Test
  void calendarWindowsStartAndEndInTheirZone() {
    assertThat(Window.daily().start(NOON)).isEqualTo(Instant.parse("2026-03-15T00:00:00Z"));
    assertThat(Window.daily().end(NOON)).isEqualTo(Instant.parse("2026-03-16T00:00:00Z"));
    ZoneId paris = ZoneId.of("Europe/Paris");
    assertThat(Window.daily(paris).start(NOON)).isEqualTo(Instant.parse("2026-03-14T23:00:00Z"));
    assertThat(Window.daily(paris).toString()).isEqualTo("per day (Europe/Paris)");
    assertThat(Window.monthly().start(NOON)).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    assertThat(Window.monthly().end(NOON)).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    assertThat(Window.monthly(paris).end(NOON)).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
    assertThat(Window.total().start(NOON)).isEqualTo(Instant.EPOCH);
    assertThat(Window.total().end(NOON)).isNull();
    assertThat(Window.total()).hasToString("in total");
    assertThat(Window.daily().buckets()).isEqualTo(1);
    assertThat(Window.daily().isRolling()).isFalse();
  }

  @Test
  void fixedWindowsAreAlignedToTheEpoch() {
    Window seven = Window.every(Duration.ofMinutes(7));
    Instant start = seven.start(NOON);
    assertThat(start.toEpochMilli() % Duration.ofMinutes(7).toMillis()).isZero();
    assertThat(start).isBeforeOrEqualTo(NOON).isAfter(NOON.minus(Duration.ofMinutes(7)));
    assertThat(seven.end(NOON)).isEqualTo(start.plus(Duration.ofMinutes(7)));
    assertThat(seven.start(start)).isEqualTo(start);
    assertThat(seven.start(start.minusMillis(1))).isEqualTo(start.minus(Duration.ofMinutes(7)));
    assertThat(seven).hasToString("per PT7M");
    assertThat(seven.granularity()).isEqualTo(Duration.ofMinutes(7));
    assertThat(Window.every(Duration.ofSeconds(1)).granularity()).isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> Window.every(Duration.ofMillis(999))).hasMessageContaining("PT0.999S");
  }

  @Test
  void rollingWindowsCountBucketsAlignedToTheEpoch() {
    Window w = Window.rolling(Duration.ofHours(1), 4);
    assertThat(w.isRolling()).isTrue();
    assertThat(w.buckets()).isEqualTo(4);
    assertThat(w.granularity()).isEqualTo(Duration.ofMinutes(15));
    long bucket = w.bucket(NOON.toEpochMilli());
    assertThat(w.bucketStart(bucket)).isEqualTo(Instant.parse("2026-03-15T12:30:00Z"));
    assertThat(w.bucketStart(bucket + 1)).isEqualTo(Instant.parse("2026-03-15T12:45:00Z"));
    assertThat(w.bucket(-1)).isEqualTo(-1);
    assertThat(w.start(NOON)).isEqualTo(Instant.parse("2026-03-15T11:30:00Z"));
    assertThat(w).hasToString("per rolling PT1H/4");
    assertThat(Window.rolling(Duration.ofMillis(10_000), 10_000).granularity()).isEqualTo(Duration.ofMillis(1));
    assertThatThrownBy(() -> Window.rolling(Duration.ofHours(1), 10_001)).hasMessageContaining("10001");
    assertThatThrownBy(() -> Window.rolling(Duration.ofNanos(1_500_000), 1)).hasMessageContaining("whole");
    assertThatThrownBy(() -> Window.rolling(Duration.ofMillis(3), 4)).hasMessageContaining("4 buckets");
    assertThatThrownBy(() -> Window.rolling(Duration.ofMillis(10), 4)).hasMessageContaining("4 buckets");
  }

  @Test
  void aTokenBucketAllowsAMinutesBurstAndRefillsContinuously() {
    TokenBucket b = new TokenBucket(60);
    long t = 1_000_000_000_000L;
    assertThat(b.tryTake(60, t)).isZero();
    assertThat(b.tryTake(1, t)).isEqualTo(1_000_000_000L); // one token a second
    assertThat(b.tryTake(1, t + 999_999_999L)).isEqualTo(1L);
    assertThat(b.tryTake(1, t + 1_000_000_000L)).isZero();
    b.adjust(-30, t + 1_000_000_000L); // gives 30 back
    assertThat(b.tryTake(30, t + 1_000_000_000L)).isZero();
    assertThat(b.tryTake(1, t + 1_000_000_000L)).isPositive();
    b.adjust(60, t + 1_000_000_000L); // a minute more in debt: empty until a minute later
    assertThat(b.tryTake(1, t + 1_000_000_000L)).isEqualTo(61_000_000_000L);
    assertThat(b.tryTake(1, t + 61_000_000_000L)).isEqualTo(1_000_000_000L);
    TokenBucket fresh = new TokenBucket(10);
    assertThat(fresh.tryTake(11, t)).isPositive();
    assertThat(fresh.tryTake(Long.MAX_VALUE / 2, t)).as("too large to ever fit").isPositive();
    fresh.adjust(0, t);
    assertThat(fresh.tryTake(10, t)).isZero();
  }

  @Test
  void eventsHaveTheirNames() {
    assertThat(new BudgetEvents.SoftLimitExceeded("s", "l").name()).isEqualTo("llmops.budget.soft_limit_exceeded");
    assertThat(new BudgetEvents.Downgraded("a", "b", "s", "l").name()).isEqualTo("llmops.budget.downgraded");
    assertThat(new BudgetEvents.Waiting(Duration.ZERO, "s", "l").name()).isEqualTo("llmops.budget.waiting");
    assertThat(new BudgetEvents.Overshoot("s", "l", 1, 2, 1).name()).isEqualTo("llmops.budget.overshoot");
  }
}
