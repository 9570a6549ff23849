package dev.easel.engine.scheduler;

/** Builds the sampler an API scheduler name stands for, for a model's schedule. */
public final class Schedulers {

    private Schedulers() {
    }

    /**
     * A fresh (stateful) sampler.
     *
     * @throws UnsupportedSchedulerException when the sampler cannot serve this schedule
     */
    public static Scheduler create(dev.easel.common.job.Scheduler name, SchedulerConfig config) {
        if (config.flowMatching() && name != dev.easel.common.job.Scheduler.FLOW_EULER) {
            throw new UnsupportedSchedulerException(name.wireName(), "this model is a flow-matching model; use flow_euler");
        }
        return switch (name) {
            case EULER -> new EulerScheduler(config);
            case EULER_ANCESTRAL -> new EulerAncestralScheduler(config);
            case DDIM -> new DdimScheduler(config);
            case DPMPP_2M -> new DpmSolverMultistepScheduler(config, false);
            case DPMPP_2M_KARRAS -> new DpmSolverMultistepScheduler(config, true);
            case LCM -> new LcmScheduler(config);
            case FLOW_EULER -> new FlowMatchEulerScheduler(config);
        };
    }

    /** Whether {@link #create} succeeds for this pair. */
    public static boolean supports(dev.easel.common.job.Scheduler name, SchedulerConfig config) {
        try {
            create(name, config);
            return true;
        } catch (UnsupportedSchedulerException e) {
            return false;
        }
    }
}
