/**
 * Budgets, quotas and rate limits: money or token budgets over windows on scopes, reserved before
 * each attempt and settled after it, requests- and tokens-per-minute limits, and what to do when a
 * call cannot be admitted (reject, wait, downgrade to a cheaper model).
 */
@NullMarked
package dev.llmops.core.budget;

import org.jspecify.annotations.NullMarked;
