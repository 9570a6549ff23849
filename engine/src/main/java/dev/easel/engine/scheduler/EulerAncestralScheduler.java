package dev.easel.engine.scheduler;

import dev.easel.engine.NoiseSource;

/**
 * Euler with ancestral sampling: each step goes down to σ_down and adds fresh noise of σ_up
 * (k-diffusion get_ancestral_step with η = 1); diffusers' EulerAncestralDiscreteScheduler. Draws noise
 * once per step.
 */
public final class EulerAncestralScheduler extends EulerScheduler {

    EulerAncestralScheduler(SchedulerConfig config) {
        super(config);
    }

    @Override
    public Step step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        double from = sigmas[i];
        double to = sigmas[i + 1];
        float[] x0 = predictOriginal(modelOutput, sample, from);
        // diffusers EulerAncestralDiscreteScheduler.step: σ_up = √(σ_to²(σ_from² − σ_to²)/σ_from²), σ_down = √(σ_to² − σ_up²)
        double up = Math.sqrt(to * to * (from * from - to * to) / (from * from));
        double down = Math.sqrt(to * to - up * up);
        float[] fresh = noise.gaussian(sample.length);
        float[] next = new float[sample.length];
        for (int k = 0; k < next.length; k++) {
            double d = (sample[k] - x0[k]) / from;
            next[k] = (float) (sample[k] + d * (down - from) + fresh[k] * up);
        }
        return new Step(next, x0);
    }
}
