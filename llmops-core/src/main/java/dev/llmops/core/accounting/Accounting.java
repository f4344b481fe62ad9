package dev.llmops.core.accounting;

import dev.llmops.api.CallEvent;
import dev.llmops.api.Cost;
import dev.llmops.api.ModelInfo;
import dev.llmops.api.Usage;
import dev.llmops.core.pipeline.Capability;
import dev.llmops.core.pipeline.Wiring;
import dev.llmops.core.pricing.ModelPrice;
import dev.llmops.core.pricing.PriceCatalog;
import dev.llmops.core.sink.SinkQueue;
import dev.llmops.core.tokens.TokenCounter;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Token and cost accounting for a client: prices every attempt from a {@link PriceCatalog}, writes
 * exactly one {@link LedgerRecord} per attempt that reached a provider to a {@link LedgerSink}, and
 * records the call's total {@link Cost} as the call attribute {@link Cost#KEY}. Turn it on with
 * {@code LlmClient.builder().accounting(Accounting.builder().ledger(ledger).build())}.
 *
 * <p>Provider-reported usage is authoritative. When a provider reports none (a stream without
 * usage, a cut or cancelled stream), the usage is counted locally from the prompt and the partial
 * output, with the model's tokenizer where one exists, and flagged as estimated.
 *
 * <p>Immutable and thread-safe; one instance may serve several clients. A client prices its
 * endpoints' models once, when it is built; only an answer from a model other than the endpoint's
 * (a dated id) is looked up in the catalog per call.
 */
@SuppressWarnings("exports") // Capability is the client's unexported wiring contract; see Capability
public final class Accounting implements Capability {
  private final PriceCatalog catalog;
  private final LedgerSink ledger;
  private final SinkQueue ledgerQueue;
  private final UnknownModelPolicy unknownModels;
  private final Function<String, TokenCounter> tokenCounters;

  private Accounting(Builder b) {
    this.catalog = b.catalog;
    this.ledger = b.ledger;
    this.ledgerQueue = b.ledgerQueue;
    this.unknownModels = b.unknownModels;
    this.tokenCounters = b.tokenCounters;
  }

  /** A new builder: bundled prices, no ledger sink, unknown models recorded at unknown cost. */
  public static Builder builder() {
    return new Builder();
  }

  /** Accounting with the defaults of {@link #builder()}. */
  public static Accounting create() {
    return builder().build();
  }

  /** The price catalog. */
  public PriceCatalog catalog() {
    return catalog;
  }

  /** Where records go. */
  public LedgerSink ledger() {
    return ledger;
  }

  /** The queue records reach the {@link #ledger()} through (an in-memory ledger is written directly). */
  public SinkQueue ledgerQueue() {
    return ledgerQueue;
  }

  /** What happens for a model without a price. */
  public UnknownModelPolicy unknownModels() {
    return unknownModels;
  }

  /** The token counter for a provider model id. */
  public TokenCounter tokenCounter(String modelId) {
    return tokenCounters.apply(modelId);
  }

  /**
   * The price of {@code modelId} served by {@code provider}, trying the answering model's id first
   * when it differs (responses name dated ids such as {@code gpt-4o-2024-08-06}).
   */
  public @Nullable ModelPrice price(String provider, String modelId, @Nullable String answeredBy) {
    ModelPrice answering = answeringPrice(provider, modelId, answeredBy);
    return answering != null ? answering : find(provider, modelId);
  }

  /** The price of {@code answeredBy} when it names a model other than {@code modelId} and has one. */
  @Nullable ModelPrice answeringPrice(String provider, String modelId, @Nullable String answeredBy) {
    return answeredBy != null && !answeredBy.isEmpty() && !answeredBy.equals(modelId) ? find(provider, answeredBy) : null;
  }

  private @Nullable ModelPrice find(String provider, String modelId) {
    return catalog.find(provider, modelId).orElse(null);
  }

  /** The cost of {@code usage} on {@code model}, unknown when the catalog has no price for it. */
  public Cost cost(ModelInfo model, @Nullable String answeredBy, Usage usage) {
    return cost(price(model.provider(), model.modelId(), answeredBy), usage);
  }

  /** The cost of {@code usage} at {@code price}, unknown when there is no price. */
  Cost cost(@Nullable ModelPrice price, Usage usage) {
    return price == null ? Cost.unknown(usage.estimated(), catalog.version()) : price.cost(usage, catalog.version());
  }

  /**
   * Installs the accounting step (an interceptor in the {@code ACCOUNTING} slot and a listener)
   * into a client being built, with the ledger's queue (one per client, closed with it);
   * {@code LlmClient.Builder} calls it, applications do not.
   *
   * @throws dev.llmops.api.ConfigurationException if the ledger queue's journal cannot be opened
   */
  @Override
  public void install(Wiring wiring) {
    AccountingStep step = new AccountingStep(this, wiring.endpoints(), wiring.clock(), LedgerQueues.open(this, wiring));
    wiring.interceptor(step);
    wiring.listener(step);
  }

  /** Builds {@link Accounting}. Setters validate at once. Not thread-safe. */
  public static final class Builder {
    private PriceCatalog catalog = PriceCatalog.bundled();
    private LedgerSink ledger = LedgerSink.noop();
    private SinkQueue ledgerQueue = SinkQueue.defaults();
    private UnknownModelPolicy unknownModels = UnknownModelPolicy.RECORD;
    private Function<String, TokenCounter> tokenCounters = TokenCounter::forModel;

    private Builder() {}

    /** Sets the price catalog (default: {@link PriceCatalog#bundled()}). */
    public Builder catalog(PriceCatalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /**
     * Sets where ledger records go (default: nowhere). A sink of the application's is written
     * through the {@link #ledgerQueue ledger queue}, off the call path, one record at a time; wrap
     * a batch writer with {@link LedgerSink#batched}. An {@link InMemoryLedger} is written
     * directly: its write is one lock-free append that cannot block or fail, so a record is in it
     * when the call returns.
     */
    public Builder ledger(LedgerSink ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /**
     * Sets the queue records reach the ledger sink through (default {@link SinkQueue#defaults()}:
     * 10,000 records, dropped and counted when full; journal them with {@link
     * dev.llmops.core.sink.OverflowPolicy#JOURNAL} to lose none).
     */
    public Builder ledgerQueue(SinkQueue queue) {
      this.ledgerQueue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /** Sets what happens for a model without a price (default {@link UnknownModelPolicy#RECORD}). */
    public Builder unknownModels(UnknownModelPolicy policy) {
      this.unknownModels = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how a provider model id maps to a token counter for usage the provider did not report
     * (default {@link TokenCounter#forModel}).
     */
    public Builder tokenCounters(Function<String, TokenCounter> tokenCounters) {
      this.tokenCounters = Objects.requireNonNull(tokenCounters, "tokenCounters");
      return this;
    }

    /** Builds the accounting configuration. */
    public Accounting build() {
      return new Accounting(this);
    }
  }

  /**
   * Published before an attempt to a model the price catalog does not know; its cost will be
   * recorded as unknown.
   *
   * @param endpoint the endpoint name
   * @param provider the provider
   * @param model the provider model id
   * @param catalogVersion the catalog searched
   */
  public record UnknownPriceEvent(String endpoint, String provider, String model, String catalogVersion)
      implements CallEvent {

    @Override
    public String name() {
      return "llmops.accounting.unknown_price";
    }
  }
}
