package dev.easel.worker.inference.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import dev.easel.worker.inference.Timings;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@code unet/model.onnx} once per step ({@code sample}, {@code timestep},
 * {@code encoder_hidden_states} → {@code out_sample}). With classifier-free guidance the batch is doubled
 * — unconditional rows first, then conditional — and combined as {@code u + g·(c − u)}
 * (Ho &amp; Salimans 2022, eq. 6; diffusers' StableDiffusionPipeline.__call__).
 */
public final class Denoiser implements AutoCloseable {

    private final OnnxComponent component;
    private final String output;
    private final boolean integerTimestep;
    private final int inChannels;

    Denoiser(OnnxComponent component) {
        this.component = component;
        component.input("encoder_hidden_states");
        this.integerTimestep = component.input("timestep").type != OnnxJavaType.FLOAT;
        long[] sampleShape = component.input("sample").getShape();
        this.inChannels = sampleShape.length == 4 && sampleShape[1] > 0 ? (int) sampleShape[1] : 4;
        this.output = component.output("out_sample");
    }

    /** Channels of the UNet's input: 4 for text-to-image UNets, 9 for inpainting UNets (latents ‖ mask ‖ masked image). */
    public int inChannels() {
        return inChannels;
    }

    public ExecutionProvider provider() {
        return component.provider();
    }

    /**
     * The guided model output for {@code batch} samples of shape {@code [channels, h, w]} at {@code timestep}.
     * {@code context} holds the unconditional states followed by the conditional ones when guided, else
     * only the conditional ones.
     */
    public float[] predict(float[] sample, int batch, int channels, int h, int w, float timestep,
                           TextEncoder.Encoded context, double guidance, Timings timings) {
        boolean guided = context.batch() == 2 * batch;
        int rows = guided ? 2 * batch : batch;
        float[] input = sample;
        if (guided) {
            input = new float[sample.length * 2];
            System.arraycopy(sample, 0, input, 0, sample.length);
            System.arraycopy(sample, 0, input, sample.length, sample.length);
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        inputs.put("sample", component.floats(input, rows, channels, h, w));
        inputs.put("timestep", integerTimestep
                ? component.integers("timestep", new long[] {Math.round(timestep)}, 1)
                : component.floats(new float[] {timestep}, 1));
        inputs.put("encoder_hidden_states", component.floats(context.states(), rows, context.tokens(), context.hidden()));
        float[] out = component.run(inputs, output, timings, Timings.Stage.DENOISING);
        if (!guided) {
            return out;
        }
        int half = out.length / 2;
        float[] guidedOut = new float[half];
        float g = (float) guidance;
        for (int i = 0; i < half; i++) {
            float u = out[i];
            guidedOut[i] = u + g * (out[half + i] - u);
        }
        return guidedOut;
    }

    @Override
    public void close() {
        component.close();
    }
}
