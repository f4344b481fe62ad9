/** The client, its builder and the fixed order of the call pipeline. */
@NullMarked
package dev.llmops.core;

import org.jspecify.annotations.NullMarked;
