/** Application-facing value types, the call pipeline contracts and the exception hierarchy. */
@NullMarked
package dev.llmops.api;

import org.jspecify.annotations.NullMarked;
