/** A support agent with three tools, run offline on a scripted model, crashed after step 2 and resumed. */
@NullMarked
package dev.llmops.examples.agent;

import org.jspecify.annotations.NullMarked;
