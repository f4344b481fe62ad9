/**
 * HTTP, SSE, header and error-mapping machinery shared by the provider adapters; not exported,
 * may change without notice.
 */
@NullMarked
package dev.llmops.core.provider.internal;

import org.jspecify.annotations.NullMarked;
