/**
 * Spring Boot auto-configuration for llmops: an {@link dev.llmops.core.LlmClient} bean from the
 * {@code llmops.*} properties (the keys of the llmops configuration file), Micrometer metrics
 * ({@link dev.llmops.spring.boot.MicrometerCallListener}) and the extension points applications
 * override. See {@code docs/spring-boot.md}.
 */
@NullMarked
package dev.llmops.spring.boot;

import org.jspecify.annotations.NullMarked;
