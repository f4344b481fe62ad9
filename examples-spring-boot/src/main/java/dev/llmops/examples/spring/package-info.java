/**
 * A sample Spring Boot web application on the llmops starter, offline on fake models: see {@link
 * dev.llmops.examples.spring.SupportApplication}.
 */
@NullMarked
package dev.llmops.examples.spring;

import org.jspecify.annotations.NullMarked;
