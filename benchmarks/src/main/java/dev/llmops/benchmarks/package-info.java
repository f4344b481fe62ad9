/** JMH benchmarks: run {@code java -jar benchmarks/target/benchmarks.jar -prof gc}. */
@NullMarked
package dev.llmops.benchmarks;

import org.jspecify.annotations.NullMarked;
