package dev.llmops.core.accounting;

import dev.llmops.api.AttemptInfo;
import dev.llmops.api.AttributeKey;
import dev.llmops.api.CallContext;
import dev.llmops.api.CallEvent;
import dev.llmops.api.CallInfo;
import dev.llmops.api.CallListener;
import dev.llmops.api.CallMode;
import dev.llmops.api.ChatChunk;
import dev.llmops.api.ChatRequest;
import dev.llmops.api.ChatResponse;
import dev.llmops.api.ConfigurationException;
import dev.llmops.api.Cost;
import dev.llmops.api.CostSaving;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Interceptor;
import dev.llmops.api.LlmException;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Money;
import dev.llmops.api.StreamHandler;
import dev.llmops.api.StreamInterruptedException;
import dev.llmops.api.Usage;
import dev.llmops.core.pipeline.CostGate;
import dev.llmops.core.pipeline.Endpoints;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.redaction.RedactingLogger;
import dev.llmops.core.tokens.TokenCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.Level;

/**
 * The accounting step of one client: an interceptor in the {@code ACCOUNTING} slot (below
 * resilience, so it runs once per attempt) and a listener on the same client.
 *
 * <p>The interceptor opens the attempt's reservation and watches its chunks; the record is written
 * from the listener's {@code attemptEnd}/{@code attemptFailed}, which the pipeline reports exactly
 * once per attempt even when a cancelled model never completes. So every attempt that reached a
 * provider yields exactly one ledger record and one settlement, and a reservation whose attempt
 * never started is released when the interceptor's stage completes or, at the latest, when the
 * call ends. Thread-safe.
 */
final class AccountingStep implements Interceptor, CallListener {
  private static final RedactingLogger LOG = RedactingLogger.of(AccountingStep.class);
  private static final AttributeKey<CallState> STATE = AttributeKey.internal("llmops.accounting.state", CallState.class);

  private final Accounting accounting;
  private final Endpoints endpoints;
  private final Clock clock;
  /** Where records go: the ledger's queue, or an in-memory ledger directly (see {@link LedgerQueues}). */
  private final Consumer<LedgerRecord> ledger;

  AccountingStep(Accounting accounting, Endpoints endpoints, Clock clock, Consumer<LedgerRecord> ledger) {
    this.accounting = accounting;
    this.endpoints = endpoints;
    this.clock = clock;
    this.ledger = ledger;
  }

  // ---- interceptor: once per attempt ----

  @Override
  public CompletionStage<ChatResponse> intercept(Chain chain) {
    ChatRequest request = chain.request();
    Endpoints.Endpoint endpoint = endpoints.resolve(request.model());
    if (endpoint == null) {
      return chain.proceed(request); // the model step reports the unknown endpoint
    }
    ModelInfo model = endpoint.info();
    if (endpoint.price() == null) {
      String version = accounting.catalog().version();
      if (accounting.unknownModels() == UnknownModelPolicy.FAIL) {
        return CompletableFuture.failedFuture(
            new ConfigurationException(
                "no price for model '" + model.modelId() + "' of provider '" + model.provider() + "' (endpoint '"
                    + endpoint.name() + "') in price catalog " + version
                    + "; add it with PriceCatalog.withOverride or use UnknownModelPolicy.RECORD"));
      }
      chain.publish(new Accounting.UnknownPriceEvent(endpoint.name(), model.provider(), model.modelId(), version));
    }
    CallInfo call = chain.call();
    CostGate.Settlement settlement;
    try {
      settlement = gate(call).open(call, request, endpoint);
    } catch (LlmException e) {
      return CompletableFuture.failedFuture(e);
    }
    request = settlement.bound(request); // the output cap the reservation paid for
    CallState state = state(call);
    Meter meter = new Meter(request, endpoint.name(), model, settlement, state);
    Meter previous = state.swapPending(meter);
    if (previous != null) {
      previous.abandon();
    }
    CompletionStage<ChatResponse> stage;
    if (call.mode() == CallMode.STREAM) {
      StreamHandler downstream = chain.chunks();
      stage = chain.proceed(request, chunk -> {
        meter.observe(chunk);
        downstream.onChunk(chunk);
      });
    } else {
      stage = chain.proceed(request);
    }
    return stage.whenComplete(meter); // releases the reservation if the attempt never started
  }

