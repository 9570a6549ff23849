package dev.easel.engine.scheduler;

import dev.easel.engine.InvalidInputException;

/** The sampler cannot serve this model's schedule (e.g. a flow sampler on an epsilon model). */
public class UnsupportedSchedulerException extends InvalidInputException {

    public UnsupportedSchedulerException(String scheduler, String reason) {
        super("unsupported_scheduler", "scheduler", scheduler + ": " + reason);
    }
}
