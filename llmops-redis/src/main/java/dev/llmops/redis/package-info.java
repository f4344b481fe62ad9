/** Budget counters on Redis, shared by every replica of a service. */
@NullMarked
package dev.llmops.redis;

import org.jspecify.annotations.NullMarked;