  /** The gate the admission step recorded on the call; none when no budget applies. */
  private static CostGate gate(CallInfo call) {
    CostGate gate = call.attributes().getOrNull(CostGate.KEY);
    return gate == null ? CostGate.NONE : gate;
  }

  private static CallState state(CallInfo call) {
    CallState s = call.attributes().getOrNull(STATE);
    if (s == null) {
      // Only this step creates the state, and a call's attempts run one after another.
      s = new CallState();
      call.attributes().put(STATE, s);
    }
    return s;
  }

  // ---- listener: exactly one record per attempt ----

  @Override
  public void attemptStart(AttemptInfo attempt) {
    CallState state = state(attempt.call());
    Meter meter = state.swapPending(null);
    if (meter == null || !meter.start()) {
      meter = new Meter(attempt.request(), attempt.endpoint(), attempt.model(), CostGate.Settlement.NONE, state);
      meter.start();
    }
    state.putActive(attempt.number(), meter);
  }

  @Override
  public void attemptEnd(AttemptInfo attempt, ChatResponse response) {
    Meter meter = take(attempt);
    Usage usage = response.usage();
    if (usage.totalTokens() == 0 && !response.text().isEmpty()) {
      usage = estimate(meter, response.text()); // the provider reported no usage
    }
    attempt.call().attributes().put(Endpoints.ANSWERED_BY, attempt.endpoint());
    record(attempt, meter, Outcome.SUCCEEDED, response.model(), usage);
  }

  @Override
  public void attemptFailed(AttemptInfo attempt, Throwable error) {
    Meter meter = take(attempt);
    Outcome outcome = error instanceof CancellationException ? Outcome.CANCELLED : Outcome.FAILED;
    Usage usage;
    if (error instanceof StreamInterruptedException sie) {
      Usage soFar = sie.usageSoFar();
      usage = soFar != null ? soFar : estimate(meter, longer(sie.partialText(), meter.partialText()));
    } else if (outcome == Outcome.CANCELLED || meter.sawChunks()) {
      // The provider had the prompt and may have generated: bill what we can see, flagged estimated.
      Usage reported = meter.reportedUsage();
      usage = reported != null ? reported : estimate(meter, meter.partialText());
    } else {
      usage = Usage.ZERO; // an error status: providers do not bill it
    }
    record(attempt, meter, outcome, "", usage);
  }

  @Override
  public void callEnd(CallInfo call, ChatResponse response) {
    endCall(call);
  }

  @Override
  public void callFailed(CallInfo call, Throwable error) {
    endCall(call);
  }

  @Override
  public void onEvent(CallInfo call, CallEvent event) {
    if (event instanceof CostSaving saving && !(accounting.ledger() instanceof NoLedger)) {
      Endpoints.Endpoint endpoint = endpoints.get(saving.endpoint());
      ModelInfo model = endpoint == null ? null : endpoint.info();
      Money saved = saving.saved().amount().orElse(null);
      sink(baseRecord(call, 0, Outcome.CACHE_HIT, saving.endpoint(), model == null ? "" : model.provider(),
          saving.model(), Usage.ZERO, new Cost(Money.ZERO, Money.ZERO, Money.ZERO, Money.ZERO,
              Money.ZERO, Money.ZERO, false, accounting.catalog().version(), ""), saved));
    }
  }

  private void endCall(CallInfo call) {
    CallState state = call.attributes().getOrNull(STATE);
    if (state != null) {
      Meter pending = state.swapPending(null);
      if (pending != null) {
        pending.abandon();
      }
      // Attempts still open here ended without an event (should not happen): free their reservations.
      for (Meter m : state.drainActive()) {
        m.abandonStarted();
      }
    }
    try {
      gate(call).callEnded(call);
    } catch (RuntimeException e) {
      LOG.log(call, Level.WARN, "budget gate threw {} at the end of a call; ignored", e.getClass().getName());
    }
  }

