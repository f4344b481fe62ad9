/** The JUnit 5 extension {@link dev.llmops.testkit.junit5.LlmTestKit}. */
@NullMarked
package dev.llmops.testkit.junit5;

import org.jspecify.annotations.NullMarked;
