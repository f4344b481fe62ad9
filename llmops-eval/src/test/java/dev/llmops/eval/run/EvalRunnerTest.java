package dev.llmops.eval.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmops.api.ChatRequest;
import dev.llmops.api.Fingerprint;
import dev.llmops.api.Money;
import dev.llmops.core.LlmClient;
import dev.llmops.core.accounting.Accounting;
import dev.llmops.core.accounting.InMemoryLedger;
import dev.llmops.core.accounting.LedgerRecord;
import dev.llmops.core.budget.Budgets;
import dev.llmops.eval.Fixtures;
import dev.llmops.eval.dataset.Dataset;
import dev.llmops.eval.evaluator.Evaluators;
import dev.llmops.testkit.FakeChatModel;
import dev.llmops.testkit.FakeReply;
import dev.llmops.testkit.Fault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalRunnerTest {
  private final Fixtures f = new Fixtures();

  @TempDir Path dir;

  @Test
  void concurrencyIsBoundedAndTheRunKeepsTheModelBusyOnTheTestClock() {
    FakeChatModel fake = f.capitals(Duration.ofMillis(200));
    try (LlmClient client = f.client(fake).build()) {
      EvalRunner runner = EvalRunner.builder(client).evaluators(Evaluators.contains("Paris")).concurrency(5).build();
      CompletableFuture<RunResult> run = runner.runAsync(Fixtures.questions(20), Candidate.prompt("qa"));
      RunResult r = f.await(run, Duration.ofMillis(200), 100);

      assertThat(r.complete()).isTrue();
      assertThat(r.passed()).isEqualTo(20);
      assertThat(fake.maxInFlight()).isEqualTo(5);
      assertThat(r.peakInFlight()).isEqualTo(5);
      // 20 cases, 5 at a time, 200 ms each: four rounds, no gaps between them.
      assertThat(f.clock.instant()).isEqualTo(dev.llmops.testkit.TestClock.DEFAULT_START.plusMillis(800));
      assertThat(r.outcomes()).extracting(CaseOutcome::latencyMillis).containsOnly(200.0);
    }
  }

  @Test
  void everyCallCarriesTheDatasetVersionInItsFingerprint() {
    FakeChatModel fake = f.capitals(Duration.ZERO);
    Dataset dataset = Fixtures.questions(3);
    try (LlmClient client = f.client(fake).build()) {
      EvalRunner runner = EvalRunner.builder(client).build();
      runner.run(dataset, Candidate.prompt("qa").withLabel("candidate"));
      runner.run(Fixtures.messages(3), Candidate.model("fake").named("plain"));
    }
    // Prompt calls (the prompt step re-records the fingerprint) and plain calls alike.
    assertThat(f.fingerprints).hasSize(6);
    assertThat(f.fingerprints.subList(0, 3)).allSatisfy(fp -> assertThat(fp.dataset()).isEqualTo(dataset.id()));
    assertThat(f.fingerprints.subList(3, 6)).allSatisfy(fp -> {
      assertThat(fp.dataset()).isEqualTo(Fixtures.messages(3).id());
      assertThat(fp.promptName()).isNull();
      assertThat(fp.model()).isEqualTo("fake");
    });
    assertThat(f.fingerprints.subList(0, 3)).allSatisfy(fp -> {
      assertThat(fp.promptName()).isEqualTo("qa");
      assertThat(fp.promptVersion()).isEqualTo(1);
    });
    assertThat(dataset.id()).matches("capitals@[0-9a-f]{16}");
  }

  @Test
  void theResultsRecordWhichPromptVersionModelAndDatasetAnswered() throws IOException {
    try (LlmClient client = f.client(f.capitals(Duration.ZERO)).build()) {
      RunResult r = EvalRunner.builder(client).resultsDirectory(dir).build()
          .run(Fixtures.questions(2), Candidate.prompt("qa"));
      List<String> lines = Files.readAllLines(r.resultsFile());
      assertThat(lines).hasSize(3);
      assertThat(lines.get(1)).contains("\"prompt\":\"qa\"", "\"version\":2", "\"dataset\":\"capitals@");
      com.fasterxml.jackson.databind.JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(1));
      String served = line.path("fingerprint").path("served").asText();
      assertThat(served).as("the model that answered").isEqualTo(f.capitals(Duration.ZERO).info().modelId());
      assertThat(ResultsFile.fromJson(line).fingerprint().served()).isEqualTo(served);
    }
  }

  @Test
  void baselineAndCandidateRunSideBySide() {
    try (LlmClient client = f.client(f.capitals(Duration.ZERO)).build()) {
      EvalRunner runner = EvalRunner.builder(client).evaluators(Evaluators.contains("Paris")).build();
      dev.llmops.eval.compare.Comparison c = dev.llmops.eval.compare.Comparison.sideBySide(runner, Fixtures.questions(20),
          Candidate.prompt("qa"), Candidate.prompt("qa").withLabel("candidate"), dev.llmops.eval.compare.GatePolicy.defaults());
      assertThat(c.baseline().candidateName()).isEqualTo("qa");
      assertThat(c.candidate().candidateName()).isEqualTo("qa@candidate");
      assertThat(c.pairs()).isEqualTo(20);
      assertThat(c.regressed()).hasSize(20);
      assertThat(c.verdict()).isEqualTo(dev.llmops.eval.compare.Verdict.REGRESSION);
    }
  }

  @Test
  void aProviderFailureFailsItsCaseWithTheErrorAndTheRunGoesOn() {
    FakeChatModel fake = f.capitals(Duration.ZERO);
    fake.failNext(1, Fault.invalidRequest());
    try (LlmClient client = f.client(fake).build()) {
      RunResult r = EvalRunner.builder(client).evaluators(Evaluators.contains("Paris")).concurrency(1).build()
          .run(Fixtures.questions(3), Candidate.prompt("qa"));
      assertThat(r.complete()).isTrue();
      assertThat(r.passed()).isEqualTo(2);
      CaseOutcome first = r.outcome("q-0").orElseThrow();
      assertThat(first.errors()).isEqualTo(1);
      assertThat(first.failures()).startsWith("error: InvalidRequestException");
    }
  }

  @Test
  void aPlainModelCandidateNeedsMessagesAndSaysSo() {
    try (LlmClient client = f.client(f.capitals(Duration.ZERO)).build()) {
      RunResult r = EvalRunner.builder(client).build().run(Fixtures.questions(1), Candidate.model("fake"));
      assertThat(r.outcome("q-0").orElseThrow().failures())
          .contains("case 'q-0' has no messages to send to the plain model candidate fake");
    }
  }

  @Test
  void theRunBudgetIsHardAndStopsTheRunIncomplete() {
    FakeChatModel fake = FakeChatModel.builder().provider("openai").modelId("gpt-4o").recordRequests(false).build();
    RunBudget budget = RunBudget.of(Money.usd("0.005"));
    InMemoryLedger ledger = InMemoryLedger.create();
    try (LlmClient client = f.client(fake)
        .accounting(Accounting.builder().ledger(ledger).build())
        .budgets(Budgets.builder().budget(budget.budget()).build())
        .build()) {
      // Admission reserves input bytes plus 50 output tokens at gpt-4o's prices for each call.
      Candidate capped = Candidate.prompt("qa")
          .withParameters(dev.llmops.api.GenerationParameters.builder().maxOutputTokens(50).build());
      RunResult r = EvalRunner.builder(client).budget(budget).concurrency(4).build()
          .run(Fixtures.questions(200), capped);

      assertThat(r.budgetExhausted()).isTrue();
      assertThat(r.complete()).isFalse();
      assertThat(r.notRun()).isPositive();
      assertThat(r.outcomes().size()).isBetween(1, 199);
      Money spent = Money.ZERO;
      for (LedgerRecord rec : ledger.records()) {
        spent = spent.plus(rec.cost().amount().orElseThrow());
      }
      assertThat(spent.compareTo(budget.limit())).isLessThanOrEqualTo(0);
      assertThat(ledger.records()).allSatisfy(rec -> assertThat(rec.apiKeyId()).startsWith(RunBudget.KEY_PREFIX));
    }
  }

  @Test
  void aRunBudgetNeedsTheClientsBudgets() {
    try (LlmClient client = f.client(f.capitals(Duration.ZERO)).build()) {
      EvalRunner runner = EvalRunner.builder(client).budget(RunBudget.of(Money.usd("1"))).build();
      assertThatThrownBy(() -> runner.run(Fixtures.questions(1), Candidate.prompt("qa")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("RunBudget.budget()");
    }
  }

  @Test
  void anInterruptedRunResumesWhereItStopped() throws IOException {
    FakeChatModel fake = f.capitals(Duration.ofMillis(100));
    Dataset dataset = Fixtures.questions(10);
    try (LlmClient client = f.client(fake).build()) {
      EvalRunner runner = EvalRunner.builder(client).resultsDirectory(dir).concurrency(2).build();
      CompletableFuture<RunResult> first = runner.runAsync(dataset, Candidate.prompt("qa"));
      f.clock.advance(Duration.ofMillis(200)); // two rounds of two: four cases written
      first.cancel(false);                     // the two in flight are still written
      f.clock.advance(Duration.ofMillis(100));
      assertThat(fake.callCount()).isEqualTo(6);
      Path file;
      try (var files = Files.list(dir.resolve("capitals"))) {
        file = files.findFirst().orElseThrow();
      }
      assertThat(Files.readAllLines(file)).hasSize(1 + 6);
      // The run died while writing a seventh line: resuming cuts it off.
      Files.writeString(file, "{\"i\":7,\"id\":\"q-7\",\"r\":0,\"pass", java.nio.file.StandardOpenOption.APPEND);

      RunResult resumed = f.await(runner.runAsync(dataset, Candidate.prompt("qa")), Duration.ofMillis(100), 100);
      assertThat(fake.callCount()).isEqualTo(10); // only the four missing cases ran
      assertThat(resumed.complete()).isTrue();
      assertThat(resumed.outcomes()).extracting(CaseOutcome::caseId)
          .containsExactly("q-0", "q-1", "q-2", "q-3", "q-4", "q-5", "q-6", "q-7", "q-8", "q-9");
      assertThat(Files.readAllLines(file)).hasSize(11);
    }
  }

  @Test
  void aChangedCandidateNeverResumesAnothersResults() {
    try (LlmClient client = f.client(f.capitals(Duration.ZERO)).build()) {
      EvalRunner runner = EvalRunner.builder(client).resultsDirectory(dir).evaluators(Evaluators.contains("Paris")).build();
      RunResult production = runner.run(Fixtures.questions(4), Candidate.prompt("qa"));
      RunResult candidate = runner.run(Fixtures.questions(4), Candidate.prompt("qa").withLabel("candidate"));
      assertThat(production.passed()).isEqualTo(4);
      assertThat(candidate.passed()).isZero();
      assertThat(candidate.resultsFile()).isNotEqualTo(production.resultsFile());
    }
  }

  @Test
  void repeatsSendOneSeedEachAndTheRepeatRuleDecides() {
    FakeChatModel fake = FakeChatModel.builder().recordRequests(true).build();
    // Even seeds get the right answer, odd ones a wrong one.
    fake.when(r -> true).answer(r -> FakeReply.text(r.parameters().seed() % 2 == 0 ? "Paris" : "Lyon"));
    try (LlmClient client = f.client(fake).build()) {
      EvalRunner.Builder b = EvalRunner.builder(client).evaluators(Evaluators.contains("Paris")).repeats(3).seed(10);
      RunResult majority = b.build().run(Fixtures.questions(2), Candidate.prompt("qa"));
      RunResult all = b.repeatRule(RepeatRule.ALL).build().run(Fixtures.questions(2), Candidate.prompt("qa"));

      assertThat(fake.requests()).extracting(ChatRequest::parameters).extracting(p -> p.seed())
          .containsOnly(10L, 11L, 12L);
      assertThat(fake.callCount()).isEqualTo(12);
      CaseOutcome o = majority.outcome("q-0").orElseThrow();
      assertThat(o.runs()).isEqualTo(3);
      assertThat(o.passes()).isEqualTo(2); // seeds 10 and 12
      assertThat(o.passed()).isTrue();
      assertThat(o.score()).isEqualTo(2.0 / 3);
      assertThat(all.outcome("q-0").orElseThrow().passed()).isFalse();
    }
  }

  @Test
  void progressOnATerminalRedrawsOneLineWithoutEscapeCodes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (LlmClient client = f.client(f.capitals(Duration.ofSeconds(1))).build()) {
      CompletableFuture<RunResult> run = EvalRunner.builder(client).concurrency(1)
          .progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true).build()
          .runAsync(Fixtures.questions(4), Candidate.prompt("qa"));
      f.await(run, Duration.ofSeconds(1), 10);
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("\u001b");
    assertThat(out.split("\r", -1)).hasSize(5); // one redraw per case
    assertThat(out).contains("1/4  25% | ETA 0:03 | spent 0 USD", "4/4 100% | ETA done in 0:04").endsWith("\n");
  }

  @Test
  void progressInALogPrintsPlainLinesEveryTenPercent() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (LlmClient client = f.client(f.capitals(Duration.ZERO)).build()) {
      EvalRunner.builder(client).concurrency(3).progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false)
          .build().run(Fixtures.questions(100), Candidate.prompt("qa"));
    }
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("\r").doesNotContain("\u001b");
    assertThat(out.lines()).hasSize(11).last().asString().contains("100/100 100%");
  }

  @Test
  void memoryStaysFlatOverOneHundredThousandCasesStreamedFromAFile() throws IOException {
    int n = 100_000;
    Path file = dir.resolve("big.jsonl");
    StringBuilder sb = new StringBuilder(n * 60);
    for (int i = 0; i < n; i++) {
      sb.append("{\"id\":\"c").append(i).append("\",\"messages\":[{\"role\":\"user\",\"content\":\"q").append(i % 97)
          .append("\"}]}\n");
    }
    Files.writeString(file, sb);
    Dataset big = Dataset.load(file);
    FakeChatModel fake = FakeChatModel.builder().recordRequests(false).wordsPerReply(3).build();
    try (LlmClient client = LlmClient.builder().clock(f.clock).scheduler(f.scheduler).model("fake", fake).build()) {
      RunResult r = EvalRunner.builder(client).concurrency(16).evaluators(Evaluators.length(1, 100)).build()
          .run(big, Candidate.model("fake"));
      assertThat(r.complete()).isTrue();
      assertThat(r.outcomes()).hasSize(n);
      // Never more than the concurrency held in memory: every result was on disk before the next started.
      assertThat(r.peakInFlight()).isLessThanOrEqualTo(16);
      try (var lines = Files.lines(r.resultsFile())) {
        assertThat(lines.count()).isEqualTo(n + 1);
      }
    }
  }
}
