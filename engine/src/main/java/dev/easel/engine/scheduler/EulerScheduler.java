package dev.easel.engine.scheduler;

import dev.easel.engine.NoiseSource;

/**
 * Euler's method on the probability-flow ODE in σ (Karras et al. 2022, algorithm 1 without churn);
 * diffusers' EulerDiscreteScheduler. Latents live at scale σ, so the model input is divided by √(σ²+1).
 */
public class EulerScheduler extends PlannedScheduler {

    protected final TrainingSchedule schedule;
    private final String prediction;
    protected double[] sigmas;
    private double initNoiseSigma;

    EulerScheduler(SchedulerConfig config) {
        this.schedule = TrainingSchedule.of(config);
        this.prediction = config.predictionType();
        if (!prediction.equals("epsilon") && !prediction.equals("v_prediction")) {
            throw new UnsupportedSchedulerException("euler", "prediction type " + prediction + " is not supported");
        }
    }

    @Override
    public void setTimesteps(int steps) {
        timesteps = schedule.timesteps(steps);
        sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            // diffusers EulerDiscreteScheduler.set_timesteps: np.interp(timesteps, arange(T), sigmas), then a final 0
            sigmas[i] = schedule.sigmaAt(timesteps[i]);
        }
        double max = sigmas[0];
        // diffusers EulerDiscreteScheduler.init_noise_sigma: σ_max for linspace/trailing spacing, else √(σ_max²+1)
        initNoiseSigma = "leading".equals(spacing()) ? Math.sqrt(max * max + 1) : max;
    }

    private String spacing() {
        return schedule.timestepsSpacing();
    }

    @Override
    public float initNoiseSigma() {
        return (float) initNoiseSigma;
    }

    @Override
    public float[] scaleModelInput(float[] sample, int i) {
        // diffusers EulerDiscreteScheduler.scale_model_input: sample / √(σ² + 1)
        return Tensors.scale(sample, 1.0 / Math.sqrt(sigmas[i] * sigmas[i] + 1));
    }

    /** The model's estimate of the clean sample at σ (diffusers EulerDiscreteScheduler.step, pred_original_sample). */
    protected float[] predictOriginal(float[] modelOutput, float[] sample, double sigma) {
        if (prediction.equals("epsilon")) {
            return Tensors.axpby(1.0, sample, -sigma, modelOutput); // x0 = x − σ·ε
        }
        // v_prediction: x0 = v·(−σ/√(σ²+1)) + x/(σ²+1)
        return Tensors.axpby(1.0 / (sigma * sigma + 1), sample, -sigma / Math.sqrt(sigma * sigma + 1), modelOutput);
    }

    @Override
    public Step step(float[] modelOutput, int i, float[] sample, NoiseSource noise) {
        double sigma = sigmas[i];
        float[] x0 = predictOriginal(modelOutput, sample, sigma);
        // derivative d = (x − x0)/σ; x_next = x + d·(σ_next − σ)
        double dt = sigmas[i + 1] - sigma;
        float[] next = new float[sample.length];
        for (int k = 0; k < next.length; k++) {
            double d = (sample[k] - x0[k]) / sigma;
            next[k] = (float) (sample[k] + d * dt);
        }
        return new Step(next, x0);
    }

    @Override
    public float[] addNoise(float[] clean, float[] noise, int i) {
        // diffusers EulerDiscreteScheduler.add_noise: x0 + ε·σ
        return Tensors.axpby(1.0, clean, sigmas[i], noise);
    }
}