  private Meter take(AttemptInfo attempt) {
    CallState state = state(attempt.call());
    Meter meter = state.removeActive(attempt.number());
    if (meter == null) {
      meter = new Meter(attempt.request(), attempt.endpoint(), attempt.model(), CostGate.Settlement.NONE, state);
      meter.start();
    }
    return meter;
  }

  private Usage estimate(Meter meter, String output) {
    TokenCounter counter = accounting.tokenCounter(meter.model.modelId());
    long in = counter.countMessages(meter.request.messages());
    return new Usage(in, counter.count(output), 0, 0, 0, true);
  }

  private static String longer(String a, String b) {
    return a.length() >= b.length() ? a : b;
  }

  private void record(AttemptInfo attempt, Meter meter, Outcome outcome, String answeredBy, Usage usage) {
    ModelInfo model = attempt.model();
    ModelPrice price = price(attempt, answeredBy);
    Cost cost = accounting.cost(price, usage);
    // Exact, in integer arithmetic: the budget need not convert the decimal total.
    long nanos = price == null ? 0 : price.costNanosCeiling(usage);
    meter.settle(usage, cost, nanos);
    CallInfo call = attempt.call();
    CallState state = state(call);
    call.attributes().put(Cost.KEY, state.add(cost));
    if (accounting.ledger() instanceof NoLedger) {
      return; // nobody reads the record: do not build it
    }
    String modelName = answeredBy.isEmpty() ? model.modelId() : answeredBy;
    sink(baseRecord(call, attempt.number(), outcome, attempt.endpoint(), model.provider(), modelName, usage, cost, null));
  }

  /**
   * The price of an attempt: the one its endpoint resolved when the client was built, unless the
   * answer names another model the catalog prices (a dated id); a model that is not its endpoint's
   * is looked up.
   */
  private @Nullable ModelPrice price(AttemptInfo attempt, String answeredBy) {
    ModelInfo model = attempt.model();
    Endpoints.Endpoint endpoint = endpoints.get(attempt.endpoint());
    if (endpoint == null || !endpoint.info().equals(model)) {
      return accounting.price(model.provider(), model.modelId(), answeredBy);
    }
    ModelPrice answering = accounting.answeringPrice(model.provider(), model.modelId(), answeredBy);
    return answering != null ? answering : endpoint.price();
  }

  private LedgerRecord baseRecord(
      CallInfo call, int attempt, Outcome outcome, String endpoint, String provider, String model, Usage usage,
      Cost cost, @Nullable Money saved) {
    CallContext ctx = call.context();
    Fingerprint fp = call.attributes().getOrNull(Fingerprint.KEY);
    return new LedgerRecord(
        call.callId(), attempt, clock.instant(), outcome, endpoint, provider, model,
        ctx.tenant(), ctx.subject(), ctx.feature(), ctx.apiKeyId(),
        fp == null ? null : fp.promptName(), fp == null ? 0 : fp.promptVersion(),
        fp == null ? null : fp.experimentKey(), fp == null ? null : fp.variant(),
        "true".equals(ctx.tags().get(LedgerRecord.SHADOW_TAG)), usage, cost, saved);
  }

  private void sink(LedgerRecord record) {
    ledger.accept(record); // never throws, never waits on the sink
  }

  /** Per-call bookkeeping, a call attribute. */
  static final class CallState {
    private static final AtomicReferenceFieldUpdater<CallState, Meter> PENDING =
        AtomicReferenceFieldUpdater.newUpdater(CallState.class, Meter.class, "pending");

    // The reservation opened by the interceptor, waiting for its attempt to start.
    @SuppressWarnings("UnusedVariable") // read and written through PENDING
    private volatile @Nullable Meter pending;
    // Guarded by this. Attempts run one after another, so one is active at a time, rarely more
    // (a hedge): the first lives in a field, others in a map made only when needed.
    private int activeNumber;
    private @Nullable Meter active;
    private @Nullable Map<Integer, Meter> moreActive;
    private @Nullable Cost total;

    @Nullable Meter swapPending(@Nullable Meter meter) {
      return PENDING.getAndSet(this, meter);
    }

