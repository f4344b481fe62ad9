/**
 * The HTTP chat model every provider adapter is ({@link
 * dev.llmops.core.provider.internal.HttpChatModel}, speaking a {@link
 * dev.llmops.core.provider.internal.WireFormat}), with its endpoint settings, bounded body readers,
 * SSE, header and error-mapping machinery; not exported, may change without notice.
 */
@NullMarked
package dev.llmops.core.provider.internal;

import org.jspecify.annotations.NullMarked;
