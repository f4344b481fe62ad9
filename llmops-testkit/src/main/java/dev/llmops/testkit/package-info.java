/** Fake models, fault injection, a test clock, a manual scheduler and a recording listener. */
@NullMarked
package dev.llmops.testkit;

import org.jspecify.annotations.NullMarked;
