package dev.easel.engine.scheduler;

import dev.easel.engine.NoiseSource;

/**
 * Euler steps on a rectified-flow ODE (Esser et al. 2024, "Scaling Rectified Flow Transformers", §2): the
 * model predicts the velocity v = ε − x0 and x_t = (1−σ)·x0 + σ·ε; diffusers'
 * FlowMatchEulerDiscreteScheduler with a static {@code shift}: σ' = shift·σ / (1 + (shift−1)·σ).
 */
public final class FlowMatchEulerScheduler extends PlannedScheduler {

    private final int trainSteps;
    private final double shift;
    private double[] sigmas;

    FlowMatchEulerScheduler(SchedulerConfig config) {
        if (!config.flowMatching()) {
            throw new UnsupportedSchedulerException("flow_euler", "the model predicts " + config.predictionType() + ", not a flow velocity");
        }
        this.trainSteps = config.numTrainTimesteps();
        this.shift = config.shift();
    }

    private double shifted(double sigma) {
        return shift * sigma / (1 + (shift - 1) * sigma);
    }

    @Override
    public void setTimesteps(int steps) {
        // diffusers FlowMatchEulerDiscreteScheduler: training σ's run from 1 down to 1/T (then shifted);
        // set_timesteps: linspace(σ_max·T, σ_min·T, n) / T, shifted, timesteps = σ·T, final σ 0
        double sigmaMax = shifted(1.0);
        double sigmaMin = shifted(1.0 / trainSteps);
        sigmas = new double[steps + 1];
        timesteps = new double[steps];
        for (int i = 0; i < steps; i++) {
            double s = TrainingSchedule.linspace(sigmaMax * trainSteps, sigmaMin * trainSteps, steps, i) / trainSteps;
            sigmas[i] = shifted(s);
            timesteps[i] = sigmas[i] * trainSteps;
        }
    }

    @Override
    public Step step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        double sigma = sigmas[i];
        // x_next = x + (σ_next − σ)·v; the clean estimate is x − σ·v
        return new Step(Tensors.axpby(1.0, sample, sigmas[i + 1] - sigma, modelOutput), Tensors.axpby(1.0, sample, -sigma, modelOutput));
    }

    @Override
    public float[] addNoise(float[] clean, float[] noise, int i) {
        // diffusers FlowMatchEulerDiscreteScheduler.scale_noise: σ·ε + (1−σ)·x0
        return Tensors.axpby(1 - sigmas[i], clean, sigmas[i], noise);
    }
}
