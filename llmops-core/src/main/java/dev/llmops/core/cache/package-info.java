/**
 * The exact-match response cache: deterministic requests keyed by a canonical hash of endpoint,
 * messages and parameters, answered from memory at no cost.
 */
@NullMarked
package dev.llmops.core.cache;

import org.jspecify.annotations.NullMarked;
