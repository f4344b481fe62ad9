/** The quickstart: a client over a fake model, called blocking, asynchronously and streaming. */
@NullMarked
package dev.llmops.examples.quickstart;

import org.jspecify.annotations.NullMarked;
