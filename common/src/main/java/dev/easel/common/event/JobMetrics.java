package dev.easel.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Timings of one job in milliseconds; a phase that was not measured is null. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobMetrics(Long queueMs, Long runMs, Long inferenceMs, Long uploadMs) {
}