    void clearPending(Meter meter) {
      PENDING.compareAndSet(this, meter, null);
    }

    synchronized void putActive(int number, Meter meter) {
      if (active == null || activeNumber == number) {
        activeNumber = number;
        active = meter;
        return;
      }
      Map<Integer, Meter> more = moreActive;
      if (more == null) {
        more = new HashMap<>(4);
        moreActive = more;
      }
      more.put(number, meter);
    }

    synchronized @Nullable Meter removeActive(int number) {
      Meter a = active;
      if (a != null && activeNumber == number) {
        active = null;
        return a;
      }
      Map<Integer, Meter> more = moreActive;
      return more == null ? null : more.remove(number);
    }

    synchronized List<Meter> drainActive() {
      Meter a = active;
      Map<Integer, Meter> more = moreActive;
      if (a == null && (more == null || more.isEmpty())) {
        return List.of();
      }
      List<Meter> out = new ArrayList<>();
      if (a != null) {
        out.add(a);
        active = null;
      }
      if (more != null) {
        out.addAll(more.values());
        more.clear();
      }
      return out;
    }

    synchronized Cost add(Cost cost) {
      Cost t = total;
      Cost sum = t == null ? cost : t.plus(cost);
      total = sum;
      return sum;
    }
  }

  /**
   * One attempt's reservation and what its stream showed. States: new, started (an attempt
   * began), done (settled or released); each transition happens once.
   */
  static final class Meter implements BiConsumer<@Nullable ChatResponse, @Nullable Throwable> {
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int DONE = 2;
    private static final AtomicIntegerFieldUpdater<Meter> STATE_UPDATER =
        AtomicIntegerFieldUpdater.newUpdater(Meter.class, "state");

    final ChatRequest request;
    final String endpoint;
    final ModelInfo model;
    private final CostGate.Settlement settlement;
    private final CallState owner;
    @SuppressWarnings("UnusedVariable") // read and written through STATE_UPDATER
    private volatile int state = NEW;
    // Guarded by this: chunks and the attempt's end may arrive on different threads.
    private @Nullable StringBuilder partial;
    private @Nullable Usage reported;
    private boolean sawChunks;

    Meter(ChatRequest request, String endpoint, ModelInfo model, CostGate.Settlement settlement, CallState owner) {
      this.request = request;
      this.endpoint = endpoint;
      this.model = model;
      this.settlement = settlement;
      this.owner = owner;
    }

    boolean start() {
      return STATE_UPDATER.compareAndSet(this, NEW, STARTED);
    }

    /**
     * The interceptor's stage completed: if the attempt never started (a failure above the model,
     * a call cancelled in between), release the reservation.
     */
    @Override
    public void accept(@Nullable ChatResponse response, @Nullable Throwable error) {
      owner.clearPending(this);
      abandon();
    }

    synchronized void observe(ChatChunk chunk) {
      sawChunks = true;
      if (!chunk.textDelta().isEmpty()) {
        StringBuilder sb = partial;
        if (sb == null) {
          sb = new StringBuilder();
          partial = sb;
        }
        sb.append(chunk.textDelta());
      }
      Usage u = chunk.usage();
      if (u != null) {
        reported = u;
      }
    }

    synchronized String partialText() {
      StringBuilder sb = partial;
      return sb == null ? "" : sb.toString();
    }

    synchronized @Nullable Usage reportedUsage() {
      return reported;
    }

    synchronized boolean sawChunks() {
      return sawChunks;
    }

    void settle(Usage usage, Cost cost, long costNanos) {
      if (STATE_UPDATER.compareAndSet(this, STARTED, DONE)) {
        settlement.settle(usage, cost, costNanos);
      }
    }

    /** Releases the reservation of an attempt that never started. */
    void abandon() {
      if (STATE_UPDATER.compareAndSet(this, NEW, DONE)) {
        settlement.release();
      }
    }

    void abandonStarted() {
      if (STATE_UPDATER.compareAndSet(this, STARTED, DONE)) {
        settlement.release();
      }
    }
  }
}
